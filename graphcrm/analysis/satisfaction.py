"""Voice of the customer: satisfaction from customer feedback, per stakeholder and per account.

Customer feedback is an Interaction of kind ``feedback`` ``WITH`` the people
who gave it, scored ``satisfaction`` 0-10 (and a ``sentiment`` -2..+2).  Only
scored feedback counts in the figures; an unscored one with a negative
sentiment still calls for a follow-up (:func:`graphcrm.model.opens_follow_up`).

What the figures say to a salesperson
-------------------------------------
``latest``
    The most recent score (for an account: anyone's at the account), or None:
    *no feedback recorded*, which is said as such, never shown as a number.
``category``
    The Net Promoter band of a score: 9-10 *promoter* (would recommend us),
    7-8 *passive* (satisfied, not loyal), 0-6 *detractor* (unhappy: a risk).
``trend``
    Over the last 12 months (``window_days``): the least-squares line through
    the scores against time, and ``change``, the points it gains or loses
    between the first and the last score of the window (so a single bad
    week is not extrapolated to a year).  ``direction``: ``falling`` at
    -:data:`TREND_POINTS` (2) or less, ``rising`` at +2 or more, else
    ``steady``; None with fewer than two scores on different days.
    ``months``: the average per calendar month (None: no score), for a chart.
``nps``
    ``score`` = 100 x (promoters - detractors) / responses, from -100 (all
    detractors) to +100 (all promoters), with the counts behind it.  For a
    stakeholder over their own scores in the window.  For an account over
    each stakeholder's latest score in the window, weighted, so that the
    people who decide count more::

        NPS = 100 x (sum of w over promoters - sum of w over detractors) / sum of w

    where ``w`` = :data:`KEY_WEIGHT` (2) for a *key voice* (the economic buyer
    or a decision maker in a bid of the account, or influence >= 4) and 1 for
    everyone else.  The account's trend weights each score the same way; the
    counts (``promoters``, ``passives``, ``detractors``) are people, unweighted.
``loyalty``
    An account's *sustained promoters*, the evidence of loyalty that lifts
    its suggested relationship tier and its expected retention
    (:mod:`graphcrm.analysis.portfolio`): within the window at least
    :data:`LOYALTY` ``responses`` (3) scores from ``people`` (2) people,
    spanning ``days`` (180) days from the first to the last, none of them a
    detractor's, and an NPS of at least ``nps`` (+50).  Fewer scores, or
    scores from a shorter stretch, cannot show that customers *stay*
    satisfied: then ``sustained`` is False, whatever the scores.

Follow-ups
----------
A feedback that calls for one carries ``follow_up_owner`` (a user),
``follow_up_due`` (a date) and, once answered, ``follow_up_closed_by`` (the
interaction that answered it).  :func:`follow_ups` lists the open ones with
``days_overdue`` (negative: days left).
"""

from __future__ import annotations

from datetime import datetime

import networkx as nx

from graphcrm.analysis._common import (
    DECISION_ROLES,
    HIGH_INFLUENCE,
    account_of_opportunity,
    as_int,
    in_typed,
    iso,
    label,
    name_of,
    nodes_with_label,
    out_typed,
    parse_time,
    person_account,
    require,
    resolve_now,
)
from graphcrm.analysis.messages import render, say
from graphcrm.model import DETRACTOR_MAX, PROMOTER_MIN

#: the days the trend and the NPS look back over
FEEDBACK_WINDOW_DAYS = 365
#: how much more a key voice counts in an account's NPS and trend
KEY_WEIGHT = 2
#: the change over the window, in points of the 0-10 scale, that makes a trend falling or rising
TREND_POINTS = 2.0
#: the months of the trend chart, the current one last
CHART_MONTHS = 12
#: what makes an account's promoters sustained (module text: ``loyalty``)
LOYALTY = {"responses": 3, "people": 2, "days": 180, "nps": 50}


def category(score: int | None) -> str | None:
    """The Net Promoter band of a 0-10 score: promoter, passive or detractor (None: no score)."""
    if score is None:
        return None
    if score >= PROMOTER_MIN:
        return "promoter"
    return "detractor" if score <= DETRACTOR_MAX else "passive"


def scores_of(G, person_id) -> list[tuple[datetime, int, str]]:
    """A person's scored feedback, oldest first: (when, score, interaction id)."""
    out = []
    for i, _ in in_typed(G, person_id, "WITH"):
        d = G._node[i]
        at = parse_time(d.get("at"))
        if d.get("label") == "Interaction" and d.get("kind") == "feedback" and d.get("satisfaction") is not None \
                and at is not None:
            out.append((at, as_int(d.get("satisfaction"), 0), i))
    return sorted(out)


