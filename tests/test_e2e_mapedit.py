"""End-to-end tests of editing on the map (web/mapedit.py, static/network.js)
in a real browser (same set-up as ``test_e2e.py``: ``graphcrm serve --demo``
in its own process, Debian's Chromium; skipped where Chromium is missing,
except under CI).

Lines drawn with the mouse, a stance edited in the side panel (the account
map and the power map change), a stale edit from a second browser refused
with what changed, markup in a name shown as text, a person added from the
map, a line added and removed from the keyboard.  Screenshots at 1440 and
390 px, in English and Chinese, land in ``test-artifacts/mapedit/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import ACCOUNT, XSS, XSS_ID, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "mapedit"
OPPORTUNITY = "opp-metro-line4"          # lina's bid at her account
OPPONENT_COLOR, CHAMPION_COLOR = "#d73027", "#1a9850"

#: a point of the canvas (relative to it) where the network finds the node on top, in the current view
POINT_ON = """(nodeId) => {
  const network = window.graphcrmNetwork;
  const box = network.getBoundingBox(nodeId);
  for (let i = 0; i <= 10; i++) {
    for (let j = 0; j <= 10; j++) {
      const at = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, 0, 1];
      const dom = network.canvasToDOM({x: box.left + (box.right - box.left) * at[j],
                                       y: box.top + (box.bottom - box.top) * at[i]});
      if (network.getNodeAt(dom) === nodeId) { return dom; }
    }
  }
  return null;
}"""


def _node(s, node_id: str) -> dict | None:
    return s.page.evaluate("(id) => window.graphcrmNetwork.body.data.nodes.get(id)", node_id)


def _edge(s, kind: str, start: str, end: str) -> dict | None:
    return s.page.evaluate("(id) => window.graphcrmNetwork.body.data.edges.get(id)", f"{kind}:{start}:{end}")


def _mark_page(s) -> None:
    """Leave a mark on the page: a page load would lose it (``_same_page``)."""
    s.page.evaluate("window.mapEditMark = 'kept'")


def _same_page(s) -> bool:
    return s.page.evaluate("window.mapEditMark === 'kept'")


def _open(s, path: str) -> None:
    s.goto(path)
    s.wait_for_network()
    _mark_page(s)


def _find(s, name: str) -> None:
    """Choose a person from the keyboard: the find box, then Enter."""
    s.page.fill("#network-find", name)
    s.page.press("#network-find", "Enter")
    s.wait_until("!document.getElementById('map-person').hidden")


def _drag_line(s, start: str, end: str) -> None:
    """Draw a line with the mouse: "Draw a line", then press on ``start`` and drag to ``end``."""
    s.page.evaluate("document.getElementById('network').scrollIntoView()")  # the whole canvas in view
    s.page.evaluate("([a, b]) => window.graphcrmNetwork.fit({nodes: [a, b], animation: false})", [start, end])
    box = s.page.locator("#network canvas").bounding_box()
    points = []
    for node_id in (start, end):
        point = s.page.evaluate(POINT_ON, node_id)
        assert point is not None, f"{node_id} is covered by other nodes"
        points.append((box["x"] + point["x"], box["y"] + point["y"]))
    s.page.click("#map-draw")
    assert s.page.get_attribute("#map-draw", "aria-pressed") == "true"
    (x0, y0), (x1, y1) = points
    s.page.mouse.move(x0, y0)
    s.page.mouse.down()
    s.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=6)
    s.page.mouse.move(x1, y1, steps=6)
    s.page.mouse.up()
    s.wait_until(f"document.getElementById('map-line-other').value === {end!r}")


def _expected_refusals(s, status: int) -> None:
    """The session's record of failed requests, less the refusals the test asked for."""
    s.problems[:] = [p for p in s.problems if not re.match(rf"{status} for .*/api/", p)]


