"""Portfolio coverage: the sales director's table of accounts and open bids.

Everything is computed per account from the account's own neighbourhood
(its people, our relationships to them, its opportunities), never with a
global centrality or community pass, so the time grows linearly with the
number of accounts (see ``bench/bench_analysis.py``).

Suggested relationship tier (the evidence ladder)
--------------------------------------------------
"Strong contacts" are people we hold a relationship of strength >= 3 with;
"executive contacts" are strong contacts of seniority >= 4 or influence >= 4;
"departments covered" counts departments with a strong contact.

=================== ===========================================================
tier                evidence required (all of it)
=================== ===========================================================
strategic_partner   >= 6 strong contacts, >= 2 executive contacts,
                    >= 3 departments covered, >= 2 won projects
cooperative         >= 3 strong contacts, >= 1 executive contact,
                    >= 2 departments covered, >= 1 won project
service             >= 2 strong contacts, or >= 1 won project
transactional       anything less
=================== ===========================================================

Loyalty counts too: an account whose customers are *sustained promoters*
(:mod:`graphcrm.analysis.satisfaction`, ``loyalty``: 3 or more scores from
2 or more people over at least 180 days of the last 12 months, no
detractor's among them, NPS +50 or more) is suggested one tier above what the
ladder gives (strategic partner stays the top), and its evidence says so.
A long, unbroken run of promoters is what a partnership looks like from the
customer's side; a single good score is not.

Customer lifetime value
-----------------------
``CLV = E x (1 + d) / (1 + d - r)``: the discounted value of an annual margin-
free revenue ``E`` kept each year with probability ``r`` (the geometric
series sum_t E (r / (1 + d))^t), where

* ``E = annual_value + c x w x max(potential_value - annual_value, 0)`` is
  the expected annual revenue: the current value plus the share of the
  untapped potential we can expect to capture, ``w = (won + 1) / (won + lost
  + 2)`` being the account's smoothed win rate (Laplace rule; 0.5 without
  history) and ``c = 0.25`` the share of the gap captured per year;
* ``r`` is the recorded tier's expected retention ``r0`` (transactional
  0.60, service 0.75, cooperative 0.85, strategic partner 0.92), times 0.8
  when the lifecycle is ``at_risk`` and 0 when ``churned``, then moved by
  what the customers say: with ``n`` = the account's weighted NPS / 100
  (:mod:`graphcrm.analysis.satisfaction`) from at least
  :data:`RETENTION_MIN_VOICES` (2) people's scores in the last 12 months,
  ``r = r0 + s x n x (1 - r0)`` when ``n >= 0`` (promoters close part of
  the gap to certain retention) and ``r = r0 x (1 + s x n)`` when ``n < 0``
  (detractors take part of it away), ``s`` =
  :data:`RETENTION_SATISFACTION` (0.25).  So an NPS of +100 keeps a
  quarter of the customers the tier alone expects to lose, -100 loses a
  quarter of those it expects to keep; with fewer voices (or none) the
  feedback cannot say and ``r = r0``;
* ``d`` is the discount rate (default 0.10).

Suggested segment: ``strategic`` when CLV >= 100,000,000, ``key`` when
CLV >= 20,000,000, ``growth`` when the potential is at least three times the
annual value (and at least 1,000,000) and the account is winnable (smoothed
win rate >= 0.5, lifecycle neither at risk nor churned), else ``general``
(amounts in the account's currency; thresholds configurable).
"""

from __future__ import annotations

from collections import Counter
from functools import partial

import networkx as nx

from graphcrm.analysis._common import (
    HIGH_INFLUENCE,
    STRONG,
    as_int,
    in_typed,
    iso,
    label,
    name_of,
    nodes_with_label,
    require,
)
from graphcrm.analysis._deal import Context, deal_facts
from graphcrm.analysis._parallel import run_pieces
from graphcrm.analysis.attention import reasons_of
from graphcrm.analysis.coverage import gaps_of
from graphcrm.analysis.messages import english, say
from graphcrm.analysis.money import DEFAULT_CURRENCY, by_currency, convert, in_reporting
from graphcrm.analysis.readiness import readiness_of
from graphcrm.analysis.satisfaction import satisfaction_row, voice_of

