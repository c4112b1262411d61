"""End-to-end: the voice of the customer in a real browser (same set-up as
``test_e2e.py``: ``graphcrm serve --demo`` in its own process, Debian's
Chromium; skipped where Chromium is missing, except under CI).

Metro operations (the demo's account whose satisfaction falls over the year)
and Li Na's My week at 1440 and 390 px, in English and Chinese: the trend
chart is drawn, one column a month; nothing spills out on a phone; the
unanswered complaint is closed with an interaction.  Screenshots land in
``test-artifacts/voice/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "voice"
ACCOUNT = "acc-metro-ops"
#: the column of each month of the chart, drawn (a score) or a tick (no score)
COLUMNS = "() => document.querySelectorAll('#satisfaction-chart svg rect.month-score, " \
          "#satisfaction-chart svg rect.month-empty').length"
WIDE = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_account_and_my_week_show_the_voice_of_the_customer(session_of, locale, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = session_of("lina", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    assert s.goto(f"/accounts/{ACCOUNT}").status == 200
    s.page.locator("#satisfaction").scroll_into_view_if_needed()
    assert s.page.evaluate(COLUMNS) == 12
    assert s.page.locator("#account-follow-ups a[href*='/close']").count() == 1  # 孟琪's complaint
    s.page.screenshot(path=str(ARTIFACTS / f"account-{width}-{lang}.png"), full_page=True)
    if width == 390:  # a phone: no wider than the screen
        assert s.page.evaluate(WIDE) <= 390
    assert s.goto("/my-week").status == 200
    assert s.page.locator("#follow-ups a[href*='/close']").count() == 1
    assert s.page.locator("#ask-feedback tbody tr").count() >= 1
    s.page.screenshot(path=str(ARTIFACTS / f"my-week-{width}-{lang}.png"), full_page=True)
    if width == 390:
        assert s.page.evaluate(WIDE) <= 390


def test_the_unanswered_complaint_is_closed_with_an_interaction(session_of):
    s = session_of("lina")
    s.goto("/my-week")
    with s.page.expect_navigation():
        s.page.click("#follow-ups a[href*='/close']")
    s.page.fill("textarea[name=summary]", "派两名驻场工程师常驻信号车间，故障到场时间改为1小时内。")
    s.page.screenshot(path=str(ARTIFACTS / "close-en.png"), full_page=True)
    with s.page.expect_navigation():
        s.page.click("form.edit-form button[type=submit]")
    assert "Follow-up closed." in s.page.content()
    s.goto("/my-week")
    assert s.page.locator("#follow-ups").count() == 0