def _shot(s, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_reports_to_and_an_influence_line_drawn_on_the_map(session_of):
    s = session_of("lina")
    _open(s, f"/accounts/{ACCOUNT}")
    _drag_line(s, XSS_ID, "p-fang-qing")
    assert s.page.evaluate("document.activeElement.id") == "map-line-kind"  # the panel asks which kind
    s.page.select_option("#map-line-kind", "REPORTS_TO")
    assert s.page.is_hidden("#map-line-strength")  # a reports-to line has no strength
    s.page.click("#map-line button[type=submit]")
    assert "reports to 方青" in s.text_matching("#map-status", "^Saved: ")
    s.wait_until(f"!!window.graphcrmNetwork.body.data.edges.get('REPORTS_TO:{XSS_ID}:p-fang-qing')")

    _drag_line(s, "p-jiang-tao", "p-du-juan")
    s.page.select_option("#map-line-kind", "INFLUENCES")
    s.page.select_option("#map-line-strength", "4")
    s.page.click("#map-line button[type=submit]")
    assert s.text_matching("#map-status", "^Saved: ") == "Saved: 蒋涛 influences 杜娟 (strength 4)."
    s.wait_until("!!window.graphcrmNetwork.body.data.edges.get('INFLUENCES:p-jiang-tao:p-du-juan')")
    assert _edge(s, "INFLUENCES", "p-jiang-tao", "p-du-juan")["strength"] == 4
    assert _same_page(s)  # no page load
    _shot(s, "lines-drawn-1440-en")

    s.goto(f"/accounts/{ACCOUNT}")  # stored: there after a reload too
    s.wait_for_network()
    assert _edge(s, "REPORTS_TO", XSS_ID, "p-fang-qing") and _edge(s, "INFLUENCES", "p-jiang-tao", "p-du-juan")


def test_a_line_is_added_and_removed_from_the_keyboard_and_a_cycle_is_refused(session_of):
    s = session_of("lina")
    _open(s, f"/accounts/{ACCOUNT}")
    _find(s, "郑海")  # the head of the account: reporting to someone under them would close a cycle
    s.page.select_option("#map-line-kind", "REPORTS_TO")
    s.page.select_option("#map-line-other", "p-han-xue")
    s.page.press("#map-line button[type=submit]", "Enter")
    said = s.text_matching("#map-status", "^Not saved: ")
    assert "cycle" in said and "郑海 → 韩雪 → 罗斌 → 沈莉 → 吴志远 → 郑海" in said, said
    _expected_refusals(s, 400)
    assert not _edge(s, "REPORTS_TO", "p-zheng-hai", "p-han-xue")

    s.page.select_option("#map-line-kind", "KNOWS")
    s.page.select_option("#map-line-other", "p-pan-yi")
    s.page.press("#map-line button[type=submit]", "Enter")
    s.text_matching("#map-status", "^Saved: 郑海 knows 潘毅")
    remove = "#map-lines button[data-line='KNOWS:p-zheng-hai:p-pan-yi']"
    s.page.wait_for_selector(remove)
    assert s.page.get_attribute(remove, "aria-label") == "Remove: 郑海 knows 潘毅 (3)"
    s.page.focus(remove)
    s.page.keyboard.press("Enter")
    s.text_matching("#map-status", "^Removed: 郑海 knows 潘毅")
    s.wait_until("!window.graphcrmNetwork.body.data.edges.get('KNOWS:p-zheng-hai:p-pan-yi')")
    assert _same_page(s)


def test_a_stance_edited_in_the_panel_changes_the_map_and_the_power_map(session_of):
    s = session_of("lina")
    # a newcomer in the buying center with no stance of their own in the deal: drawn by their stance
    _open(s, f"/opportunities/{OPPORTUNITY}")
    s.page.click("#map-new-person-open")
    s.page.fill("#map-new-name", "Stance Tester")
    s.page.select_option("#map-new-manager", "p-luo-bin")
    s.page.select_option("#map-new-role", "user_buyer")
    s.page.click("#map-new-person button[type=submit]")
    s.text_matching("#map-status", "has a role in")
    person_id = s.page.evaluate("""() => window.graphcrmNetwork.body.data.nodes.get({
        filter: (n) => n.label.startsWith("Stance Tester")})[0].id""")
    assert _node(s, person_id)["shape"] == "dot"  # neutral

    _open(s, f"/accounts/{ACCOUNT}")
    _find(s, "Stance Tester")
    assert _node(s, person_id)["shape"] == "dot"
    s.page.select_option("#map-stance", "opponent")
    s.page.select_option("#map-influence", "4")
    s.page.fill("#map-title", "Skeptical engineer")
    s.page.click("#map-person button[type=submit]")
    said = s.text_matching("#map-status", "^Saved: Stance Tester")
    assert "stance Opponent" in said and "influence 4" in said and "Skeptical engineer" in said
    s.wait_until(f"window.graphcrmNetwork.body.data.nodes.get({person_id!r}).shape === 'triangleDown'")
    node = _node(s, person_id)
    assert node["color"] == OPPONENT_COLOR and node["size"] == 30 and node["version"] == 2
    assert "Skeptical engineer" in s.page.text_content("#node-details")
    # the stakeholder table under the map says the same, without a page load
    row = s.page.locator("table#stakeholders tr", has_text="Stance Tester")
    s.wait_until("Array.from(document.querySelectorAll('table#stakeholders tr')).some("
             "(r) => r.textContent.includes('Stance Tester') && r.textContent.includes('Opponent'))")
    assert "Skeptical engineer" in row.inner_text()
    assert _same_page(s)

    _open(s, f"/opportunities/{OPPORTUNITY}")
    node = _node(s, person_id)
    assert node["shape"] == "triangleDown" and node["color"]["background"] == OPPONENT_COLOR
    # on the power map the panel also edits the stance in this deal
    _find(s, "Stance Tester")
    s.page.select_option("#map-deal-stance", "champion")
    s.page.select_option("#map-role", "coach")
    s.page.click("#map-person button[type=submit]")
    s.text_matching("#map-status", r"^Saved: Stance Tester has a role in .*\(Coach / informant\)")
    s.wait_until(f"window.graphcrmNetwork.body.data.nodes.get({person_id!r}).shape === 'star'")
    node = _node(s, person_id)
    assert node["color"]["background"] == CHAMPION_COLOR and node["label"].endswith("Coach / informant")
    s.wait_until("Array.from(document.querySelectorAll('[data-refresh=buying-center] tr')).some("
             "(r) => r.textContent.includes('Stance Tester') && r.textContent.includes('Coach / informant'))")
    assert _same_page(s)
    _shot(s, "power-map-1440-en")


def test_a_stale_edit_from_a_second_browser_is_refused_with_what_changed(session_of):
    mine, theirs = session_of("lina"), session_of("lina")
    for s in (mine, theirs):
        _open(s, f"/accounts/{ACCOUNT}")
        _find(s, "唐军")
    theirs.page.select_option("#map-stance", "skeptic")
    theirs.page.click("#map-person button[type=submit]")
    theirs.text_matching("#map-status", "^Saved: 唐军")

    mine.page.select_option("#map-influence", "2")
    mine.page.click("#map-person button[type=submit]")
    assert mine.text_matching("#map-status", "^Not saved") == "Not saved: someone else changed 唐军 in the meantime."
    _expected_refusals(mine, 409)
    changes = mine.page.inner_text("#map-conflict-changes")
    assert "Stance — now Skeptic (was Advocate)" in changes
    assert "Influence (1-5) — theirs (saved): 4; yours: 2" in changes
    assert mine.page.input_value("#map-influence") == "2"        # mine kept
    assert mine.page.input_value("#map-stance") == "skeptic"     # theirs shown
    mine.wait_until("window.graphcrmNetwork.body.data.nodes.get('p-tang-jun').stance === 'skeptic'")  # on the map too
    _shot(mine, "stale-edit-1440-en")
    mine.page.click("#map-person button[type=submit]")           # saving again replaces theirs, deliberately
    assert mine.text_matching("#map-status", "^Saved: ") == "Saved: 唐军 — influence 2."
    assert mine.page.is_hidden("#map-conflict")
    node = _node(mine, "p-tang-jun")
    assert (node["stance"], node["influence"], node["version"]) == ("skeptic", 2, 3)


def test_markup_in_a_name_is_text_in_the_panel(session_of):
    s = session_of("lina")
    _open(s, f"/accounts/{ACCOUNT}")
    _find(s, XSS)
    assert s.page.text_content("#map-person-name") == XSS
    assert s.page.text_content("#map-person-sub").startswith(XSS)  # its title is the same text
    assert s.page.locator("#map-edit img").count() == 0
    assert XSS in s.page.inner_text("#map-lines")
    assert s.page.evaluate(f"Array.from(document.querySelectorAll('#map-new-manager option')).some("
                           f"(o) => o.textContent.startsWith({XSS!r}))")  # the pickers: text too


def test_a_person_added_from_the_map(session_of):
    s = session_of("lina", "zh-CN")
    _open(s, f"/accounts/{ACCOUNT}")
    s.page.click("#map-new-person-open")
    assert s.page.evaluate("document.activeElement.id") == "map-new-name"
    s.page.fill("#map-new-name", "<script>alert(1)</script> 新同事")
    s.page.fill("#map-new-title", "项目经理")
    s.page.select_option("#map-new-stance", "supporter")
    s.page.select_option("#map-new-manager", "p-tang-jun")
    s.page.click("#map-new-person button[type=submit]")
    assert s.text_matching("#map-status", "^已保存") == "已保存：<script>alert(1)</script> 新同事，已加入图中。"
    s.wait_until("window.graphcrmNetwork.getSelectedNodes().length === 1")
    new_id = s.page.evaluate("window.graphcrmNetwork.getSelectedNodes()[0]")
    node = _node(s, new_id)
    assert node["label"] == "<script>alert(1)</script> 新同事" and node["shape"] == "diamond"
    assert s.page.text_content("#map-person-name") == node["label"]
    assert _edge(s, "REPORTS_TO", new_id, "p-tang-jun")
    assert _same_page(s)
    _shot(s, "person-added-1440-zh")
    s.goto(f"/accounts/{ACCOUNT}")
    assert s.page.locator("table#stakeholders a", has_text="新同事").count() == 1


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
def test_the_panel_at_1440_and_390_px(session_of, locale, lang):
    s = session_of("lina", locale)
    for width in (1440, 390):
        s.page.set_viewport_size({"width": width, "height": 1000})
        _open(s, f"/accounts/{ACCOUNT}")
        _find(s, "罗斌")
        panel, canvas = s.page.locator("#map-edit").bounding_box(), s.page.locator("#network").bounding_box()
        if width == 1440:
            assert panel["x"] >= canvas["x"] + canvas["width"]  # beside the map
        else:
            assert panel["y"] >= canvas["y"] + canvas["height"]  # under the map
        assert panel["x"] + panel["width"] <= width and canvas["x"] + canvas["width"] <= width  # nothing cut off
        _shot(s, f"account-panel-{width}-{lang}")
        _open(s, f"/opportunities/{OPPORTUNITY}")
        _find(s, "沈莉")
        _shot(s, f"power-map-panel-{width}-{lang}")
