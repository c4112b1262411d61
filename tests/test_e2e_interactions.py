"""End-to-end: an interaction with several of their people and of ours,
about a bid, logged from a person page with the keyboard and edited from a
timeline, in a real browser (same set-up as ``test_e2e.py``: ``graphcrm
serve --demo`` in its own process, Debian's Chromium; skipped where Chromium
is missing, except under CI).

Screenshots of the person page (its log form) and of the edit form at 1440
and 390 px, in English and Chinese, land in ``test-artifacts/interactions/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "interactions"
OPPORTUNITY = "opp-metro-line4"  # lina's bid at her account


def _shot(s, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _tick(s, name: str, value: str) -> None:
    """Tick a checkbox from the keyboard: focus it, then Space."""
    box = s.page.locator(f"input[name={name}][value={value}]")
    box.focus()
    s.page.keyboard.press("Space")
    assert box.is_checked()


def test_a_meeting_with_three_of_theirs_and_two_of_ours_about_a_bid(session_of):
    s = session_of("lina")
    loads = []
    s.page.on("load", lambda page: loads.append(page.url))
    s.goto("/people/p-luo-bin")
    assert s.page.locator("input[name=person_ids][value=p-luo-bin]").is_checked()
    assert s.page.locator("input[name=user_ids][value=u-lina]").is_checked()
    s.page.select_option("#kind", "meeting")
    s.page.select_option("#channel", "in_person")
    _tick(s, "person_ids", "p-han-xue")
    _tick(s, "person_ids", "p-xie-wei")
    _tick(s, "user_ids", "u-gaofeng")
    s.page.select_option("#opportunity_id", OPPORTUNITY)
    s.page.fill("#summary", "机电方案评审 <b>e2e</b>")
    with s.page.expect_navigation():
        s.page.click("form.stacked button[type=submit]")
    assert len(loads) == 2  # the person page, and the same page after saving
    for person_id in ("p-luo-bin", "p-han-xue", "p-xie-wei"):
        s.goto(f"/people/{person_id}")
        entry = s.page.locator("ul.timeline li", has_text="机电方案评审 <b>e2e</b>")
        assert entry.count() == 1, person_id
        assert "高峰 Gao Feng" in entry.inner_text() and "李娜 Li Na" in entry.inner_text()

    # edited from the timeline: 谢伟 was not there after all
    s.goto("/people/p-han-xue")
    with s.page.expect_navigation():
        s.page.locator("ul.timeline li", has_text="机电方案评审").locator("a", has_text="edit").click()
    assert s.page.locator("input[name=person_ids][value=p-xie-wei]").is_checked()
    s.page.locator("input[name=person_ids][value=p-xie-wei]").uncheck()
    with s.page.expect_navigation():
        s.page.click("form.edit-form button[type=submit]")
    assert s.page.url.endswith("/people/p-han-xue")
    assert "Interaction saved." in s.page.inner_text("body")
    s.goto("/people/p-xie-wei")
    assert s.page.locator("ul.timeline li", has_text="机电方案评审").count() == 0


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
def test_the_log_and_edit_forms_at_1440_and_390_px(session_of, locale, lang):
    s = session_of("lina", locale)
    for width in (1440, 390):
        s.page.set_viewport_size({"width": width, "height": 900})
        s.goto("/people/p-luo-bin")
        form = s.page.locator("form.stacked").bounding_box()
        assert form["x"] + form["width"] <= width  # nothing cut off
        for box in s.page.locator("ul.checklist").all():
            assert box.bounding_box()["x"] + box.bounding_box()["width"] <= width
        _shot(s, f"person-{width}-{lang}")
        edit = s.page.locator("ul.timeline a.small-action").first
        if edit.count():
            with s.page.expect_navigation():
                edit.click()
            _shot(s, f"edit-{width}-{lang}")
