"""The stakeholder network as vis-network data, built with pyvis.

The page draws it with ``static/network.js`` from the app's own static files
(no pyvis HTML template, nothing loaded from outside the app's origin).

What a map is made of (the contract with ``static/network.js``):

* every node carries its place in the account's org chart (``org_chart``):
  ``level``, the row (the depth under the top of the REPORTS_TO chain), and
  ``column``, so that the page can switch from the force layout to a
  top-down org chart without asking the server;
* a person's ``shape`` follows their stance (``STANCE_SHAPES``) as well as
  their colour (``STANCE_COLORS``): a red-green colour-blind reader tells a
  champion from an opponent by the shape;
* each kind of line has its own colour, dashes, width, arrow and curve
  (``EDGE_STYLES``, sent once per page): the person-to-person kinds bend by
  different amounts and to different sides, so that an influence line never
  lies on top of the reports-to line between the same two people;
* the account network carries the team's layout (``saved_layout``: where
  people were placed and saved, GraphStore.map_layout, and that layout's
  version), for the nodes this user's map shows only: the page draws those
  nodes there and lays out the rest near them;
* what the map's side panel edits (web/mapedit.py) comes with it: a person's
  ``job`` (title), ``department``, ``stance``, ``influence``, ``compliance_role`` and ``version``
  as stored, each line's ``version``, and ``competitors`` (id and name) whose
  tie to a person can be recorded.  The power map adds each member's ``role``
  in the deal (``role``, ``stance``, ``influence`` and ``version`` of their
  ROLE_IN, as stored), ``ties`` (our team's and competitors' relationships
  with the people drawn, which it does not draw), ``people`` (the account's
  people, for the pickers) and ``roles`` (the buying-center roles in the
  page's language).
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

from flask_babel import get_locale
from flask_babel import gettext as _
from pyvis.network import Network

from graphcrm import model
from graphcrm.analysis.compliance import restricted_people

STANCE_COLORS = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#bdbdbd",
    "skeptic": "#fc8d59",
    "opponent": "#d73027",
}
#: the shape of a person of each stance (vis-network shapes); style.css draws the
#: legend's marks in the same shapes (a test checks).  Our team are boxes and
#: competitors triangles, so no stance uses those.
STANCE_SHAPES = {
    "champion": "star",
    "supporter": "diamond",
    "neutral": "dot",
    "skeptic": "square",
    "opponent": "triangleDown",
}
#: how the power map draws a person restricted in a quiet period, whatever their stance: a dashed
#: red ring (style.css draws the legend's mark ``restricted`` the same)
RESTRICTED_LOOK = {"border": "#b00020", "width": 4, "dashes": [6, 4]}
#: how each kind of line is drawn.  ``smooth`` is vis-network's per-edge curve:
#: reports-to lines are straight, influence lines bend clockwise and acquaintance
#: lines counter-clockwise by another amount, so the three kinds that join two
#: people never coincide, whichever way each runs.  Arrows sit mid-line, where
#: they cannot cover a name (a name is drawn under its node, where a line ends).
EDGE_STYLES = {
    "REPORTS_TO": {"color": "#555555", "dashes": False, "width": 2, "smooth": False, "arrows": "middle"},
    "INFLUENCES": {"color": "#8e44ad", "dashes": [8, 4], "width": 2.5,
                   "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.35}, "arrows": "middle"},
    "RELATIONSHIP": {"color": "#2c7fb8", "dashes": False, "width": 1, "smooth": False, "arrows": ""},
    "KNOWS": {"color": "#999999", "dashes": [2, 4], "width": 1.5,
              "smooth": {"enabled": True, "type": "curvedCCW", "roundness": 0.2}, "arrows": ""},
}
NETWORK_NODE_LABELS = ("Person", "User", "Competitor")


def edge_styles(lang: str) -> dict:
    """Colour, dashes, width, curve, arrow and (translated) name of each drawn
    edge kind, sent once per page: static/network.js applies them to the edges
    of that kind, and the legend draws a sample of each."""
    return {kind: {**style, "title": model.label_text(model.RELATIONSHIP_TYPES, kind, lang)}
            for kind, style in EDGE_STYLES.items()}


def _chart_place(place: tuple[int, float]) -> dict:
    """A node's ``level`` and ``column`` in the data, from ``org_chart``."""
    level, column = place
    return {"level": level, "column": column}


