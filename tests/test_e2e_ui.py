"""End-to-end tests of the edit forms and the network tools in a real browser
(same set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in its own process,
Debian's Chromium; skipped where Chromium is missing, except under CI).

Two colleagues edit one stakeholder in two browser sessions; a stakeholder is
created and deleted through the forms; a node click fills the details box;
the PNG export downloads a PNG of the view; the power map is drawn with its
precomputed org-chart levels and the what-if control shows the difference.
"""

from __future__ import annotations

import pytest

from graphcrm.graph import open_store

from browser import ACCOUNT, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

OPPORTUNITY = "opp-metro-line4"  # lina's bid in the demo


def _settled(s) -> None:
    s.page.wait_for_selector("#network[data-settled]", state="attached", timeout=60_000)


def test_two_colleagues_edit_one_stakeholder(session_of, demo_server):
    _base, settings = demo_server
    lina, admin = session_of("lina"), session_of("admin")
    for s in (lina, admin):
        s.goto("/people/p-han-xue/edit")
    admin.page.fill("#title", "运营总监 (admin)")
    with admin.page.expect_navigation():
        admin.page.click("form.edit-form button[type=submit]")
    assert "Saved." in admin.page.locator("p.flash").inner_text()

    lina.page.fill("#title", "运营副总监 (lina)")
    lina.page.select_option("#stance", "skeptic")
    with lina.page.expect_navigation():
        lina.page.click("form.edit-form button[type=submit]")
    conflict = lina.page.locator("#conflict")
    assert "Someone else saved this record" in conflict.inner_text()
    rows = conflict.locator("tbody tr")
    assert "运营总监 (admin)" in rows.first.inner_text() and "运营副总监 (lina)" in rows.first.inner_text()
    lina.shot("edit-conflict")
    with open_store(settings) as store:
        assert store.get("Person", "p-han-xue")["title"] == "运营总监 (admin)"  # nothing overwritten
    # saving again is a deliberate choice, and then it goes through
    with lina.page.expect_navigation():
        lina.page.click("form.edit-form button[type=submit]")
    with open_store(settings) as store:
        stored = store.get("Person", "p-han-xue")
    assert stored["title"] == "运营副总监 (lina)" and stored["stance"] == "skeptic"


def test_create_and_delete_a_stakeholder_through_the_forms(session_of, demo_server):
    _base, settings = demo_server
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    s.page.click("p.actions-bar a:has-text('Add a stakeholder')")
    s.page.fill("#name", "E2E 测试人")
    s.page.fill("#email", "not an email")
    with s.page.expect_navigation():
        s.page.click("form.edit-form button[type=submit]")
    assert s.page.locator("#email ~ span.field-error").count() == 1  # the error sits next to the field
    s.page.fill("#email", "e2e@example.cn")
    s.page.select_option("#influence", "4")
    with s.page.expect_navigation():
        s.page.click("form.edit-form button[type=submit]")
    assert s.page.locator("h1").inner_text() == "E2E 测试人"
    person_id = s.page.url.rsplit("/", 1)[1]
    s.page.click("p.actions-bar a:has-text('Delete stakeholder')")
    assert "cannot be undone" in s.page.content()
    s.shot("delete-confirmation")
    with s.page.expect_navigation():
        s.page.click("button.danger")
    assert s.page.url.endswith(f"/accounts/{ACCOUNT}")
    with open_store(settings) as store:
        assert store.find("Person", person_id) is None


def test_node_click_details_and_png_export(session_of):
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    _settled(s)
    point = s.page.evaluate(
        "(() => { const n = window.graphcrmNetwork; n.focus('p-han-xue', {scale: 1.5, animation: false});"
        " return n.canvasToDOM(n.getPositions(['p-han-xue'])['p-han-xue']); })()")
    box = s.page.locator("#network canvas").bounding_box()
    s.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    details = s.page.locator("#node-details")
    assert "韩雪" in details.inner_text()
    assert details.locator("a").get_attribute("href") == "/people/p-han-xue"
    with s.page.expect_download() as download:
        s.page.click("#network-png")
    assert download.value.suggested_filename == f"network-{ACCOUNT}.png"
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_power_map_and_what_if(session_of):
    s = session_of("lina")
    s.goto(f"/opportunities/{OPPORTUNITY}")
    _settled(s)
    nodes = s.page.evaluate("window.graphcrmNetwork.body.data.nodes.get()")
    assert nodes and all("level" in n and "column" in n for n in nodes)
    # the org chart the server laid out (the review pack's PDF draws the same): a row per level, top down
    placed = s.page.evaluate("window.graphcrmNetwork.getPositions()")
    level = {n["id"]: n["level"] for n in nodes}
    assert all(placed[a]["y"] < placed[b]["y"] for a in level for b in level if level[a] < level[b])
    s.shot("power-map")
    s.page.select_option("#leaves", "u-lina")
    with s.page.expect_navigation():
        s.page.click("#what-if button[type=submit]")
    _settled(s)
    scenario = s.page.locator("#what-if p.scenario").inner_text()
    assert scenario.startswith("Without 李娜 Li Na, readiness goes from")
    s.shot("what-if")