TIER_ORDER = ("transactional", "service", "cooperative", "strategic_partner")
RETENTION = {"transactional": 0.60, "service": 0.75, "cooperative": 0.85, "strategic_partner": 0.92}
SEGMENT_THRESHOLDS = {"strategic": 100_000_000.0, "key": 20_000_000.0, "growth_ratio": 3.0, "growth_min": 1_000_000.0}
#: Share of the gap between potential and annual value captured per year.
GROWTH_CAPTURE = 0.25
#: How far the account's NPS moves the expected retention (module text).
RETENTION_SATISFACTION = 0.25
#: The fewest people whose scores let the NPS move the expected retention.
RETENTION_MIN_VOICES = 2


def _num(v) -> float:
    try:
        return float(v) if v is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def tier_evidence(strong_contacts: int, exec_contacts: int, departments: int, won: int,
                  loyalty: dict | None = None) -> list[dict]:
    """The evidence of :func:`suggest_tier` as messages."""
    out = [
        say("tier.strong_contacts", count=strong_contacts),
        say("tier.executive_contacts", count=exec_contacts),
        say("tier.departments", count=departments),
        say("tier.won", count=won),
    ]
    if loyalty and loyalty["sustained"]:
        out.append(say("tier.loyalty", nps=loyalty["nps"], responses=loyalty["responses"], days=loyalty["days"]))
    return out


def _ladder(strong_contacts: int, exec_contacts: int, departments: int, won: int) -> str:
    """The tier the relationship evidence alone supports (the table in the module text)."""
    if strong_contacts >= 6 and exec_contacts >= 2 and departments >= 3 and won >= 2:
        return "strategic_partner"
    if strong_contacts >= 3 and exec_contacts >= 1 and departments >= 2 and won >= 1:
        return "cooperative"
    if strong_contacts >= 2 or won >= 1:
        return "service"
    return "transactional"


def suggest_tier(strong_contacts: int, exec_contacts: int, departments: int, won: int,
                 loyalty: dict | None = None) -> tuple[str, list[str]]:
    """The relationship tier the evidence supports, with the evidence.

    ``loyalty`` is the account's loyalty evidence
    (:func:`graphcrm.analysis.satisfaction.account_satisfaction`): sustained
    promoters lift the suggestion one tier.

    Examples
    --------
    >>> suggest_tier(7, 7, 4, 1)[0]
    'cooperative'
    >>> tier, evidence = suggest_tier(7, 7, 4, 1, {"sustained": True, "nps": 100, "responses": 4, "days": 225})
    >>> tier, evidence[-1]
    ('strategic_partner', 'sustained promoters: NPS 100 from 4 scores over 225 days')
    """
    tier = _ladder(strong_contacts, exec_contacts, departments, won)
    if loyalty and loyalty["sustained"]:
        tier = TIER_ORDER[min(TIER_ORDER.index(tier) + 1, len(TIER_ORDER) - 1)]
    return tier, english(tier_evidence(strong_contacts, exec_contacts, departments, won, loyalty))


def satisfied_retention(r: float, nps: int | None, voices: int) -> float:
    """The expected retention ``r`` moved by the account's NPS (module text;
    unchanged with fewer than :data:`RETENTION_MIN_VOICES` people's scores).

    Examples
    --------
    >>> satisfied_retention(0.92, 100, 4), satisfied_retention(0.6, -50, 3), satisfied_retention(0.6, -100, 1)
    (0.94, 0.525, 0.6)
    """
    if nps is None or voices < RETENTION_MIN_VOICES:
        return r
    n = nps / 100
    return round(r + RETENTION_SATISFACTION * n * (1 - r) if n >= 0 else r * (1 + RETENTION_SATISFACTION * n), 6)


def lifetime_value(
    annual_value,
    potential_value,
    tier: str,
    lifecycle: str | None,
    won: int,
    lost: int,
    *,
    discount_rate: float = 0.10,
    retention: dict | None = None,
    nps: int | None = None,
    voices: int = 0,
) -> dict:
    """CLV by the formula in the module text; returns the figures used.

    ``nps`` and ``voices`` are the account's weighted NPS and the people
    behind it (:func:`graphcrm.analysis.satisfaction.account_satisfaction`);
    ``retention_base`` in the result is ``r0``, before the NPS moved it."""
    annual = _num(annual_value)
    potential = _num(potential_value)
    win_rate = (won + 1) / (won + lost + 2)
    expected = annual + GROWTH_CAPTURE * win_rate * max(potential - annual, 0.0)
    r = {**RETENTION, **(retention or {})}.get(tier or "transactional", RETENTION["transactional"])
    if lifecycle == "at_risk":
        r *= 0.8
    elif lifecycle == "churned":
        r = 0.0
    base = r
    if lifecycle != "churned":
        r = satisfied_retention(r, nps, voices)
    clv = 0.0 if lifecycle == "churned" else expected * (1 + discount_rate) / (1 + discount_rate - r)
    return {
        "clv": round(clv, 2),
        "expected_annual_value": round(expected, 2),
        "win_rate": round(win_rate, 4),
        "retention": round(r, 4),
        "retention_base": round(base, 4),
        "nps": nps if voices >= RETENTION_MIN_VOICES else None,
        "discount_rate": discount_rate,
    }