def map_text() -> dict:
    """The words static/network.js writes, in the page's language: a person's
    tooltip and the influence lines of the details box."""
    return {
        "influence": _("influence"),
        "strength": _("strength"),
        # sentences with a place for the names, filled in by the browser
        "influenced_by": _("Influenced by: %(names)s", names="%(names)s"),
        "influences": _("Influences: %(names)s", names="%(names)s"),
        "nobody": _("nobody"),
        # the separator of a list of names: ", " in English, "、" in Chinese
        "separator": _("%(first)s, %(rest)s", first="", rest=""),
    }


def _without_arrows(edges: list[dict]) -> list[dict]:
    """pyvis marks every edge of a directed network ``arrows: "to"``;
    static/network.js draws the arrows of each kind from ``edge_styles``: no
    need to send them with each edge."""
    return [{k: v for k, v in e.items() if k != "arrows"} for e in edges]


def network_data(G) -> dict:
    """Nodes and edges of the stakeholder network, built with pyvis, as plain
    data for vis-network (rendered by static/network.js, not pyvis's template).

    ``G`` is the account graph as the user may see it (web.access.visible_graph):
    people of other accounts the user may see appear as acquaintances.

    The data is compact (a 200-person account's page stays under 150 KB,
    bench/bench_page_weight.py): edges carry their ``kind`` and ``strength``
    only, the style of each kind comes once in ``edge_styles``; a person's
    tooltip is assembled in the browser from ``job``, ``department``,
    ``stance`` and ``influence`` with the words in ``stances`` and ``text``.
    Every node carries its place in the org chart (``org_chart``): ``level``
    (the row) and ``column``.
    """
    lang = str(get_locale() or "en")
    # in id order, edges too: the force layout places nodes in the order they come
    shown = map_node_ids(G)
    chart = org_chart(G, shown)
    net = Network(directed=True)  # pyvis drops a node's color when it has a group: no groups
    for n in shown:
        d = G.nodes[n]
        label = d.get("label")
        if label == "Person":
            influence = int(d.get("influence") or 1)
            stance = d.get("stance") or "neutral"
            extra = {k: v for k, v in (("job", d.get("title")), ("department", d.get("department")),
                                       ("compliance_role", d.get("compliance_role"))) if v}
            net.add_node(n, label=str(d.get("name") or n), shape=STANCE_SHAPES.get(stance, "dot"), kind="Person",
                         stance=stance, influence=influence, color=STANCE_COLORS.get(stance, "#bdbdbd"),
                         size=10 + 5 * influence, version=d.get("version"), **_chart_place(chart[n]), **extra)
        elif label == "User":
            role = model.label_text(model.USER_ROLES, d.get("role"), lang)
            net.add_node(n, label=str(d.get("display_name") or d.get("username") or n),
                         title=f"{d.get('display_name') or n}\n{role}",
                         shape="box", color="#4a90d9", **_chart_place(chart[n]))
        else:
            net.add_node(n, label=str(d.get("name") or n), title=f"{_('Competitor')}: {d.get('name') or n}",
                         shape="triangle", color="#7f0000", size=18, **_chart_place(chart[n]))
    ids = set(shown)
    lines = sorted((u, v, d.get("type"), d) for u, v, d in G.edges(data=True)
                   if d.get("type") in EDGE_STYLES and u in ids and v in ids)
    for u, v, kind, d in lines:
        net.add_edge(u, v, kind=kind, **_line_values(d))
    return {
        "nodes": net.nodes,
        "edges": _without_arrows(net.edges),
        "edge_styles": edge_styles(lang),
        "stances": {s: model.label_text(model.STANCES, s, lang) for s in model.STANCES},
        "text": map_text(),
        "competitors": _competitors(G),
        "saved_layout": saved_layout(G, shown),
    }


def map_node_ids(G) -> list[str]:
    """The nodes the account network draws (people, our team, competitors), in id order."""
    return sorted(n for n, d in G.nodes(data=True) if d.get("label") in NETWORK_NODE_LABELS)