def last_feedback(G, person_id) -> datetime | None:
    """When a person last gave feedback, scored or not (None: never recorded)."""
    times = [parse_time(G._node[i].get("at")) for i, _ in in_typed(G, person_id, "WITH")
             if G._node[i].get("label") == "Interaction" and G._node[i].get("kind") == "feedback"]
    return max((t for t in times if t is not None), default=None)


def is_key_voice(G, person_id, account_id=None, high_influence: int = HIGH_INFLUENCE) -> bool:
    """Whether a stakeholder's voice counts :data:`KEY_WEIGHT` times: influence
    >= ``high_influence``, or the economic buyer or a decision maker in a bid
    (of ``account_id``, when given)."""
    if as_int(G._node[person_id].get("influence"), 3) >= high_influence:
        return True
    return any(d.get("role") in DECISION_ROLES and (account_id is None or account_of_opportunity(G, o) == account_id)
               for o, d in out_typed(G, person_id, "ROLE_IN"))


# --------------------------------------------------------------------------
# the figures
# --------------------------------------------------------------------------


def _trend(points: list[tuple[datetime, int, float]], now: datetime) -> dict:
    """Direction and change of weighted ``points`` (when, score, weight) in the window, and the chart's months."""
    months = _months(points, now)
    if len({at.date() for at, _, _ in points}) < 2:
        return {"direction": None, "change": None, "months": months}
    xs = [(at - points[0][0]).total_seconds() / 86400 for at, _, _ in points]
    total = sum(w for _, _, w in points)
    mx = sum(w * x for x, (_, _, w) in zip(xs, points, strict=True)) / total
    my = sum(w * s for _, s, w in points) / total
    sxx = sum(w * (x - mx) ** 2 for x, (_, _, w) in zip(xs, points, strict=True))
    sxy = sum(w * (x - mx) * (s - my) for x, (_, s, w) in zip(xs, points, strict=True))
    change = round(sxy / sxx * (xs[-1] - xs[0]), 1) + 0.0
    direction = "falling" if change <= -TREND_POINTS else "rising" if change >= TREND_POINTS else "steady"
    return {"direction": direction, "change": change, "months": months}


def _months(points: list[tuple[datetime, int, float]], now: datetime) -> list[dict]:
    """The weighted average score of each of the last :data:`CHART_MONTHS` calendar months."""
    keys = []
    year, month = now.year, now.month
    for _ in range(CHART_MONTHS):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    sums: dict[str, list[float]] = {k: [0.0, 0.0, 0] for k in keys}
    for at, score, weight in points:
        bucket = sums.get(f"{at.year:04d}-{at.month:02d}")
        if bucket is not None:
            bucket[0] += weight * score
            bucket[1] += weight
            bucket[2] += 1
    return [{"month": k, "average": round(sums[k][0] / sums[k][1], 1) if sums[k][1] else None,
             "responses": int(sums[k][2])} for k in reversed(keys)]


def nps_of(votes: list[tuple[int, float]]) -> dict:
    """The NPS of (score, weight) votes, with the counts behind it."""
    counts = {band: sum(1 for s, _ in votes if category(s) == band) for band in ("promoter", "passive", "detractor")}
    total = sum(w for _, w in votes)
    score = None
    if total:
        promoters = sum(w for s, w in votes if category(s) == "promoter")
        detractors = sum(w for s, w in votes if category(s) == "detractor")
        score = round(100 * (promoters - detractors) / total)
    return {"score": score, "promoters": counts["promoter"], "passives": counts["passive"],
            "detractors": counts["detractor"], "responses": len(votes)}


def _summary(latest, latest_at, responses: int, trend: dict, nps: dict) -> dict:
    """The figures in one sentence, as a message ("no feedback recorded" when there is none)."""
    if latest is None:
        return say("satisfaction.none")
    cat = say(f"satisfaction.{category(latest)}")
    if not responses:
        return say("satisfaction.summary.old", score=latest, category=cat, date=latest_at[:10])
    direction = trend["direction"] or "unknown"
    how = say(f"satisfaction.trend.{direction}", points=abs(trend["change"] or 0))
    return say("satisfaction.summary", score=latest, category=cat, date=latest_at[:10], nps=nps["score"],
               responses=responses, trend=how)


