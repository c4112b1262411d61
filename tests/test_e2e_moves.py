"""End-to-end: people who move and the audit page in a real browser (same
set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in its own process,
Debian's Chromium; skipped where Chromium is missing, except under CI).

张伟 records that 黄磊 (coach of the city bureau's open smart-site bid) moved
to the port group, on 黄磊's page; then, at 1440 and 390 px in English and
Chinese: 张伟's My week warns him once (he sees both accounts), 黄磊's page
lists where he works and worked, and the admin's audit page finds the move
by his name, named, with the changes that cannot be undone saying so.
Nothing spills out on a phone.  Screenshots land in ``test-artifacts/moves/``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "moves"
WIDE = "() => document.documentElement.scrollWidth"
PERSON = "p-huang-lei"


def _narrow_enough(s, width: int) -> None:
    if width == 390:  # a phone: no wider than the screen
        assert s.page.evaluate(WIDE) <= 390


def test_a_coach_who_moves_is_recorded_on_his_page(session_of):
    s = session_of("zhangwei")
    assert s.goto(f"/people/{PERSON}").status == 200
    with s.page.expect_navigation():
        s.page.click(f"a[href='/people/{PERSON}/move']")
    s.page.fill("input[name=on]", (date.today() - timedelta(days=3)).isoformat())
    s.page.select_option("select[name=to_account_id]", "acc-port-group")
    s.page.fill("input[name=title]", "数字化部副总经理")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(ARTIFACTS / "move-form-en.png"), full_page=True)
    with s.page.expect_navigation():
        s.page.click("form.edit-form button[type=submit]")
    assert s.page.url.endswith(f"/people/{PERSON}")
    assert s.page.locator("#employment li").count() == 2


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_my_week_the_person_and_the_audit_page_show_the_move(session_of, locale, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = session_of("zhangwei", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    assert s.goto("/my-week").status == 200
    alerts = s.page.locator("#moved-people li")
    assert alerts.count() == 1 and "黄磊" in alerts.inner_text() and "江州港务集团" in alerts.inner_text()
    s.page.screenshot(path=str(ARTIFACTS / f"my-week-{width}-{lang}.png"), full_page=True)
    _narrow_enough(s, width)
    assert s.goto(f"/people/{PERSON}").status == 200
    assert "江州市住房和城乡建设局" in s.page.locator("#employment").inner_text()
    s.page.screenshot(path=str(ARTIFACTS / f"person-{width}-{lang}.png"), full_page=True)
    _narrow_enough(s, width)
    admin = session_of("admin", locale)
    admin.page.set_viewport_size({"width": width, "height": 900})
    assert admin.goto("/admin/audit?name=黄磊").status == 200
    table = admin.page.locator("table.audit tbody").inner_text()
    assert "黄磊" in table and "p-huang-lei" in table
    assert admin.page.locator("table.audit details.why-not").count() >= 2  # the leaving and the joining
    admin.page.screenshot(path=str(ARTIFACTS / f"audit-{width}-{lang}.png"), full_page=True)
    _narrow_enough(admin, width)
