"""End-to-end test of the merge page (web/merge.py) in a real browser (same
set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in its own process,
Debian's Chromium; skipped where Chromium is missing, except under CI).

A second 罗斌 at lina's account, merged into the first from the person page;
screenshots at 1440 and 390 px, in English and Chinese, land in
``test-artifacts/merge/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphcrm.graph import open_store

from browser import ACCOUNT, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "merge"
KEEP = "p-luo-bin"


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
def test_a_duplicate_merged_from_the_person_page_at_1440_and_390_px(demo_server, session_of, locale, lang):
    drop = f"p-luo-bin-{lang}"
    with open_store(demo_server[1]) as store:
        store.create_person(ACCOUNT, {"name": "罗斌", "title": "Head of E&M engineering", "department": "机电工程部",
                                      "email": "luo.bin@metro.example.cn", "influence": 3}, id=drop)
        store.relate("RELATIONSHIP", "u-lina", drop, {"strength": 4})
        kept = store.get("Person", KEEP)
    s = session_of("lina", locale)
    s.goto(f"/people/{KEEP}")
    s.page.click(f"a[href='/people/{KEEP}/merge']")
    assert s.page.locator("ul.merge-candidates li").first.text_content().count(drop) == 1  # same name first
    s.page.click(f"a[href='/people/{KEEP}/merge?with={drop}']")
    for width in (1440, 390):
        s.page.set_viewport_size({"width": width, "height": 900})
        table = s.page.locator("#merge-preview").bounding_box()
        assert table["x"] >= 0 and s.page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        s.page.screenshot(path=str(ARTIFACTS / f"merge-{width}-{lang}.png"), full_page=True)
    with s.page.expect_navigation():
        s.page.click("form.stacked button[type=submit]")
    assert s.page.url.endswith(f"/people/{KEEP}")
    assert drop in s.page.locator(".flash").text_content()
    with open_store(demo_server[1]) as store:
        assert store.find("Person", drop) is None
        survivor = store.get("Person", KEEP)
        assert survivor["email"] == kept["email"] or not kept.get("email")  # the survivor's values win
        assert store.get_relationship("RELATIONSHIP", "u-lina", KEEP)["strength"] >= 4
