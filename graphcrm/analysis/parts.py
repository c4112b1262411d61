"""The portfolio report in parts: one account's part, and the report put together from the parts.

:func:`graphcrm.analysis.portfolio_report` reads the whole portfolio graph.
Its content is a sum over accounts: each account's row and its open bids'
rows, the contacts due with the account's people in each owner's maintenance
plan, and the open follow-ups of feedback given at the account.
:func:`account_part` computes one account's share from any graph that holds
the account's *analysis scope* (below), :func:`portfolio_from_parts` ranks,
cuts and sums the shares into exactly the report the whole graph gives, so
that a write re-analyses only the accounts whose scope it touched
(:class:`graphcrm.cache.ReportCache`).

An account's analysis scope is what its share reads: the account, its
opportunities with their competitors, the users on the teams of both, its people and the members of its
bids' buying centers (who may work elsewhere); for each of these people, the
relationships into them (ours and the competitors'), their ties among
themselves, who influences them or whom they report to (with our
relationships to those), the deals they have a role in (with those deals'
accounts), where they work, the customer feedback they gave with everyone
else it was given with and where those work, and the users who own its
follow-ups; and the bids of every account in it (a bid in its quiet period
puts its account's people out of reach).  :meth:`graphcrm.graph.store.GraphStore.analysis_graph` loads it
(for several accounts at once), :func:`scope_of` finds one account's in a
graph that holds it; the accounts in it are those whose writes can change the
share.

A person working at several accounts has the first in id order as *their*
account (:func:`graphcrm.analysis._common.person_account`): their contacts
due and follow-ups are in that account's share.  Shares are plain data that
survive a JSON round trip, so they can be kept outside the process.

>>> from graphcrm.graph.nxgraph import build_graph
>>> G = build_graph(
...     [("Account", {"id": "a1", "name": "Acme"}), ("Account", {"id": "a2", "name": "Globex"}),
...      ("User", {"id": "u1", "username": "li", "display_name": "Li Wei"}),
...      ("Person", {"id": "p1", "name": "王强", "influence": 5}), ("Person", {"id": "p2", "name": "Zhang Min"})],
...     [("WORKS_AT", "p1", "a1", {}), ("WORKS_AT", "p2", "a2", {}), ("RELATIONSHIP", "u1", "p1", {"strength": 4})],
...     loaded_at="2026-05-01T00:00:00+00:00")
>>> report = portfolio_from_parts([account_part(G, "a1"), account_part(G, "a2")])
>>> report["totals"]["accounts"], [c["person"]["name"] for c in report["maintenance"]["owners"][0]["due"]]
(2, ['王强'])
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import (
    HIGH_INFLUENCE,
    STRONG,
    account_people,
    iso,
    name_of,
    person_account,
    title_of,
)
from graphcrm.analysis._deal import Context
from graphcrm.analysis.maintenance import FEEDBACK_EVERY_DAYS, owner_work, plan_of
from graphcrm.analysis.portfolio import account_row, coverage_of_rows
from graphcrm.analysis.satisfaction import follow_ups

#: what :func:`graphcrm.analysis.portfolio_report` plans with
HORIZON_DAYS = 7
MAINTENANCE_PER_OWNER = 10


def account_part(G: nx.MultiDiGraph, account_id: str, *, now=None, cadence: dict | None = None,
                 strong: int = STRONG, high_influence: int = HIGH_INFLUENCE,
                 maintenance_per_owner: int = MAINTENANCE_PER_OWNER) -> dict:
    """One account's share of the portfolio report, from a graph that holds its analysis scope.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The account's analysis graph, or any larger part of the portfolio graph.
    account_id : str
        The account.
    now, cadence, strong, high_influence, maintenance_per_owner
        As in :func:`graphcrm.analysis.portfolio_report`.

    Returns
    -------
    dict
        ``id``, ``as_of``, ``row`` and ``opportunities`` (the account's row and
        its open bids' rows, see :func:`graphcrm.analysis.portfolio_coverage`),
        ``work`` (per owner id: the contacts due with the account's people and
        the requests for feedback, each owner's first ``maintenance_per_owner``
        of each), ``owners`` (id -> {name, title, active} of the users the
        follow-ups name) and ``follow_ups`` (the open follow-ups of feedback
        given at the account).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph([("Account", {"id": "a1", "name": "Acme"})], [], loaded_at="2026-05-01T00:00:00+00:00")
    >>> part = account_part(G, "a1")
    >>> part["row"]["name"], part["opportunities"], part["work"]
    ('Acme', [], {})
    """
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    row, opportunities = account_row(ctx, account_id)
    ours = [p for p in account_people(G, account_id) if person_account(G, p) == account_id]
    users = sorted({u for p in ours for u, keyed in G._pred[p].items()
                    if "RELATIONSHIP" in keyed and G._node[u].get("label") == "User"
                    and G._node[u].get("active", True) is not False})
    work = {}
    for u in users:
        w = owner_work(ctx, u, account_id=account_id, horizon_days=HORIZON_DAYS, feedback_days=FEEDBACK_EVERY_DAYS)
        if w["due"] or w["ask_feedback"]:
            work[u] = _cut(w, maintenance_per_owner)
    open_ones = [f for f in follow_ups(G, now=ctx.now, account_id=account_id)
                 if f["account"] and f["account"]["id"] == account_id]
    owners = {f["owner"]["id"]: {"name": name_of(G, u), "title": title_of(G, u),
                                 "active": G._node[u].get("active", True) is not False}
              for f in open_ones if (u := f["owner"]["id"]) in G and G._node[u].get("label") == "User"}
    return {"id": account_id, "as_of": iso(ctx.now), "row": row, "opportunities": opportunities, "work": work,
            "owners": owners, "follow_ups": open_ones}


def scope_of(G: nx.MultiDiGraph, account_id: str) -> set:
    """The nodes of ``G`` in the analysis scope of ``account_id`` (module text).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1"}), ("Account", {"id": "a2"}), ("Person", {"id": "p1", "name": "王强"}),
    ...      ("Person", {"id": "p2", "name": "Zhang Min"}), ("Person", {"id": "p3", "name": "Emma Wu"})],
    ...     [("WORKS_AT", "p1", "a1", {}), ("WORKS_AT", "p2", "a2", {}), ("WORKS_AT", "p3", "a2", {}),
    ...      ("INFLUENCES", "p2", "p1", {}), ("KNOWS", "p3", "p1", {})])
    >>> sorted(scope_of(G, "a1"))  # who sways 王强, and where they work: not whom he knows
    ['a1', 'a2', 'p1', 'p2']
    """
    scope = {account_id}

    def typed(node, rel_type, succ=True):
        return [v for v, keyed in (G._succ if succ else G._pred)[node].items() if rel_type in keyed]

    def person(p, *, ours=True):  # with where they work and, if ``ours``, the relationships into them
        scope.add(p)
        scope.update(typed(p, "WORKS_AT"))
        if ours:
            scope.update(typed(p, "RELATIONSHIP", succ=False))

    def around(p):  # one of the account's people or of its bids' buying centers
        person(p)
        for o in typed(p, "ROLE_IN"):
            scope.add(o)
            scope.update(typed(o, "FOR"))
        for lever in typed(p, "INFLUENCES", succ=False) + typed(p, "REPORTS_TO"):
            person(lever)
        for feedback in typed(p, "WITH", succ=False):
            if G._node[feedback].get("kind") == "feedback":
                scope.add(feedback)
                for other in typed(feedback, "WITH"):
                    person(other, ours=False)
                if G._node[feedback].get("follow_up_owner") in G:
                    scope.add(G._node[feedback]["follow_up_owner"])

    opportunities = typed(account_id, "FOR", succ=False)
    scope.update(opportunities)
    scope.update(typed(account_id, "MEMBER_OF", succ=False))
    people = set(typed(account_id, "WORKS_AT", succ=False))
    for o in opportunities:
        scope.update(u for u, keyed in G._pred[o].items() if "COMPETES_FOR" in keyed or "MEMBER_OF" in keyed)
        people.update(typed(o, "ROLE_IN", succ=False))
    for p in people:
        around(p)
    accounts = [n for n in scope if G._node[n].get("label") == "Account"]
    scope.update(o for a in accounts for o in typed(a, "FOR", succ=False))
    return scope


def _cut(work: dict, limit: int) -> dict:
    """An owner's work at one account cut to what can be among the owner's first ``limit`` of the portfolio."""
    ranked = plan_of({work["id"]: work}, [], as_of=None, horizon_days=0, feedback_days=0, limit_per_owner=limit)
    owner = ranked["owners"][0]
    return {**work, "due": owner["due"], "ask_feedback": owner["ask_feedback"]}


def portfolio_from_parts(parts: list[dict], *, maintenance_per_owner: int = MAINTENANCE_PER_OWNER,
                         rates: dict | None = None) -> dict:
    """The portfolio report (:func:`graphcrm.analysis.portfolio_report`) put together from every account's part.

    Parameters
    ----------
    parts : list of dict
        :func:`account_part` of every account, each once, in any order.
    maintenance_per_owner : int
        As in :func:`graphcrm.analysis.portfolio_report`.
    rates : dict, optional
        As in :func:`graphcrm.analysis.portfolio_coverage`.

    Returns
    -------
    dict
        The report :func:`graphcrm.analysis.portfolio_report` gives for the
        graph the parts were computed from; ``as_of`` is the earliest of the parts'.

    Examples
    --------
    >>> portfolio_from_parts([])["totals"]["accounts"]
    0
    """
    parts = sorted(parts, key=lambda part: part["id"])
    as_of = min((part["as_of"] for part in parts), default=None)
    coverage = coverage_of_rows([part["row"] for part in parts],
                                [row for part in parts for row in part["opportunities"]], as_of=as_of, rates=rates)
    open_ones = sorted((f for part in parts for f in part["follow_ups"]), key=lambda f: (-f["days_overdue"], f["id"]))
    work: dict = {}
    for part in parts:
        for u, owner in part["owners"].items():
            if owner["active"]:
                work.setdefault(u, {"id": u, "name": owner["name"], "title": owner["title"], "due": [],
                                    "ask_feedback": []})
        for u, w in part["work"].items():
            merged = work.setdefault(u, {**w, "due": [], "ask_feedback": []})
            merged["due"] = merged["due"] + w["due"]
            merged["ask_feedback"] = merged["ask_feedback"] + w["ask_feedback"]
    maintenance = plan_of(dict(sorted(work.items())), open_ones, as_of=as_of, horizon_days=HORIZON_DAYS,
                          feedback_days=FEEDBACK_EVERY_DAYS, limit_per_owner=maintenance_per_owner)
    return {"kind": "portfolio", **coverage, "maintenance": maintenance, "follow_ups": open_ones}


__all__ = ["account_part", "portfolio_from_parts"]
