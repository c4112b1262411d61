"""Which accounts need attention (analysis/attention.py) and amounts in several
currencies (analysis/money.py), pinned by hand-computed cases.

Every rule at and beyond its threshold (the satisfaction rules with hand-made
feedback histories), and the demo portfolio: only the accounts its story puts
at risk need attention.  No test reads the calendar:
every call passes ``now=NOW`` or loads the graph on that day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from graphcrm.analysis import attention_reasons, convert, portfolio_coverage
from graphcrm.analysis.money import in_reporting
from graphcrm.demo import demo_portfolio
from graphcrm.graph.nxgraph import build_graph

NOW = "2026-05-01T00:00:00+00:00"


def account(lifecycle="active", opportunities=(), people=(), relationships=()):
    """An account ``a1`` with opportunities ``(id, stage, close_date, value, currency)``,
    people ``(id, influence, role in o1 or None)`` and our relationships
    ``(person, strength, last_contact_at)`` from user u1."""
    nodes = [("Account", {"id": "a1", "name": "Acme", "lifecycle": lifecycle}),
             ("User", {"id": "u1", "username": "li", "display_name": "李娜", "role": "manager"})]
    rels = []
    for oid, stage, close, value, currency in opportunities:
        nodes.append(("Opportunity", {"id": oid, "name": f"Bid {oid}", "stage": stage, "close_date": close,
                                      "value": value, "currency": currency}))
        rels.append(("FOR", oid, "a1", {}))
    for pid, influence, role in people:
        nodes.append(("Person", {"id": pid, "name": pid.upper(), "influence": influence}))
        rels.append(("WORKS_AT", pid, "a1", {}))
        if role:
            rels.append(("ROLE_IN", pid, "o1", {"role": role}))
    for pid, strength, last in relationships:
        rels.append(("RELATIONSHIP", "u1", pid, {"strength": strength, "last_contact_at": last}))
    return build_graph(nodes, rels, loaded_at=NOW)


def kinds(G, **kw) -> list[str]:
    return [r["kind"] for r in attention_reasons(G, "a1", now=NOW, **kw)]


def test_an_account_with_nothing_wrong_needs_no_attention():
    G = account(people=[("eb", 5, "economic_buyer")], relationships=[("eb", 4, "2026-04-20T00:00:00+00:00")],
                opportunities=[("o1", "tender", "2026-05-20", 1e6, "CNY")])
    assert kinds(G) == []


def test_an_account_recorded_at_risk_always_needs_attention():
    G = account(lifecycle="at_risk")
    [why] = attention_reasons(G, "a1", now=NOW)
    assert why["kind"] == "recorded_at_risk"
    assert why["message"] == "The account team recorded Acme as at risk."
    assert why["texts"]["message"] == {"code": "attention.recorded_at_risk", "params": {"account": "Acme"}}
    assert "opportunity_id" not in why  # about the whole account


@pytest.mark.parametrize("close, flagged", [("2026-06-30", True), ("2026-07-01", False), ("2026-04-30", False)])
def test_a_bid_closing_within_60_days_without_the_decision_maker(close, flagged):
    # 2026-06-30 is 60 days after NOW; a bid whose close date has passed is not "closing"
    G = account(people=[("eb", 5, "economic_buyer"), ("dm", 4, "decision_maker")],
                relationships=[("dm", 4, "2026-04-20T00:00:00+00:00")],  # the DM is known, the EB is not
                opportunities=[("o1", "evaluation", close, 1e6, "CNY")])
    assert kinds(G) == (["closing_no_decider"] if flagged else [])
    if flagged:
        [why] = attention_reasons(G, "a1", now=NOW)
        assert why["message"] == (
            "Bid o1 closes in 60 days and nobody on our team has a working relationship with its economic buyer.")
        assert why["opportunity_id"] == "o1"  # a reason about one bid names it (the dashboard shows it there)
    assert kinds(G, days={"closing_within": 90}) == (["closing_no_decider"] if close != "2026-04-30" else [])


@pytest.mark.parametrize("last, flagged", [("2026-01-31T00:00:00+00:00", False),  # 90 days ago
                                           ("2026-01-30T00:00:00+00:00", True),  # 91 days ago
                                           (None, True)])  # never
def test_key_stakeholders_silent_for_more_than_90_days(last, flagged):
    G = account(people=[("boss", 4, None), ("clerk", 2, None)],
                relationships=[("boss", 3, last), ("clerk", 4, "2026-04-30T00:00:00+00:00")])
    assert kinds(G) == (["key_people_silent"] if flagged else [])
    if flagged:
        assert attention_reasons(G, "a1", now=NOW)[0]["message"] == (
            "Nobody on our team has been in touch with any of its 1 key stakeholders for 90 days.")


def test_an_account_without_key_stakeholders_is_not_silent():
    assert kinds(account(people=[("clerk", 2, None)])) == []


@pytest.mark.parametrize("closed, flagged", [("2025-11-02", True), ("2025-11-01", False), ("2026-05-10", False)])
def test_a_bid_lost_within_180_days(closed, flagged):
    # 2025-11-02 is 180 days before NOW
    G = account(opportunities=[("o1", "lost", closed, 1e6, "CNY")])
    assert kinds(G) == (["recent_loss"] if flagged else [])


def voices(feedback, stage="tender", roles=(("eb", "economic_buyer"),), people=(("eb", 5), ("clerk", 2))):
    """``account`` with people ``(id, influence)``, their roles in o1 (open at ``stage``), our fresh
    relationships to all, and feedback ``(person, days before NOW, score, extra props)``."""
    G = account(opportunities=[("o1", stage, "2026-12-31", 1e6, "CNY")],
                people=[(p, infl, dict(roles).get(p)) for p, infl in people],
                relationships=[(p, 4, "2026-04-28T00:00:00+00:00") for p, _ in people])
    for n, (pid, ago, score, more) in enumerate(feedback):
        at = (datetime(2026, 5, 1, tzinfo=timezone.utc) - timedelta(days=ago)).isoformat()
        G.add_node(f"i{n}", label="Interaction", kind="feedback", at=at, satisfaction=score, **more)
        G.add_edge(f"i{n}", pid, key="WITH", type="WITH")
    return G


@pytest.mark.parametrize("scores, flagged", [((8, 6), True), ((8, 7), False), ((6, 9), False)])
def test_satisfaction_falling_two_points_over_the_year(scores, flagged):
    G = voices([("clerk", 300, scores[0], {}), ("clerk", 20, scores[1], {})])
    assert ("satisfaction_falling" in kinds(G)) == flagged
    if flagged:
        assert attention_reasons(G, "a1", now=NOW)[0]["message"] == (
            "Customer satisfaction fell by 2.0 points over the last 12 months (latest score 6/10).")


@pytest.mark.parametrize("due, flagged", [("2026-04-30", True), ("2026-05-01", False)])
def test_a_follow_up_past_its_due_date(due, flagged):
    G = voices([("clerk", 10, 7, {"sentiment": -1, "follow_up_owner": "u1", "follow_up_due": due})])
    assert kinds(G) == (["follow_up_overdue"] if flagged else [])
    if flagged:
        assert attention_reasons(G, "a1", now=NOW)[0]["message"] == (
            "The follow-up to CLERK's feedback of 2026-04-21 is 1 days overdue (owner: 李娜).")
    answered = voices([("clerk", 10, 7, {"follow_up_owner": "u1", "follow_up_due": due, "follow_up_closed_by": "i9"})])
    assert kinds(answered) == []


@pytest.mark.parametrize("ago, stage, flagged", [(100, "tender", True), (400, "tender", False),
                                                 (100, "lost", False)])
def test_a_detractor_in_the_buying_center_of_an_open_bid(ago, stage, flagged):
    G = voices([("eb", ago, 5, {})], stage=stage)
    assert ("detractor_in_buying_center" in kinds(G)) == flagged
    if flagged:
        why = attention_reasons(G, "a1", now=NOW)[-1]
        assert why["message"] == (
            "EB, in the buying center of Bid o1, gave us a detractor's score (0 to 6) in the last 12 months.")
        assert why["opportunity_id"] == "o1"
    assert "detractor_in_buying_center" not in kinds(voices([("clerk", ago, 5, {})], stage=stage))  # no role
    assert "detractor_in_buying_center" not in kinds(voices([("eb", 200, 5, {}), ("eb", 100, 9, {})]))  # better now


def test_on_the_demo_portfolio_only_the_accounts_its_story_puts_at_risk_need_attention():
    nodes, rels = demo_portfolio(date(2026, 5, 1))
    G = build_graph(nodes, rels, loaded_at=NOW)
    rows = {r["id"]: r for r in portfolio_coverage(G)["accounts"]}
    flagged = {a: [w["kind"] for w in r["attention"]] for a, r in rows.items() if r["needs_attention"]}
    # the hospital: recorded at risk, key people not seen for 109 days, the logistics bid lost 100 days ago,
    # its satisfaction down from 7 to 4 and 3 within the year, neither complaint answered;
    # Huade: the MES bid is decided in 25 days and nobody on our side knows Klaus Weber or the CFO;
    # metro operations: scores fell from 9 to 4 over the year, the signal workshop's complaint (孟琪, 4/10)
    # is unanswered 13 days past its due date, and 崔明 and 孟琪, detractors, are in the O&M renewal's
    # buying center.  The metro group, whose leaders are promoters all year, needs none.
    assert flagged == {
        "acc-first-hospital": ["recorded_at_risk", "key_people_silent", "recent_loss", "satisfaction_falling",
                               "follow_up_overdue", "follow_up_overdue"],
        "acc-huade-jv": ["closing_no_decider"],
        "acc-metro-ops": ["satisfaction_falling", "follow_up_overdue", "detractor_in_buying_center"],
    }
    assert rows["acc-metro-group"]["satisfaction"]["nps"] == 100
    assert rows["acc-metro-group"]["satisfaction"]["trend"] == "steady"
    assert rows["acc-port-group"]["value_at_risk"] > 0  # value at risk ranks accounts, it flags none


# -- currencies -------------------------------------------------------------------------------------

RATES = {"currency": "CNY", "rates": {"USD": 7.0, "EUR": 8.0}}


def test_amounts_are_converted_to_the_reporting_currency_before_they_are_summed():
    assert convert({"CNY": 100.0, "USD": 10.0, "EUR": 1.0}, RATES) == {
        "amount": 178.0, "currency": "CNY", "unconverted": {}}
    assert convert({"CNY": 100.0, "USD": 10.0}, {"currency": "USD", "rates": {"CNY": 0.1}}) == {
        "amount": 20.0, "currency": "USD", "unconverted": {}}
    assert in_reporting(10, "usd", RATES) == 70.0


def test_an_amount_without_a_rate_is_kept_apart_not_summed():
    assert convert({"CNY": 100.0, "XYZ": 10.0}, RATES) == {"amount": 100.0, "currency": "CNY",
                                                             "unconverted": {"XYZ": 10.0}}
    assert in_reporting(10, "XYZ", RATES) is None


def test_the_portfolio_converts_before_it_sums_and_ranks():
    G = build_graph(
        [("Account", {"id": "a1", "name": "Acme"}), ("Account", {"id": "a2", "name": "Bolt"}),
         ("Account", {"id": "a3", "name": "Cask"}),
         ("Opportunity", {"id": "o1", "name": "Yuan bid", "stage": "lead", "value": 5e6, "currency": "CNY"}),
         ("Opportunity", {"id": "o2", "name": "Dollar bid", "stage": "lead", "value": 1e6, "currency": "USD"}),
         ("Opportunity", {"id": "o3", "name": "Odd bid", "stage": "lead", "value": 9e9, "currency": "XYZ"})],
        [("FOR", "o1", "a1", {}), ("FOR", "o2", "a2", {}), ("FOR", "o3", "a3", {})], loaded_at=NOW)
    r = portfolio_coverage(G, rates=RATES)
    rows = {a["id"]: a for a in r["accounts"]}
    # nobody mapped: readiness 0, the whole value is at risk
    assert rows["a2"]["open_values"] == {"USD": 1e6} and rows["a2"]["open_value"] == 7e6
    assert rows["a3"]["open_value"] == 0 and rows["a3"]["unconverted"] == ["XYZ"]
    assert r["totals"]["open_value"] == 12e6 and r["totals"]["currency"] == "CNY"
    assert r["totals"]["unconverted"] == ["XYZ"]
    # 1 M USD (7 M CNY) ranks above 5 M CNY; the unconvertible bid comes last, not first
    assert [o["id"] for o in r["at_risk"]["opportunities"]] == ["o2", "o1", "o3"]