def suggest_segment(
    clv: float,
    annual_value,
    potential_value,
    thresholds: dict | None = None,
    *,
    win_rate: float = 0.5,
    lifecycle: str | None = None,
) -> str:
    """The segment the lifetime value and growth suggest (rules in the module text)."""
    t = {**SEGMENT_THRESHOLDS, **(thresholds or {})}
    if clv >= t["strategic"]:
        return "strategic"
    if clv >= t["key"]:
        return "key"
    annual, potential = _num(annual_value), _num(potential_value)
    winnable = win_rate >= 0.5 and lifecycle not in ("at_risk", "churned")
    if winnable and potential >= t["growth_min"] and potential >= t["growth_ratio"] * max(annual, 1.0):
        return "growth"
    return "general"


def _owner_of(G, opportunity_id, account_id) -> dict | None:
    """Who answers for a bid (``{id, name}``; None: nobody): a key-account
    manager on the bid's team, else anyone of ours on it, else a key-account
    manager on the team of its account; the first by name."""
    def team(node) -> list:
        return sorted((u for u, _ in in_typed(G, node, "MEMBER_OF")
                       if label(G, u) == "User" and G.nodes[u].get("active", True) is not False),
                      key=lambda u: (name_of(G, u), u))

    def managers(users: list) -> list:
        return [u for u in users if G.nodes[u].get("role") == "manager"]

    on_bid = team(opportunity_id)
    picked = managers(on_bid) or on_bid or (managers(team(account_id)) if account_id else [])
    return {"id": picked[0], "name": name_of(G, picked[0])} if picked else None


def opportunity_row(ctx: Context, opportunity_id) -> tuple[dict, list]:
    """One open opportunity's coverage figures and its findings; its owner
    (``owner_id``, ``owner_name``) is who answers for it (:func:`_owner_of`)."""
    G = ctx.G
    facts = deal_facts(ctx, opportunity_id)
    findings = gaps_of(ctx, facts)
    ready = readiness_of(ctx, facts)
    sev = Counter(f.severity for f in findings)
    kinds = sorted({f.kind for f in findings})
    o = G.nodes[opportunity_id]
    owner = _owner_of(G, opportunity_id, facts.account_id) or {}
    strong_contacts = sum(1 for m in facts.members.values() if m.best_ours >= ctx.strong)
    stale = sum(1 for m in facts.members.values() for r in m.ours if r["stale"])
    row = {
        "id": opportunity_id,
        "name": facts.name,
        "account_id": facts.account_id,
        "account_name": str(G.nodes[facts.account_id].get("name")) if facts.account_id else None,
        "stage": facts.stage,
        "value": facts.value,
        "currency": str(o.get("currency") or DEFAULT_CURRENCY).upper(),
        "close_date": o.get("close_date"),
        "owner_id": owner.get("id"),
        "owner_name": owner.get("name"),
        "readiness": ready["score"],
        "components": {c["name"]: c["value"] for c in ready["components"]},
        "buying_center": len(facts.members),
        "strong_contacts": strong_contacts,
        "stale_relationships": stale,
        "eb_access": "no_eb_access" not in kinds and bool(facts.with_role("economic_buyer")),
        "champion": bool(facts.champions()),
        "single_threaded": "single_threaded" in kinds,
        "findings": {"high": sev.get("high", 0), "medium": sev.get("medium", 0), "low": sev.get("low", 0)},
        "kinds": kinds,
        "value_at_risk": round(facts.value * (1 - ready["score"] / 100.0), 2),
        "next_best_action": ready["next_best_action"],
        "texts": ready["texts"],
    }
    return row, findings