def _figures(scored: list[tuple[datetime, int, float]], votes: list[tuple[int, float]], now: datetime,
             window_days: int) -> dict:
    """latest, category, responses, trend, nps and the summary of weighted scores (oldest first)."""
    latest_at, latest = (scored[-1][0], scored[-1][1]) if scored else (None, None)
    recent = [p for p in scored if (now - p[0]).days < window_days]
    trend = _trend(recent, now)
    nps = nps_of(votes)
    msg = _summary(latest, iso(latest_at), len(recent), trend, nps)
    return {"latest": latest, "latest_at": iso(latest_at), "category": category(latest), "responses": len(recent),
            "trend": trend, "nps": nps, "summary": render(msg), "texts": {"summary": msg}}


def _loyalty(recent: list[tuple[datetime, int, float]], nps: dict) -> dict:
    """The loyalty evidence of an account's weighted scores in the window (oldest first) and its NPS."""
    days = (recent[-1][0] - recent[0][0]).days if recent else 0
    sustained = (len(recent) >= LOYALTY["responses"] and nps["responses"] >= LOYALTY["people"]
                 and days >= LOYALTY["days"] and not any(category(s) == "detractor" for _, s, _ in recent)
                 and (nps["score"] or 0) >= LOYALTY["nps"])
    return {"sustained": sustained, "responses": len(recent), "people": nps["responses"], "days": days,
            "nps": nps["score"]}


def _stakeholder(G, person_id, now: datetime, window_days: int, weight: float = 1) -> dict:
    scored = [(at, s, weight) for at, s, _ in scores_of(G, person_id) if at <= now]
    votes: list[tuple[int, float]] = [(s, 1) for at, s, _ in scored if (now - at).days < window_days]
    return {"id": person_id, "name": name_of(G, person_id), **_figures(scored, votes, now, window_days)}


def stakeholder_satisfaction(G: nx.MultiDiGraph, person_id, *, now=None,
                             window_days: int = FEEDBACK_WINDOW_DAYS) -> dict:
    """How satisfied one stakeholder is with us: latest score, trend and NPS.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the documented format holding the person's feedback
        interactions (an account graph; the portfolio graph holds feedback too).
    person_id : str
        The stakeholder.
    now : datetime or str, optional
        Today (default: the graph's ``loaded_at``).
    window_days : int
        The days the trend and the NPS look back over (365).

    Returns
    -------
    dict
        ``id``, ``name``, ``key`` (a key voice, see the module text),
        ``latest`` (0-10, None: no feedback recorded), ``latest_at``,
        ``category`` (promoter / passive / detractor), ``responses`` (scores
        in the window), ``trend`` ({direction, change, months}), ``nps``
        ({score, promoters, passives, detractors, responses}: over their own
        scores), ``last_feedback`` (any feedback, scored or not),
        ``follow_ups`` (open ones, see :func:`follow_ups`), ``summary`` (one
        English sentence; its message under ``texts``).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Person", {"id": "p1", "name": "王强", "influence": 5}),
    ...      ("Interaction", {"id": "i1", "kind": "feedback", "at": "2025-11-01T00:00:00+00:00", "satisfaction": 9}),
    ...      ("Interaction", {"id": "i2", "kind": "feedback", "at": "2026-04-01T00:00:00+00:00", "satisfaction": 5})],
    ...     [("WITH", "i1", "p1", {}), ("WITH", "i2", "p1", {})], loaded_at="2026-05-01T00:00:00+00:00")
    >>> s = stakeholder_satisfaction(G, "p1")
    >>> s["latest"], s["category"], s["trend"]["direction"], s["trend"]["change"], s["nps"]["score"]
    (5, 'detractor', 'falling', -4.0, 0)
    >>> s["summary"]
    'Latest satisfaction 5/10 (detractor) on 2026-04-01; NPS 0 from 2 scores in 12 months; falling by 4.0 points.'
    >>> G.remove_nodes_from(["i1", "i2"])
    >>> stakeholder_satisfaction(G, "p1")["summary"]
    'No feedback recorded.'
    """
    require(G, person_id, "Person")
    when = resolve_now(G, now)
    out = _stakeholder(G, person_id, when, window_days)
    last = last_feedback(G, person_id)
    out.update(key=is_key_voice(G, person_id), last_feedback=iso(last),
               follow_ups=_open_follow_ups(G, _feedback_with([person_id], G), when))
    return out


