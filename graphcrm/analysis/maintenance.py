"""Maintenance plan: who should we contact this week, per owner.

Regular relationship maintenance made concrete: every relationship from one
of our people to a stakeholder has a cadence set by the stakeholder's
influence (30 / 60 / 90 / 180 days for influence 5 / 4 / 3 / other,
configurable).  A relationship is *due* when its last contact (the edge's
``last_contact_at`` or a later interaction the owner attended with the
person) is older than the cadence minus the planning horizon, or unknown.
Each owner's list is ordered by the stakeholder's influence, then by the
value of the open deals the stakeholder is in, then by days overdue.

The plan also asks for feedback (regular feedback is part of the
maintenance): a *key* stakeholder (influence >= 4, or the economic buyer or a
decision maker in an open deal) with whom the owner holds a strong
relationship (strength >= 3) and who has given no customer feedback for
:data:`FEEDBACK_EVERY_DAYS` days (180, ``feedback_days``), or never, is on the
owner's ``ask_feedback`` list, longest silence first.  And it lists the open
follow-ups of feedback the owner must answer (``follow_ups``, most overdue
first: :func:`graphcrm.analysis.satisfaction.follow_ups`).
"""

from __future__ import annotations

import networkx as nx

from graphcrm.analysis._common import (
    DECISION_ROLES,
    HIGH_INFLUENCE,
    STRONG,
    as_int,
    cadence_days,
    iso,
    label,
    name_of,
    nodes_with_label,
    out_typed,
    person_account,
    title_of,
)
from graphcrm.analysis._deal import Context
from graphcrm.analysis.money import by_currency
from graphcrm.analysis.satisfaction import follow_ups, last_feedback
from graphcrm.model import OPEN_STAGES

#: days without customer feedback after which the plan asks a key stakeholder for it
FEEDBACK_EVERY_DAYS = 180


def maintenance_plan(
    G: nx.MultiDiGraph,
    *,
    now=None,
    cadence: dict | None = None,
    horizon_days: int = 7,
    owner: str | None = None,
    account_id: str | None = None,
    min_strength: int = 1,
    limit_per_owner: int | None = None,
    feedback_days: int = FEEDBACK_EVERY_DAYS,
) -> dict:
    """List the relationships to refresh within ``horizon_days``, the key
    stakeholders to ask for feedback and the follow-ups to answer, per owner.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format.
    now : datetime or str, optional
        Today (default: ``G.graph["loaded_at"]``).
    cadence : dict, optional
        Days between contacts by influence (default 5: 30, 4: 60, 3: 90,
        else 180).
    horizon_days : int
        Planning window: a relationship that falls due within it is listed.
    owner : str, optional
        Only this user's relationships.
    account_id : str, optional
        Only stakeholders working at this account.
    min_strength : int
        Ignore relationships weaker than this.
    limit_per_owner : int, optional
        Keep each owner's first ``limit_per_owner`` contacts (and as many
        requests for feedback).
    feedback_days : int
        Days without feedback after which a key stakeholder is asked for it.

    Returns
    -------
    dict
        ``as_of``, ``horizon_days``, ``total`` (contacts due), ``feedback_days``
        and ``owners``: list of ``{id, name, title, due, ask_feedback,
        follow_ups}`` (owners with the most urgent high-influence work first);
        ``ask_feedback`` is ``{person, account, influence, strength,
        last_feedback (None = never), days_since_feedback}`` and
        ``follow_ups`` as :func:`graphcrm.analysis.satisfaction.follow_ups`
        gives them; ``due`` being
        ``{person: {id, name, title}, account: {id, name} | None, influence,
        strength, last_contact, days_since (None = never recorded),
        cadence_days, days_overdue (negative: due in that many days),
        open_deal_value (the values of the open deals added as they are),
        open_deal_values (per currency, :func:`graphcrm.analysis.money.by_currency`:
        to convert before showing), deals: [ids]}``.

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("User", {"id": "u1", "username": "li", "display_name": "Li Wei"}),
    ...      ("Person", {"id": "p1", "name": "王强", "influence": 5}),
    ...      ("Person", {"id": "p2", "name": "Zhang Min", "influence": 2})],
    ...     [("RELATIONSHIP", "u1", "p1", {"strength": 4, "last_contact_at": "2026-03-01T00:00:00+00:00"}),
    ...      ("RELATIONSHIP", "u1", "p2", {"strength": 4, "last_contact_at": "2026-04-20T00:00:00+00:00"})],
    ...     loaded_at="2026-05-01T00:00:00+00:00")
    >>> plan = maintenance_plan(G)
    >>> [(c["person"]["name"], c["days_overdue"]) for c in plan["owners"][0]["due"]]
    [('王强', 31)]
    >>> [(c["person"]["name"], c["last_feedback"]) for c in plan["owners"][0]["ask_feedback"]]
    [('王强', None)]
    """
    ctx = Context(G, now=now, cadence=cadence, strong=STRONG)
    users = [owner] if owner is not None else sorted(nodes_with_label(G, "User"))
    deal_cache: dict = {}
    work = {u: owner_work(ctx, u, account_id=account_id, horizon_days=horizon_days, min_strength=min_strength,
                          feedback_days=feedback_days, deal_cache=deal_cache)
            for u in users if u in G and label(G, u) == "User" and G.nodes[u].get("active", True) is not False}
    return plan_of(work, follow_ups(G, now=ctx.now, owner=owner), as_of=iso(ctx.now), horizon_days=horizon_days,
                   feedback_days=feedback_days, account_id=account_id, limit_per_owner=limit_per_owner)


