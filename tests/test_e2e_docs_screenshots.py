"""The screenshots of the user guides, taken from the demo portfolio in a real
browser (same set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in its own
process, Debian's Chromium; skipped where Chromium is missing, except under CI).

Unlike the other end-to-end tests' screenshots (``test-artifacts/``,
gitignored), these are written into ``docs/images/`` and committed, so the
guides show the app as it is: run this module after a change to a page and
commit the images that changed.  Each one is 1440 px wide (a 1440 x 900
window, device scale 1), cropped to the part of the page a guide talks about
(:data:`SHOTS` says which), a PNG of at most :data:`MAX_BYTES`.  The demo is
fixed but for its dates, which are relative to today; maps are laid out from a
fixed seed (``static/network.js``); the shots leave out the dashboard's "as of"
time and fill the interaction form's time in.  So two runs on one day write
the same bytes, and a shot changes when its page does (or, for a page that
shows a date, such as a last contact, with the day).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphcrm.graph import open_store

from browser import XSS_ID, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
WIDTH, HEIGHT = 1440, 900
MAX_BYTES = 450_000

#: file name -> (who, language, what it shows); the guides reference every one
SHOTS = {
    "dashboard.png": ("director", "en", "the portfolio dashboard: coverage by segment, the open bids"),
    "dashboard-attention-zh.png": ("director", "zh", "the accounts that need attention, in Chinese"),
    "dashboard-bids-closing.png": ("director", "en", "the open bids closing within 90 days, with owners and reasons"),
    "account-map.png": ("lina", "en", "an account's stakeholder network with the edit panel"),
    "account-map-zh.png": ("lina", "zh", "the same network in Chinese"),
    "paste-preview.png": ("lina", "en", "the preview of a pasted list of stakeholders"),
    "log-interaction.png": ("lina", "en", "the form that logs an interaction on a person page"),
    "power-map.png": ("lina", "en", "an opportunity's power map"),
    "readiness.png": ("lina", "en", "the readiness of a bid, component by component"),
    "what-if.png": ("lina", "en", "the what-if control: readiness if our account manager left"),
    "warm-paths.png": ("lina", "en", "warm paths to the people we have not reached"),
}

ACCOUNT = "acc-metro-group"     # lina's strategic account in the demo
OPPORTUNITY = "opp-metro-line4"  # its single-threaded bid, with a blocker
PERSON = "p-han-xue"            # the blocker

PASTED = "\n".join("\t".join(row) for row in [
    ("Name", "Title", "Reports to", "Department", "Influence", "Stance"),
    ("Helen Zhou", "CEO", "", "Board", "5", "neutral"),
    ("覃思远", "CTO", "Helen Zhou", "技术中心", "5", "supporter"),
    ("Mark Li", "CFO", "Helen Zhou", "Finance", "4", "skeptic"),
    ("王磊", "信号系统主任", "覃思远", "技术中心", "3", "champion"),
    ("Grace Wu", "IT architect", "覃思远", "技术中心", "3", "supporter"),
    ("赵晨", "运维经理", "覃思远", "运营部", "six", "skeptic"),  # a problem shown next to its cell
])


@pytest.fixture(scope="module", autouse=True)
def demo_without_test_records(demo_server):
    """The demo as shipped: without the stakeholder of hostile name the shared server adds."""
    with open_store(demo_server[1]) as store:
        store.delete("Person", XSS_ID)


@pytest.fixture
def window(browser, demo_server):
    """``window(username, language)``: a signed-in 1440 x 900 page at device scale 1."""
    from browser import Session

    opened = []

    def open_window(username: str, language: str = "en"):
        s = Session(browser, demo_server[0], username, "zh-CN" if language == "zh" else "en-US")
        s.page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        opened.append(s)
        return s

    yield open_window
    for s in opened:
        problems = s.problems
        s.close()
        assert not problems, problems


def _shot(s, name: str, top, bottom=None, *, max_height: int = 820) -> None:
    """Write docs/images/NAME: the full width of the page from the top of locator ``top``
    to the bottom of ``bottom`` (default: of ``top``), at most ``max_height`` px high."""
    assert name in SHOTS, f"{name} is not in SHOTS"
    first, last = _box(top), _box(bottom or top)
    y = max(first["top"] - 12, 0)
    height = min(last["bottom"] + 12 - y, max_height)
    IMAGES.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(IMAGES / name), clip={"x": 0, "y": y, "width": WIDTH, "height": height},
                      full_page=True, animations="disabled", caret="hide")
    size = (IMAGES / name).stat().st_size
    assert size <= MAX_BYTES, f"{name} is {size:,} bytes"


def _box(locator) -> dict:
    """The top and bottom of an element in page coordinates (whatever the scroll)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY}; }")