def account_satisfaction(G: nx.MultiDiGraph, account_id, *, now=None, window_days: int = FEEDBACK_WINDOW_DAYS,
                         key_weight: float = KEY_WEIGHT, high_influence: int = HIGH_INFLUENCE) -> dict:
    """How satisfied an account is with us: latest score, trend, weighted NPS, open follow-ups.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An account or portfolio graph in the documented format.
    account_id : str
        The account.
    now : datetime or str, optional
        Today (default: the graph's ``loaded_at``); a score given later is
        left out, so that a past period can be looked at.
    window_days : int
        The days the trend and the NPS look back over (365).
    key_weight : float
        How much a key voice counts (module text).
    high_influence : int
        The influence from which a stakeholder is a key voice.

    Returns
    -------
    dict
        ``latest`` (the latest score anyone at the account gave; None: no
        feedback recorded), ``latest_at``, ``latest_by`` ({id, name}),
        ``category``, ``responses``, ``trend`` and ``nps`` (weighted, see the
        module text), ``summary`` (and ``texts``), ``people`` (each
        stakeholder who gave a score, as :func:`stakeholder_satisfaction`
        without ``follow_ups``, plus ``weight``; latest score first),
        ``follow_ups`` (open ones, see :func:`follow_ups`),
        ``open_follow_ups`` and ``overdue_follow_ups`` (how many),
        ``loyalty`` ({sustained, responses, people, days, nps}: see the
        module text).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme"}),
    ...      ("Person", {"id": "boss", "name": "王强", "influence": 5}),
    ...      ("Person", {"id": "clerk", "name": "Zhang Min", "influence": 2}),
    ...      ("Interaction", {"id": "i1", "kind": "feedback", "at": "2026-03-01T00:00:00+00:00", "satisfaction": 10}),
    ...      ("Interaction", {"id": "i2", "kind": "feedback", "at": "2026-04-01T00:00:00+00:00", "satisfaction": 4})],
    ...     [("WORKS_AT", "boss", "a1", {}), ("WORKS_AT", "clerk", "a1", {}),
    ...      ("WITH", "i1", "boss", {}), ("WITH", "i2", "clerk", {})], loaded_at="2026-05-01T00:00:00+00:00")
    >>> s = account_satisfaction(G, "a1")
    >>> s["latest"], s["latest_by"]["name"], s["nps"]["score"], s["nps"]["promoters"], s["nps"]["detractors"]
    (4, 'Zhang Min', 33, 1, 1)

    The promoter is a key voice (influence 5) and counts twice: (2 - 1) / 3 = +33.
    Two scores a month apart, one a detractor's, are no evidence of loyalty:

    >>> s["loyalty"]["sustained"], s["loyalty"]["days"]
    (False, 31)
    """
    require(G, account_id, "Account")
    when = resolve_now(G, now)
    people = [p for p, _ in in_typed(G, account_id, "WORKS_AT") if label(G, p) == "Person"]
    weights = {p: key_weight if is_key_voice(G, p, account_id, high_influence) else 1 for p in people}
    scored, votes, voices = [], [], []
    for p in sorted(people):
        mine = [(at, s, weights[p]) for at, s, _ in scores_of(G, p) if at <= when]
        if not mine:
            continue
        scored += mine
        recent = [s for at, s, _ in mine if (when - at).days < window_days]
        if recent:
            votes.append((recent[-1], weights[p]))
        voices.append({**_stakeholder(G, p, when, window_days), "key": weights[p] != 1, "weight": weights[p]})
    scored.sort(key=lambda x: x[0])
    out = _figures(scored, votes, when, window_days)
    out["nps"]["weighted"] = True
    latest_by = max(voices, key=lambda v: (v["latest_at"], v["id"])) if voices else None
    open_ones = _open_follow_ups(G, _feedback_with(people, G), when)
    loyalty = _loyalty([p for p in scored if (when - p[0]).days < window_days], out["nps"])
    voices.sort(key=lambda v: (v["latest_at"] or ""), reverse=True)
    return {"id": account_id, "name": name_of(G, account_id), **out,
            "latest_by": {"id": latest_by["id"], "name": latest_by["name"]} if latest_by else None,
            "people": voices, "follow_ups": open_ones, "open_follow_ups": len(open_ones),
            "overdue_follow_ups": sum(1 for f in open_ones if f["days_overdue"] > 0), "loyalty": loyalty}


def voice_of(ctx, account_id) -> dict:
    """:func:`account_satisfaction` of an account within one analysis
    (:class:`~graphcrm.analysis._deal.Context`), computed once: the portfolio
    row and the attention rules both read it.  Shared: read-only."""
    key = ("satisfaction", account_id)
    found = ctx._shared.get(key)
    if found is None:
        found = ctx._shared[key] = account_satisfaction(ctx.G, account_id, now=ctx.now,
                                                        high_influence=ctx.high_influence)
    return found


