"""Influence ranking: who really moves a decision at the customer.

Model
-----
Weighted PageRank on a directed "lends weight to" graph among the customer's
people: an ``INFLUENCES`` edge u->v (u sways v) becomes v->u with the
strength as weight (v lends weight to u), a ``REPORTS_TO`` edge u->v stays
u->v with weight 3 (a subordinate lends weight to the manager), ``KNOWS``
edges are ignored (acquaintance is not influence).  The random jump is not
uniform: it is *personalised* by a prior, each person's declared influence
(1-5, per-deal influence overriding the person's own) times a role factor
when an opportunity is given (economic buyer x2, decision maker x1.8,
technical buyer / blocker x1.4, procurement / influencer / champion x1.2,
others x1).  So the score blends what the account team believes (the prior)
with what the network shows (who the influential listen to).
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import as_int, in_typed, label, out_typed, scope_people
from graphcrm.analysis.messages import english, say

ROLE_FACTOR = {
    "economic_buyer": 2.0,
    "decision_maker": 1.8,
    "technical_buyer": 1.4,
    "blocker": 1.4,
    "procurement": 1.2,
    "influencer": 1.2,
    "champion": 1.2,
}
REPORTS_TO_WEIGHT = 3.0


def _pagerank(D, **kw) -> dict:
    """networkx PageRank; the pure-Python implementation when SciPy is absent."""
    try:
        import scipy  # noqa: F401
    except ImportError:
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        return _pagerank_python(D, **kw)
    return nx.pagerank(D, **kw)


def roles_in(G, opportunity_id) -> dict:
    """person id -> ROLE_IN attributes for one opportunity."""
    if opportunity_id is None:
        return {}
    return {p: d for p, d in in_typed(G, opportunity_id, "ROLE_IN")}


def influence_ranking(
    G: nx.MultiDiGraph,
    *,
    account_id: str | None = None,
    opportunity_id: str | None = None,
    people=None,
    alpha: float = 0.85,
    top: int | None = None,
) -> list[dict]:
    """Rank the customer's people by how much they move a decision.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format.
    account_id, opportunity_id, people
        Whom to rank: an explicit list of person ids, else an opportunity's
        buying center and its account's people (roles then weigh in), else an
        account's people, else the graph's account, else every person.
    alpha : float
        PageRank damping: the share of weight that follows the network
        rather than the declared prior.
    top : int, optional
        Keep only the first ``top`` people.

    Returns
    -------
    list of dict
        Ranked best first: ``rank``, ``id``, ``name``, ``title``,
        ``department``, ``declared_influence`` (1-5 as recorded),
        ``role`` (in the opportunity, if any), ``stance``, ``score`` (share of
        the total influence in the group, 0-1; the scores sum to 1, so 0.25
        means a quarter of the weight in the room) and ``reasons`` (short
        phrases: "reports to the economic buyer", "influences 3 evaluators";
        ``texts["reasons"]`` holds them as messages).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Person", {"id": "boss", "name": "王总", "influence": 3}),
    ...      ("Person", {"id": "a", "name": "Zhang Min", "influence": 3}),
    ...      ("Person", {"id": "b", "name": "Liu Yang", "influence": 3})],
    ...     [("REPORTS_TO", "a", "boss", {}), ("REPORTS_TO", "b", "boss", {}),
    ...      ("INFLUENCES", "a", "b", {"strength": 4})])
    >>> [p["id"] for p in influence_ranking(G)]
    ['boss', 'a', 'b']
    >>> influence_ranking(G)[0]["reasons"]
    ['manages 2 people']
    """
    scope = scope_people(G, account_id=account_id, opportunity_id=opportunity_id, people=people)
    if not scope:
        return []
    roles = roles_in(G, opportunity_id)
    keep = set(scope)

    def eff(p, attr, default):
        r = roles.get(p) or {}
        v = r.get(attr)
        return v if v is not None else G.nodes[p].get(attr, default)

    D = nx.DiGraph()
    D.add_nodes_from(scope)
    for u in scope:
        for v, keyed in G._succ[u].items():
            if v not in keep or v == u:
                continue
            if "INFLUENCES" in keyed:
                w = as_int(keyed["INFLUENCES"].get("strength"), 3)
                D.add_edge(v, u, weight=D.get_edge_data(v, u, {}).get("weight", 0) + w)
            if "REPORTS_TO" in keyed:
                D.add_edge(u, v, weight=D.get_edge_data(u, v, {}).get("weight", 0) + REPORTS_TO_WEIGHT)
    prior: dict[str, float] = {}
    for p in scope:
        role = (roles.get(p) or {}).get("role")
        prior[p] = as_int(eff(p, "influence", 3), 3) * ROLE_FACTOR.get(role or "", 1.0)
    pr = _pagerank(D, alpha=alpha, personalization=prior, dangling=prior, weight="weight", tol=1e-10, max_iter=500)

    ranked = sorted(scope, key=lambda p: (-round(pr[p], 12), p))
    if top is not None:
        ranked = ranked[:top]
    out = []
    for i, p in enumerate(ranked, 1):
        d = G.nodes[p]
        role = (roles.get(p) or {}).get("role")
        reasons = _reasons(G, p, keep, roles)
        out.append(
            {
                "rank": i,
                "id": p,
                "name": str(d.get("name") or p),
                "title": d.get("title"),
                "department": d.get("department"),
                "declared_influence": as_int(eff(p, "influence", 3), 3),
                "role": role,
                "stance": eff(p, "stance", "neutral"),
                "score": round(pr[p], 6),
                "reasons": english(reasons),
                "texts": {"reasons": reasons},
            }
        )
    return out


def _reasons(G, p, keep, roles) -> list[dict]:
    """Why ``p`` matters, as messages (see :mod:`graphcrm.analysis.messages`)."""
    reasons = []
    role = (roles.get(p) or {}).get("role")
    if role:
        reasons.append(say("influence.holds_role", role=role))
    for boss, _ in sorted(out_typed(G, p, "REPORTS_TO")):
        if boss in keep and roles.get(boss, {}).get("role") in ("economic_buyer", "decision_maker"):
            reasons.append(say("influence.reports_to", role=roles[boss]["role"], name=G.nodes[boss].get("name", boss)))

    def counted(code, n):
        return say(code + "_one") if n == 1 else say(code, count=n)

    reports = [u for u, _ in in_typed(G, p, "REPORTS_TO") if u in keep]
    if reports:
        reasons.append(counted("influence.manages", len(reports)))
    swayed = [v for v, _ in out_typed(G, p, "INFLUENCES") if v in keep and label(G, v) == "Person"]
    if swayed:
        in_deal = [v for v in swayed if v in roles]
        if roles and in_deal:
            reasons.append(counted("influence.evaluators", len(in_deal)))
        else:
            reasons.append(counted("influence.influences", len(swayed)))
    swayed_by = [u for u, _ in in_typed(G, p, "INFLUENCES") if u in keep]
    if swayed_by and not swayed and not reports:
        reasons.append(counted("influence.listens", len(swayed_by)))
    declared = (roles.get(p) or {}).get("influence") or G.nodes[p].get("influence")
    if declared is not None and as_int(declared, 3) >= 4:
        reasons.append(say("influence.declared", influence=as_int(declared, 3)))
    return reasons
