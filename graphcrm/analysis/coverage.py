"""Coverage gaps of one opportunity: what a bid team must fix before the bid.

Each gap is a :class:`~graphcrm.analysis._common.Finding` with a stable
``kind``, a ``severity`` (high / medium / low), the people involved (ours and
theirs), an English ``message`` and a suggested ``action`` (both also as
messages under ``texts``, see :mod:`graphcrm.analysis.messages`):

=============================== ==================================================
kind                            fires when
=============================== ==================================================
``empty_buying_center``         nobody is in the buying center yet: nothing else
                                about it can be judged (the other rules then
                                report only the roles nobody holds)
``missing_role``                a buying-center role has nobody identified
                                (economic buyer, decision maker, technical buyer,
                                user buyer, procurement, champion or coach)
``no_eb_access``                the economic buyer has no relationship of
                                strength >= 3 from our team
``no_dm_access``                same for a decision maker
``uncovered_high_influence``    a stakeholder of influence >= 4 has no strong
                                relationship from our team
``stale_relationship``          every strong relationship to a stakeholder is past
                                its contact cadence (30/60/90/180 days by
                                influence 5/4/3/other)
``no_champion``                 a coach is known but nobody champions us
``weak_champion``               a champion has influence <= 2 or no strong
                                relationship with us
``single_threaded``             fewer than two stakeholders hold a strong
                                relationship with us, or one of our people holds
                                them all
``single_point_of_failure``     one person (ours or theirs) is on every path from
                                our team to a key stakeholder
``uncovered_blocker``           a blocker or high-influence opponent whom nobody
                                we know well can work on
``blocker_on_path``             every shortest influence path from our champion
                                to a decision-maker runs through a blocker
``competitor_closer``           a competitor's relationship with a stakeholder is
                                stronger than our best one
``detractor_in_buying_center``  a member's latest satisfaction score, given in
                                the last 12 months, is a detractor's (0 to 6):
                                high when they decide or have influence >= 4
``quiet_period``                another gap that cannot be closed now: its action
                                would approach a person restricted in a bid's
                                quiet period (graphcrm/analysis/compliance.py);
                                the gap, and why it must wait for the award
=============================== ==================================================

And about an account as a whole (:func:`account_gaps`):

=============================== ==================================================
kind                            fires when
=============================== ==================================================
``account_unmapped``            nobody of the account is recorded: nothing about
                                its coverage can be known
``account_unknown_to_us``       people are recorded, but nobody on our team has a
                                relationship with any of them
=============================== ==================================================
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import (
    DECISION_ROLES,
    HIGH_INFLUENCE,
    STRONG,
    Finding,
    in_typed,
    label,
    name_of,
    out_typed,
    person_ref,
    sort_findings,
)
from graphcrm.analysis._deal import Context, DealFacts, Member, deal_facts
from graphcrm.analysis.compliance import withheld
from graphcrm.analysis.messages import render, say
from graphcrm.analysis.satisfaction import FEEDBACK_WINDOW_DAYS, category, scores_of

#: The roles every buying center should have somebody for; a tuple means
#: "any of these".
REQUIRED_ROLES = (
    ("economic_buyer",),
    ("decision_maker",),
    ("technical_buyer",),
    ("user_buyer",),
    ("procurement",),
    ("champion", "coach"),
)
ROLE_SEVERITY = {
    "economic_buyer": "high",
    "decision_maker": "high",
    "champion": "high",
    "technical_buyer": "medium",
    "user_buyer": "low",
    "procurement": "low",
}

FINDING_KINDS = (
    "empty_buying_center",
    "missing_role",
    "no_eb_access",
    "no_dm_access",
    "uncovered_high_influence",
    "stale_relationship",
    "no_champion",
    "weak_champion",
    "single_threaded",
    "single_point_of_failure",
    "uncovered_blocker",
    "blocker_on_path",
    "competitor_closer",
    "detractor_in_buying_center",
    "quiet_period",
    "account_unmapped",
    "account_unknown_to_us",
)


def coverage_gaps(
    G: nx.MultiDiGraph,
    opportunity_id: str,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
) -> list[dict]:
    """List the coverage gaps of one opportunity, most severe first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An account, opportunity or portfolio graph in the documented format.
    opportunity_id : str
        The opportunity (bid) to check.
    now : datetime or str, optional
        The day the check is made (default: ``G.graph["loaded_at"]``).
    cadence : dict, optional
        Days without contact before a relationship is stale, by the
        stakeholder's influence; default ``{5: 30, 4: 60, 3: 90, 2: 180, 1: 180}``.
    strong : int
        Minimum strength (1-5) of a relationship that counts as strong.
    high_influence : int
        Minimum influence (1-5) of a stakeholder that counts as high.

    Returns
    -------
    list of dict
        One dict per finding: ``kind`` (stable code, see the module table),
        ``severity`` ("high" = likely to lose the bid over it, "medium" =
        weakens the position, "low" = housekeeping), ``people`` (references
        ``{"id", "name", "label", "title", ...}`` of the stakeholders and our
        people concerned), ``message`` (what is wrong), ``action`` (what to do
        next), ``data`` (the figures behind it) and ``texts`` (``message``
        and ``action`` as code and parameters, for translation).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme"}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid upgrade", "stage": "tender"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5}),
    ...      ("User", {"id": "u1", "username": "li", "display_name": "Li Wei"})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
    ...      ("ROLE_IN", "p1", "o1", {"role": "economic_buyer"}),
    ...      ("RELATIONSHIP", "u1", "p1", {"strength": 2})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> [f["kind"] for f in coverage_gaps(G, "o1") if f["kind"] == "no_eb_access"]
    ['no_eb_access']
    """
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    return [f.to_dict() for f in gaps_of(ctx, deal_facts(ctx, opportunity_id))]


# --------------------------------------------------------------------------


def _ref(G, m: Member, **extra) -> dict:
    ref = person_ref(G, m.id, influence=m.influence, stance=m.stance)
    if m.role:
        ref["role"] = m.role
    ref.update(extra)
    return ref


def _who(G, m: Member) -> dict:
    """"Name (title, role)" as a message."""
    params = {"name": m.name}
    title = G.nodes[m.id].get("title")
    if title:
        params["title"] = title
    if m.role:
        params["role"] = m.role
    return say(("who.titled" if title else "who.stakeholder") + ("_role" if m.role else ""), **params)


def _finding(kind: str, severity: str, message: dict, action: dict, **more) -> Finding:
    """A finding whose message and action are given as messages."""
    return Finding(
        kind=kind, severity=severity, message=render(message), action=render(action),
        texts={"message": message, "action": action}, **more,
    )


def gaps_of(ctx: Context, facts: DealFacts) -> list[Finding]:
    """All findings for ``facts``, most severe first: each rule of :data:`RULES`
    in turn, those that would approach a person restricted in a quiet period
    withheld (:func:`graphcrm.analysis.compliance.withheld`) (internal entry
    point shared with readiness, what-if and the portfolio)."""
    findings = [finding for rule in RULES for finding in rule(ctx, facts)]
    return sort_findings(withheld(ctx.G, ctx.restricted, findings))


def _empty_buying_center(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``empty_buying_center``: nobody mapped yet, so no claim about coverage can be made."""
    if facts.members:
        return []
    return [_finding(
        kind="empty_buying_center",
        severity="high",
        message=say("gap.empty_buying_center", opportunity=facts.name),
        action=say("gap.empty_buying_center.action"),
        data={},
    )]


