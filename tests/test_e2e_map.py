"""End-to-end tests of the stakeholder map's readability in a real browser
(same set-up as ``test_e2e.py``: ``graphcrm serve --demo`` in its own process,
Debian's Chromium; skipped where Chromium is missing, except under CI).

An influence line beside the reports-to line between the same two people, the
same positions on every load, the org-chart layout, the find box, and a shape
per stance.  Screenshots land in ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import pytest

from browser import ACCOUNT, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

LARGEST = "acc-citybureau"   # the demo's largest account (16 people); the director sees it
HEAD = "p-chen-guoqiang"     # its 局长, the top of its REPORTS_TO chain
OPPONENT, CHAMPION = "p-han-xue", "p-tang-jun"  # in lina's account; 韩雪 reports to and influences 罗斌

#: for every INFLUENCES edge that joins two people also joined by another line: the
#: largest distance (px, canvas) from a point of its path to the other line's path
SEPARATIONS = """() => {
  const network = window.graphcrmNetwork, body = network.body;
  const path = (edge) => Array.from({length: 41}, (_, i) => edge.edgeType.getPoint(i / 40));
  const shown = Object.values(body.edges).filter((e) => body.data.edges.get(e.id));
  const out = [];
  shown.filter((e) => body.data.edges.get(e.id).kind === "INFLUENCES").forEach((e) => {
    shown.filter((f) => f !== e && [f.fromId, f.toId].sort().join() === [e.fromId, e.toId].sort().join())
      .forEach((f) => {
        const theirs = path(f);
        const apart = Math.max(...path(e).map((p) => Math.min(...theirs.map((q) => Math.hypot(p.x - q.x, p.y - q.y)))));
        out.push({influence: e.id, other: body.data.edges.get(f.id).kind, from: e.fromId, to: e.toId, apart: apart});
      });
  });
  return out;
}"""


def _positions(s) -> dict:
    return s.page.evaluate("window.graphcrmNetwork.getPositions()")


def test_an_influence_line_is_drawn_apart_from_the_reports_to_line_of_the_same_people(session_of):
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    s.wait_for_network()
    pair = s.page.evaluate("""([from, to]) => {
        const network = window.graphcrmNetwork, edges = network.body.data.edges;
        const of = (kind) => network.body.edges[edges.get({filter: (e) => e.from === from && e.to === to
                                                                  && e.kind === kind})[0].id];
        const pos = network.getPositions([from, to]);
        const offLine = (p) => {   // distance of p from the straight line between the two people
            const dx = pos[to].x - pos[from].x, dy = pos[to].y - pos[from].y;
            return Math.abs(dy * (p.x - pos[from].x) - dx * (p.y - pos[from].y)) / Math.hypot(dx, dy);
        };
        const influence = of("INFLUENCES"), reports = of("REPORTS_TO");
        return {influenceSmooth: influence.options.smooth, reportsSmooth: reports.options.smooth.enabled,
                influenceOff: offLine(influence.edgeType.getPoint(0.5)),
                reportsOff: offLine(reports.edgeType.getPoint(0.5))};
    }""", [OPPONENT, "p-luo-bin"])
    assert pair["reportsSmooth"] is False and pair["reportsOff"] < 1
    assert pair["influenceSmooth"]["enabled"] is True and pair["influenceSmooth"]["type"] == "curvedCW"
    assert pair["influenceOff"] > 10, pair
    separations = s.page.evaluate(SEPARATIONS)
    assert separations and all(x["apart"] > 5 for x in separations), separations
    s.shot("map-influence-lines")


def test_every_influence_line_of_the_largest_account_is_visible_and_two_loads_give_the_same_picture(session_of):
    s = session_of("director")
    s.goto(f"/accounts/{LARGEST}")
    s.wait_for_network()
    first = _positions(s)
    separations = s.page.evaluate(SEPARATIONS)
    assert len(separations) >= 13 and all(x["apart"] > 5 for x in separations), separations
    s.goto(f"/accounts/{LARGEST}")
    s.wait_for_network()
    second = _positions(s)
    assert set(first) == set(second)
    moved = {n: ((first[n]["x"] - second[n]["x"]) ** 2 + (first[n]["y"] - second[n]["y"]) ** 2) ** 0.5 for n in first}
    assert max(moved.values()) <= 1, moved


def test_the_org_chart_puts_the_top_of_the_reports_to_chain_above_the_rest(session_of):
    s = session_of("director")
    s.goto(f"/accounts/{LARGEST}")
    s.wait_for_network()
    force = _positions(s)
    s.page.check("input[name=network-layout][value=hierarchical]")
    s.wait_for_network()
    assert s.page.locator("#network").get_attribute("data-layout") == "hierarchical"
    chart = _positions(s)
    assert all(chart[HEAD]["y"] < p["y"] for n, p in chart.items() if n != HEAD)
    reports_to = s.page.evaluate("window.graphcrmNetwork.body.data.edges.get()"
                                 ".filter(e => e.kind === 'REPORTS_TO').map(e => [e.from, e.to])")
    assert reports_to and all(chart[report]["y"] > chart[boss]["y"] for report, boss in reports_to)
    s.shot("map-org-chart")
    # and back: the force layout as it was, at once
    s.page.check("input[name=network-layout][value=network]")
    s.wait_for_network()
    again = _positions(s)
    assert all(abs(again[n]["x"] - force[n]["x"]) <= 1 and abs(again[n]["y"] - force[n]["y"]) <= 1 for n in force)


def test_the_find_box_selects_and_centres_a_person_from_the_keyboard(session_of):
    s = session_of("lina")
    s.goto(f"/accounts/{ACCOUNT}")
    s.wait_for_network()
    s.page.focus("input[name=network-layout][value=network]")
    s.page.keyboard.press("Tab")
    assert s.page.evaluate("document.activeElement.id") == "network-find"
    names = s.page.evaluate("Array.from(document.querySelectorAll('#network-names option'), o => o.value)")
    assert "韩雪" in names and len(names) == len(set(names))  # suggested, once
    s.page.keyboard.type("韩")
    s.page.keyboard.press("Enter")
    s.wait_until(f"window.graphcrmNetwork.getSelectedNodes().join() === '{OPPONENT}'")
    centred = f"""(() => {{
        const network = window.graphcrmNetwork, canvas = document.querySelector('#network canvas');
        const at = network.canvasToDOM(network.getPositions(['{OPPONENT}'])['{OPPONENT}']);
        return Math.abs(at.x - canvas.clientWidth / 2) < 2 && Math.abs(at.y - canvas.clientHeight / 2) < 2;
    }})()"""
    s.wait_until(centred)
    details = s.page.locator("#node-details").inner_text()
    assert details.startswith("韩雪")
    assert "Influenced by: 谢伟 (2)" in details and "Influences: 罗斌 (4)" in details
    assert s.page.locator("#node-details a").get_attribute("href") == f"/people/{OPPONENT}"
    s.shot("map-find")
    s.page.fill("#network-find", "nobody of that name")
    s.page.keyboard.press("Enter")
    assert s.page.locator(".find-status").inner_text() == "Nobody on the map has that name."
    assert s.page.evaluate("window.graphcrmNetwork.getSelectedNodes()") == [OPPONENT]


def test_champion_and_opponent_differ_by_shape_as_well_as_colour(session_of):
    s = session_of("lina", locale="zh-CN")
    s.goto(f"/accounts/{ACCOUNT}")
    s.wait_for_network()
    shapes = s.page.evaluate(f"""(() => {{
        const nodes = window.graphcrmNetwork.body.nodes;
        return [nodes['{CHAMPION}'].options.shape, nodes['{OPPONENT}'].options.shape];
    }})()""")
    assert shapes == ["star", "triangleDown"]
    legend = s.page.locator(".legend").inner_text()
    assert "拥护者" in legend and "反对者" in legend
    marks = s.page.evaluate("""['champion', 'opponent'].map(s =>
        getComputedStyle(document.querySelector('.legend i.mark.stance-' + s)).clipPath)""")
    assert marks[0].startswith("polygon") and marks[1].startswith("polygon") and marks[0] != marks[1]
    s.shot("map-zh")
