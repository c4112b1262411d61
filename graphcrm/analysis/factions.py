"""Factions / coalitions: the groups in the customer's network.

Louvain community detection (networkx ``louvain_communities``, fixed seed) on
the undirected graph of the customer's ties weighted by strength (REPORTS_TO
counts 3).  For each faction: its combined influence (sum of declared
influence, per-deal values when an opportunity is given), its prevailing
stance (influence-weighted mean of stances, +1 champion ... -1 opponent,
named by the nearest stance word), its leader and how many of its members
we hold a strong relationship with.
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import (
    STANCE_SCORE,
    STRONG,
    as_int,
    in_typed,
    label,
    people_graph,
    scope_people,
    stance_label,
)
from graphcrm.analysis.influence import roles_in


def factions(
    G: nx.MultiDiGraph,
    *,
    account_id: str | None = None,
    opportunity_id: str | None = None,
    people=None,
    seed: int = 0,
    resolution: float = 1.0,
    strong: int = STRONG,
) -> dict:
    """Split the customer's people into factions and say where each stands.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format.
    account_id, opportunity_id, people
        Whom to consider (see :func:`graphcrm.analysis.influence_ranking`).
    seed : int
        Louvain's random seed (same seed, same factions).
    resolution : float
        Louvain resolution: above 1 gives more, smaller factions.
    strong : int
        Relationship strength that counts as a strong tie with our team.

    Returns
    -------
    dict
        ``method`` ("louvain"), ``seed``, ``factions``: list (largest combined
        influence first) of ``{id, size, members, leader, combined_influence,
        stance_score, stance, stance_counts, departments, covered}`` --
        ``combined_influence`` is the sum of the members' influence (how much
        weight the faction carries in the decision), ``stance_score`` the
        influence-weighted mean stance in [-1, 1] (positive: leans our way),
        ``stance`` its nearest stance word, ``covered`` the number of members
        with a strong relationship from our team; and ``unconnected``: people
        with no tie to anyone else in scope.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Person", {"id": i, "name": i, "stance": s}) for i, s in
    ...      [("a", "champion"), ("b", "supporter"), ("c", "supporter"),
    ...       ("x", "opponent"), ("y", "skeptic"), ("z", "opponent")]],
    ...     [("KNOWS", u, v, {"strength": 5}) for u, v in
    ...      [("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z")]]
    ...     + [("KNOWS", "c", "x", {"strength": 1})])
    >>> [(f["members"], f["stance"]) for f in factions(G)["factions"]]
    [(['a', 'b', 'c'], 'supporter'), (['x', 'y', 'z'], 'opponent')]
    """
    scope = scope_people(G, account_id=account_id, opportunity_id=opportunity_id, people=people)
    roles = roles_in(G, opportunity_id)
    H = people_graph(G, scope)
    connected = [p for p in H if H.degree(p) > 0]
    unconnected = sorted(p for p in H if H.degree(p) == 0)
    comms = (
        nx.community.louvain_communities(H.subgraph(connected), weight="weight", resolution=resolution, seed=seed)
        if connected
        else []
    )

    def eff(p, attr, default):
        v = (roles.get(p) or {}).get(attr)
        return v if v is not None else G.nodes[p].get(attr, default)

    out: list[dict] = []
    for comm in comms:
        members = sorted(comm)
        infl = {p: as_int(eff(p, "influence", 3), 3) for p in members}
        stances = {p: eff(p, "stance", "neutral") for p in members}
        total = sum(infl.values())
        score = sum(infl[p] * STANCE_SCORE.get(stances[p], 0.0) for p in members) / total if total else 0.0
        counts: dict = {}
        for s in stances.values():
            counts[s] = counts.get(s, 0) + 1
        leader = min(members, key=lambda p: (-infl[p], -H.degree(p, weight="weight"), p))
        covered = sum(
            1
            for p in members
            if any(
                label(G, u) == "User" and as_int(d.get("strength"), 3) >= strong
                for u, d in in_typed(G, p, "RELATIONSHIP")
            )
        )
        out.append(
            {
                "size": len(members),
                "members": members,
                "leader": {"id": leader, "name": str(G.nodes[leader].get("name") or leader)},
                "combined_influence": total,
                "stance_score": round(score, 4),
                "stance": stance_label(score),
                "stance_counts": dict(sorted(counts.items())),
                "departments": sorted({G.nodes[p].get("department") for p in members} - {None}),
                "covered": covered,
            }
        )
    out.sort(key=lambda f: (-f["combined_influence"], f["members"]))
    for i, f in enumerate(out, 1):
        f["id"] = i
    return {
        "method": "louvain",
        "seed": seed,
        "factions": out,
        "unconnected": [{"id": p, "name": str(G.nodes[p].get("name") or p)} for p in unconnected],
    }
