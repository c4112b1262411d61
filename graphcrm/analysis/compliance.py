"""Tender compliance in the analysis: who may not be approached now, and what the analysis says instead.

A person with a compliance role (evaluation-committee member, procurement
official, public official: ``compliance_role``) is *restricted* while an
opportunity of their account is in its *quiet period* (:func:`in_quiet_period`:
the bid's own ``quiet_start`` / ``quiet_end``, else from the tender stage to
the award).  During it the analysis never suggests contacting them, nor a
warm path to them: :func:`restricted_people` decides who they are, once per
analysis (``Context.restricted``), and

* a coverage gap whose action would approach one of them becomes a
  ``quiet_period`` finding: the gap as it was, why it cannot be closed now,
  and an action that names nobody (:func:`withheld`);
* a readiness component's action (hence the next best action) naming one of
  them is replaced by that action (:func:`safe_action`);
* warm paths never run to or through them (``intro_graph``), and the
  maintenance plan does not list them as due for a contact.

The interactions themselves are refused or flagged by the store
(graphcrm/compliance.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import networkx as nx

from graphcrm.analysis._common import Finding, account_people, name_of, nodes_with_label, out_typed
from graphcrm.analysis.messages import render, say
from graphcrm.model import COMPLIANCE_ROLES, OPEN_STAGES, QUIET_STAGES

__all__ = ["in_quiet_period", "restricted_people"]


def in_quiet_period(opportunity: Mapping, day: date) -> bool:
    """Whether ``day`` falls in the quiet period of an opportunity (its properties).

    With a ``quiet_start``: from it to ``quiet_end`` (both included), or while
    the bid is open when there is no end.  Without one: while the stage is
    tender, submitted or evaluation (from the tender to the award), up to
    ``quiet_end`` if that is set.

    Parameters
    ----------
    opportunity : mapping
        ``stage``, ``quiet_start`` and ``quiet_end`` (ISO dates) of the opportunity.
    day : datetime.date
        The day asked about.

    Returns
    -------
    bool
        True when the bid's evaluation committee and officials may not be approached that day.

    Examples
    --------
    >>> in_quiet_period({"stage": "tender"}, date(2026, 5, 1)), in_quiet_period({"stage": "won"}, date(2026, 5, 1))
    (True, False)
    >>> in_quiet_period({"stage": "lead", "quiet_start": "2026-04-01", "quiet_end": "2026-04-30"}, date(2026, 5, 1))
    False
    """
    start, end = opportunity.get("quiet_start"), opportunity.get("quiet_end")
    text = day.isoformat()
    if end and text > end:
        return False
    if start:
        return text >= start and (bool(end) or opportunity.get("stage", "lead") in OPEN_STAGES)
    return opportunity.get("stage", "lead") in QUIET_STAGES


def restricted_people(G: nx.MultiDiGraph, now: datetime) -> dict[str, dict]:
    """The people a bidder may not approach at ``now``, with why.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the documented format.
    now : datetime
        The moment asked about (its date counts).

    Returns
    -------
    dict
        ``{person id: {"role": compliance role, "opportunities": [ids of the
        account's bids in their quiet period]}}``: the people with a
        compliance role whose account has a bid in its quiet period.  The
        analysis suggests no contact with them and no path to them.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "市电力公司"}),
    ...      ("Opportunity", {"id": "o1", "name": "Meters", "stage": "evaluation"}),
    ...      ("Person", {"id": "p1", "name": "王强", "compliance_role": "evaluation_committee"}),
    ...      ("Person", {"id": "p2", "name": "Emily Chen"})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}), ("WORKS_AT", "p2", "a1", {})])
    >>> restricted_people(G, datetime(2026, 5, 1))
    {'p1': {'role': 'evaluation_committee', 'opportunities': ['o1']}}
    """
    out: dict[str, dict] = {}
    day = now.date()
    for o in sorted(nodes_with_label(G, "Opportunity")):
        if not in_quiet_period(G.nodes[o], day):
            continue
        for account, _d in out_typed(G, o, "FOR"):
            for p in account_people(G, account):
                role = G.nodes[p].get("compliance_role")
                if role in COMPLIANCE_ROLES:
                    out.setdefault(p, {"role": role, "opportunities": []})["opportunities"].append(o)
    return out


def _names(message) -> set[str]:
    """Every text a message's parameters hold, nested messages included."""
    if isinstance(message, dict):
        return {text for value in message.get("params", {}).values() for text in _names_of(value)}
    return set()


def _names_of(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return _names(value)
    if isinstance(value, (list, tuple)):
        return {text for item in value for text in _names_of(item)}
    return set()


def _named(G, restricted: Mapping, message, people=()) -> str | None:
    """The restricted person ``message`` (an action) names, or who ``people``
    (a finding's references) is about when all its stakeholders are restricted; None: neither."""
    names = {name_of(G, p): p for p in sorted(restricted)}
    named = next((names[n] for n in sorted(_names(message)) if n in names), None)
    theirs = [p["id"] for p in people if p.get("label") == "Person"]
    if named is None and theirs and all(p in restricted for p in theirs):
        return theirs[0]
    return named


def _quiet_action() -> dict:
    return say("gap.quiet_period.action")


def withheld(G, restricted: Mapping, findings: list[Finding]) -> list[Finding]:
    """``findings`` with each one whose action names a restricted person, or
    whose stakeholders are all restricted, replaced by a ``quiet_period`` finding: the gap as it was, why it
    cannot be closed before the award, and an action naming nobody."""
    if not restricted:
        return findings
    out = []
    for f in findings:
        person = _named(G, restricted, f.texts.get("action"), f.people)
        if person is None:
            out.append(f)
            continue
        opportunity = name_of(G, restricted[person]["opportunities"][0])
        message = say("gap.quiet_period", gap=f.texts.get("message") or f.message, name=name_of(G, person),
                      opportunity=opportunity)
        out.append(Finding(kind="quiet_period", severity=f.severity, message=render(message),
                           action=render(_quiet_action()), people=f.people,
                           data={**f.data, "withheld": f.kind, "restricted": person},
                           texts={"message": message, "action": _quiet_action()}))
    return out


def safe_action(G, restricted: Mapping, action: dict) -> dict:
    """``action`` (a message), or the quiet-period action when it names a restricted person."""
    return _quiet_action() if restricted and _named(G, restricted, action) else action
