"""End-to-end: every main page is usable on a phone, 390 px wide, in English
and Chinese (same set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in
its own process, Debian's Chromium; skipped where Chromium is missing,
except under CI).

No page may be wider than the screen (``document.documentElement.scrollWidth``
at most 390), no card's content may spill out of it (a wide table scrolls
inside its card instead), and the header keeps "Sign out" on the screen.
Screenshots of each page land in ``test-artifacts/phone/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import ACCOUNT, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "phone"
WIDTH = 390
#: page name -> (who opens it, path): the director's portfolio dashboard, the rest as lina (a manager)
PAGES = {
    "dashboard": ("director", "/"),
    "account": ("lina", f"/accounts/{ACCOUNT}"),
    "opportunity": ("lina", "/opportunities/opp-metro-line4"),
    "person": ("lina", "/people/p-han-xue"),
    "paste": ("lina", f"/accounts/{ACCOUNT}/people/paste"),
    "import": ("lina", "/import"),
    "my-week": ("lina", "/my-week"),
    "scorecard": ("director", "/scorecard"),
    "compliance": ("director", "/compliance"),
    "tokens": ("lina", "/settings/tokens"),
}
#: what spills: the page's width, and each card whose content is wider than the card
#: (its own scrolling part, such as a table that scrolls, does not count)
OVERFLOW = """() => ({
    page: document.documentElement.scrollWidth,
    cards: Array.from(document.querySelectorAll('.card'))
        .filter(card => card.scrollWidth > card.clientWidth + 1)
        .map(card => (card.querySelector('h2, h3') || card).textContent.trim().slice(0, 40)
                     + ' (' + card.scrollWidth + ' px)'),
})"""


def _sign_out_shown(s) -> bool:
    box = s.page.locator("header.top button.link").bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
def test_every_main_page_fits_a_phone(session_of, locale, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sessions, problems = {}, []
    for name, (user, path) in PAGES.items():
        if user not in sessions:
            sessions[user] = session_of(user, locale)
            sessions[user].page.set_viewport_size({"width": WIDTH, "height": 860})
        s = sessions[user]
        assert s.goto(path).status == 200, path
        if s.page.locator("#network").count():
            s.wait_for_network()
        found = s.page.evaluate(OVERFLOW)
        s.page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
        if found["page"] > WIDTH:
            problems.append(f"{name}: the page is {found['page']} px wide")
        problems += [f"{name}: the card {card} spills out" for card in found["cards"]]
        if not _sign_out_shown(s):
            problems.append(f"{name}: Sign out is off the screen")
    assert not problems, problems
