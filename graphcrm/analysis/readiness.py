"""Bid readiness: one 0-100 score per opportunity, in the spirit of MEDDPICC.

The score is the sum of six components, each a fraction 0-1 of its weight:

========================== ====== ============================================
component                  weight value
========================== ====== ============================================
``economic_buyer_access``  20     mean over {economic buyer, decision maker}
                                  of the best *access* to anyone holding the
                                  role (0 when the role is unidentified)
``champion_strength``      20     best champion's influence/5 x (0.3 + 0.7 x
                                  access); a coach counts half
``buying_role_coverage``   15     mean over the six required roles of
                                  0.5 x identified + 0.5 x best access
``multi_threading``        15     0.6 x min(strong contacts / 4, 1) +
                                  0.4 x min(our people holding them / 2, 1)
``engagement_recency``     15     influence-weighted share of the buying
                                  center contacted within its cadence
``competitive_balance``    15     influence-weighted mean over people a
                                  competitor knows of min(ours / theirs, 1)
========================== ====== ============================================

*Access* to a person is our best relationship strength / 5, times 0.6 when
that relationship is stale.  Every component only grows when we add a
relationship, so adding a strong relationship to an uncovered decision-maker
never lowers the score.
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import HIGH_INFLUENCE, STRONG, name_of, person_ref, role_label
from graphcrm.analysis._deal import Context, DealFacts, deal_facts
from graphcrm.analysis.coverage import REQUIRED_ROLES

WEIGHTS = {
    "economic_buyer_access": 20,
    "champion_strength": 20,
    "buying_role_coverage": 15,
    "multi_threading": 15,
    "engagement_recency": 15,
    "competitive_balance": 15,
}
LABELS = {
    "economic_buyer_access": "Economic buyer access",
    "champion_strength": "Champion strength",
    "buying_role_coverage": "Decision process / buying-role coverage",
    "multi_threading": "Multi-threading",
    "engagement_recency": "Engagement recency",
    "competitive_balance": "Competitive relationship balance",
}


def bid_readiness(
    G: nx.MultiDiGraph,
    opportunity_id: str,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
    weights: dict | None = None,
) -> dict:
    """Score how ready we are to win one bid, 0-100, with the reasons.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the documented format holding the opportunity.
    opportunity_id : str
        The opportunity to score.
    now, cadence, strong, high_influence
        As in :func:`graphcrm.analysis.coverage_gaps`.
    weights : dict, optional
        Points per component (defaults in :data:`WEIGHTS`, summing to 100).

    Returns
    -------
    dict
        ``score`` (0-100: roughly, below 40 the bid is a gamble, 40-70 it is
        contested, above 70 we are well placed), ``components`` (list of
        ``{name, label, weight, value, points, evidence, action}``: ``value``
        is the 0-1 fulfilment, ``points`` = weight x value, ``evidence`` the
        facts behind it and ``action`` the next best step to raise it) and
        ``next_best_action`` (the action of the component losing most points).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme"}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid upgrade"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5}),
    ...      ("User", {"id": "u1", "username": "li", "display_name": "Li Wei"})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
    ...      ("ROLE_IN", "p1", "o1", {"role": "economic_buyer"}),
    ...      ("RELATIONSHIP", "u1", "p1", {"strength": 5, "last_contact_at": "2026-04-20T00:00:00+00:00"})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> r = bid_readiness(G, "o1")
    >>> r["score"], r["components"][0]["name"], r["components"][0]["value"]
    (48, 'economic_buyer_access', 0.5)
    """
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    return readiness_of(ctx, deal_facts(ctx, opportunity_id), weights=weights)


def readiness_of(ctx: Context, facts: DealFacts, *, weights: dict | None = None) -> dict:
    G = ctx.G
    strong = ctx.strong
    w = {**WEIGHTS, **(weights or {})}
    members = list(facts.members.values())
    comps = []

    def add(name, value, evidence, action):
        value = max(0.0, min(1.0, value))
        comps.append(
            {
                "name": name,
                "label": LABELS[name],
                "weight": w[name],
                "value": round(value, 4),
                "points": round(w[name] * value, 2),
                "evidence": evidence,
                "action": action,
            }
        )
        return value

    # economic buyer access -----------------------------------------------------
    parts, evidence, action = [], [], None
    for role in ("economic_buyer", "decision_maker"):
        holders = facts.with_role(role)
        if not holders:
            parts.append(0.0)
            evidence.append(f"No {role_label(role)} identified.")
            action = action or f"Identify the {role_label(role)}."
            continue
        best = max(holders, key=lambda m: (m.access(), m.id))
        parts.append(best.access())
        if best.ours:
            r = best.ours[0]
            evidence.append(
                f"{role_label(role).capitalize()} {best.name}: best relationship strength {r['strength']}"
                f" ({name_of(G, r['id'])}){', stale' if r['stale'] else ''}."
            )
        else:
            evidence.append(f"{role_label(role).capitalize()} {best.name}: nobody on our team knows them.")
        if best.access() < 0.8:
            action = action or f"Get a senior sponsor in front of {best.name} ({role_label(role)})."
    add("economic_buyer_access", sum(parts) / 2, evidence, action or "Keep the economic buyer engaged.")

    # champion strength -----------------------------------------------------------
    candidates = [(m, 1.0) for m in facts.champions()] + [
        (m, 0.5) for m in facts.coaches() if m not in facts.champions()
    ]
    best_v, best_m = 0.0, None
    for m, factor in candidates:
        v = factor * (m.influence / 5.0) * (0.3 + 0.7 * m.access())
        if v > best_v or (v == best_v and best_m is None):
            best_v, best_m = v, m
    if best_m is None:
        ev = ["No champion or coach identified."]
        act = "Develop a champion: a supporter with influence who will sell for us internally."
    else:
        ev = [
            f"{'Champion' if best_m in facts.champions() else 'Coach'} {best_m.name}: influence {best_m.influence}, "
            f"best relationship strength {best_m.best_ours}."
        ]
        act = (
            f"Strengthen the relationship with {best_m.name}."
            if best_m.access() < 0.8
            else f"Ask {best_m.name} to introduce a champion with more influence."
            if best_m.influence < 4
            else "Coach the champion on our differentiators."
        )
    add("champion_strength", best_v, ev, act)

    # buying role coverage ----------------------------------------------------------
    parts, missing, unreached = [], [], []
    for roles in REQUIRED_ROLES:
        holders = [m for m in members if m.role in roles]
        if "champion" in roles:
            holders += [m for m in facts.champions() if m not in holders]
        if not holders:
            parts.append(0.0)
            missing.append(" or ".join(role_label(r) for r in roles))
            continue
        reach = max(m.access() for m in holders)
        parts.append(0.5 + 0.5 * reach)
        if reach < strong / 5.0:
            unreached.append(" or ".join(role_label(r) for r in roles))
    ev = [f"{len(REQUIRED_ROLES) - len(missing)} of {len(REQUIRED_ROLES)} key roles identified."]
    if missing:
        ev.append("Missing: " + ", ".join(missing) + ".")
    if unreached:
        ev.append("Identified but not reached: " + ", ".join(unreached) + ".")
    act = (
        f"Map the {missing[0]}."
        if missing
        else f"Reach the {unreached[0]}."
        if unreached
        else "Confirm the decision process and criteria with the champion."
    )
    add("buying_role_coverage", sum(parts) / len(REQUIRED_ROLES), ev, act)

    # multi-threading ------------------------------------------------------------------
    contacts = [m for m in members if m.strong(strong)]
    owners = sorted({r["id"] for m in contacts for r in m.strong(strong)})
    value = 0.6 * min(len(contacts) / 4.0, 1.0) + 0.4 * min(len(owners) / 2.0, 1.0)
    ev = [
        f"{len(contacts)} stakeholder(s) with a strong relationship, held by {len(owners)} of our people"
        + (f" ({', '.join(name_of(G, u) for u in owners)})." if owners else ".")
    ]
    act = (
        "Build strong relationships with more stakeholders."
        if len(contacts) < 4
        else "Bring a second team member into the key relationships."
        if len(owners) < 2
        else "Keep several threads alive."
    )
    add("multi_threading", value, ev, act)

    # engagement recency -------------------------------------------------------------------
    total = sum(m.influence for m in members)
    fresh = [m for m in members if m.fresh]
    value = sum(m.influence for m in fresh) / total if total else 0.0
    overdue = sorted((m for m in members if not m.fresh), key=lambda m: (-m.influence, m.id))
    ev = [f"{len(fresh)} of {len(members)} stakeholders contacted within their cadence."]
    act = f"Contact {overdue[0].name} this week." if overdue else "Keep the cadence."
    add("engagement_recency", value, ev, act)

    # competitive balance ---------------------------------------------------------------------
    contested = [m for m in members if m.theirs]
    if not contested:
        value, ev, act = 1.0, ["No competitor relationships recorded in the buying center."], "Keep watching the competitors."
    else:
        tot = sum(m.influence for m in contested)
        value = sum(m.influence * min(m.best_ours / m.best_theirs, 1.0) for m in contested) / tot
        behind = sorted((m for m in contested if m.best_ours < m.best_theirs), key=lambda m: (-m.influence, m.id))
        ev = [f"Competitors know {len(contested)} stakeholder(s); they are closer than us to {len(behind)}."]
        act = f"Out-engage the competition with {behind[0].name}." if behind else "Hold our lead over the competitors."
    add("competitive_balance", value, ev, act)

    total_points = sum(c["weight"] * c["value"] for c in comps)
    weakest = max(comps, key=lambda c: (c["weight"] - c["points"], -list(WEIGHTS).index(c["name"])))
    return {
        "opportunity": person_ref(G, facts.id),
        "score": int(round(total_points + 1e-9)),
        "components": comps,
        "next_best_action": weakest["action"],
    }