def _card(s, heading: str):
    """The card (``section.card``) whose heading starts with ``heading``."""
    return s.page.locator("section.card", has=s.page.locator(f"h2:text-matches('^{heading}')")).first


def _settled(s) -> None:
    s.page.wait_for_selector("#network[data-settled]", state="attached", timeout=120_000)


def test_the_directors_dashboard(window):
    s = window("director")
    s.goto("/")
    # from the chart down, without the heading's "As of" time, which differs on every run
    _shot(s, "dashboard.png", _card(s, "Coverage by segment"), s.page.locator("#bids"))
    zh = window("director", "zh")
    zh.goto("/")
    _shot(zh, "dashboard-attention-zh.png", zh.page.locator("#accounts-title"), zh.page.locator("#accounts"),
          max_height=700)
    s.goto("/?bids_closing=90&bids_sort=close_date")
    _shot(s, "dashboard-bids-closing.png", s.page.locator("#bids-title"), s.page.locator("#bids"))


def test_the_key_account_managers_pages(window):
    for language, name in (("en", "account-map.png"), ("zh", "account-map-zh.png")):
        s = window("lina", language)
        s.goto(f"/accounts/{ACCOUNT}")
        _settled(s)
        s.page.wait_for_timeout(300)  # the last redraw after the layout settled
        _shot(s, name, s.page.locator("section.card", has=s.page.locator("#network")).first)
    s = window("lina")
    s.goto(f"/people/{PERSON}")
    heading = s.page.locator("h2:text-is('Log an interaction')")
    # filled in as the guide says, with a fixed time (the form proposes now)
    s.page.fill("#at", "2026-05-12T10:30")
    s.page.select_option("#opportunity_id", OPPORTUNITY)
    s.page.fill("#summary", "ISCS interface workshop; she asked for a reference visit to Line 2.")
    _shot(s, "log-interaction.png", heading, s.page.locator("h2:text-is('Log an interaction') + form"), max_height=1300)


def test_the_paste_preview(window):
    s = window("lina")
    s.goto(f"/accounts/{ACCOUNT}/people/paste")
    s.page.fill("#paste-text", PASTED)
    with s.page.expect_navigation():
        s.page.click("button[value=check]")
    assert s.page.locator("#paste-grid tbody tr").count() == 6
    assert "1 row has a problem" in s.page.text_content("[role=status]")
    _shot(s, "paste-preview.png", s.page.locator("main h1"), s.page.locator("#paste-grid"))


def test_the_bid_teams_pages(window):
    s = window("lina")
    s.goto(f"/opportunities/{OPPORTUNITY}")
    _settled(s)
    s.page.wait_for_timeout(300)
    _shot(s, "power-map.png", _card(s, "Power map"))
    _shot(s, "readiness.png", _card(s, "Bid readiness"))
    _shot(s, "warm-paths.png", _card(s, "Warm paths"), max_height=600)
    s.page.select_option("#leaves", "u-lina")
    with s.page.expect_navigation():
        s.page.click("#what-if button[type=submit]")
    _settled(s)
    assert s.page.locator("#what-if p.scenario").inner_text().startswith("Without 李娜 Li Na")
    _shot(s, "what-if.png", s.page.locator("#what-if"), max_height=600)


def test_every_screenshot_is_taken_and_small():
    taken = {path.name: path.stat().st_size for path in IMAGES.glob("*.png")}
    assert set(SHOTS) <= set(taken), f"not taken: {sorted(set(SHOTS) - set(taken))}"
    assert sum(taken.values()) < 3_000_000, f"docs/images holds {sum(taken.values()):,} bytes"
