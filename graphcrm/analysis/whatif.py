"""What-if: recompute gaps and readiness as if people left.

The graph is never modified (nor copied): the analysis runs with the departed
people marked as gone, so that a person leaving the customer takes their
roles and ties with them, and one of our people leaving takes our
relationships with them.
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import HIGH_INFLUENCE, STRONG, as_int, in_typed, label, out_typed, person_ref
from graphcrm.analysis._deal import Context, deal_facts
from graphcrm.analysis.coverage import gaps_of
from graphcrm.analysis.messages import render, say
from graphcrm.analysis.readiness import readiness_of


def what_if(
    G: nx.MultiDiGraph,
    opportunity_id: str,
    remove,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
) -> dict:
    """Show what an opportunity would look like if some people left.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format (not modified).
    opportunity_id : str
        The opportunity to re-assess.
    remove : str or iterable of str
        Ids of the people (theirs or ours) who leave.
    now, cadence, strong, high_influence
        As in :func:`graphcrm.analysis.coverage_gaps`.

    Returns
    -------
    dict
        ``removed`` (references of who left), ``score_before``,
        ``score_after``, ``score_delta`` (readiness points lost, negative, or
        gained), ``components`` (per component ``{name, before, after,
        delta}`` in points), ``new_findings`` (gaps that appear: the risks this
        departure creates), ``resolved_findings`` (gaps that disappear, e.g.
        a blocker leaving) and ``findings_after`` (the full list afterwards).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme"}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid upgrade"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 4}),
    ...      ("User", {"id": "u1", "username": "li", "display_name": "Li Wei"})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
    ...      ("ROLE_IN", "p1", "o1", {"role": "champion"}),
    ...      ("RELATIONSHIP", "u1", "p1", {"strength": 4, "last_contact_at": "2026-04-20T00:00:00+00:00"})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> r = what_if(G, "o1", "p1")
    >>> r["score_delta"] < 0, "missing_role" in [f["kind"] for f in r["new_findings"]]
    (True, True)
    """
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    return what_if_in(ctx, opportunity_id, remove)


def what_if_in(ctx: Context, opportunity_id, remove, *, before: tuple | None = None) -> dict:
    """:func:`what_if` within an existing context (``before`` = the
    already computed ``(findings, readiness)``, to save recomputing them)."""
    G = ctx.G
    removed = [remove] if isinstance(remove, str) else sorted(set(remove))
    removed = [n for n in removed if n in G and n != opportunity_id]
    if before is None:
        facts = deal_facts(ctx, opportunity_id)
        before = (gaps_of(ctx, facts), readiness_of(ctx, facts))
    before_f, before_r = before
    ctx2 = ctx.without(removed)
    facts2 = deal_facts(ctx2, opportunity_id)
    after_f = gaps_of(ctx2, facts2)
    after_r = readiness_of(ctx2, facts2)
    keys_before = {f.key for f in before_f}
    keys_after = {f.key for f in after_f}
    comps = []
    for b, a in zip(before_r["components"], after_r["components"], strict=True):  # both the COMPONENTS, in order
        delta = round(a["points"] - b["points"], 2)
        comps.append({"name": b["name"], "before": b["points"], "after": a["points"], "delta": delta})
    return {
        "opportunity": person_ref(G, opportunity_id),
        "removed": [person_ref(G, n) for n in removed],
        "score_before": before_r["score"],
        "score_after": after_r["score"],
        "score_delta": after_r["score"] - before_r["score"],
        "components": comps,
        "new_findings": [f.to_dict() for f in after_f if f.key not in keys_before],
        "resolved_findings": [f.to_dict() for f in before_f if f.key not in keys_after],
        "findings_after": [f.to_dict() for f in after_f],
    }


def key_people(G, opportunity_id, *, strong: int = STRONG, max_champions: int = 1) -> list[dict]:
    """The departures worth simulating for an opportunity: our most
    influential champion(s) (at most ``max_champions``) and our account manager
    (the bid/account team member who holds the most strong relationships in the
    buying center).

    Returns a list of ``{id, name, label, why, texts}`` (``texts["why"]``:
    ``why`` as a message, see :mod:`graphcrm.analysis.messages`).
    """
    out = []
    members = {p: d for p, d in in_typed(G, opportunity_id, "ROLE_IN")}
    champions = [
        p for p in members
        if members[p].get("role") == "champion" or (members[p].get("stance") or G.nodes[p].get("stance")) == "champion"
    ]

    def influence(p):
        return as_int(members[p].get("influence") or G.nodes[p].get("influence"), 3)

    for p in sorted(champions, key=lambda p: (-influence(p), p))[:max_champions]:
        why = say("whatif.champion")
        out.append(person_ref(G, p, why=render(why), texts={"why": why}))
    holds: dict = {}
    for p in members:
        for u, d in in_typed(G, p, "RELATIONSHIP"):
            if label(G, u) == "User" and as_int(d.get("strength"), 3) >= strong:
                holds[u] = holds.get(u, 0) + 1
    team = {u for u, _ in in_typed(G, opportunity_id, "MEMBER_OF")}
    for a, _ in out_typed(G, opportunity_id, "FOR"):
        team.update(u for u, _ in in_typed(G, a, "MEMBER_OF"))
    candidates = [u for u in holds if u in team] or list(holds)
    if candidates:
        u = min(candidates, key=lambda u: (-holds[u], u))
        why = say("whatif.account_manager", count=holds[u])
        out.append(person_ref(G, u, why=render(why), texts={"why": why}))
    return out


__all__ = ["what_if", "what_if_in", "key_people"]
