"""A scorecard per account manager: their relationship work over a period, for the sales director.

Relationship work is judged on what relationship management is about --
knowing the customer's people, keeping the relationships up, answering
feedback, satisfied customers -- not on pipeline alone.  An *account
manager* is an active user of role ``manager`` on the team (``MEMBER_OF``)
of an account; an account with two managers counts on both cards.

Per manager, over the period ``since`` .. ``until`` (dates, both included):

================== ================================================================
figure             meaning
================== ================================================================
accounts           the accounts they are on the team of
coverage           of those accounts' stakeholders, how many someone on our team
                   has a relationship with (``contacts``) and a strong one
                   (``strong_contacts``), in % of the stakeholders; today's
                   figures of :func:`graphcrm.analysis.portfolio_coverage`
stale              our team's relationships at those accounts past their cadence,
                   today (the portfolio's ``stale_relationships``)
needs attention    those accounts with a reason of :mod:`graphcrm.analysis.attention`
maintenance        their own relationships with the people of those accounts:
                   ``due`` when a contact fell due within the period (the last
                   contact before it plus the cadence of the stakeholder's
                   influence, :mod:`graphcrm.analysis.maintenance`, is at most
                   ``until``; with no contact known before the period it counts
                   as due), ``done`` when such a relationship had a contact
                   within the period; ``contacted``: relationships with a
                   contact within the period, due or not
follow-ups         the follow-ups of customer feedback they own
                   (:mod:`graphcrm.analysis.satisfaction`): ``open`` today,
                   ``overdue``, the age in days (since the feedback) of the
                   oldest and on average; ``opened`` within the period and how
                   many of those are ``answered``
satisfaction       the scores given within the period by those accounts' people:
                   ``responses``, the ``latest`` (with when and where), the NPS
                   over each person's latest score (key voices count twice, as
                   for an account), the accounts whose trend in the period is
                   ``falling`` or ``rising``; per account the same figures
                   (:func:`graphcrm.analysis.account_satisfaction` over the period)
================== ================================================================

What the data cannot say is said so: with no score in the period the
satisfaction has no latest score and no NPS (None, shown as *no feedback*),
with nothing due the maintenance share ``done_pct`` is None.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

import networkx as nx

from graphcrm.analysis._common import (
    as_int,
    cadence_days,
    in_typed,
    iso,
    label,
    name_of,
    nodes_with_label,
    out_typed,
    parse_time,
    person_account,
    resolve_now,
    title_of,
)
from graphcrm.analysis.portfolio import portfolio_coverage
from graphcrm.analysis.satisfaction import account_satisfaction, follow_ups, nps_of

#: the days of the period when none is given (the last 90 days, today included)
DEFAULT_PERIOD_DAYS = 90


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def managers_of(G) -> dict[str, list]:
    """The account managers (active users of role ``manager``) and the accounts they are on the team of."""
    out = {}
    for u in nodes_with_label(G, "User"):
        d = G._node[u]
        if d.get("role") != "manager" or d.get("active", True) is False:
            continue
        accounts = sorted(a for a, _ in out_typed(G, u, "MEMBER_OF") if label(G, a) == "Account")
        if accounts:
            out[u] = accounts
    return out


def period_of(since, until, now: datetime) -> tuple[date, date]:
    """The period's first and last day: ``until`` defaults to today, ``since``
    to :data:`DEFAULT_PERIOD_DAYS` days before it.  Raises ValueError when
    ``since`` comes after ``until``."""
    last, first = parse_time(until), parse_time(since)
    end = last.date() if last else now.date()
    start = first.date() if first else end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    return start, end


def contacts_in(G) -> list[tuple]:
    """Who of ours met whom, when: (user, person, at) of every interaction in ``G``."""
    out = []
    for i in nodes_with_label(G, "Interaction"):
        at = G._node[i].get("at")
        people = [p for p, _ in out_typed(G, i, "WITH") if label(G, p) == "Person"]
        out += [(u, p, at) for u, _ in in_typed(G, i, "ATTENDED") for p in people]
    return out


def _maintenance(G, user, accounts: set, met: dict, start: datetime, end: datetime, cadence) -> dict:
    """Relationships of ``user`` with people of ``accounts``: due, done and contacted within start..end."""
    relationships = due = done = contacted = 0
    for p, d in out_typed(G, user, "RELATIONSHIP"):
        if label(G, p) != "Person" or person_account(G, p) not in accounts:
            continue
        relationships += 1
        times = [t for t in (*met.get((user, p), ()), parse_time(d.get("last_contact_at"))) if t is not None]
        before = max((t for t in times if t < start), default=None)
        inside = any(start <= t <= end for t in times)
        contacted += inside
        limit = cadence_days(as_int(G._node[p].get("influence"), 3), cadence)
        if before is None or before + timedelta(days=limit) <= end:
            due += 1
            done += inside
    return {"relationships": relationships, "due": due, "done": done, "done_pct": _pct(done, due),
            "contacted": contacted}


def _follow_ups(G, owned: list, open_ones: list[dict], now: datetime, start: datetime, end: datetime) -> dict:
    """Follow-ups of one owner (``owned``: the feedback they own; ``open_ones``: those open today): the
    open ones with their ages, those opened within start..end and how many of those are answered."""
    ages = [(now.date() - at.date()).days for f in open_ones if (at := parse_time(f["at"])) is not None]
    opened = [i for i in owned if (at := parse_time(G._node[i].get("at"))) is not None and start <= at <= end]
    return {"open": len(open_ones), "overdue": sum(1 for f in open_ones if f["days_overdue"] > 0),
            "oldest_days": max(ages, default=None),
            "average_days": round(sum(ages) / len(ages), 1) if ages else None,
            "opened": len(opened), "answered": sum(1 for i in opened if G._node[i].get("follow_up_closed_by"))}


def _satisfaction(G, accounts: list, end: datetime, start: datetime, days: int) -> tuple[dict, dict]:
    """The satisfaction of ``accounts`` within the period: the manager's figures and each account's."""
    per_account, votes, latest = {}, [], None
    for a in accounts:
        s = account_satisfaction(G, a, now=end, window_days=days)
        recent = s["responses"] > 0
        per_account[a] = {"latest": s["latest"] if recent else None, "latest_at": s["latest_at"] if recent else None,
                          "nps": s["nps"]["score"], "responses": s["responses"],
                          "trend": s["trend"]["direction"], "change": s["trend"]["change"]}
        votes += [(v["latest"], v["weight"]) for v in s["people"]
                  if (at := parse_time(v["latest_at"])) is not None and at >= start]
        if recent and (latest is None or s["latest_at"] > latest["at"]):
            latest = {"score": s["latest"], "at": s["latest_at"], "account": {"id": a, "name": name_of(G, a)}}
    nps = nps_of(votes)
    trends = [r["trend"] for r in per_account.values()]
    return {"responses": sum(r["responses"] for r in per_account.values()), "latest": latest,
            "nps": nps["score"], "promoters": nps["promoters"], "passives": nps["passives"],
            "detractors": nps["detractors"], "falling": trends.count("falling"),
            "rising": trends.count("rising")}, per_account


def manager_scorecard(
    G: nx.MultiDiGraph,
    *,
    since=None,
    until=None,
    now=None,
    contacts=None,
    portfolio: dict | None = None,
    cadence: dict | None = None,
) -> dict:
    """How each account manager's relationship work went over a period, as figures a director can compare.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A portfolio graph in the documented format (its users, team
        memberships, relationships and customer feedback).
    since, until : date or str, optional
        The period, both days included (default: the
        :data:`DEFAULT_PERIOD_DAYS` days up to today).
    now : datetime or str, optional
        Today (default: the graph's ``loaded_at``).
    contacts : iterable of (user id, person id, when), optional
        Our people's contacts with stakeholders (the interactions they
        attended), reaching back from ``since`` by the longest cadence
        (180 days) at least; default: the interactions in ``G``.  The
        portfolio graph holds no interactions but feedback: pass them.
    portfolio : dict, optional
        :func:`graphcrm.analysis.portfolio_coverage` of ``G`` computed
        already (the web app keeps one); else it is computed here.
    cadence : dict, optional
        Days between contacts by influence, as for the maintenance plan.

    Returns
    -------
    dict
        ``since``, ``until``, ``days``, ``as_of`` and ``managers``: one card
        per account manager, by name: ``id``, ``name``, ``title``,
        ``accounts`` (how many) and ``account_rows`` ({id, name, people,
        coverage, stale_relationships, needs_attention, attention (the
        reasons' kinds), satisfaction {latest, latest_at, nps, responses,
        trend, change}}), ``coverage`` {people, contacts, strong_contacts,
        coverage_pct, strong_pct}, ``stale_relationships``,
        ``needs_attention``, ``maintenance`` {relationships, due, done,
        done_pct, contacted}, ``follow_ups`` {open, overdue, oldest_days,
        average_days, opened, answered} and ``satisfaction`` {responses,
        latest {score, at, account}, nps, promoters, passives, detractors,
        falling, rising}; the figures are explained in the module text.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("User", {"id": "u1", "username": "lina", "display_name": "李娜", "role": "manager"}),
    ...      ("Account", {"id": "a1", "name": "Acme"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5}),
    ...      ("Person", {"id": "p2", "name": "Zhang Min", "influence": 3}),
    ...      ("Interaction", {"id": "i1", "kind": "feedback", "at": "2026-04-10T00:00:00+00:00",
    ...                       "satisfaction": 9})],
    ...     [("MEMBER_OF", "u1", "a1", {}), ("WORKS_AT", "p1", "a1", {}), ("WORKS_AT", "p2", "a1", {}),
    ...      ("RELATIONSHIP", "u1", "p1", {"strength": 4, "last_contact_at": "2026-01-05T00:00:00+00:00"}),
    ...      ("WITH", "i1", "p1", {}), ("ATTENDED", "u1", "i1", {})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> card = manager_scorecard(G, since="2026-04-01", until="2026-04-30")["managers"][0]
    >>> card["name"], card["coverage"]["coverage_pct"], card["maintenance"]["due"], card["maintenance"]["done"]
    ('李娜', 50, 1, 1)
    >>> card["satisfaction"]["nps"], card["satisfaction"]["latest"]["score"]
    (100, 9)

    王强's contact of 5 January fell due after 30 days (influence 5) and the
    feedback Li Na took from him on 10 April kept it up; Zhang Min, whom
    nobody on our team knows, halves the coverage.
    """
    when = resolve_now(G, now)
    first, last = period_of(since, until, when)
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    end = datetime.combine(last, time.max, tzinfo=timezone.utc)
    days = (last - first).days + 1
    managers = managers_of(G)
    if portfolio is None:
        portfolio = portfolio_coverage(G, now=when, cadence=cadence,
                                       accounts=sorted({a for accs in managers.values() for a in accs}))
    rows = {r["id"]: r for r in portfolio["accounts"]}
    met: dict = defaultdict(list)
    for user, person, at in (contacts_in(G) if contacts is None else contacts):
        if (t := parse_time(at)) is not None:
            met[(user, person)].append(t)
    owned: dict = defaultdict(list)
    for i in nodes_with_label(G, "Interaction"):
        if G._node[i].get("follow_up_owner"):
            owned[G._node[i]["follow_up_owner"]].append(i)
    open_by_owner: dict = defaultdict(list)
    for f in follow_ups(G, now=when):
        open_by_owner[f["owner"]["id"]].append(f)
    cards = [_card(G, u, [rows[a] for a in accounts if a in rows], met, (owned[u], open_by_owner[u]), when,
                   (start, end, days), cadence) for u, accounts in managers.items()]
    cards.sort(key=lambda c: (c["name"], c["id"]))
    return {"since": first.isoformat(), "until": last.isoformat(), "days": days, "as_of": iso(when),
            "managers": cards}


def _card(G, user, rows: list[dict], met: dict, follow: tuple[list, list], now, period: tuple, cadence) -> dict:
    """One manager's card (see :func:`manager_scorecard`); ``follow``: the feedback they own and
    their open follow-ups; ``period``: its start, end and days."""
    start, end, days = period
    accounts = [r["id"] for r in rows]
    people = sum(r["people"] for r in rows)
    contacts = sum(r["contacts"] for r in rows)
    strong = sum(r["strong_contacts"] for r in rows)
    satisfaction, per_account = _satisfaction(G, accounts, end, start, days)
    return {
        "id": user, "name": name_of(G, user), "title": title_of(G, user), "accounts": len(rows),
        "account_rows": [{"id": r["id"], "name": r["name"], "people": r["people"],
                          "coverage": _pct(r["contacts"], r["people"]),
                          "stale_relationships": r["stale_relationships"], "needs_attention": r["needs_attention"],
                          "attention": [x["kind"] for x in r["attention"]], "satisfaction": per_account[r["id"]]}
                         for r in sorted(rows, key=lambda r: (r["name"], r["id"]))],
        "coverage": {"people": people, "contacts": contacts, "strong_contacts": strong,
                     "coverage_pct": _pct(contacts, people), "strong_pct": _pct(strong, people)},
        "stale_relationships": sum(r["stale_relationships"] for r in rows),
        "needs_attention": sum(1 for r in rows if r["needs_attention"]),
        "maintenance": _maintenance(G, user, set(accounts), met, start, end, cadence),
        "follow_ups": _follow_ups(G, *follow, now, start, end),
        "satisfaction": satisfaction,
    }


__all__ = ["DEFAULT_PERIOD_DAYS", "manager_scorecard"]
