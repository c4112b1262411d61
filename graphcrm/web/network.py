"""The stakeholder network as vis-network data, built with pyvis.

The page draws it with ``static/network.js`` from the app's own static files
(no pyvis HTML template, nothing loaded from outside the app's origin).
"""

from __future__ import annotations

from flask_babel import get_locale, gettext as _
from pyvis.network import Network

from graphcrm import model

STANCE_COLORS = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#bdbdbd",
    "skeptic": "#fc8d59",
    "opponent": "#d73027",
}
EDGE_STYLES = {
    "REPORTS_TO": {"color": "#555555", "dashes": False, "width": 2},
    "INFLUENCES": {"color": "#8e44ad", "dashes": [6, 4], "width": 2},
    "RELATIONSHIP": {"color": "#2c7fb8", "dashes": False, "width": 1},
    "KNOWS": {"color": "#999999", "dashes": [2, 4], "width": 1},
}
NETWORK_NODE_LABELS = ("Person", "User", "Competitor")


def edge_styles(lang: str) -> dict:
    """Color, dashes, width and (translated) name of each drawn edge kind, sent
    once per page: static/network.js applies them to the edges of that kind."""
    return {kind: {**style, "title": model.label_text(model.RELATIONSHIP_TYPES, kind, lang)}
            for kind, style in EDGE_STYLES.items()}


def _without_arrows(edges: list[dict]) -> list[dict]:
    """pyvis marks every edge of a directed network ``arrows: "to"``;
    static/network.js draws every edge so: no need to send it each time."""
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
    """
    lang = str(get_locale() or "en")
    net = Network(directed=True)  # pyvis drops a node's color when it has a group: no groups
    for n, d in G.nodes(data=True):
        label = d.get("label")
        if label not in NETWORK_NODE_LABELS:
            continue
        if label == "Person":
            influence = int(d.get("influence") or 1)
            stance = d.get("stance") or "neutral"
            extra = {k: v for k, v in (("job", d.get("title")), ("department", d.get("department"))) if v}
            net.add_node(n, label=str(d.get("name") or n), shape="dot", kind="Person", stance=stance,
                         influence=influence, color=STANCE_COLORS.get(stance, "#bdbdbd"), size=10 + 5 * influence,
                         **extra)
        elif label == "User":
            net.add_node(n, label=str(d.get("display_name") or d.get("username") or n),
                         title=f"{d.get('display_name') or n}\n{model.label_text(model.USER_ROLES, d.get('role'), lang)}",
                         shape="box", color="#4a90d9")
        else:
            net.add_node(n, label=str(d.get("name") or n), title=f"{_('Competitor')}: {d.get('name') or n}",
                         shape="triangle", color="#7f0000", size=18)
    ids = {node["id"] for node in net.nodes}
    for u, v, d in G.edges(data=True):
        kind = d.get("type")
        if kind not in EDGE_STYLES or u not in ids or v not in ids:
            continue
        net.add_edge(u, v, kind=kind, **({"strength": d["strength"]} if d.get("strength") is not None else {}))
    return {
        "nodes": net.nodes,
        "edges": _without_arrows(net.edges),
        "edge_styles": edge_styles(lang),
        "stances": {s: model.label_text(model.STANCES, s, lang) for s in model.STANCES},
        "text": {"influence": _("influence"), "strength": _("strength")},
    }


def org_levels(G, people: set[str]) -> dict[str, int]:
    """Each person's depth in the org chart among ``people`` (0: reports to
    nobody in the set), following REPORTS_TO upward (cycles cut)."""
    boss = {}
    for p in people:
        for _, v, e in G.out_edges(p, data=True):
            if e.get("type") == "REPORTS_TO" and v in people:
                boss[p] = v
                break
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
    precomputed layout (``level`` = depth under the top boss shown).

    Members are colored by their stance in the deal and sized by their
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
        for _, v, e in G.out_edges(p, data=True):
            if e.get("type") == "REPORTS_TO" and v not in shown and G.nodes[v].get("label") == "Person":
                shown.add(v)
                frontier.append(v)
    levels = org_levels(G, shown)
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
            net.add_node(p, label=f"{name}\n{role}", title="\n".join(x for x in details if x), shape="dot",
                         level=levels[p], kind="Person", color={"background": STANCE_COLORS.get(m["stance"], "#bdbdbd"),
                                                 "border": "#1f5fa8" if covered >= 4 else "#666666"},
                         borderWidth=4 if covered >= 4 else 1, size=10 + 5 * int(m["influence"] or 1))
        else:
            net.add_node(p, label=name, title="\n".join(x for x in details if x), shape="box", level=levels[p],
                         kind="Person", color="#e6e6ee")
    for u, v, d in G.edges(data=True):
        kind = d.get("type")
        if kind in ("REPORTS_TO", "INFLUENCES") and u in shown and v in shown:
            net.add_edge(u, v, kind=kind)
    return {"nodes": net.nodes, "edges": _without_arrows(net.edges), "edge_styles": edge_styles(lang)}
