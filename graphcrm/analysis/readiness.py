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
                                  competitor knows of min(ours / theirs, 1);
                                  0 while nobody is in the buying center
========================== ====== ============================================

*Access* to a person is our best relationship strength / 5, times 0.6 when
that relationship is stale.  Every component only grows when we add a
relationship, so adding a strong relationship to an uncovered decision-maker
never lowers the score.
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import HIGH_INFLUENCE, STRONG, name_of, person_ref
from graphcrm.analysis._deal import Context, DealFacts, deal_facts
from graphcrm.analysis.compliance import safe_action
from graphcrm.analysis.coverage import REQUIRED_ROLES
from graphcrm.analysis.messages import english, render, say

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
        ``{name, label, weight, value, points, evidence, action, texts}``:
        ``value`` is the 0-1 fulfilment, ``points`` = weight x value,
        ``evidence`` the facts behind it and ``action`` the next best step to
        raise it, ``texts`` both as messages, see
        :mod:`graphcrm.analysis.messages`), ``next_best_action`` (the action
        of the component losing most points) and ``texts`` (its message).

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
    """The readiness of the deal ``facts`` describes: each component of
    :data:`COMPONENTS` scored 0-1 with its evidence and the action that would
    raise it, the weighted score, and the action of the component that loses
    the most points (internal entry point shared with what-if and the portfolio)."""
    w = {**WEIGHTS, **(weights or {})}
    comps = [_component(name, w[name], *_allowed(ctx, *score(ctx, facts))) for name, score in COMPONENTS.items()]
    total_points = sum(c["weight"] * c["value"] for c in comps)
    weakest = max(comps, key=lambda c: (c["weight"] - c["points"], -list(WEIGHTS).index(c["name"])))
    return {
        "opportunity": person_ref(ctx.G, facts.id),
        "score": int(round(total_points + 1e-9)),
        "components": comps,
        "next_best_action": weakest["action"],
        "texts": {"next_best_action": weakest["texts"]["action"]},
    }


def _allowed(ctx: Context, value: float, evidence: list, action: dict) -> tuple[float, list, dict]:
    """A component's score, its action replaced when it would approach a person
    restricted in a quiet period (:func:`graphcrm.analysis.compliance.safe_action`)."""
    return value, evidence, safe_action(ctx.G, ctx.restricted, action)


def _component(name: str, weight: float, value: float, evidence: list, action: dict) -> dict:
    """One component; ``evidence`` (a list) and ``action`` are messages."""
    value = max(0.0, min(1.0, value))
    return {
        "name": name,
        "label": LABELS[name],
        "weight": weight,
        "value": round(value, 4),
        "points": round(weight * value, 2),
        "evidence": english(evidence),
        "action": render(action),
        "texts": {"evidence": evidence, "action": action},
    }


def _economic_buyer_access(ctx: Context, facts: DealFacts):
    """Mean over economic buyer and decision maker of the best access to a holder of the role."""
    parts, evidence, action = [], [], None
    for role in ("economic_buyer", "decision_maker"):
        holders = facts.with_role(role)
        if not holders:
            parts.append(0.0)
            evidence.append(say("ready.role_missing", role=role))
            action = action or say("ready.identify_role", role=role)
            continue
        best = max(holders, key=lambda m: (m.access(), m.id))
        parts.append(best.access())
        if best.ours:
            r = best.ours[0]
            evidence.append(
                say(f"ready.{role}." + ("stale" if r["stale"] else "known"),
                    name=best.name, strength=r["strength"], owner=name_of(ctx.G, r["id"]))
            )
        else:
            evidence.append(say(f"ready.{role}.unknown", name=best.name))
        if best.access() < 0.8:
            action = action or say("ready.sponsor", name=best.name, role=role)
    return sum(parts) / 2, evidence, action or say("ready.keep_economic_buyer")


def _champion_strength(ctx: Context, facts: DealFacts):
    """The best champion's influence/5 x (0.3 + 0.7 x access); a coach counts half."""
    candidates = [(m, 1.0) for m in facts.champions()] + [
        (m, 0.5) for m in facts.coaches() if m not in facts.champions()
    ]
    best_v, best_m = 0.0, None
    for m, factor in candidates:
        v = factor * (m.influence / 5.0) * (0.3 + 0.7 * m.access())
        if v > best_v or (v == best_v and best_m is None):
            best_v, best_m = v, m
    if best_m is None:
        return best_v, [say("ready.no_champion")], say("ready.develop_champion")
    evidence = [
        say("ready.champion" if best_m in facts.champions() else "ready.coach",
            name=best_m.name, influence=best_m.influence, strength=best_m.best_ours)
    ]
    action = (
        say("ready.strengthen", name=best_m.name)
        if best_m.access() < 0.8
        else say("ready.introduce_champion", name=best_m.name)
        if best_m.influence < 4
        else say("ready.coach_champion")
    )
    return best_v, evidence, action


