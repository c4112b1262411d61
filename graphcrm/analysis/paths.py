"""Warm introduction paths: how to reach a stakeholder we do not know yet.

A path starts at one of our people, follows one of our RELATIONSHIP edges to
a customer person, then the customer's own KNOWS, INFLUENCES and REPORTS_TO
ties (either direction, across accounts too) to the target, or from a person
to a former colleague: someone who worked at the same account, one of the two
there no longer (``WORKED_AT``), a tie of strength
:data:`FORMER_COLLEAGUE_STRENGTH`.  Each hop has a *warmth* = strength / 5 (REPORTS_TO counts 4, a
stale relationship of ours counts 0.6 x its strength); a path's ``score`` is
the product of its hops' warmth, so longer and weaker chains score lower.
The k best paths are found with Yen's algorithm (networkx
``shortest_simple_paths``) on the cost -log(warmth) per hop.
"""

from __future__ import annotations

import math

import networkx as nx

from graphcrm.analysis._common import PEOPLE_TYPES, as_int, cadence_days, label, name_of, require, title_of
from graphcrm.analysis._deal import STALE_FACTOR, Context

_VERB = {
    ("KNOWS", True): "knows",
    ("KNOWS", False): "knows",
    ("INFLUENCES", True): "influences",
    ("INFLUENCES", False): "is influenced by",
    ("REPORTS_TO", True): "reports to",
    ("REPORTS_TO", False): "manages",
    ("RELATIONSHIP", True): "knows",
    ("FORMER_COLLEAGUE", True): "worked with",
}
#: the warmth of a former colleague as an introducer, as the strength of a tie (of 5): two people
#: who worked at the same account, one of them (or both) there no longer (``WORKED_AT``), count as
#: a weak tie (0.4 a hop) unless a KNOWS, INFLUENCES or REPORTS_TO line between them says more
FORMER_COLLEAGUE_STRENGTH = 2
_ROOT = ("__us__",)


def warm_paths(
    G: nx.MultiDiGraph,
    target_id: str,
    *,
    k: int = 3,
    max_hops: int = 4,
    sources=None,
    min_strength: int = 1,
    now=None,
    cadence: dict | None = None,
) -> list[dict]:
    """Find the k warmest introduction paths from our team to ``target_id``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format.
    target_id : str
        The stakeholder (Person id) to reach.
    k : int
        Number of paths to return.
    max_hops : int
        Longest path, in hops, counting our own relationship as the first.
    sources : iterable of str, optional
        Only start from these users (default: every active user).
    min_strength : int
        Ignore ties weaker than this (1-5).
    now, cadence
        For deciding which of our relationships are stale.

    Returns
    -------
    list of dict
        Best first: ``rank``, ``score`` (0-1, the product of the hops'
        warmth: 1.0 is a direct strength-5 relationship, 0.3 or more is a
        realistic introduction), ``hops``, ``nodes`` (``{id, name, label,
        title}`` from our person to the target), ``steps`` (``{from, to,
        type, verb, strength}``) and ``sentence``, e.g. "Li Wei (our Key-account
        manager) → knows → Zhang Min (Deputy Director) → reports to → Director
        Wang".  Empty when nobody on our team can reach the target.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("User", {"id": "u1", "username": "li", "display_name": "Li Wei", "title": "SE"}),
    ...      ("Person", {"id": "p1", "name": "Zhang Min", "title": "Deputy Director"}),
    ...      ("Person", {"id": "p2", "name": "Director Wang"})],
    ...     [("RELATIONSHIP", "u1", "p1", {"strength": 4}),
    ...      ("REPORTS_TO", "p1", "p2", {})])
    >>> warm_paths(G, "p2")[0]["sentence"]
    'Li Wei (our SE) → knows → Zhang Min (Deputy Director) → reports to → Director Wang'
    """
    require(G, target_id, "Person")
    ctx = Context(G, now=now, cadence=cadence)
    H = intro_graph(ctx, [target_id], max_hops=max_hops, sources=sources, min_strength=min_strength)
    return paths_in(G, H, target_id, k=k, max_hops=max_hops)


def intro_graph(ctx: Context, targets, *, max_hops: int = 4, sources=None, min_strength: int = 1) -> nx.DiGraph:
    """The weighted introduction graph around ``targets``: every person within
    ``max_hops - 1`` customer ties of a target, our users who know any of
    them, and a root node before our users (built once for several targets).
    People restricted in a quiet period (``ctx.restricted``) are left out: no
    path runs to or through them."""
    G = ctx.G
    former = former_colleagues(G)
    allowed = None if sources is None else set(sources)
    restricted = ctx.restricted
    ball = {t: 0 for t in targets if t not in restricted}
    frontier = list(ball)
    for depth in range(1, max_hops):
        nxt = []
        for p in frontier:
            for q in _people_neighbours(G, p, former):
                if q not in ball and q not in restricted:
                    ball[q] = depth
                    nxt.append(q)
        frontier = nxt
    edges: dict = {}
    users = set()
    for p in sorted(ball):
        for q, t, forward, d in _people_ties(G, p, former):
            if q not in ball:
                continue
            s = 4 if t == "REPORTS_TO" else as_int(d.get("strength"), 3)
            if s < min_strength:
                continue
            w = s / 5.0
            # the edge p -> q, described from p's point of view
            old = edges.get((p, q))
            if old is None or old["warmth"] < w:
                edges[(p, q)] = {"warmth": w, "cost": -math.log(w) + 1e-6, "type": t, "forward": forward, "strength": s}
        for u, keyed in G._pred[p].items():
            d = keyed.get("RELATIONSHIP")
            if d is None or label(G, u) != "User" or G.nodes[u].get("active", True) is False:
                continue
            if allowed is not None and u not in allowed:
                continue
            s = as_int(d.get("strength"), 3)
            if s < min_strength:
                continue
            last = ctx.last_contact(u, p, d)
            influence = as_int(G.nodes[p].get("influence"), 3)
            stale = last is None or (ctx.now - last).days > cadence_days(influence, ctx.cadence)
            w = s / 5.0 * (STALE_FACTOR if stale else 1.0)
            users.add(u)
            edges[(u, p)] = {
                "warmth": w, "cost": -math.log(w) + 1e-6, "type": "RELATIONSHIP", "forward": True, "strength": s,
                "stale": stale,
            }
    H = nx.DiGraph()
    H.add_node(_ROOT)
    H.add_edges_from((_ROOT, u, {"warmth": 1.0, "cost": 0.0}) for u in sorted(users))
    H.add_edges_from((a, b, d) for (a, b), d in edges.items())
    return H