def account_row(
    ctx: Context, account_id, *, discount_rate=0.10, retention=None, segment_thresholds=None, attention_days=None
) -> tuple[dict, list]:
    """One account's coverage figures and its open opportunities' rows (amounts
    per currency: see :func:`in_currency` for the converted ones)."""
    G = ctx.G
    a = G.nodes[account_id]
    people = [p for p, _ in in_typed(G, account_id, "WORKS_AT") if label(G, p) == "Person"]
    contacts = strong = execs = stale = 0
    holders: set[str] = set()
    depts_all, depts_cov = set(), set()
    for p in people:
        d = G._node[p]
        dept = d.get("department")
        if dept:
            depts_all.add(dept)
        infl = as_int(d.get("influence"), 3)
        rels = ctx.relationships(p, infl, "User")
        if not rels:
            continue
        contacts += 1
        stale += sum(1 for r in rels if r["stale"])
        if rels[0]["strength"] >= ctx.strong:
            strong += 1
            holders.update(r["id"] for r in rels if r["strength"] >= ctx.strong)
            if dept:
                depts_cov.add(dept)
            if as_int(d.get("seniority"), 0) >= 4 or infl >= ctx.high_influence:
                execs += 1
    won = lost = 0
    won_value = 0.0
    opp_rows = []
    for o, _ in sorted(in_typed(G, account_id, "FOR")):
        if label(G, o) != "Opportunity":
            continue
        stage = G.nodes[o].get("stage", "lead")
        if stage == "won":
            won += 1
            won_value += _num(G.nodes[o].get("value"))
        elif stage == "lost":
            lost += 1
        else:
            opp_rows.append(opportunity_row(ctx, o)[0])
    tier = a.get("tier", "transactional")
    segment = a.get("segment", "general")
    voice = voice_of(ctx, account_id)
    sug_tier, tier_evidence_text = suggest_tier(strong, execs, len(depts_cov), won, voice["loyalty"])
    clv = lifetime_value(
        a.get("annual_value"), a.get("potential_value"), tier, a.get("lifecycle"), won, lost,
        discount_rate=discount_rate, retention=retention, nps=voice["nps"]["score"], voices=voice["nps"]["responses"],
    )
    sug_segment = suggest_segment(
        clv["clv"], a.get("annual_value"), a.get("potential_value"), segment_thresholds,
        win_rate=clv["win_rate"], lifecycle=a.get("lifecycle"),
    )
    attention = reasons_of(ctx, account_id, opp_rows, attention_days)
    row = {
        "id": account_id,
        "name": str(a.get("name") or account_id),
        "industry": a.get("industry"),
        "region": a.get("region"),
        "segment": segment,
        "tier": tier,
        "lifecycle": a.get("lifecycle"),
        "annual_value": _num(a.get("annual_value")),
        "potential_value": _num(a.get("potential_value")),
        "people": len(people),
        "contacts": contacts,
        "strong_contacts": strong,
        "executive_contacts": execs,
        "departments": len(depts_all),
        "departments_covered": len(depts_cov),
        "our_people": len(holders),
        "stale_relationships": stale,
        "won": won,
        "lost": lost,
        "won_value": won_value,
        "open_opportunities": len(opp_rows),
        "open_values": by_currency((r["value"], r["currency"]) for r in opp_rows),
        "values_at_risk": by_currency((r["value_at_risk"], r["currency"]) for r in opp_rows),
        "needs_attention": bool(attention),
        "attention": attention,
        "min_readiness": min((r["readiness"] for r in opp_rows), default=None),
        "single_threaded_opportunities": sum(1 for r in opp_rows if r["single_threaded"]),
        "suggested_tier": sug_tier,
        "tier_evidence": tier_evidence_text,
        "tier_mismatch": sug_tier != tier,
        "tier_direction": (
            "up" if TIER_ORDER.index(sug_tier) > TIER_ORDER.index(tier) else "down"
        ) if sug_tier != tier and tier in TIER_ORDER else None,
        "lifetime_value": clv,
        "suggested_segment": sug_segment,
        "segment_mismatch": sug_segment != segment,
        "satisfaction": satisfaction_row(voice),
        "texts": {"tier_evidence": tier_evidence(strong, execs, len(depts_cov), won, voice["loyalty"])},
    }
    return row, opp_rows


