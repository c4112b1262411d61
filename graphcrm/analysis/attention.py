"""Which accounts need the sales director's attention now, and why.

An account *needs attention* when at least one of these rules holds (each
rule is one reason, with its figures; the thresholds are parameters):

================================ ==================================================
reason                           when
================================ ==================================================
``recorded_at_risk``             the account team recorded the lifecycle "at risk"
                                 (the analysis never changes the lifecycle; an
                                 account recorded at risk always needs attention)
``closing_no_decider``           an open bid closes within ``closing_within`` days
                                 (60) and nobody on our team has a working
                                 relationship with its economic buyer or decision
                                 maker (the ``no_eb_access`` / ``no_dm_access``
                                 findings of :mod:`graphcrm.analysis.coverage`)
``key_people_silent``            the account has key stakeholders (influence >= 4)
                                 and none of them has been contacted by anyone on
                                 our team within ``silent_for`` days (90)
``recent_loss``                  a bid of the account was lost within
                                 ``lost_within`` days (180) before today
``satisfaction_falling``         the account's satisfaction trend over the last 12
                                 months is falling: its customers' scores lost 2
                                 points or more (:mod:`graphcrm.analysis.satisfaction`)
``follow_up_overdue``            a follow-up to a customer's feedback (a detractor's
                                 score or a negative sentiment) is still open past
                                 its due date; one reason per follow-up
``detractor_in_buying_center``   somebody in the buying center of an open bid gave
                                 a detractor's score (0 to 6) as their latest within
                                 the last 12 months; one reason per bid
================================ ==================================================

This is deliberately not "has any coverage gap": nearly every bid has one
(the bids table lists them).  The rules pick the accounts where revenue is
threatened soon: a decision about to be taken without us, a relationship
gone quiet, a customer who just chose someone else or whom the team already
calls at risk, a customer growing unhappy or whose complaint went
unanswered.  Value at risk (the part of a bid's value its readiness does not
secure) ranks accounts; it does not make one need attention.
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import (
    HIGH_INFLUENCE,
    STRONG,
    as_int,
    in_typed,
    label,
    name_of,
    parse_time,
    require,
)
from graphcrm.analysis._deal import Context
from graphcrm.analysis.messages import render, say
from graphcrm.analysis.satisfaction import FEEDBACK_WINDOW_DAYS, category, scores_of, voice_of

#: the reasons an account needs attention, in the order they are listed
ATTENTION_KINDS = ("recorded_at_risk", "closing_no_decider", "key_people_silent", "recent_loss",
                   "satisfaction_falling", "follow_up_overdue", "detractor_in_buying_center")

#: the rules' thresholds in days (see the module text)
ATTENTION_DAYS = {"closing_within": 60, "silent_for": 90, "lost_within": 180}

_NO_DECIDER = {"no_eb_access": "economic_buyer", "no_dm_access": "decision_maker"}


def reason(kind: str, msg: dict, opportunity_id=None) -> dict:
    """One reason: its kind, the English sentence and (under ``texts``) its
    message; ``opportunity_id`` when it is about one open bid."""
    out = {"kind": kind, "message": render(msg), "texts": {"message": msg}}
    return out if opportunity_id is None else {**out, "opportunity_id": opportunity_id}


def _recorded_at_risk(ctx: Context, account_id, open_rows, days) -> list[dict]:
    a = ctx.G.nodes[account_id]
    if a.get("lifecycle") != "at_risk":
        return []
    return [reason("recorded_at_risk", say("attention.recorded_at_risk", account=str(a.get("name") or account_id)))]


def _closing_no_decider(ctx: Context, account_id, open_rows, days) -> list[dict]:
    out = []
    for row in open_rows:
        close = parse_time(row.get("close_date"))
        if close is None:
            continue
        left = (close.date() - ctx.now.date()).days
        roles = [role for kind, role in _NO_DECIDER.items() if kind in row["kinds"]]
        if roles and 0 <= left <= days["closing_within"]:
            out.append(reason("closing_no_decider", say("attention.closing_no_decider", opportunity=row["name"],
                                                        days=left, roles=roles), row["id"]))
    return out


def _key_people_silent(ctx: Context, account_id, open_rows, days) -> list[dict]:
    G = ctx.G
    key = [p for p, _ in in_typed(G, account_id, "WORKS_AT")
           if label(G, p) == "Person" and as_int(G._node[p].get("influence"), 3) >= ctx.high_influence]
    if not key:
        return []
    recent = [r["days_since"] for p in key for r in ctx.relationships(p, as_int(G._node[p].get("influence"), 3))
              if r.get("days_since") is not None]
    if recent and min(recent) <= days["silent_for"]:
        return []
    return [reason("key_people_silent", say("attention.key_people_silent", count=len(key), days=days["silent_for"]))]


def _recent_loss(ctx: Context, account_id, open_rows, days) -> list[dict]:
    G = ctx.G
    out = []
    for o, _ in sorted(in_typed(G, account_id, "FOR")):
        d = G.nodes[o]
        closed = parse_time(d.get("close_date"))
        if label(G, o) != "Opportunity" or d.get("stage") != "lost" or closed is None:
            continue
        ago = (ctx.now.date() - closed.date()).days
        if 0 <= ago <= days["lost_within"]:
            out.append(reason("recent_loss", say("attention.recent_loss", opportunity=str(d.get("name") or o),
                                                 days=ago)))
    return out


def _satisfaction_falling(ctx: Context, account_id, open_rows, days) -> list[dict]:
    voice = voice_of(ctx, account_id)
    if voice["trend"]["direction"] != "falling":
        return []
    return [reason("satisfaction_falling", say("attention.satisfaction_falling", points=abs(voice["trend"]["change"]),
                                               latest=voice["latest"]))]


def _follow_up_overdue(ctx: Context, account_id, open_rows, days) -> list[dict]:
    return [reason("follow_up_overdue", say("attention.follow_up_overdue", people=[p["name"] for p in f["people"]],
                                            date=str(f["at"] or "")[:10], days=f["days_overdue"],
                                            owner=f["owner"]["name"]))
            for f in voice_of(ctx, account_id)["follow_ups"] if f["days_overdue"] > 0]


def _detractor_in_buying_center(ctx: Context, account_id, open_rows, days) -> list[dict]:
    G, out = ctx.G, []
    for row in open_rows:
        detractors = [name_of(G, p) for p in sorted(p for p, _ in in_typed(G, row["id"], "ROLE_IN"))
                      if label(G, p) == "Person" and _recent_detractor(ctx, p)]
        if detractors:
            out.append(reason("detractor_in_buying_center", say(
                "attention.detractor_in_buying_center", people=detractors, opportunity=row["name"]), row["id"]))
    return out


def _recent_detractor(ctx: Context, person_id) -> bool:
    """Whether the person's latest score, given within the feedback window, is a detractor's."""
    scores = scores_of(ctx.G, person_id)
    return bool(scores) and (ctx.now - scores[-1][0]).days < FEEDBACK_WINDOW_DAYS \
        and category(scores[-1][1]) == "detractor"


_RULES = (_recorded_at_risk, _closing_no_decider, _key_people_silent, _recent_loss, _satisfaction_falling,
          _follow_up_overdue, _detractor_in_buying_center)


def reasons_of(ctx: Context, account_id, open_rows: list[dict], days: dict | None = None) -> list[dict]:
    """The reasons of :func:`attention_reasons`, given the account's open
    opportunity rows (:func:`graphcrm.analysis.portfolio.opportunity_row`)."""
    limits = {**ATTENTION_DAYS, **(days or {})}
    return [r for rule in _RULES for r in rule(ctx, account_id, open_rows, limits)]


def attention_reasons(
    G: nx.MultiDiGraph,
    account_id,
    *,
    now=None,
    days: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
) -> list[dict]:
    """Why an account needs the sales director's attention now (empty: it does not).

    The rules are in the module text: the team recorded it at risk, a bid
    closes soon while nobody on our team knows its decision-maker, its key
    stakeholders have not heard from us for three months, it just chose
    a competitor, its satisfaction is falling, a complaint's follow-up is
    overdue, or a bid's buying center holds a detractor.  Each reason tells a director what to ask the account
    manager about this week.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An account or portfolio graph in the documented format.
    account_id : str
        The account.
    now : datetime or str, optional
        Today (default: the graph's ``loaded_at``).
    days : dict, optional
        Thresholds overriding :data:`ATTENTION_DAYS` (``closing_within``,
        ``silent_for``, ``lost_within``).
    strong, high_influence
        As in :func:`graphcrm.analysis.coverage_gaps`.

    Returns
    -------
    list of dict
        One per reason, in the order of :data:`ATTENTION_KINDS`: ``kind``,
        ``message`` (the English sentence) and ``texts`` (its message, see
        :mod:`graphcrm.analysis.messages`); a reason about one open bid
        (``closing_no_decider``, ``detractor_in_buying_center``) names it as
        ``opportunity_id``.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme", "lifecycle": "active"}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid", "stage": "lost", "close_date": "2026-04-01"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> [r["kind"] for r in attention_reasons(G, "a1")]
    ['key_people_silent', 'recent_loss']
    >>> attention_reasons(G, "a1")[1]["message"]
    'Grid was lost 30 days ago.'
    """
    from graphcrm.analysis.portfolio import opportunity_row

    require(G, account_id, "Account")
    ctx = Context(G, now=now, strong=strong, high_influence=high_influence)
    open_rows = [opportunity_row(ctx, o)[0] for o, _ in sorted(in_typed(G, account_id, "FOR"))
                 if label(G, o) == "Opportunity" and G.nodes[o].get("stage", "lead") not in ("won", "lost")]
    return reasons_of(ctx, account_id, open_rows, days)


__all__ = ["ATTENTION_DAYS", "ATTENTION_KINDS", "attention_reasons"]