def paths_in(G, H: nx.DiGraph, target_id, *, k: int = 3, max_hops: int = 4) -> list[dict]:
    """The k best paths to ``target_id`` in an :func:`intro_graph`."""
    if target_id not in H or not nx.has_path(H, _ROOT, target_id):
        return []
    out: list[dict] = []
    skipped = 0
    for path in nx.shortest_simple_paths(H, _ROOT, target_id, weight="cost"):
        path = path[1:]
        hops = len(path) - 1
        if hops > max_hops or any(label(G, n) == "User" for n in path[1:]):
            # Yen's order is by cost, not length: keep looking a little.
            skipped += 1
            if skipped > k * 10:
                break
            continue
        score = 1.0
        steps = []
        for a, b in zip(path, path[1:], strict=False):  # consecutive pairs
            e = H[a][b]
            score *= e["warmth"]
            steps.append(
                {
                    "from": a,
                    "to": b,
                    "type": e["type"],
                    "verb": _VERB[(e["type"], e["forward"])],
                    "strength": e["strength"],
                    **({"stale": e["stale"]} if "stale" in e else {}),
                }
            )
        nodes = [_node(G, n) for n in path]
        out.append(
            {
                "score": round(score, 4),
                "hops": hops,
                "nodes": nodes,
                "steps": steps,
                "sentence": _sentence(nodes, steps),
            }
        )
        if len(out) >= k:
            break
    out.sort(key=lambda p: (-p["score"], p["hops"], [n["id"] for n in p["nodes"]]))
    for i, p in enumerate(out, 1):
        p["rank"] = i
    return out


def _people_neighbours(G, p, former):
    for q, _, _, _ in _people_ties(G, p, former):
        yield q


def former_colleagues(G) -> dict:
    """Person -> the people who worked at an account with them, one of the two
    there no longer (``WORKED_AT``): the former colleagues the graph shows.

    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1"}), ("Person", {"id": "p1"}), ("Person", {"id": "p2"}),
    ...      ("Person", {"id": "p3"})],
    ...     [("WORKED_AT", "p1", "a1", {}), ("WORKS_AT", "p2", "a1", {}), ("WORKS_AT", "p3", "a1", {})])
    >>> sorted(former_colleagues(G)["p1"]), sorted(former_colleagues(G)["p2"])
    (['p2', 'p3'], ['p1'])
    """
    staff: dict = {}  # account -> (current people, former people)
    for u, v, key in G.edges(keys=True):
        if key in ("WORKS_AT", "WORKED_AT") and label(G, u) == "Person":
            staff.setdefault(v, (set(), set()))[key == "WORKED_AT"].add(u)
    found: dict = {}
    for current, left in staff.values():
        for p in left:
            for q in (current | left) - {p}:
                found.setdefault(p, set()).add(q)
                found.setdefault(q, set()).add(p)
    return found


def _people_ties(G, p, former):
    """(other person, type, p-is-start, attrs) for every customer tie of p, and
    its former colleagues (``former``: :func:`former_colleagues`) it has no other tie with."""
    tied = set()
    for q, keyed in G._succ[p].items():
        if q == p:
            continue
        for t in PEOPLE_TYPES:
            if t in keyed and label(G, q) == "Person":
                tied.add(q)
                yield q, t, True, keyed[t]
    for q, keyed in G._pred[p].items():
        if q == p:
            continue
        for t in PEOPLE_TYPES:
            if t in keyed and label(G, q) == "Person":
                tied.add(q)
                yield q, t, False, keyed[t]
    for q in sorted(former.get(p, set()) - tied):
        yield q, "FORMER_COLLEAGUE", True, {"strength": FORMER_COLLEAGUE_STRENGTH}


def _node(G, n) -> dict:
    ref = {"id": n, "name": name_of(G, n), "label": label(G, n)}
    t = title_of(G, n)
    if t:
        ref["title"] = t
    return ref


def _sentence(nodes, steps) -> str:
    def show(n):
        t = n.get("title")
        if n["label"] == "User":
            return f"{n['name']} (our {t})" if t else f"{n['name']} (our team)"
        return f"{n['name']} ({t})" if t else n["name"]

    parts = [show(nodes[0])]
    for s, n in zip(steps, nodes[1:], strict=True):  # one step into each node after the first
        parts.append(s["verb"])
        parts.append(show(n))
    return " → ".join(parts)