#: The fields of the ``at_risk`` rows, taken from the opportunity and account rows.
_AT_RISK_OPPORTUNITY_KEYS = (
    "id", "name", "account_id", "account_name", "stage", "value", "currency", "readiness", "value_at_risk",
    "reporting_value_at_risk", "kinds",
    "next_best_action", "texts",
)
_AT_RISK_ACCOUNT_KEYS = (
    "id", "name", "segment", "tier", "lifecycle", "open_value", "value_at_risk", "currency", "unconverted",
    "min_readiness", "stale_relationships", "needs_attention", "attention",
)


def in_currency(accounts: list[dict], opportunities: list[dict], rates: dict | None = None) -> tuple[list, list]:
    """The account and opportunity rows with their amounts in the reporting
    currency of ``rates`` (default :data:`graphcrm.analysis.money.DEFAULT_RATES`).

    Accounts get ``open_value`` and ``value_at_risk`` (converted sums),
    ``currency`` (the reporting currency) and ``unconverted`` (amount per
    currency without a rate, left out of the sums); opportunities get
    ``reporting_value`` and ``reporting_value_at_risk`` (None without a
    rate).  An account's annual and potential value are recorded without a
    currency: ``annual_currency`` says how they are read (CNY).  The rows
    given are not changed.
    """
    accs = []
    for r in accounts:
        open_value, at_risk = convert(r["open_values"], rates), convert(r["values_at_risk"], rates)
        accs.append({**r, "open_value": open_value["amount"], "value_at_risk": at_risk["amount"],
                     "currency": open_value["currency"], "unconverted": sorted(open_value["unconverted"]),
                     "annual_currency": DEFAULT_CURRENCY})
    opps = [{**r, "reporting_value": in_reporting(r["value"], r["currency"], rates),
             "reporting_value_at_risk": in_reporting(r["value_at_risk"], r["currency"], rates)} for r in opportunities]
    return accs, opps


def portfolio_totals(accounts: list[dict], opportunities: list[dict]) -> dict:
    """The totals of rows converted by :func:`in_currency`."""
    return {
        "accounts": len(accounts),
        "people": sum(r["people"] for r in accounts),
        "open_opportunities": len(opportunities),
        "open_value": round(sum(r["open_value"] for r in accounts), 2),
        "value_at_risk": round(sum(r["value_at_risk"] for r in accounts), 2),
        "currency": accounts[0]["currency"] if accounts else None,
        "unconverted": sorted({c for r in accounts for c in r["unconverted"]}),
        "needs_attention": sum(1 for r in accounts if r["needs_attention"]),
        "stale_relationships": sum(r["stale_relationships"] for r in accounts),
        "single_threaded": sum(1 for r in opportunities if r["single_threaded"]),
        "no_eb_access": sum(1 for r in opportunities if not r["eb_access"]),
        "tier_mismatches": sum(1 for r in accounts if r["tier_mismatch"]),
        "segment_mismatches": sum(1 for r in accounts if r["segment_mismatch"]),
    }