def _buying_role_coverage(ctx: Context, facts: DealFacts):
    """Mean over the required roles of 0.5 x identified + 0.5 x best access."""
    parts, missing, unreached = [], [], []
    members = list(facts.members.values())
    for roles in REQUIRED_ROLES:
        holders = [m for m in members if m.role in roles]
        if "champion" in roles:
            holders += [m for m in facts.champions() if m not in holders]
        if not holders:
            parts.append(0.0)
            missing.append(list(roles))
            continue
        reach = max(m.access() for m in holders)
        parts.append(0.5 + 0.5 * reach)
        if reach < ctx.strong / 5.0:
            unreached.append(list(roles))
    evidence = [say("ready.roles_identified", found=len(REQUIRED_ROLES) - len(missing), total=len(REQUIRED_ROLES))]
    if missing:
        evidence.append(say("ready.roles_missing", roles=missing))
    if unreached:
        evidence.append(say("ready.roles_unreached", roles=unreached))
    action = (
        say("ready.map_role", roles=missing[0])
        if missing
        else say("ready.reach_role", roles=unreached[0])
        if unreached
        else say("ready.confirm_process")
    )
    return sum(parts) / len(REQUIRED_ROLES), evidence, action


def _multi_threading(ctx: Context, facts: DealFacts):
    """0.6 x min(strong contacts / 4, 1) + 0.4 x min(our people holding them / 2, 1)."""
    contacts = [m for m in facts.members.values() if m.strong(ctx.strong)]
    owners = sorted({r["id"] for m in contacts for r in m.strong(ctx.strong)})
    value = 0.6 * min(len(contacts) / 4.0, 1.0) + 0.4 * min(len(owners) / 2.0, 1.0)
    evidence = [
        say("ready.threads_named", contacts=len(contacts), owners=len(owners),
            names=[name_of(ctx.G, u) for u in owners])
        if owners
        else say("ready.threads", contacts=len(contacts), owners=0)
    ]
    action = (
        say("ready.more_threads")
        if len(contacts) < 4
        else say("ready.second_owner")
        if len(owners) < 2
        else say("ready.keep_threads")
    )
    return value, evidence, action


def _engagement_recency(ctx: Context, facts: DealFacts):
    """The influence-weighted share of the buying center contacted within its cadence."""
    members = list(facts.members.values())
    total = sum(m.influence for m in members)
    fresh = [m for m in members if m.fresh]
    value = sum(m.influence for m in fresh) / total if total else 0.0
    overdue = sorted((m for m in members if not m.fresh), key=lambda m: (-m.influence, m.id))
    action = say("ready.contact", name=overdue[0].name) if overdue else say("ready.keep_cadence")
    return value, [say("ready.recency", fresh=len(fresh), total=len(members))], action


def _competitive_balance(ctx: Context, facts: DealFacts):
    """Over the people a competitor knows: the influence-weighted mean of
    min(ours / theirs, 1); 1 when no competitor knows anyone of a mapped
    buying center, 0 when nobody is mapped (nothing to compare)."""
    members = list(facts.members.values())
    if not members:
        return 0.0, [say("ready.empty_buying_center")], say("ready.map_buying_center")
    contested = [m for m in members if m.theirs]
    if not contested:
        return 1.0, [say("ready.no_competitors")], say("ready.watch_competitors")
    total = sum(m.influence for m in contested)
    value = sum(m.influence * min(m.best_ours / m.best_theirs, 1.0) for m in contested) / total
    behind = sorted((m for m in contested if m.best_ours < m.best_theirs), key=lambda m: (-m.influence, m.id))
    action = say("ready.out_engage", name=behind[0].name) if behind else say("ready.hold_lead")
    return value, [say("ready.competitors", known=len(contested), closer=len(behind))], action


#: the components, in the order they are shown: name -> ``score(ctx, facts) -> (value 0-1, evidence, action)``
COMPONENTS = {
    "economic_buyer_access": _economic_buyer_access,
    "champion_strength": _champion_strength,
    "buying_role_coverage": _buying_role_coverage,
    "multi_threading": _multi_threading,
    "engagement_recency": _engagement_recency,
    "competitive_balance": _competitive_balance,
}
