"""The facts about one opportunity's buying center that gaps, readiness,
what-if and the portfolio table are computed from.

:class:`Context` carries ``now``, the cadence and per-call caches so that the
portfolio can analyse thousands of opportunities without repeating work;
:func:`deal_facts` gathers, for one opportunity, each buying-center member's
effective role, influence and stance, our relationships to them (strength,
last contact, stale or fresh) and the competitors' relationships.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import networkx as nx

from graphcrm.analysis._common import (
    DECISION_ROLES,
    HIGH_INFLUENCE,
    STRONG,
    account_of_opportunity,
    account_people,
    as_int,
    cadence_days,
    in_typed,
    label,
    parse_time,
    require,
    resolve_now,
)

#: Stale relationships count this much of their strength in access scores.
STALE_FACTOR = 0.6


class Context:
    """Options and caches shared by the analyses of one call.

    ``removed`` holds ids of people (ours or theirs) to treat as gone (the
    what-if analysis): they, their roles and their relationships are ignored
    without modifying or viewing the graph.
    """

    def __init__(
        self,
        G,
        *,
        now=None,
        cadence=None,
        strong: int = STRONG,
        high_influence: int = HIGH_INFLUENCE,
        removed=frozenset(),
        _shared: dict | None = None,
    ):
        self.G = G
        self.now: datetime = resolve_now(G, now)
        self.cadence = cadence
        self.strong = strong
        self.high_influence = high_influence
        self.removed = frozenset(removed)
        self._shared = {} if _shared is None else _shared  # graphs built for a scope, shared with what-if contexts
        self._reach: dict = {}
        self._influence: dict = {}
        self._relationships: dict = {}

    def without(self, removed) -> Context:
        """The same context with ``removed`` people gone (sharing the caches)."""
        return Context(
            self.G,
            now=self.now,
            cadence=self.cadence,
            strong=self.strong,
            high_influence=self.high_influence,
            removed=self.removed | frozenset(removed),
            _shared=self._shared,
        )

    @property
    def restricted(self) -> dict:
        """The people a bidder may not approach now (a quiet period:
        :func:`graphcrm.analysis.compliance.restricted_people`), found once
        per analysis and shared with what-if contexts."""
        found = self._shared.get("restricted")
        if found is None:
            from graphcrm.analysis.compliance import restricted_people

            found = self._shared["restricted"] = restricted_people(self.G, self.now)
        return found

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
        strongest first: ``{id, strength, last_contact, days_since, cadence_days, stale}``
        (computed once per context: the portfolio asks for a person's twice).
        Shared: read-only."""
        key = (person, influence, source_label)
        cached = self._relationships.get(key)
        if cached is not None:
            return cached
        G = self.G
        nodes = G._node
        removed = self.removed
        out = []
        for u, d in in_typed(G, person, "RELATIONSHIP"):
            if u in removed or nodes[u].get("label") != source_label:
                continue
            if source_label == "User" and nodes[u].get("active", True) is False:
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
        self._relationships[key] = out
        return out

    # -- reachability (single points of failure) -------------------------
    def _reach_graph(self, scope: frozenset) -> nx.DiGraph:
        """The our-team-to-customer graph over ``scope`` (built once, shared)."""
        key = ("reach", scope)
        D = self._shared.get(key)
        if D is not None:
            return D
        G = self.G
        nodes = G._node
        D = nx.DiGraph()
        D.add_node(ROOT)
        D.add_nodes_from(scope)
        edges = []
        for p in scope:
            for u, keyed in G._pred[p].items():
                a = nodes[u]
                if "RELATIONSHIP" in keyed and a.get("label") == "User" and a.get("active", True) is not False:
                    edges.append((ROOT, u))
                    edges.append((u, p))
            for v, keyed in G._succ[p].items():
                if v in scope and v != p and ("REPORTS_TO" in keyed or "INFLUENCES" in keyed or "KNOWS" in keyed):
                    edges.append((p, v))
                    edges.append((v, p))
        D.add_edges_from(edges)
        self._shared[key] = D
        return D

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
        D = self._reach_graph(scope)
        with _nodes_set_aside(D, sorted(n for n in self.removed if n in D)):
            idom = nx.immediate_dominators(D, ROOT)
        result = {"root": ROOT, "idom": idom}
        self._reach[scope] = result
        return result

    def influence_digraph(self, scope: frozenset) -> nx.DiGraph:
        """Directed "can put in a word with" graph among the people in
        ``scope``: u influences v; subordinates and managers talk both ways;
        acquaintances both ways.  Removed people are left out (a view)."""
        cached = self._influence.get(scope)
        if cached is not None:
            return cached
        key = ("influence", scope)
        D = self._shared.get(key)
        if D is None:
            G = self.G
            D = nx.DiGraph()
            D.add_nodes_from(sorted(scope))
            edges = []
            for u in sorted(scope):
                for v, keyed in G._succ[u].items():
                    if v not in scope or v == u:
                        continue
                    if "INFLUENCES" in keyed:
                        edges.append((u, v))
                    if "REPORTS_TO" in keyed or "KNOWS" in keyed:
                        edges.append((u, v))
                        edges.append((v, u))
            D.add_edges_from(edges)
            self._shared[key] = D
        gone = [n for n in self.removed if n in D]
        if gone:
            D = nx.restricted_view(D, gone, [])
        self._influence[scope] = D
        return D


ROOT = ("__us__",)


@contextmanager
def _nodes_set_aside(D: nx.DiGraph, drop):
    """``D`` (attribute-free, private to one analysis call) without the nodes
    in ``drop`` for the duration of the block, then as it was.

    A what-if removes one or two people from a graph of hundreds: taking
    them out and putting them back costs their degree, where a copy of the
    graph without them cost a third of a 500-stakeholder opportunity report
    (bench/bench_analysis.py).  Only the order of neighbours may change,
    which no result depends on (a dominator tree is unique).
    """
    saved = [(n, list(D._pred[n]), list(D._succ[n])) for n in drop]
    D.remove_nodes_from(drop)
    try:
        yield D
    finally:
        for n, preds, succs in saved:
            D.add_node(n)
            D.add_edges_from((u, n) for u in preds)
            D.add_edges_from((n, v) for v in succs)


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
    scope: frozenset  # customer people considered for paths (before removals)
    removed: frozenset = frozenset()  # people treated as gone (what-if)

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
        if label(G, p) != "Person" or p in ctx.removed:
            continue
        pd = G.nodes[p]
        influence = as_int(d.get("influence") if d.get("influence") is not None else pd.get("influence"), 3)
        stance = d.get("stance") or pd.get("stance") or "neutral"
        m = Member(id=p, name=str(pd.get("name") or p), role=d.get("role"), influence=influence, stance=stance)
        m.ours = ctx.relationships(p, influence, "User")
        m.theirs = ctx.relationships(p, influence, "Competitor")
        members[p] = m
    competitors = sorted(c for c, _ in in_typed(G, opportunity_id, "COMPETES_FOR"))
    scope = {p for p, _ in in_typed(G, opportunity_id, "ROLE_IN") if label(G, p) == "Person"}
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
        removed=ctx.removed,
    )