def portfolio_coverage(
    G: nx.MultiDiGraph,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
    accounts=None,
    discount_rate: float = 0.10,
    retention: dict | None = None,
    segment_thresholds: dict | None = None,
    at_risk_top: int = 20,
    attention_days: dict | None = None,
    rates: dict | None = None,
    workers: int = 1,
) -> dict:
    """Coverage of every account and open bid in one table, for the sales director.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A portfolio (or account) graph in the documented format.
    now, cadence, strong, high_influence
        As in :func:`graphcrm.analysis.coverage_gaps`.
    accounts : iterable of str, optional
        Only these accounts (default: every Account node).
    discount_rate, retention, segment_thresholds
        Parameters of the lifetime value and segment rules (module text).
    at_risk_top : int
        Length of the at-risk rankings.
    attention_days : dict, optional
        Thresholds of the rules of :mod:`graphcrm.analysis.attention`.
    rates : dict, optional
        The rate table amounts are converted with before they are summed or
        sorted (default :data:`graphcrm.analysis.money.DEFAULT_RATES`).
    workers : int
        Processes that compute the account rows at the same time (default
        1; the web app uses one per core).  The result does not depend on it.

    Returns
    -------
    dict
        ``as_of``; ``totals`` (accounts, open opportunities, open value, value
        at risk, their ``currency`` and the currencies ``unconverted`` for
        want of a rate, accounts that need attention, stale relationships,
        single-threaded bids, bids without economic-buyer access, tier and
        segment mismatches);
        ``accounts``: one row per account (segment, tier, lifecycle, values,
        people, contacts / strong / executive contacts, departments covered,
        our people involved, stale relationships, won/lost, ``open_values``
        and ``values_at_risk`` per currency, ``open_value`` and
        ``value_at_risk`` converted (:func:`in_currency`), ``needs_attention``
        and its reasons ``attention`` (:mod:`graphcrm.analysis.attention`),
        lowest readiness, ``satisfaction`` (latest score, trend and its
        change, NPS, scores in 12 months, open and overdue follow-ups: see
        :mod:`graphcrm.analysis.satisfaction`), ``suggested_tier`` with
        evidence (sustained promoters among it) and ``tier_mismatch``,
        ``lifetime_value`` {clv, expected annual value, win rate, retention
        and ``retention_base`` (before the NPS moved it), the ``nps`` it used}, ``suggested_segment`` and
        ``segment_mismatch``); ``opportunities``: one row per open bid
        (stage, value, readiness 0-100 and its components, buying-center
        size, strong contacts, stale relationships, EB access, champion,
        single-threaded, finding counts by severity and kinds,
        ``value_at_risk`` = value x (1 - readiness/100): the part of the bid
        value our coverage does not secure, in the bid's ``currency``, and
        both converted: ``reporting_value``, ``reporting_value_at_risk``);
        ``at_risk``: the bids with the most value at risk and the accounts
        that need attention, then those with value at risk.  A row's ``texts`` holds its
        sentences (``tier_evidence``, ``next_best_action``) as messages (see
        :mod:`graphcrm.analysis.messages`).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme", "tier": "strategic_partner",
    ...                   "annual_value": 1e6, "potential_value": 3e6}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid", "stage": "tender", "value": 2e6}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
    ...      ("ROLE_IN", "p1", "o1", {"role": "economic_buyer"})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> r = portfolio_coverage(G)
    >>> row = r["accounts"][0]
    >>> row["suggested_tier"], row["tier_mismatch"], row["lifetime_value"]["clv"]
    ('transactional', True, 7638888.89)
    >>> r["opportunities"][0]["single_threaded"]
    True
    """
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    ids = sorted(accounts) if accounts is not None else sorted(nodes_with_label(G, "Account"))
    for a in ids:
        require(G, a, "Account")

    def rows_of(chunk):
        return [account_row(ctx, a, discount_rate=discount_rate, retention=retention,
                            segment_thresholds=segment_thresholds, attention_days=attention_days) for a in chunk]

    size = -(-len(ids) // max(1, workers)) or 1
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    acc_rows, opp_rows = [], []
    for rows in run_pieces([partial(rows_of, chunk) for chunk in chunks]):
        for row, opps in rows:
            acc_rows.append(row)
            opp_rows.extend(opps)
    return coverage_of_rows(acc_rows, opp_rows, as_of=iso(ctx.now), rates=rates, at_risk_top=at_risk_top)


def coverage_of_rows(acc_rows: list[dict], opp_rows: list[dict], *, as_of, rates: dict | None = None,
                     at_risk_top: int = 20) -> dict:
    """:func:`portfolio_coverage`'s dict from the account rows (in id order)
    and their open opportunities' rows, as :func:`account_row` gives them:
    the amounts converted, the totals and the at-risk rankings."""
    acc_rows, opp_rows = in_currency(acc_rows, opp_rows, rates)
    totals = portfolio_totals(acc_rows, opp_rows)
    risky_opps = sorted(opp_rows, key=lambda r: (r["reporting_value_at_risk"] is None,
                                                 -(r["reporting_value_at_risk"] or 0), -r["findings"]["high"],
                                                 r["id"]))[:at_risk_top]
    risky_accs = sorted(
        (r for r in acc_rows if r["value_at_risk"] > 0 or r["needs_attention"]),
        key=lambda r: (not r["needs_attention"], -r["value_at_risk"], r["id"]),
    )[:at_risk_top]
    return {
        "as_of": as_of,
        "totals": totals,
        "accounts": acc_rows,
        "opportunities": opp_rows,
        "at_risk": {
            "opportunities": [
                {k: r[k] for k in _AT_RISK_OPPORTUNITY_KEYS}
                for r in risky_opps
            ],
            "accounts": [
                {k: r[k] for k in _AT_RISK_ACCOUNT_KEYS}
                for r in risky_accs
            ],
        },
    }


__all__ = [
    "portfolio_coverage", "suggest_tier", "satisfied_retention", "lifetime_value", "suggest_segment", "account_row",
    "opportunity_row",
    "in_currency", "portfolio_totals",
]