def satisfaction_row(satisfaction: dict) -> dict:
    """The figures of :func:`account_satisfaction` that the portfolio table
    and ``graphcrm analyze portfolio --json`` give per account."""
    return {"latest": satisfaction["latest"], "latest_at": satisfaction["latest_at"],
            "trend": satisfaction["trend"]["direction"], "change": satisfaction["trend"]["change"],
            "nps": satisfaction["nps"]["score"], "responses": satisfaction["responses"],
            "open_follow_ups": satisfaction["open_follow_ups"],
            "overdue_follow_ups": satisfaction["overdue_follow_ups"],
            "sustained_promoters": satisfaction["loyalty"]["sustained"],
            "summary": satisfaction["summary"], "texts": satisfaction["texts"]}


# --------------------------------------------------------------------------
# follow-ups
# --------------------------------------------------------------------------


def _feedback_with(people, G) -> list:
    """The feedback interactions with any of ``people``, in id order."""
    return sorted({i for p in people for i, _ in in_typed(G, p, "WITH")
                   if G._node[i].get("label") == "Interaction" and G._node[i].get("kind") == "feedback"})


def _open_follow_ups(G, interactions, now: datetime, owner=None) -> list[dict]:
    out = []
    for i in interactions:
        d = G._node[i]
        if not d.get("follow_up_owner") or d.get("follow_up_closed_by") or (owner and d["follow_up_owner"] != owner):
            continue
        due = parse_time(d.get("follow_up_due"))
        people = sorted(p for p, _ in out_typed(G, i, "WITH") if label(G, p) == "Person")
        account = next((a for a in map(lambda p: person_account(G, p), people) if a), None)
        who = d["follow_up_owner"]
        out.append({
            "id": i, "at": d.get("at"), "satisfaction": d.get("satisfaction"), "sentiment": d.get("sentiment", 0),
            "summary": d.get("summary") or "",
            "people": [{"id": p, "name": name_of(G, p)} for p in people],
            "account": {"id": account, "name": name_of(G, account)} if account else None,
            "owner": {"id": who, "name": name_of(G, who) if who in G else who},
            "due": d.get("follow_up_due"),
            "days_overdue": (now.date() - due.date()).days if due else 0,
        })
    out.sort(key=lambda f: (-f["days_overdue"], f["id"]))
    return out


def follow_ups(G: nx.MultiDiGraph, *, now=None, owner: str | None = None, account_id: str | None = None) -> list[dict]:
    """The open follow-ups of customer feedback, most overdue first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph in the documented format.
    now : datetime or str, optional
        Today (default: the graph's ``loaded_at``).
    owner : str, optional
        Only the follow-ups this user owns.
    account_id : str, optional
        Only the follow-ups of feedback given by people of this account.

    Returns
    -------
    list of dict
        ``id`` (the feedback), ``at``, ``satisfaction``, ``sentiment``,
        ``summary`` (what the customer said), ``people`` and ``account``
        ({id, name}), ``owner`` ({id, name}), ``due`` (a date) and
        ``days_overdue`` (negative: days left).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("User", {"id": "u1", "username": "li", "display_name": "Li Wei"}),
    ...      ("Person", {"id": "p1", "name": "王强"}),
    ...      ("Interaction", {"id": "i1", "kind": "feedback", "at": "2026-04-20T00:00:00+00:00", "satisfaction": 3,
    ...                       "follow_up_owner": "u1", "follow_up_due": "2026-04-27"})],
    ...     [("WITH", "i1", "p1", {})], loaded_at="2026-05-01T00:00:00+00:00")
    >>> [(f["people"][0]["name"], f["owner"]["name"], f["days_overdue"]) for f in follow_ups(G)]
    [('王强', 'Li Wei', 4)]
    """
    when = resolve_now(G, now)
    if account_id is not None:
        require(G, account_id, "Account")
        people = [p for p, _ in in_typed(G, account_id, "WORKS_AT") if label(G, p) == "Person"]
        return _open_follow_ups(G, _feedback_with(people, G), when, owner)
    interactions = sorted(i for i in nodes_with_label(G, "Interaction") if G._node[i].get("kind") == "feedback")
    return _open_follow_ups(G, interactions, when, owner)


__all__ = [
    "CHART_MONTHS", "FEEDBACK_WINDOW_DAYS", "KEY_WEIGHT", "LOYALTY", "TREND_POINTS", "account_satisfaction",
    "category", "follow_ups", "stakeholder_satisfaction",
]