def owner_work(ctx: Context, user, *, account_id=None, horizon_days: int = 7, min_strength: int = 1,
               feedback_days: int = FEEDBACK_EVERY_DAYS, deal_cache: dict | None = None) -> dict:
    """One active owner's contacts due and requests for feedback (stakeholders
    of ``account_id`` only, when given), in no particular order: the parts
    :func:`plan_of` ranks (``id``, ``name``, ``title``, ``due``, ``ask_feedback``)."""
    G = ctx.G
    deal_cache = {} if deal_cache is None else deal_cache
    due = []
    for p, d in sorted(out_typed(G, user, "RELATIONSHIP")):
        if label(G, p) != "Person" or as_int(d.get("strength"), 3) < min_strength or p in ctx.restricted:
            continue
        acc = person_account(G, p)
        if account_id is not None and acc != account_id:
            continue
        infl = as_int(G.nodes[p].get("influence"), 3)
        limit = cadence_days(infl, ctx.cadence)
        last = ctx.last_contact(user, p, d)
        days = (ctx.now - last).days if last else None
        overdue = (days - limit) if days is not None else None
        if overdue is not None and overdue < -horizon_days:
            continue
        if p not in deal_cache:
            deals = [
                o for o, _ in sorted(out_typed(G, p, "ROLE_IN"))
                if G.nodes[o].get("stage", "lead") in OPEN_STAGES
            ]
            values = [(float(G.nodes[o].get("value") or 0), G.nodes[o].get("currency")) for o in deals]
            deal_cache[p] = (deals, sum(v for v, _ in values), by_currency(values))
        deals, value, values = deal_cache[p]
        due.append(
            {
                "person": {"id": p, "name": name_of(G, p), "title": title_of(G, p)},
                "account": {"id": acc, "name": name_of(G, acc)} if acc else None,
                "influence": infl,
                "strength": as_int(d.get("strength"), 3),
                "last_contact": iso(last),
                "days_since": days,
                "cadence_days": limit,
                "days_overdue": overdue,
                "open_deal_value": value,
                "open_deal_values": values,
                "deals": deals,
            }
        )
    return {"id": user, "name": name_of(G, user), "title": title_of(G, user), "due": due,
            "ask_feedback": _ask_feedback(ctx, user, account_id, feedback_days)}


def _due_order(c: dict) -> tuple:
    return (-c["influence"], -c["open_deal_value"], -(c["days_overdue"] if c["days_overdue"] is not None else 10**6),
            c["person"]["id"])


def _ask_order(c: dict) -> tuple:
    return (c["days_since_feedback"] is not None, -(c["days_since_feedback"] or 0), -c["influence"],
            c["person"]["id"])


def plan_of(work: dict, open_follow_ups: list[dict], *, as_of, horizon_days: int, feedback_days: int,
            account_id=None, limit_per_owner: int | None = None) -> dict:
    """The plan of :func:`maintenance_plan` from each owner's :func:`owner_work`
    (``work``: owner id -> work; several accounts' work of one owner merged
    by concatenating their lists) and the open follow-ups: each owner's lists
    ranked and cut to ``limit_per_owner``, the owners ranked."""
    owners = []
    total = 0
    for u, w in work.items():
        due, asks = sorted(w["due"], key=_due_order), sorted(w["ask_feedback"], key=_ask_order)
        answers = [f for f in open_follow_ups if f["owner"]["id"] == u
                   and (account_id is None or (f["account"] and f["account"]["id"] == account_id))]
        if not (due or asks or answers):
            continue
        if limit_per_owner is not None:
            due, asks = due[:limit_per_owner], asks[:limit_per_owner]
        total += len(due)
        owners.append({"id": u, "name": w["name"], "title": w["title"], "due": due, "ask_feedback": asks,
                       "follow_ups": answers})
    owners.sort(key=lambda o: (-max((c["influence"] for c in o["due"]), default=0), -len(o["due"]), o["id"]))
    return {"as_of": as_of, "horizon_days": horizon_days, "total": total, "feedback_days": feedback_days,
            "owners": owners}


def _ask_feedback(ctx: Context, user, account_id, feedback_days: int) -> list[dict]:
    """The key stakeholders ``user`` knows well who have given no feedback for ``feedback_days`` days."""
    G, out = ctx.G, []
    for p, d in sorted(out_typed(G, user, "RELATIONSHIP")):
        if label(G, p) != "Person" or as_int(d.get("strength"), 3) < STRONG:
            continue
        acc = person_account(G, p)
        if (account_id is not None and acc != account_id) or not _is_key(G, p):
            continue
        last = last_feedback(G, p)
        days = (ctx.now - last).days if last else None
        if days is not None and days < feedback_days:
            continue
        out.append({"person": {"id": p, "name": name_of(G, p), "title": title_of(G, p)},
                    "account": {"id": acc, "name": name_of(G, acc)} if acc else None,
                    "influence": as_int(G.nodes[p].get("influence"), 3), "strength": as_int(d.get("strength"), 3),
                    "last_feedback": iso(last), "days_since_feedback": days})
    return out


def _is_key(G, person_id) -> bool:
    """Influence >= 4, or the economic buyer or a decision maker in an open deal."""
    if as_int(G.nodes[person_id].get("influence"), 3) >= HIGH_INFLUENCE:
        return True
    return any(d.get("role") in DECISION_ROLES and G.nodes[o].get("stage", "lead") in OPEN_STAGES
               for o, d in out_typed(G, person_id, "ROLE_IN"))
