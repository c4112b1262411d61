"""Reports: everything the web page, the JSON API and ``graphcrm analyze`` show.

:func:`opportunity_report`, :func:`account_report` and
:func:`portfolio_report` assemble the capability functions into one
JSON-serialisable dict each; :func:`format_report` renders any of them as
plain text for the terminal (Chinese names are printed as they are).
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import (
    DECISION_ROLES,
    HIGH_INFLUENCE,
    STRONG,
    in_typed,
    iso,
    label,
    name_of,
    person_ref,
    require,
    role_label,
    stance_word,
)
from graphcrm.analysis._deal import Context, deal_facts
from graphcrm.analysis.brokers import brokers
from graphcrm.analysis.compliance import in_quiet_period
from graphcrm.analysis.coverage import account_gaps, gaps_of
from graphcrm.analysis.factions import factions
from graphcrm.analysis.influence import influence_ranking
from graphcrm.analysis.maintenance import maintenance_plan
from graphcrm.analysis.outlook import stance_outlook
from graphcrm.analysis.paths import intro_graph, paths_in
from graphcrm.analysis.portfolio import account_row, portfolio_coverage
from graphcrm.analysis.readiness import readiness_of
from graphcrm.analysis.satisfaction import follow_ups, voice_of
from graphcrm.analysis.whatif import key_people, what_if_in


def opportunity_report(
    G: nx.MultiDiGraph,
    opportunity_id: str,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
    paths_per_target: int = 2,
    max_path_targets: int = 10,
    path_max_hops: int = 3,
    seed: int = 0,
) -> dict:
    """Everything a bid team needs about one opportunity, as plain data.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        An opportunity / account (or portfolio) graph in the documented format.
    opportunity_id : str
        The opportunity.
    now, cadence, strong, high_influence
        As in :func:`graphcrm.analysis.coverage_gaps`.
    paths_per_target : int
        Warm introduction paths listed per key stakeholder we do not reach.
    max_path_targets : int
        At most this many such stakeholders (the most influential first).
    path_max_hops : int
        Longest introduction path listed (our relationship counts as a hop).
    seed : int
        Seed for the factions and (sampled) brokers.

    Returns
    -------
    dict
        ``kind`` ("opportunity"), ``as_of``, ``opportunity`` (id, name,
        stage, value, currency, close date, whether it is in its quiet
        period now, account), ``readiness`` (see
        :func:`bid_readiness`), ``findings`` (see :func:`coverage_gaps`),
        ``buying_center`` (members with role, influence, stance, our and the
        competitors' relationships), ``influence`` (ranking within the buying
        center), ``brokers`` and ``factions`` (within the buying center),
        ``stance_outlook``, ``warm_paths`` (``{target, paths}`` for each key
        stakeholder without a strong relationship), ``quiet_targets`` (those
        of them restricted in a quiet period: no path to them is suggested) and ``what_if``
        (departure scenarios for our champion(s) and our account manager).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "Acme"}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid upgrade", "stage": "tender"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
    ...      ("ROLE_IN", "p1", "o1", {"role": "economic_buyer"})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> r = opportunity_report(G, "o1")
    >>> r["kind"], r["readiness"]["score"] < 50, r["findings"][0]["severity"]
    ('opportunity', True, 'high')
    """
    require(G, opportunity_id, "Opportunity")
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    facts = deal_facts(ctx, opportunity_id)
    findings = gaps_of(ctx, facts)
    ready = readiness_of(ctx, facts)
    o = G.nodes[opportunity_id]
    members = sorted(facts.members)
    center = []
    for m in facts.members.values():
        d = G.nodes[m.id]
        center.append(
            {
                "id": m.id,
                "name": m.name,
                "title": d.get("title"),
                "department": d.get("department"),
                "role": m.role,
                "influence": m.influence,
                "stance": m.stance,
                "our_relationships": [{**r, "name": name_of(G, r["id"])} for r in m.ours],
                "competitor_relationships": [{**r, "name": name_of(G, r["id"])} for r in m.theirs],
            }
        )
    center.sort(key=lambda c: (-c["influence"], c["id"]))
    uncovered = [m for m in facts.members.values() if facts.is_key(m, high_influence) and m.best_ours < strong]
    targets = [m for m in uncovered if m.id not in ctx.restricted]
    targets = sorted(targets, key=lambda m: (-m.influence, m.role not in DECISION_ROLES, m.id))[:max_path_targets]
    paths = []
    if targets:
        H = intro_graph(ctx, [m.id for m in targets], max_hops=path_max_hops)
        for m in targets:
            paths.append(
                {
                    "target": person_ref(G, m.id, role=m.role, influence=m.influence),
                    "paths": paths_in(G, H, m.id, k=paths_per_target, max_hops=path_max_hops),
                }
            )
    scenarios = []
    for who in key_people(G, opportunity_id, strong=strong):
        r = what_if_in(ctx, opportunity_id, who["id"], before=(findings, ready))
        scenarios.append(
            {
                "removed": who,
                "score_before": r["score_before"],
                "score_after": r["score_after"],
                "score_delta": r["score_delta"],
                "new_findings": r["new_findings"],
                "resolved_findings": r["resolved_findings"],
            }
        )
    acc = facts.account_id
    return {
        "kind": "opportunity",
        "as_of": iso(ctx.now),
        "opportunity": {
            "id": opportunity_id,
            "name": facts.name,
            "stage": facts.stage,
            "value": facts.value,
            "currency": o.get("currency", "CNY"),
            "close_date": o.get("close_date"),
            "quiet_period": in_quiet_period(o, ctx.now.date()),
            "account": {"id": acc, "name": name_of(G, acc)} if acc else None,
            "competitors": [person_ref(G, c) for c in facts.competitors],
        },
        "readiness": ready,
        "findings": [f.to_dict() for f in findings],
        "buying_center": center,
        "influence": influence_ranking(G, opportunity_id=opportunity_id, people=members, top=10),
        "brokers": brokers(G, people=members, seed=seed, top=5),
        "factions": factions(G, opportunity_id=opportunity_id, people=members, seed=seed, strong=strong),
        "stance_outlook": stance_outlook(G, opportunity_id=opportunity_id, top=5),
        "warm_paths": paths,
        "quiet_targets": [person_ref(G, m.id, role=m.role) for m in sorted(uncovered, key=lambda m: m.id)
                          if m.id in ctx.restricted],
        "what_if": scenarios,
    }


def account_coverage(
    G: nx.MultiDiGraph,
    account_id: str,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
) -> dict:
    """The coverage of one account: its portfolio row, its bids and the gaps
    in each bid's coverage, as plain data (what the account page shows; a
    fifth of the time of :func:`account_report`).

    Returns
    -------
    dict
        ``kind`` ("account"), ``as_of``, ``account`` (the portfolio row: see
        :func:`portfolio_coverage`), ``opportunities`` (open bids' rows, plus
        ``closed``: won/lost ones) and ``findings`` (the account's own, see
        :func:`graphcrm.analysis.coverage.account_gaps`, then each open bid's,
        tagged with ``opportunity``) and ``satisfaction`` (see
        :func:`graphcrm.analysis.satisfaction.account_satisfaction`).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "华东电网"}),
    ...      ("Opportunity", {"id": "o1", "name": "Grid", "stage": "tender", "value": 2e6}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5})],
    ...     [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
    ...      ("ROLE_IN", "p1", "o1", {"role": "economic_buyer"})], loaded_at="2026-05-01T00:00:00+00:00")
    >>> r = account_coverage(G, "a1")
    >>> r["opportunities"][0]["name"], sorted({f["kind"] for f in r["findings"]})[:3]
    ('Grid', ['account_unknown_to_us', 'missing_role', 'no_eb_access'])
    """
    require(G, account_id, "Account")
    ctx = Context(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence)
    row, opp_rows = account_row(ctx, account_id)
    findings = [f.to_dict() for f in account_gaps(ctx, account_id, row)]
    for r in opp_rows:
        for f in gaps_of(ctx, deal_facts(ctx, r["id"])):
            findings.append({**f.to_dict(), "opportunity": {"id": r["id"], "name": r["name"]}})
    closed = [
        {"id": o, "name": name_of(G, o), "stage": G.nodes[o].get("stage"), "value": G.nodes[o].get("value")}
        for o, _ in sorted(in_typed(G, account_id, "FOR"))
        if label(G, o) == "Opportunity" and G.nodes[o].get("stage") in ("won", "lost")
    ]
    return {
        "kind": "account",
        "as_of": iso(ctx.now),
        "account": row,
        "opportunities": opp_rows,
        "closed": closed,
        "findings": findings,
        "satisfaction": voice_of(ctx, account_id),
    }


def account_report(
    G: nx.MultiDiGraph,
    account_id: str,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
    seed: int = 0,
) -> dict:
    """Everything a key-account manager needs about one account, as plain data.

    Returns
    -------
    dict
        :func:`account_coverage`'s dict plus ``influence`` (top 15 of the
        account), ``brokers``, ``factions``, ``stance_outlook``
        (account-wide) and ``maintenance`` (the account's contacts due this
        week).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Account", {"id": "a1", "name": "华东电网"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5})],
    ...     [("WORKS_AT", "p1", "a1", {})], loaded_at="2026-05-01T00:00:00+00:00")
    >>> r = account_report(G, "a1")
    >>> r["account"]["name"], r["influence"][0]["name"]
    ('华东电网', '王强')
    """
    coverage = account_coverage(G, account_id, now=now, cadence=cadence, strong=strong,
                                high_influence=high_influence)
    return {
        **coverage,
        "influence": influence_ranking(G, account_id=account_id, top=15),
        "brokers": brokers(G, account_id=account_id, seed=seed),
        "factions": factions(G, account_id=account_id, seed=seed, strong=strong),
        "stance_outlook": stance_outlook(G, account_id=account_id, top=10),
        "maintenance": maintenance_plan(G, now=coverage["as_of"], cadence=cadence, account_id=account_id),
    }


def portfolio_report(
    G: nx.MultiDiGraph,
    *,
    now=None,
    cadence: dict | None = None,
    strong: int = STRONG,
    high_influence: int = HIGH_INFLUENCE,
    maintenance_per_owner: int = 10,
    workers: int = 1,
) -> dict:
    """The sales director's portfolio view, as plain data.

    ``workers``: processes computing the account rows at once (see
    :func:`portfolio_coverage`; the result does not depend on it).

    Returns
    -------
    dict
        :func:`portfolio_coverage`'s dict plus ``kind`` ("portfolio"),
        ``maintenance`` (each owner's ``maintenance_per_owner`` most urgent
        contacts) and ``follow_ups`` (every open follow-up of customer
        feedback, most overdue first: :func:`graphcrm.analysis.follow_ups`).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph([("Account", {"id": "a1", "name": "Acme"})], [],
    ...                 loaded_at="2026-05-01T00:00:00+00:00")
    >>> portfolio_report(G)["totals"]["accounts"]
    1
    """
    cov = portfolio_coverage(G, now=now, cadence=cadence, strong=strong, high_influence=high_influence,
                             workers=workers)
    return {
        "kind": "portfolio",
        **cov,
        "maintenance": maintenance_plan(G, now=now, cadence=cadence, limit_per_owner=maintenance_per_owner),
        "follow_ups": follow_ups(G, now=now),
    }


# --------------------------------------------------------------------------
# plain text
# --------------------------------------------------------------------------


def _money(v) -> str:
    try:
        v = float(v or 0)
    except (TypeError, ValueError):
        return str(v)
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.1f}M"
    if abs(v) >= 1e3:
        return f"{v / 1e3:,.0f}k"
    return f"{v:,.0f}"


def _findings_text(findings, lines, limit=None):
    if not findings:
        lines.append("  (none)")
        return
    for f in findings[:limit]:
        where = f" [{f['opportunity']['name']}]" if f.get("opportunity") else ""
        lines.append(f"  [{f['severity'].upper():6}] {f['kind']}{where}: {f['message']}")
        lines.append(f"           → {f['action']}")
    if limit is not None and len(findings) > limit:
        lines.append(f"  … and {len(findings) - limit} more")


def _maintenance_text(plan, lines, limit=5):
    if not plan["owners"]:
        lines.append("  (nothing due)")
    for o in plan["owners"]:
        lines.append(f"  {o['name']}:")
        for c in o["due"][:limit]:
            since = "never" if c["days_since"] is None else f"{c['days_since']} days ago"
            acc = f", {c['account']['name']}" if c.get("account") else ""
            lines.append(
                f"    - {c['person']['name']}{acc} (influence {c['influence']}), last contact {since}, "
                f"cadence {c['cadence_days']} days"
            )
        if len(o["due"]) > limit:
            lines.append(f"    … and {len(o['due']) - limit} more")


def format_report(report: dict) -> str:
    """Render a report dict (any kind) as readable plain text.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph([("Account", {"id": "a1", "name": "华东电网"})], [],
    ...                 loaded_at="2026-05-01T00:00:00+00:00")
    >>> print(format_report(account_report(G, "a1")).splitlines()[0])
    Account 华东电网 (a1)
    """
    kind = report.get("kind")
    lines: list[str] = []
    if kind == "opportunity":
        o = report["opportunity"]
        acc = f" — {o['account']['name']}" if o.get("account") else ""
        lines.append(f"Opportunity {o['name']} ({o['id']}){acc}")
        lines.append(
            f"Stage {o['stage']}, value {_money(o['value'])} {o['currency']}, close {o.get('close_date') or '?'}"
        )
        r = report["readiness"]
        lines.append("")
        lines.append(f"Bid readiness: {r['score']}/100")
        for c in r["components"]:
            lines.append(f"  {c['label']:<42} {c['points']:5.1f} / {c['weight']}")
            for e in c["evidence"]:
                lines.append(f"      {e}")
        lines.append(f"  Next best action: {r['next_best_action']}")
        lines.append("")
        lines.append("Buying center:")
        for m in report["buying_center"]:
            ours = ", ".join(
                f"{r['name']} {r['strength']}{' (stale)' if r.get('stale') else ''}" for r in m["our_relationships"]
            ) or "nobody"
            lines.append(
                f"  {m['name']} — {m.get('title') or ''} [{role_label(m['role']) or 'member'}, "
                f"influence {m['influence']}, {stance_word(m['stance'])}]; ours: {ours}"
            )
        lines.append("")
        lines.append("Findings:")
        _findings_text(report["findings"], lines)
        if report["warm_paths"]:
            lines.append("")
            lines.append("Warm introduction paths:")
            for t in report["warm_paths"]:
                lines.append(f"  to {t['target']['name']}:")
                for p in t["paths"] or []:
                    lines.append(f"    {p['score']:.2f}  {p['sentence']}")
                if not t["paths"]:
                    lines.append("    (no path from our team)")
        out = report["stance_outlook"]
        lines.append("")
        lines.append(
            f"Stance outlook: now {out['outlook']['current_stance']} ({out['outlook']['current']:+.2f}), "
            f"heading {out['outlook']['predicted_stance']} ({out['outlook']['predicted']:+.2f})"
        )
        for c in out["swing_candidates"]:
            if c["toward"] != "none":
                lines.append(f"  {c['name']} ({c['stance']}) likely to move toward {c['toward']} ({c['shift']:+.2f})")
        if report["what_if"]:
            lines.append("")
            lines.append("What if …")
            for s in report["what_if"]:
                new = ", ".join(sorted({f["kind"] for f in s["new_findings"]})) or "no new gaps"
                lines.append(
                    f"  {s['removed']['name']} ({s['removed']['why']}) left: readiness {s['score_before']} → "
                    f"{s['score_after']} ({s['score_delta']:+d}); {new}"
                )
        lines.append("")
        lines.append("Most influential:")
        for p in report["influence"][:5]:
            reasons = "; ".join(p["reasons"]) or "network position"
            lines.append(f"  {p['rank']}. {p['name']} ({p['score']:.3f}) — {reasons}")
    elif kind == "account":
        a = report["account"]
        lines.append(f"Account {a['name']} ({a['id']})")
        lines.append(
            f"Segment {a['segment']} "
            f"(suggested {a['suggested_segment']}{', differs' if a['segment_mismatch'] else ''}), "
            f"tier {a['tier']} (suggested {a['suggested_tier']}{', differs' if a['tier_mismatch'] else ''}), "
            f"lifecycle {a.get('lifecycle') or '?'}"
        )
        lines.append(
            f"Annual {_money(a['annual_value'])}, potential {_money(a['potential_value'])}, "
            f"lifetime value {_money(a['lifetime_value']['clv'])}"
        )
        lines.append(
            f"People {a['people']}, contacts {a['contacts']}, strong {a['strong_contacts']}, "
            f"executive {a['executive_contacts']}, departments covered {a['departments_covered']}/{a['departments']}, "
            f"stale relationships {a['stale_relationships']}"
        )
        lines.append(f"Satisfaction: {report['satisfaction']['summary']}")
        lines.append("")
        lines.append("Open opportunities:")
        for r in report["opportunities"]:
            kinds = ", ".join(r["kinds"]) or "no gaps"
            lines.append(f"  {r['name']} ({r['stage']}, {_money(r['value'])}): readiness {r['readiness']}, {kinds}")
        if not report["opportunities"]:
            lines.append("  (none)")
        lines.append("")
        lines.append("Findings:")
        high = [f for f in report["findings"] if f["severity"] == "high"]
        _findings_text(high or report["findings"], lines, limit=15)
        lines.append("")
        lines.append("Most influential:")
        for p in report["influence"][:8]:
            reasons = "; ".join(p["reasons"]) or "network position"
            lines.append(f"  {p['rank']}. {p['name']} ({p['score']:.3f}) — {reasons}")
        b = report["brokers"]
        lines.append("")
        lines.append(f"Brokers ({b['method']} betweenness):")
        for x in b["brokers"][:5]:
            lines.append(f"  {x['name']} ({x['betweenness']:.2f}) bridges {', '.join(x['departments']) or '-'}")
        lines.append("")
        lines.append("Factions:")
        for f in report["factions"]["factions"]:
            lines.append(
                f"  #{f['id']} led by {f['leader']['name']}: {f['size']} people, influence {f['combined_influence']}, "
                f"leans {f['stance']} ({f['stance_score']:+.2f}), {f['covered']} covered by us"
            )
        lines.append("")
        lines.append("Contact this week:")
        _maintenance_text(report["maintenance"], lines)
    elif kind == "portfolio":
        t = report["totals"]
        lines.append(f"Portfolio as of {report['as_of']}")
        lines.append(
            f"{t['accounts']} accounts, {t['open_opportunities']} open bids worth {_money(t['open_value'])} "
            f"{t['currency'] or ''}, {_money(t['value_at_risk'])} {t['currency'] or ''} at risk"
            f"{''.join(f' (not converted: no rate for {c})' for c in t['unconverted'])}; "
            f"{t['needs_attention']} accounts need attention, {t['single_threaded']} single-threaded, "
            f"{t['no_eb_access']} without economic-buyer access, {t['stale_relationships']} stale relationships"
        )
        lines.append(f"Tier mismatches: {t['tier_mismatches']}, segment mismatches: {t['segment_mismatches']}")
        lines.append("")
        lines.append("Bids most at risk:")
        for r in report["at_risk"]["opportunities"]:
            lines.append(
                f"  {r['name']} [{r['account_name']}] {r['stage']}, {_money(r['value'])} {r['currency']}: "
                f"readiness {r['readiness']}, {_money(r['value_at_risk'])} {r['currency']} at risk — "
                f"{r['next_best_action']}"
            )
        lines.append("")
        lines.append("Accounts:")
        lines.append(
            f"  {'name':<24} {'segment':<10} {'tier':<18} {'strong':>6} "
            f"{'stale':>5} {'open ' + (t['currency'] or ''):>9} {'at risk':>9}  suggested"
        )
        for a in report["accounts"]:
            sug = []
            if a["tier_mismatch"]:
                sug.append(f"tier {a['suggested_tier']}")
            if a["segment_mismatch"]:
                sug.append(f"segment {a['suggested_segment']}")
            lines.append(
                f"  {a['name'][:24]:<24} {a['segment']:<10} {a['tier']:<18} {a['strong_contacts']:>6} "
                f"{a['stale_relationships']:>5} {_money(a['open_value']):>9} {_money(a['value_at_risk']):>9}  "
                f"{', '.join(sug)}"
            )
            if a["satisfaction"]["latest"] is not None:
                lines.append(f"    satisfaction: {a['satisfaction']['summary']}")
            for why in a["attention"]:
                lines.append(f"    needs attention: {why['message']}")
        late = sum(1 for f in report["follow_ups"] if f["days_overdue"] > 0)
        lines.append("")
        lines.append(f"Open follow-ups of customer feedback: {len(report['follow_ups'])} ({late} overdue)")
        for f in report["follow_ups"][:5]:
            who = ", ".join(p["name"] for p in f["people"])
            lines.append(f"  {who} [{(f['account'] or {}).get('name', '')}] due {f['due']}, owner {f['owner']['name']}")
        lines.append("")
        lines.append("Contact this week:")
        _maintenance_text(report["maintenance"], lines, limit=3)
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    return "\n".join(lines)


__all__ = ["account_report", "opportunity_report", "portfolio_report", "format_report"]
