"""The facts about one opportunity's buying center that gaps, readiness,
what-if and the portfolio table are computed from.

:class:`Context` carries ``now``, the cadence and per-call caches so that the
portfolio can analyse thousands of opportunities without repeating work;
:func:`deal_facts` gathers, for one opportunity, each buying-center member's
effective role, influence and stance, our relationships to them (strength,
last contact, stale or fresh) and the competitors' relationships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import networkx as nx

from graphcrm.analysis._common import (
    DECISION_ROLES,
    HIGH_INFLUENCE,
    PEOPLE_TYPES,
    STRONG,
    account_of_opportunity,
    account_people,
    as_int,
    cadence_days,
    in_typed,
    label,
    out_typed,
    parse_time,
    require,
    resolve_now,
)

#: Stale relationships count this much of their strength in access scores.
STALE_FACTOR = 0.6


class Context:
    """Options and caches shared by the analyses of one call."""

    def __init__(self, G, *, now=None, cadence=None, strong: int = STRONG, high_influence: int = HIGH_INFLUENCE):
        self.G = G
        self.now: datetime = resolve_now(G, now)
        self.cadence = cadence
        self.strong = strong
        self.high_influence = high_influence
        self._reach: dict = {}

    # -- relationships -------------------------------------------------
    def last_contact(self, user, person, edge: dict) -> datetime | None:
        """Latest of the edge's ``last_contact_at`` and any interaction the
        user attended with the person (interactions refresh recency)."""
        G = self.G
        best = parse_time(edge.get("last_contact_at"))
        for i, _ in in_typed(G, person, "WITH"):
            if user in G._pred[i] and "ATTENDED" in G._pred[i][user]:
                at = parse_time(G.nodes[i].get("at"))
                if at is not None and (best is None or at > best):
                    best = at
        return best

    def relationships(self, person, influence: int, source_label: str = "User") -> list[dict]:
        """Relationships into ``person`` from nodes of ``source_label``,
        strongest first: ``{id, strength, last_contact, days_since, cadence_days, stale}``."""
        G = self.G
        out = []
        for u, d in in_typed(G, person, "RELATIONSHIP"):
            if label(G, u) != source_label:
                continue
            if source_label == "User" and G.nodes[u].get("active", True) is False:
                continue
            strength = as_int(d.get("strength"), 3)
            rec = {"id": u, "strength": strength}
            if source_label == "User":
                last = self.last_contact(u, person, d)
                days = (self.now - last).days if last else None
                limit = cadence_days(influence, self.cadence)
                rec.update(
                    last_contact=last.isoformat(timespec="seconds") if last else None,
                    days_since=days,
                    cadence_days=limit,
                    stale=days is None or days > limit,
                )
            out.append(rec)
        out.sort(key=lambda r: (-r["strength"], r.get("stale", False), r["id"]))
        return out

    # -- reachability (single points of failure) -------------------------
    def dominators(self, scope: frozenset) -> dict:
        """Immediate dominators from "us" in the our-team-to-customer graph.

        Nodes are our active users and the people in ``scope``; edges are our
        RELATIONSHIP edges (any strength) and the customer's REPORTS_TO /
        INFLUENCES / KNOWS ties in both directions.  A node ``d`` dominates a
        person ``t`` when every path from our team to ``t`` passes ``d``: if
        ``d`` leaves, we lose our last path to ``t``.
        """
        cached = self._reach.get(scope)
        if cached is not None:
            return cached
        G = self.G
        D = nx.DiGraph()
        root = ("__us__",)
        D.add_node(root)
        for p in scope:
            D.add_node(p)
            for u, keyed in G._pred[p].items():
                if "RELATIONSHIP" in keyed and label(G, u) == "User" and G.nodes[u].get("active", True) is not False:
                    D.add_edge(root, u)
                    D.add_edge(u, p)
            for v, keyed in G._succ[p].items():
                if v in scope and v != p and any(t in keyed for t in PEOPLE_TYPES):
                    D.add_edge(p, v)
                    D.add_edge(v, p)
        idom = nx.immediate_dominators(D, root)
        result = {"root": root, "idom": idom}
        self._reach[scope] = result
        return result


@dataclass
class Member:
    id: str
    name: str
    role: str | None
    influence: int
    stance: str
    ours: list = field(default_factory=list)  # our relationships, strongest first
    theirs: list = field(default_factory=list)  # competitor relationships, strongest first

    def access(self, strong: int | None = None) -> float:
        """How well we reach this person, 0-1: best strength/5, stale ones x0.6."""
        best = 0.0
        for r in self.ours:
            v = r["strength"] / 5.0 * (STALE_FACTOR if r["stale"] else 1.0)
            best = max(best, v)
        return best

    def strong(self, strong: int) -> list:
        return [r for r in self.ours if r["strength"] >= strong]

    def fresh_strong(self, strong: int) -> list:
        return [r for r in self.ours if r["strength"] >= strong and not r["stale"]]

    @property
    def best_ours(self) -> int:
        return self.ours[0]["strength"] if self.ours else 0

    @property
    def best_theirs(self) -> int:
        return self.theirs[0]["strength"] if self.theirs else 0

    @property
    def fresh(self) -> bool:
        return any(not r["stale"] for r in self.ours)


@dataclass
class DealFacts:
    id: str
    name: str
    account_id: str | None
    stage: str
    value: float
    members: dict  # id -> Member, in id order
    competitors: list  # competitor ids bidding on this opportunity
    scope: frozenset  # customer people considered for paths

    def with_role(self, *roles) -> list:
        return [m for m in self.members.values() if m.role in roles]

    def champions(self) -> list:
        return [m for m in self.members.values() if m.role == "champion" or m.stance == "champion"]

    def coaches(self) -> list:
        return [m for m in self.members.values() if m.role == "coach"]

    def decision_people(self) -> list:
        return self.with_role(*DECISION_ROLES)

    def is_key(self, m: Member, high_influence: int = HIGH_INFLUENCE) -> bool:
        return m.role in DECISION_ROLES or m.influence >= high_influence


def deal_facts(ctx: Context, opportunity_id) -> DealFacts:
    """Gather the buying center of ``opportunity_id`` with our and the
    competitors' relationships to each member."""
    G = ctx.G
    require(G, opportunity_id, "Opportunity")
    o = G.nodes[opportunity_id]
    account_id = account_of_opportunity(G, opportunity_id)
    members = {}
    for p, d in sorted(in_typed(G, opportunity_id, "ROLE_IN"), key=lambda x: x[0]):
        if label(G, p) != "Person":
            continue
        pd = G.nodes[p]
        influence = as_int(d.get("influence") if d.get("influence") is not None else pd.get("influence"), 3)
        stance = d.get("stance") or pd.get("stance") or "neutral"
        m = Member(id=p, name=str(pd.get("name") or p), role=d.get("role"), influence=influence, stance=stance)
        m.ours = ctx.relationships(p, influence, "User")
        m.theirs = ctx.relationships(p, influence, "Competitor")
        members[p] = m
    competitors = sorted(c for c, _ in in_typed(G, opportunity_id, "COMPETES_FOR"))
    scope = set(members)
    if account_id is not None:
        scope.update(account_people(G, account_id))
    try:
        value = float(o.get("value") or 0.0)
    except (TypeError, ValueError):
        value = 0.0
    return DealFacts(
        id=opportunity_id,
        name=str(o.get("name") or opportunity_id),
        account_id=account_id,
        stage=o.get("stage", "lead"),
        value=value,
        members=members,
        competitors=competitors,
        scope=frozenset(scope),
    )