def _missing_roles(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``missing_role``: a buying-center role nobody holds."""
    out = []
    members = facts.members.values()
    for roles in REQUIRED_ROLES:
        present = [m for m in members if m.role in roles]
        if "champion" in roles:
            present += [m for m in members if m.stance == "champion" and m not in present]
        if present:
            continue
        out.append(_finding(
            kind="missing_role",
            severity=ROLE_SEVERITY[roles[0]],
            message=say("gap.missing_role", roles=list(roles), opportunity=facts.name),
            action=say("gap.missing_role.action", roles=list(roles)),
            data={"role": roles[0], "roles": list(roles)},
        ))
    return out


def _no_decider_access(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``no_eb_access`` / ``no_dm_access``: the economic buyer or a decision
    maker without a strong relationship from our team."""
    G, out = ctx.G, []
    for role, kind in (("economic_buyer", "no_eb_access"), ("decision_maker", "no_dm_access")):
        for m in facts.with_role(role):
            if m.best_ours >= ctx.strong:
                continue
            message = (
                say("gap.no_access.weak", strength=m.best_ours, role=role, who=_who(G, m))
                if m.ours
                else say("gap.no_access.none", role=role, who=_who(G, m))
            )
            out.append(_finding(
                kind=kind,
                severity="high",
                people=[_ref(G, m)],
                message=message,
                action=say("gap.no_access.action", name=m.name),
                data={"role": role, "best_strength": m.best_ours},
            ))
    return out


def _uncovered_blocker_members(ctx: Context, facts: DealFacts) -> list[Member]:
    """Blockers, and opponents of high influence, whom nobody we know well can work on."""
    return [m for m in facts.members.values()
            if (m.role == "blocker" or (m.stance == "opponent" and m.influence >= ctx.high_influence))
            and not _counter_coverage(ctx, facts, m)]


def _uncovered_blockers(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``uncovered_blocker``: see :func:`_uncovered_blocker_members`."""
    G, hi = ctx.G, ctx.high_influence
    return [
        _finding(
            kind="uncovered_blocker",
            severity="high" if m.influence >= hi else "medium",
            people=[_ref(G, m)],
            message=say(
                "gap.uncovered_blocker." + ("blocker" if m.role == "blocker" else "opponent"),
                who=_who(G, m), influence=m.influence,
            ),
            action=say("gap.uncovered_blocker.action", name=m.name),
            data={"role": m.role, "influence": m.influence, "stance": m.stance},
        )
        for m in _uncovered_blocker_members(ctx, facts)
    ]


def _uncovered_high_influence(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``uncovered_high_influence``: an influential stakeholder (not a decider,
    not an uncovered blocker: those have findings of their own) without a
    strong relationship from our team."""
    G, hi = ctx.G, ctx.high_influence
    blockers = {m.id for m in _uncovered_blocker_members(ctx, facts)}
    return [
        _finding(
            kind="uncovered_high_influence",
            severity="high" if m.influence >= 5 else "medium",
            people=[_ref(G, m)],
            message=say("gap.uncovered_high_influence", who=_who(G, m), influence=m.influence),
            action=say("gap.uncovered_high_influence.action", name=m.name),
            data={"role": m.role, "influence": m.influence, "best_strength": m.best_ours},
        )
        for m in facts.members.values()
        if m.influence >= hi and m.role not in DECISION_ROLES and m.id not in blockers
        and m.best_ours < ctx.strong
    ]


def _stale_relationships(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``stale_relationship``: every strong relationship to a stakeholder is past its cadence."""
    G, hi, out = ctx.G, ctx.high_influence, []
    for m in facts.members.values():
        strong_rels = m.strong(ctx.strong)
        if not strong_rels or any(not r["stale"] for r in strong_rels):
            continue
        owners = [person_ref(G, r["id"]) for r in strong_rels]
        worst = strong_rels[0]
        message = (
            say("gap.stale_relationship.never", who=_who(G, m), cadence=worst["cadence_days"])
            if worst["days_since"] is None
            else say("gap.stale_relationship.days", who=_who(G, m), days=worst["days_since"],
                     cadence=worst["cadence_days"])
        )
        severity = "high" if facts.is_key(m, hi) else ("medium" if m.influence >= 3 else "low")
        out.append(_finding(
            kind="stale_relationship",
            severity=severity,
            people=[_ref(G, m)] + owners,
            message=message,
            action=say("gap.stale_relationship.action", owner=owners[0]["name"], name=m.name),
            data={"days_since": worst["days_since"], "cadence_days": worst["cadence_days"], "role": m.role},
        ))
    return out


def _no_champion(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``no_champion``: a coach is known but nobody champions us."""
    if facts.champions() or not facts.coaches():
        return []
    return [_finding(
        kind="no_champion",
        severity="medium",
        people=[_ref(ctx.G, m) for m in facts.coaches()],
        message=say("gap.no_champion", opportunity=facts.name),
        action=say("gap.no_champion.action"),
        data={"role": "champion"},
    )]


def _weak_champions(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``weak_champion``: a champion of influence <= 2 or without a strong
    relationship with us; high when every champion is weak."""
    G, strong, champions = ctx.G, ctx.strong, facts.champions()
    weak = []
    for m in champions:
        low, distant = m.influence <= 2, m.best_ours < strong
        if low or distant:
            weak.append((m, "both" if low and distant else "influence" if low else "relationship"))
    all_weak = len(weak) == len(champions)
    return [
        _finding(
            kind="weak_champion",
            severity="high" if all_weak else "low",
            people=[_ref(G, m)],
            message=say("gap.weak_champion." + why, who=_who(G, m), influence=m.influence, strength=m.best_ours),
            action=say(
                "gap.weak_champion.strengthen" if m.best_ours < strong else "gap.weak_champion.replace", name=m.name
            ),
            data={"role": m.role, "influence": m.influence, "best_strength": m.best_ours},
        )
        for m, why in weak
    ]


def _single_threaded(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``single_threaded``: fewer than two stakeholders hold a strong
    relationship with us, or one of our people holds them all."""
    G, members = ctx.G, facts.members
    if not members:
        return []
    holders: dict = {}
    contacts = []
    for m in members.values():
        rels = m.strong(ctx.strong)
        if rels:
            contacts.append(m)
        for r in rels:
            holders.setdefault(r["id"], []).append(m.id)
    if len(contacts) < 2:
        message = (
            say("gap.single_threaded.one", opportunity=facts.name, name=contacts[0].name, size=len(members))
            if contacts
            else say("gap.single_threaded.none", opportunity=facts.name, size=len(members))
        )
        return [_finding(
            kind="single_threaded",
            severity="high",
            people=[_ref(G, m) for m in contacts] + [person_ref(G, u) for u in sorted(holders)],
            message=message,
            action=say("gap.single_threaded.action"),
            data={"strong_contacts": len(contacts), "owners": len(holders)},
        )]
    if len(holders) == 1:
        (owner,) = holders
        return [_finding(
            kind="single_threaded",
            severity="high",
            people=[person_ref(G, owner)] + [_ref(G, m) for m in contacts],
            message=say("gap.single_owner", count=len(contacts), opportunity=facts.name, owner=name_of(G, owner)),
            action=say("gap.single_owner.action", owner=name_of(G, owner)),
            data={"strong_contacts": len(contacts), "owners": 1},
        )]
    return []


def _competitors_closer(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``competitor_closer``: a competitor's relationship with a stakeholder is
    stronger than our best one (high for a key stakeholder and a rival on this bid)."""
    G, hi, out = ctx.G, ctx.high_influence, []
    bidding = set(facts.competitors)
    for m in facts.members.values():
        if not m.theirs or m.best_theirs <= m.best_ours:
            continue
        top = m.theirs[0]
        comp = top["id"]
        key = facts.is_key(m, hi)
        on_deal = comp in bidding or not bidding
        severity = "high" if key and on_deal else ("medium" if key or on_deal else "low")
        out.append(_finding(
            kind="competitor_closer",
            severity=severity,
            people=[_ref(G, m), person_ref(G, comp)],
            message=say(
                "gap.competitor_closer" if m.best_ours else "gap.competitor_closer.unknown",
                competitor=name_of(G, comp), who=_who(G, m), theirs=top["strength"],
                **({"ours": m.best_ours} if m.best_ours else {}),
            ),
            action=say("gap.competitor_closer.action", name=m.name),
            data={"competitor": comp, "their_strength": top["strength"], "our_strength": m.best_ours,
                  "role": m.role},
        ))
    return out


def _counter_coverage(ctx: Context, facts: DealFacts, m: Member) -> list:
    """Who can work on ``m``: our strong contacts among themselves and the
    people who influence them or whom they report to."""
    G = ctx.G
    if m.best_ours >= ctx.strong:
        return [m.id]
    levers = {u for u, _ in in_typed(G, m.id, "INFLUENCES")}
    levers.update(v for v, _ in out_typed(G, m.id, "REPORTS_TO"))
    found = []
    for p in sorted(levers):
        if label(G, p) != "Person" or p in ctx.removed:
            continue
        other = facts.members.get(p)
        stance = other.stance if other else G.nodes[p].get("stance", "neutral")
        if stance in ("skeptic", "opponent"):
            continue
        influence = other.influence if other else G.nodes[p].get("influence", 3)
        rels = other.ours if other else ctx.relationships(p, influence, "User")
        if any(r["strength"] >= ctx.strong for r in rels):
            found.append(p)
    return found


def _single_points(ctx: Context, facts: DealFacts) -> list[Finding]:
    G = ctx.G
    dom = ctx.dominators(facts.scope)
    root, idom = dom["root"], dom["idom"]
    cut: dict = {}
    for m in facts.members.values():
        if not facts.is_key(m, ctx.high_influence) or m.id not in idom:
            continue
        d = idom[m.id]
        while d != root:
            cut.setdefault(d, []).append(m)
            d = idom[d]
    out = []
    for d in sorted(cut):
        targets = cut[d]
        ours = label(G, d) == "User"
        title = G.nodes[d].get("title")
        if title:
            who = say("who.ours_titled" if ours else "who.titled", name=name_of(G, d), title=title)
        else:
            who = say("who.ours" if ours else "who.stakeholder", name=name_of(G, d))
        severity = "high" if any(t.role in DECISION_ROLES for t in targets) else "medium"
        out.append(
            _finding(
                kind="single_point_of_failure",
                severity=severity,
                people=[person_ref(G, d)] + [_ref(G, t) for t in targets],
                message=say("gap.single_point_of_failure", who=who, targets=[_who(G, t) for t in targets]),
                action=say("gap.single_point_of_failure.action", name=targets[0].name, via=name_of(G, d)),
                data={"side": "ours" if ours else "theirs", "cuts": [t.id for t in targets]},
            )
        )
    return out


def _blockers_on_path(ctx: Context, facts: DealFacts) -> list[Finding]:
    G = ctx.G
    champions = facts.champions()
    deciders = facts.decision_people()
    if not champions or not deciders:
        return []

    def blocking(p) -> bool:
        m = facts.members.get(p)
        if m is not None:
            return m.role == "blocker" or m.stance == "opponent"
        return G.nodes[p].get("stance") == "opponent"

    D = ctx.influence_digraph(facts.scope)
    blocking_nodes = {p for p in D if blocking(p)}
    if not blocking_nodes:
        return []
    out = []
    for c in champions:
        for t in deciders:
            if c.id == t.id or c.id not in D or t.id not in D:
                continue
            try:
                dist = nx.shortest_path_length(D, c.id, t.id)  # bidirectional BFS
            except nx.NetworkXNoPath:
                continue
            if dist <= 1:
                continue
            others = blocking_nodes - {c.id, t.id}
            try:
                if nx.shortest_path_length(nx.restricted_view(D, others, []), c.id, t.id) == dist:
                    continue  # some shortest path avoids every blocker
            except nx.NetworkXNoPath:
                pass
            fwd = nx.single_source_shortest_path_length(D, c.id, cutoff=dist)
            bwd = nx.single_source_shortest_path_length(D.reverse(copy=False), t.id, cutoff=dist)
            blockers = sorted(b for b in others if b in fwd and b in bwd and fwd[b] + bwd[b] == dist)
            if not blockers:
                continue
            names = [name_of(G, b) for b in blockers]
            out.append(
                _finding(
                    kind="blocker_on_path",
                    severity="high",
                    people=[_ref(G, c)] + [person_ref(G, b) for b in blockers] + [_ref(G, t)],
                    message=say("gap.blocker_on_path", champion=c.name, role=t.role, target=t.name, blockers=names),
                    action=say("gap.blocker_on_path.action", champion=c.name, target=t.name, blockers=names),
                    data={"role": t.role, "champion": c.id, "blockers": blockers, "path_length": dist},
                )
            )
    return out


def _detractors(ctx: Context, facts: DealFacts) -> list[Finding]:
    """``detractor_in_buying_center``: a member whose latest score in the
    feedback window is a detractor's (:mod:`graphcrm.analysis.satisfaction`)."""
    G, out = ctx.G, []
    for m in facts.members.values():
        scores = scores_of(G, m.id)
        if not scores or category(scores[-1][1]) != "detractor":
            continue
        at, score, feedback_id = scores[-1]
        days = (ctx.now - at).days
        if days >= FEEDBACK_WINDOW_DAYS:
            continue
        out.append(_finding(
            kind="detractor_in_buying_center",
            severity="high" if facts.is_key(m, ctx.high_influence) else "medium",
            message=say("gap.detractor", who=_who(G, m), score=score, days=days),
            action=say("gap.detractor.action", name=m.name),
            people=[_ref(G, m)],
            data={"satisfaction": score, "days": days, "feedback_id": feedback_id},
        ))
    return out


#: The finding rules, in the order they run: each ``rule(ctx, facts) -> list[Finding]``.
#: A new kind of finding is one function and one line here (and a row of the
#: module docstring's table and of :data:`FINDING_KINDS`).
RULES = (
    _empty_buying_center,
    _missing_roles,
    _no_decider_access,
    _uncovered_blockers,
    _uncovered_high_influence,
    _stale_relationships,
    _no_champion,
    _weak_champions,
    _single_threaded,
    _single_points,
    _blockers_on_path,
    _competitors_closer,
    _detractors,
)


def account_gaps(ctx: Context, account_id: str, row: dict) -> list[Finding]:
    """Findings about the account as a whole, from its portfolio ``row``
    (:func:`graphcrm.analysis.portfolio.account_row`): what no bid's findings
    can say when nobody is mapped or nobody is known."""
    name = ctx.G.nodes[account_id].get("name") or account_id
    if not row["people"]:
        return [_finding(
            kind="account_unmapped", severity="high",
            message=say("gap.account_unmapped", account=name),
            action=say("gap.account_unmapped.action"),
            data={"people": 0},
        )]
    if not row["contacts"]:
        return [_finding(
            kind="account_unknown_to_us", severity="high",
            message=say("gap.account_unknown_to_us", account=name, people=row["people"]),
            action=say("gap.account_unknown_to_us.action"),
            data={"people": row["people"], "contacts": 0},
        )]
    return []