def saved_layout(G, shown) -> dict:
    """The team's layout of the account's map for the nodes of ``shown``:
    ``{"positions": {node id: [x, y]}, "version": n}`` (GraphStore.map_layout).
    Only the nodes shown: the ids of what this user may not see never reach the page."""
    account = G.nodes.get(G.graph.get("account_id")) or {}
    positions = json.loads(account.get("map_positions") or "{}")
    return {"positions": {n: positions[n] for n in shown if n in positions},
            "version": account.get("map_positions_version") or 0}


def _line_values(d: dict) -> dict:
    """What a line carries besides its kind: its strength (if it has one) and version."""
    return {k: d[k] for k in ("strength", "version") if d.get(k) is not None}


def _competitors(G) -> list[dict]:
    """The competitors of an account graph (bidding for its opportunities or
    tied to its people), by name: those the side panel offers."""
    return sorted(({"id": n, "name": _name(G, n)} for n, d in G.nodes(data=True) if d.get("label") == "Competitor"),
                  key=lambda c: (c["name"], c["id"]))


#: the order of the rows under an org chart: people of other accounts, our team, competitors
OUTSIDE_ROW = {"Person": 0, "User": 1, "Competitor": 2}
#: those rows are as wide as the chart, and at least this many columns
OUTSIDE_ROW_MIN = 8


def org_chart(G, node_ids) -> dict[str, tuple[int, float]]:
    """Where each of ``node_ids`` sits in the account's org chart, top down:
    ``(row, column)``.

    The account's people (``G.graph["account_id"]``; without one, every
    person) are charted by REPORTS_TO: the row is the depth under the top of
    the chain (``org_levels``), the column comes from ``_tree_columns`` (each
    manager centred over their reports).  Everyone else (people of other
    accounts, our team, competitors) stands apart, from the second row under
    the deepest down (``_rows_below``), so that nobody outside the account
    sits beside its head or passes for someone's report.  Ties are broken by
    name and id: the same graph, the same chart.

    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph([("Account", {"id": "a"}), ("Person", {"id": "ceo", "name": "Ann"}),
    ...                  ("Person", {"id": "cfo", "name": "Bo"}), ("Person", {"id": "cto", "name": "Cy"}),
    ...                  ("User", {"id": "u", "display_name": "Us"})],
    ...                 [("WORKS_AT", p, "a", {}) for p in ("ceo", "cfo", "cto")]
    ...                 + [("REPORTS_TO", "cfo", "ceo", {}), ("REPORTS_TO", "cto", "ceo", {}),
    ...                    ("RELATIONSHIP", "u", "cto", {"strength": 3})],
    ...                 kind="account", account_id="a")
    >>> org_chart(G, ["ceo", "cfo", "cto", "u"])
    {'ceo': (0, 0.5), 'cfo': (1, 0), 'cto': (1, 1), 'u': (3, 0.5)}
    """
    account_id = G.graph.get("account_id")
    people = {n for n in node_ids if G.nodes[n].get("label") == "Person"
              and (account_id is None or G.has_edge(n, account_id, "WORKS_AT"))}
    boss = _bosses(G, people)
    levels = org_levels(G, people)
    columns = _tree_columns(levels, boss, key=lambda n: (_name(G, n), n))
    others = sorted((n for n in node_ids if n not in people),
                    key=lambda n: (OUTSIDE_ROW.get(G.nodes[n].get("label"), 3), _name(G, n), n))
    chart = {n: (levels[n], columns[n]) for n in node_ids if n in people}
    width = max(columns.values(), default=-1) + 1
    chart.update(_rows_below(others, max(levels.values(), default=-2) + 2, width))
    return {n: chart[n] for n in node_ids}


def _rows_below(others: list[str], top: int, width: float) -> dict[str, tuple[int, float]]:
    """``others`` in rows from row ``top`` down, as wide as the chart above (at
    least OUTSIDE_ROW_MIN), of even lengths, each centred under the chart."""
    if not others:
        return {}
    rows = math.ceil(len(others) / max(width, OUTSIDE_ROW_MIN))
    per_row = math.ceil(len(others) / rows)
    places = {}
    for i, n in enumerate(others):
        row, at = divmod(i, per_row)
        length = min(per_row, len(others) - row * per_row)
        places[n] = (top + row, (width - length) / 2 + at)
    return places


def _name(G, n: str) -> str:
    d = G.nodes[n]
    return str(d.get("name") or d.get("display_name") or n)


