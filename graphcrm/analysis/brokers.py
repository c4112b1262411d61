"""Brokers: people who bridge departments or factions at the customer.

Betweenness centrality on the undirected graph of the customer's own ties
(REPORTS_TO, INFLUENCES, KNOWS; unweighted: a broker sits on many shortest
chains of acquaintance, whatever their strength).  Exact up to
``exact_threshold`` people; above it networkx samples ``k`` source nodes with
a fixed ``seed`` (Brandes & Pich), and the result says which was used.
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import people_graph, scope_people


def brokers(
    G: nx.MultiDiGraph,
    *,
    account_id: str | None = None,
    opportunity_id: str | None = None,
    people=None,
    exact_threshold: int = 300,
    k: int = 128,
    seed: int = 0,
    top: int | None = 10,
) -> dict:
    """Find the people through whom information and introductions flow.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format.
    account_id, opportunity_id, people
        Whom to consider (see :func:`graphcrm.analysis.influence_ranking`).
    exact_threshold : int
        Up to this many people betweenness is exact; above it, sampled.
    k, seed : int
        Number of sampled source people and the random seed (sampled mode).
    top : int, optional
        Keep the ``top`` brokers (people with zero betweenness never appear).

    Returns
    -------
    dict
        ``method`` ("exact" or "sampled"), ``k`` (sources sampled, or None),
        ``seed``, ``people`` (group size) and ``brokers``: list of
        ``{rank, id, name, title, department, betweenness, departments}``,
        where ``betweenness`` is the normalised share (0-1) of shortest
        acquaintance chains between two other people that run through this
        person -- a broker of 0.3 sits on 30 % of them, so winning (or losing)
        them opens (or closes) many doors -- and ``departments`` lists the
        departments among their direct contacts (more than one: they bridge
        departments).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Person", {"id": i, "name": i}) for i in "abcde"],
    ...     [("KNOWS", "a", "c", {}), ("KNOWS", "b", "c", {}),
    ...      ("KNOWS", "c", "d", {}), ("KNOWS", "d", "e", {})])
    >>> r = brokers(G)
    >>> r["method"], [b["id"] for b in r["brokers"]]
    ('exact', ['c', 'd'])
    """
    scope = scope_people(G, account_id=account_id, opportunity_id=opportunity_id, people=people)
    H = people_graph(G, scope)
    n = H.number_of_nodes()
    if n <= exact_threshold:
        method, used_k = "exact", None
        bc = nx.betweenness_centrality(H, normalized=True)
    else:
        method, used_k = "sampled", min(k, n)
        bc = nx.betweenness_centrality(H, k=used_k, normalized=True, seed=seed)
    ranked = sorted((p for p in H if bc[p] > 1e-12), key=lambda p: (-round(bc[p], 12), p))
    if top is not None:
        ranked = ranked[:top]
    out = []
    for i, p in enumerate(ranked, 1):
        d = G.nodes[p]
        depts = sorted({G.nodes[q].get("department") for q in H[p]} - {None})
        out.append(
            {
                "rank": i,
                "id": p,
                "name": str(d.get("name") or p),
                "title": d.get("title"),
                "department": d.get("department"),
                "betweenness": round(bc[p], 6),
                "departments": depts,
            }
        )
    return {"method": method, "k": used_k, "seed": seed if method == "sampled" else None, "people": n, "brokers": out}
