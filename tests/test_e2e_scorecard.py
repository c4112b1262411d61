"""End-to-end: the scorecard per account manager in a real browser (same
set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in its own process,
Debian's Chromium; skipped where Chromium is missing, except under CI).

The director opens the scorecard from the dashboard at 1440 and 390 px, in
English and Chinese: a card per key-account manager, nothing wider than a
phone's screen; a period of one's own dates is kept in the form; the export
downloads a workbook.  Screenshots land in ``test-artifacts/scorecard/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "scorecard"
WIDE = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_director_reads_a_card_per_account_manager(session_of, locale, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = session_of("director", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    s.goto("/")
    with s.page.expect_navigation():
        s.page.click("a[href='/scorecard']")
    # the demo's three key-account managers: 刘洋, 张伟 and 李娜, each with their accounts
    assert s.page.locator("section.scorecard").count() == 3
    assert s.page.locator("#manager-u-lina table tbody tr").count() == 2
    s.page.screenshot(path=str(ARTIFACTS / f"scorecard-{width}-{lang}.png"), full_page=True)
    if width == 390:
        assert s.page.evaluate(WIDE) <= 390


def test_a_period_of_ones_own_dates_is_kept_and_exported(session_of):
    s = session_of("director")
    s.goto("/scorecard")
    s.page.select_option("select[name=period]", "dates")
    s.page.fill("input[name=from]", "2026-01-01")
    s.page.fill("input[name=to]", "2026-03-31")
    with s.page.expect_navigation():
        s.page.click("form.period button[type=submit]")
    assert "From 2026-01-01 to 2026-03-31 (90 days)" in s.page.content()
    assert s.page.input_value("input[name=from]") == "2026-01-01"
    assert s.page.input_value("select[name=period]") == "dates"
    with s.page.expect_download() as download:
        s.page.click("a[href*='scorecard.xlsx']")
    assert download.value.suggested_filename == "scorecard-2026-01-01-2026-03-31.xlsx"
