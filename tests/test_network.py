"""What graphcrm/web/network.py computes for the stakeholder map: the org
chart's rows and columns, a shape per stance, a drawing per kind of line that
keeps two kinds between the same people apart, the words of the details box,
and the same data for the same graph whatever order it was loaded in.  Graphs
are built with ``build_graph``; the page checks use the web portfolio
(tests/fixtures.py)."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

from graphcrm import model
from graphcrm.graph.nxgraph import build_graph
from graphcrm.web.network import (
    EDGE_STYLES,
    STANCE_COLORS,
    STANCE_SHAPES,
    network_data,
    org_chart,
    org_levels,
    power_map_data,
)

from fixtures import text

STYLESHEET = Path(__file__).resolve().parent.parent / "graphcrm/web/static/style.css"
PERSON_TO_PERSON = [kind for kind, (start, end, *_) in model.RELATIONSHIP_TYPES.items()
                    if kind in EDGE_STYLES and start == end == ("Person",)]


def account_graph(extra_nodes=(), extra_edges=(), order=None):
    """An account "a": 王总 heads it; 李 and 张 report to 王, 赵 and 钱 to 李; our
    user knows 钱, a competitor knows 张, and 孙 of another account knows 王."""
    nodes = [("Account", {"id": "a", "name": "Acme"}), ("Account", {"id": "b", "name": "Other"}),
             ("Person", {"id": "p-wang", "name": "王总", "stance": "neutral", "influence": 5}),
             ("Person", {"id": "p-li", "name": "李", "stance": "champion", "influence": 4}),
             ("Person", {"id": "p-zhang", "name": "张", "stance": "opponent", "influence": 4}),
             ("Person", {"id": "p-zhao", "name": "赵", "stance": "supporter", "influence": 2}),
             ("Person", {"id": "p-qian", "name": "钱", "stance": "skeptic", "influence": 2}),
             ("Person", {"id": "p-sun", "name": "孙", "influence": 3}),
             ("User", {"id": "u-lina", "display_name": "Lina", "role": "manager"}),
             ("Competitor", {"id": "c-rival", "name": "Rival"}),
             *extra_nodes]
    edges = [*(("WORKS_AT", p, "a", {}) for p in ("p-wang", "p-li", "p-zhang", "p-zhao", "p-qian")),
             ("WORKS_AT", "p-sun", "b", {}),
             ("REPORTS_TO", "p-li", "p-wang", {}), ("REPORTS_TO", "p-zhang", "p-wang", {}),
             ("REPORTS_TO", "p-zhao", "p-li", {}), ("REPORTS_TO", "p-qian", "p-li", {}),
             ("INFLUENCES", "p-li", "p-wang", {"strength": 4}), ("INFLUENCES", "p-zhao", "p-li", {"strength": 2}),
             ("KNOWS", "p-sun", "p-wang", {"strength": 3}),
             ("RELATIONSHIP", "u-lina", "p-qian", {"strength": 4}),
             ("RELATIONSHIP", "c-rival", "p-zhang", {"strength": 5}),
             *extra_edges]
    if order is not None:
        order.shuffle(nodes)
        order.shuffle(edges)
    return build_graph(nodes, edges, kind="account", account_id="a")


def drawn(G) -> list[str]:
    return [n for n, d in G.nodes(data=True) if d["label"] in ("Person", "User", "Competitor")]


# -- lines --------------------------------------------------------------------------------------------


def test_two_kinds_of_line_between_the_same_people_never_take_the_same_path():
    def path(kind):
        smooth = EDGE_STYLES[kind]["smooth"]
        return ("straight",) if not smooth else (smooth["type"], smooth["roundness"])

    assert {"REPORTS_TO", "INFLUENCES", "KNOWS"} <= set(PERSON_TO_PERSON)
    assert path("REPORTS_TO") == ("straight",)
    for kind in PERSON_TO_PERSON:
        smooth = EDGE_STYLES[kind]["smooth"]
        assert smooth is False or (smooth["enabled"] is True and smooth["type"] in ("curvedCW", "curvedCCW")
                                   and 0.1 <= smooth["roundness"] <= 0.5), kind
    for one, other in itertools.combinations(PERSON_TO_PERSON, 2):
        assert path(one) != path(other), (one, other)
        # curved both ways, the bends differ too: a line and another run the other way never coincide
        if path(one) != ("straight",) and path(other) != ("straight",):
            assert path(one)[1] != path(other)[1], (one, other)


def test_each_kind_of_line_is_drawn_its_own_way_beyond_its_colour():
    looks = {kind: (style["dashes"] and tuple(style["dashes"]), style["width"], style["arrows"], bool(style["smooth"]))
             for kind, style in EDGE_STYLES.items()}
    assert len(set(looks.values())) == len(looks)
    assert len({style["color"] for style in EDGE_STYLES.values()}) == len(EDGE_STYLES)
    # arrows, where a kind has a direction, sit mid-line: never on a name under a node
    assert {style["arrows"] for style in EDGE_STYLES.values()} <= {"middle", ""}
    assert EDGE_STYLES["REPORTS_TO"]["arrows"] == EDGE_STYLES["INFLUENCES"]["arrows"] == "middle"


# -- stances ---------------------------------------------------------------------------------------


def test_every_stance_has_a_shape_of_its_own_besides_its_colour():
    assert set(STANCE_SHAPES) == set(model.STANCES) == set(STANCE_COLORS)
    assert len(set(STANCE_SHAPES.values())) == len(STANCE_SHAPES)
    assert not {"box", "triangle"} & set(STANCE_SHAPES.values())  # our team and competitors
    assert STANCE_SHAPES["champion"] != STANCE_SHAPES["opponent"]


def test_the_legend_marks_of_the_stylesheet_have_the_map_shapes():
    css = STYLESHEET.read_text(encoding="utf-8")
    marks = dict(re.findall(r"^i\.mark\.stance-(\w+) \{[^}]*\} /\* (\w+) \*/$", css, re.M))
    assert marks == STANCE_SHAPES


# -- the org chart -----------------------------------------------------------------------------------


def test_the_org_chart_puts_the_head_on_top_and_each_manager_over_their_reports():
    G = account_graph()
    chart = org_chart(G, drawn(G))
    row = {n: place[0] for n, place in chart.items()}
    column = {n: place[1] for n, place in chart.items()}
    assert row["p-wang"] == 0 and all(row[n] > 0 for n in chart if n != "p-wang")
    assert row["p-li"] == row["p-zhang"] == 1 and row["p-zhao"] == row["p-qian"] == 2
    assert column["p-li"] == (column["p-zhao"] + column["p-qian"]) / 2  # centred over 赵 and 钱
    assert column["p-wang"] == (column["p-li"] + column["p-zhang"]) / 2
    # nobody outside the account beside its people: apart, from two rows under the deepest
    assert row["p-sun"] == row["u-lina"] == row["c-rival"] == 4 and 3 not in row.values()
    assert [n for n in sorted(chart, key=lambda n: column[n]) if row[n] == 4] == ["p-sun", "u-lina", "c-rival"]
    for r in set(row.values()):  # no two in one place
        columns = [column[n] for n in chart if row[n] == r]
        assert len(columns) == len(set(columns))
    assert org_levels(G, {"p-wang", "p-li", "p-zhang", "p-zhao", "p-qian"})["p-qian"] == 2


def test_many_outside_the_account_stand_in_rows_as_wide_as_the_chart():
    users = [("User", {"id": f"u-{i:02d}", "display_name": f"user {i:02d}"}) for i in range(20)]
    G = account_graph(extra_nodes=users)
    chart = org_chart(G, drawn(G))
    rows = {}
    for row, column in chart.values():
        rows.setdefault(row, []).append(column)
    assert sorted(rows) == [0, 1, 2, 4, 5, 6]  # 23 outside the account: three rows of at most 8
    assert [len(rows[r]) for r in (4, 5, 6)] == [8, 8, 7]
    middle = (max(rows[2]) + min(rows[2])) / 2
    for r in (4, 5, 6):
        assert max(rows[r]) - min(rows[r]) <= 7 and abs((max(rows[r]) + min(rows[r])) / 2 - middle) < 1


def test_the_org_chart_survives_reports_to_cycles_and_very_long_chains():
    chain = [("Person", {"id": f"p-{i:04d}", "name": f"n{i:04d}"}) for i in range(1200)]
    cycle = [("Person", {"id": "p-x", "name": "X"}), ("Person", {"id": "p-y", "name": "Y"})]
    G = account_graph(
        extra_nodes=chain + cycle,
        extra_edges=[("WORKS_AT", n["id"], "a", {}) for _label, n in chain + cycle]
        + [("REPORTS_TO", f"p-{i + 1:04d}", f"p-{i:04d}", {}) for i in range(1199)]
        + [("REPORTS_TO", "p-x", "p-y", {}), ("REPORTS_TO", "p-y", "p-x", {})])
    chart = org_chart(G, drawn(G))
    assert set(chart) == set(drawn(G))
    assert chart["p-1199"][0] == 1199 and chart["p-1199"][1] == chart["p-0000"][1]  # a chain is one column
    assert chart["p-x"][0] == chart["p-y"][0] == 1  # a cycle has no top: each has a manager above
    assert len(set(chart.values())) == len(chart)  # yet nobody shares a place


def test_the_same_graph_gives_the_same_map_whatever_order_it_was_loaded_in(app):
    with app.test_request_context():
        first = network_data(account_graph())
        for seed in range(3):
            G = account_graph(order=random.Random(seed))
            assert org_chart(G, drawn(G)) == org_chart(account_graph(), drawn(account_graph()))
            assert json.dumps(network_data(G), sort_keys=True) == json.dumps(first, sort_keys=True)


# -- the data sent to the page ----------------------------------------------------------------------


def test_network_data_carries_each_node_s_shape_and_place_in_the_org_chart(app):
    G = account_graph()
    with app.test_request_context():
        data = network_data(G)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["p-li"]["shape"] == "star" and nodes["p-zhang"]["shape"] == "triangleDown"
    assert nodes["p-sun"]["shape"] == STANCE_SHAPES["neutral"]  # no stance recorded: neutral
    assert nodes["u-lina"]["shape"] == "box" and nodes["c-rival"]["shape"] == "triangle"
    chart = org_chart(G, drawn(G))
    assert {n: (node["level"], node["column"]) for n, node in nodes.items()} == chart
    assert [e["kind"] for e in data["edges"]].count("INFLUENCES") == 2
    assert data["edge_styles"]["INFLUENCES"]["smooth"]["type"] == "curvedCW"


def test_the_details_box_words_come_in_the_page_s_language(app):
    with app.test_request_context():
        english = network_data(account_graph())["text"]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        chinese = network_data(account_graph())["text"]
    assert english["influenced_by"] == "Influenced by: %(names)s" and english["separator"] == ", "
    assert chinese["influenced_by"] == "受以下人员影响：%(names)s"
    assert chinese["influences"] == "影响以下人员：%(names)s"
    assert chinese["separator"] == "、" and chinese["nobody"] == "无"


def test_the_power_map_shapes_members_by_their_stance_in_the_deal(app):
    G = account_graph()
    center = [{"id": "p-li", "role": "technical_buyer", "stance": "opponent", "influence": 4, "our_relationships": []}]
    with app.test_request_context():
        data = power_map_data(G, "o", center)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["p-li"]["shape"] == "triangleDown"  # the stance in the deal, not the person's
    assert nodes["p-wang"]["shape"] == "box"  # a manager outside the buying center
    assert "%(names)s" in data["text"]["influences"]


def test_the_account_page_has_the_map_tools_in_english_and_chinese(client, auth):
    auth.login("lina")
    page = text(client.get("/accounts/acc-east"))
    for words in ('name="network-layout" value="network" checked', 'value="hierarchical"', "Org chart",
                  'id="network-find"', "Find on the map", '<datalist id="network-names">', 'class="edge-sample"'):
        assert words in page, words
    assert 'data-layout="network"' in page
    client.get("/lang/zh")
    page = text(client.get("/accounts/acc-east"))
    for words in ("组织架构图", "关系网络", "在图中查找", "图中没有叫这个名字的人。"):
        assert words in page, words
    client.get("/lang/en")
