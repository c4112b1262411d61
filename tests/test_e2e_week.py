"""End-to-end: the director's week in a real browser (same set-up as
``test_e2e.py``: ``graphcrm serve --demo`` in its own process, Debian's
Chromium; skipped where Chromium is missing, except under CI).

The demo's director filters the open bids by owner and close-date window with
the form (no script needed: the address carries the choice), reads why a bid
needs attention next to it, and downloads the table as .xlsx; at 1440 and
390 px, in English and Chinese, nothing spills out on a phone.  Screenshots
land in ``test-artifacts/week/``.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "week"
WIDE = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_director_filters_the_bids_and_reads_why_they_need_attention(session_of, locale, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = session_of("director", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    assert s.goto("/").status == 200
    s.page.select_option("select[name=bids_owner]", "u-liuyang")
    s.page.select_option("select[name=bids_closing]", "90")
    with s.page.expect_navigation():
        s.page.locator("#bids-title ~ form.filters button[type=submit]").first.click()
    assert "bids_owner=u-liuyang" in s.page.url and "bids_closing=90" in s.page.url
    rows = s.page.locator("#bids tbody tr")
    assert rows.count() == 1  # the Huade MES bid: liuyang's, deciding within the month
    assert "opp-huade-mes" in rows.first.locator("a").first.get_attribute("href")
    # its own reason: it closes this month and nobody of ours knows who decides
    own = {"en": "closes in 25 days and nobody on our team has a working relationship", "zh": "距预计成交日期还有25天"}
    assert own[lang] in rows.first.locator("td.reasons").inner_text()
    s.page.locator("#bids-title").scroll_into_view_if_needed()
    s.page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}-{lang}.png"), full_page=True)
    s.page.locator("#bids").screenshot(path=str(ARTIFACTS / f"bids-{width}-{lang}.png"))
    if width == 390:  # a phone: no wider than the screen
        assert s.page.evaluate(WIDE) <= 390
    with s.page.expect_download() as download:
        s.page.locator("#bids-title ~ p.export a").first.click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    data = list(sheet.iter_rows(values_only=True))
    assert len(data) == 2 and data[1][0] == rows.first.locator("a").first.inner_text()
    assert data[0][2] == ("Owner" if lang == "en" else "负责人")