def _bosses(G, people: set[str]) -> dict[str, str]:
    """Each person's manager among ``people`` (REPORTS_TO; of two, the first by id)."""
    boss = {}
    for p in people:
        managers = [v for _person, v, e in G.out_edges(p, data=True) if e.get("type") == "REPORTS_TO" and v in people]
        if managers:
            boss[p] = min(managers)
    return boss


def _tree_columns(levels: dict[str, int], boss: dict[str, str], key) -> dict[str, float]:
    """The column of each person of ``levels`` in a tidy org chart: someone
    without reports takes the next free column, a manager sits centred over
    their first and last report; trees side by side, reports in ``key`` order.
    A report is one row under their manager; where REPORTS_TO runs in a cycle,
    that is not so, and the person heads a tree of their own.  Iterative, so
    that a chain of any length fits."""
    reports: dict[str, list[str]] = {p: [] for p in levels}
    for p, b in boss.items():
        if levels[p] == levels[b] + 1:
            reports[b].append(p)
    under = {r for rs in reports.values() for r in rs}
    columns: dict[str, float] = {}
    column = 0
    for root in sorted((p for p in levels if p not in under), key=key):
        stack = [(root, False)]
        while stack:
            p, done = stack.pop()
            if not done:
                stack.append((p, True))
                stack.extend((r, False) for r in sorted(reports[p], key=key, reverse=True))
            elif reports[p]:
                placed = [columns[r] for r in reports[p]]
                columns[p] = (min(placed) + max(placed)) / 2
            else:
                columns[p], column = column, column + 1
    return columns


def org_levels(G, people: set[str]) -> dict[str, int]:
    """Each person's depth in the org chart among ``people`` (0: reports to
    nobody in the set), following REPORTS_TO upward (cycles cut)."""
    boss = _bosses(G, people)
    levels = {}
    for p in people:
        seen, node = {p}, p
        while node in boss and boss[node] not in seen:
            node = boss[node]
            seen.add(node)
        levels[p] = len(seen) - 1
    return levels


def power_map_data(G, opportunity_id: str, buying_center: list[dict], lang: str = "en") -> dict:
    """The buying center drawn over the org chart, as vis-network data with a
    precomputed layout: ``level``, the depth under the top boss shown, and
    ``column``, each manager centred over their reports (as :func:`org_chart`
    places the account's people).  The page and the review pack's picture
    (web/review.py) both draw it there.

    Members are coloured and shaped by their stance in the deal and sized by their
    influence in it, with their buying-center role in the label and a thick
    blue border where we hold a strong relationship (4+); their managers up
    the REPORTS_TO chain come along in grey, so that the chart shows who
    answers to whom.  Edges: REPORTS_TO (solid, to the manager) and
    INFLUENCES (dashed purple).
    """
    members = {m["id"]: m for m in buying_center}
    shown = set(members)
    frontier = list(members)
    while frontier:  # managers up the chain
        p = frontier.pop()
        for _person, v, e in G.out_edges(p, data=True):
            if e.get("type") == "REPORTS_TO" and v not in shown and G.nodes[v].get("label") == "Person":
                shown.add(v)
                frontier.append(v)
    levels = org_levels(G, shown)
    columns = _tree_columns(levels, _bosses(G, shown), key=lambda n: (_name(G, n), n))
    net = Network(directed=True)
    for p in sorted(shown, key=lambda n: (levels[n], str(G.nodes[n].get("name") or n))):
        d = G.nodes[p]
        name = str(d.get("name") or p)
        details = [name, d.get("title") or "", d.get("department") or ""]
        if p in members:
            m = members[p]
            covered = max((r.get("strength") or 0 for r in m["our_relationships"]), default=0)
            role = model.label_text(model.BUYING_ROLES, m["role"], lang)
            stance = model.label_text(model.STANCES, m["stance"], lang)
            details.append(f"{role} · {stance} · {m['influence']}")
            details += [f"{r['name']} ({r['strength']})" for r in m["our_relationships"]]
            net.add_node(p, label=f"{name}\n{role}", title="\n".join(x for x in details if x),
                         shape=STANCE_SHAPES.get(m["stance"], "dot"),
                         level=levels[p], column=columns[p], kind="Person",
                         color={"background": STANCE_COLORS.get(m["stance"], "#bdbdbd"),
                                "border": "#1f5fa8" if covered >= 4 else "#666666"},
                         borderWidth=4 if covered >= 4 else 1, size=10 + 5 * int(m["influence"] or 1),
                         role=_role_values(G, p, opportunity_id), **_person_values(d))
        else:
            net.add_node(p, label=name, title="\n".join(x for x in details if x), shape="box", level=levels[p],
                         column=columns[p], kind="Person", color="#e6e6ee", **_person_values(d))
    restricted = _mark_restricted(net.nodes, G, lang)
    for u, v, d in G.edges(data=True):
        kind = d.get("type")
        if kind in ("REPORTS_TO", "INFLUENCES") and u in shown and v in shown:
            net.add_edge(u, v, kind=kind, **_line_values(d))
    return {"nodes": net.nodes, "edges": _without_arrows(net.edges), "edge_styles": edge_styles(lang),
            "text": map_text(), "ties": _ties(G, shown), "people": _account_people(G), "competitors": _competitors(G),
            "roles": {r: model.label_text(model.BUYING_ROLES, r, lang) for r in model.BUYING_ROLES},
            "restricted": restricted}


def _mark_restricted(nodes: list[dict], G, lang: str) -> int:
    """Mark the people of ``nodes`` restricted in a quiet period now
    (graphcrm/analysis/compliance.py) as :data:`RESTRICTED_LOOK` says, their
    compliance role under their name after a ⚠ (also in ``restricted``, for
    the side panel); how many there are.  The others get a solid border
    (``shapeProperties`` on every node: the map, redrawn after an edit, sets
    a property no longer sent to nothing, which vis-network cannot draw)."""
    restricted = restricted_people(G, datetime.now(timezone.utc))
    marked = 0
    for node in nodes:
        found = restricted.get(node["id"])
        if found is None:
            node["shapeProperties"] = {"borderDashes": False}
            continue
        role = model.label_text(model.COMPLIANCE_ROLES, found["role"], lang)
        color = node.get("color")
        background = color.get("background") if isinstance(color, dict) else color
        node.update(label=f"{node['label']}\n⚠ {role}",
                    title=f"{node.get('title') or node['label']}\n⚠ {role}: {_('quiet period, do not approach')}",
                    color={"background": background, "border": RESTRICTED_LOOK["border"]},
                    borderWidth=RESTRICTED_LOOK["width"], shapeProperties={"borderDashes": RESTRICTED_LOOK["dashes"]},
                    restricted=role)
        marked += 1
    return marked


def _person_values(d: dict) -> dict:
    """A person as stored, for the side panel: title (``job``), department,
    stance, influence, compliance role and version (the power map draws the
    stance and influence in the deal instead)."""
    values = {"job": d.get("title"), "department": d.get("department"), "stance": d.get("stance") or "neutral",
              "influence": d.get("influence"), "compliance_role": d.get("compliance_role"), "version": d.get("version")}
    return {k: v for k, v in values.items() if v is not None}


def _role_values(G, person_id: str, opportunity_id: str) -> dict:
    """The person's ROLE_IN the opportunity as stored: role, stance and
    influence in the deal (None: the person's own), version."""
    d = G.get_edge_data(person_id, opportunity_id, "ROLE_IN") or {}
    return {k: d.get(k) for k in ("role", "stance", "influence", "version")}


def _ties(G, people) -> list[dict]:
    """Our team's and competitors' relationships with ``people`` (the power
    map does not draw them): from, its name, to, strength and version."""
    ties = [{"from": u, "from_name": _name(G, u), "to": v, "kind": "RELATIONSHIP", **_line_values(d)}
            for u, v, d in G.edges(data=True) if d.get("type") == "RELATIONSHIP" and v in people]
    return sorted(ties, key=lambda t: (t["to"], t["from"]))


def _account_people(G) -> list[dict]:
    """The people of the graph's account (id, name, title, department), by
    name: whom the power map's pickers offer."""
    account_id = G.graph.get("account_id")
    people = [{"id": n, "name": _name(G, n), "title": d.get("title"), "department": d.get("department")}
              for n, d in G.nodes(data=True)
              if d.get("label") == "Person" and account_id is not None and G.has_edge(n, account_id, "WORKS_AT")]
    return sorted(people, key=lambda p: (p["name"], p["id"]))
