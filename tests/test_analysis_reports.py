"""Reports, portfolio, maintenance and what-if; the demo portfolio's stories."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graphcrm.analysis import (
    account_coverage,
    account_report,
    bid_readiness,
    format_report,
    lifetime_value,
    maintenance_plan,
    opportunity_report,
    portfolio_coverage,
    portfolio_report,
    suggest_segment,
    suggest_tier,
    warm_paths,
    what_if,
)
from graphcrm.graph.nxgraph import build_graph

from deals import NOW, Deal, base_deal, days_ago

# -- what-if --------------------------------------------------------------------------


def test_what_if_champion_leaves():
    G = base_deal().graph()
    r = what_if(G, "o1", "ch")
    assert r["score_delta"] < 0 and r["score_after"] == r["score_before"] + r["score_delta"]
    assert [(f["kind"], f["data"]["role"]) for f in r["new_findings"]] == [("missing_role", "champion")]
    assert r["removed"][0]["id"] == "ch" and "ch" in G  # the graph itself is untouched


def test_what_if_account_manager_leaves():
    d = base_deal()
    for p in ["eb", "dm", "tb", "ub", "pr", "ch"]:
        d.drop("RELATIONSHIP", "u2", p)
    r = what_if(d.graph(), "o1", ["u1"])
    kinds = {f["kind"] for f in r["new_findings"]}
    assert {"no_eb_access", "no_dm_access"} <= kinds
    assert r["score_delta"] < -30


def test_what_if_blocker_leaving_resolves_a_finding():
    d = base_deal().person("bl", role="blocker", influence=4, stance="opponent")
    d.rel("KNOWS", "bl", "ub", strength=2).rel("KNOWS", "bl", "pr", strength=2)
    r = what_if(d.graph(), "o1", "bl")
    assert [f["kind"] for f in r["resolved_findings"]] == ["uncovered_blocker"]


# -- maintenance ------------------------------------------------------------------------


def test_maintenance_plan_orders_by_influence_then_deal_value():
    d = Deal()
    d.node("Account", "a1", name="A")
    d.node("Opportunity", "big", name="Big", stage="tender", value=9e6).rel("FOR", "big", "a1")
    d.node("Opportunity", "won", name="Won", stage="won", value=1e9).rel("FOR", "won", "a1")
    d.node("User", "u1", username="u1", display_name="Li")
    d.person("p5", influence=5, opp="big", role="influencer")
    d.person("p4a", influence=4)
    d.person("p4b", influence=4, opp="big", role="user_buyer")
    d.person("p4w", influence=4, opp="won", role="user_buyer")
    d.person("p3", influence=3)
    d.person("fresh", influence=5)
    d.rel("RELATIONSHIP", "u1", "p5", strength=3, last_contact_at=days_ago(31))
    d.rel("RELATIONSHIP", "u1", "p4a", strength=3, last_contact_at=days_ago(200))
    d.rel("RELATIONSHIP", "u1", "p4b", strength=3, last_contact_at=days_ago(61))
    d.rel("RELATIONSHIP", "u1", "p4w", strength=3, last_contact_at=days_ago(61))
    d.rel("RELATIONSHIP", "u1", "p3", strength=3)  # never contacted
    d.rel("RELATIONSHIP", "u1", "fresh", strength=3, last_contact_at=days_ago(10))
    plan = maintenance_plan(d.graph())
    (owner,) = plan["owners"]
    assert [c["person"]["id"] for c in owner["due"]] == ["p5", "p4b", "p4a", "p4w", "p3"]
    assert owner["due"][1]["open_deal_value"] == 9e6 and owner["due"][1]["deals"] == ["big"]
    assert owner["due"][-1]["days_since"] is None
    # due within the horizon: 25 days ago with a 30-day cadence is due in 5 days
    d.rel("RELATIONSHIP", "u1", "fresh", strength=3, last_contact_at=days_ago(25))
    assert "fresh" in [c["person"]["id"] for c in maintenance_plan(d.graph())["owners"][0]["due"]]
    assert "fresh" not in [c["person"]["id"] for c in maintenance_plan(d.graph(), horizon_days=0)["owners"][0]["due"]]
    assert maintenance_plan(d.graph(), cadence={5: 365, 4: 365, 3: 365})["total"] == 1  # only p3 (never)


def test_maintenance_plan_owner_and_account_filters():
    d = base_deal()
    d.rel("RELATIONSHIP", "u1", "eb", strength=4, last_contact_at=days_ago(100))
    plan = maintenance_plan(d.graph(), owner="u1", account_id="a1")
    assert [o["id"] for o in plan["owners"]] == ["u1"]
    assert [c["person"]["id"] for c in plan["owners"][0]["due"]] == ["eb"]
    assert maintenance_plan(d.graph(), account_id="elsewhere")["total"] == 0


# -- portfolio -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "strong, execs, depts, won, tier",
    [
        (6, 2, 3, 2, "strategic_partner"),
        (6, 2, 3, 1, "cooperative"),
        (3, 1, 2, 1, "cooperative"),
        (3, 0, 2, 1, "service"),
        (2, 0, 1, 0, "service"),
        (1, 0, 1, 0, "transactional"),
    ],
)
def test_tier_ladder(strong, execs, depts, won, tier):
    assert suggest_tier(strong, execs, depts, won)[0] == tier


def test_lifetime_value_formula():
    v = lifetime_value(1_000_000, 5_000_000, "cooperative", "active", won=3, lost=1)
    # E = 1M + 0.25 x (4/6) x 4M; r = 0.85; CLV = E x 1.1 / 0.25
    e = 1_000_000 + 0.25 * (4 / 6) * 4_000_000
    assert v["expected_annual_value"] == pytest.approx(e, abs=0.01)
    assert v["clv"] == pytest.approx(e * 1.1 / 0.25, abs=0.01)
    assert lifetime_value(1e6, 1e6, "service", "churned", 0, 0)["clv"] == 0
    at_risk = lifetime_value(1e6, 1e6, "service", "at_risk", 0, 0)
    assert at_risk["retention"] == pytest.approx(0.6)


def test_segment_rules():
    assert suggest_segment(150e6, 30e6, 40e6) == "strategic"
    assert suggest_segment(30e6, 5e6, 8e6) == "key"
    assert suggest_segment(5e6, 1e6, 10e6) == "growth"
    assert suggest_segment(5e6, 1e6, 10e6, lifecycle="at_risk") == "general"
    assert suggest_segment(5e6, 1e6, 2e6) == "general"


def test_portfolio_coverage_rows_and_flags():
    d = base_deal()
    d.node("Account", "a1", name="Acme Power", segment="general", tier="strategic_partner", annual_value=1e6,
           potential_value=1e6)
    d.node("Account", "a2", name="空账户", tier="transactional")
    r = portfolio_coverage(d.graph())
    json.dumps(r)
    a1, a2 = r["accounts"]
    assert a1["strong_contacts"] == 6 and a1["our_people"] == 2 and a1["open_opportunities"] == 1
    assert a1["suggested_tier"] == "service" and a1["tier_mismatch"] and a1["tier_direction"] == "down"
    assert a2["people"] == 0 and not a2["tier_mismatch"]
    (o,) = r["opportunities"]
    assert o["readiness"] == bid_readiness(d.graph(), "o1")["score"]
    assert o["findings"] == {"high": 0, "medium": 0, "low": 0} and o["eb_access"] and o["champion"]
    assert r["totals"]["open_opportunities"] == 1 and r["totals"]["single_threaded"] == 0
    assert r["at_risk"]["opportunities"][0]["id"] == "o1"


def test_closed_opportunities_are_history_not_open_rows():
    d = base_deal()
    d.node("Opportunity", "o0", name="Old", stage="won", value=5e6).rel("FOR", "o0", "a1")
    r = portfolio_coverage(d.graph())
    assert [o["id"] for o in r["opportunities"]] == ["o1"] and r["accounts"][0]["won"] == 1


# -- reports ------------------------------------------------------------------------------------


def test_reports_are_json_and_text():
    d = base_deal()
    d.person("cfo", role="influencer", influence=5, name="钱浩", title="财务总监")
    d.rel("KNOWS", "cfo", "tb", strength=4)
    G = d.graph()
    for rep in (opportunity_report(G, "o1"), account_report(G, "a1"), portfolio_report(G)):
        text = json.dumps(rep, ensure_ascii=False)
        assert json.loads(text) == rep
        out = format_report(rep)
        assert isinstance(out, str) and out
    opp = opportunity_report(G, "o1")
    assert opp["warm_paths"][0]["target"]["id"] == "cfo"
    assert opp["warm_paths"][0]["paths"][0]["nodes"][-1]["name"] == "钱浩"
    assert {s["removed"]["id"] for s in opp["what_if"]} == {"ch", "u1"}
    text = format_report(opp)
    assert "钱浩" in text and "Bid readiness" in text and "uncovered_high_influence" in text
    with pytest.raises(ValueError):
        format_report({"kind": "nonsense"})


# -- the demo portfolio's stories -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    from graphcrm.demo import demo_portfolio

    today = date(2026, 5, 1)
    return build_graph(*demo_portfolio(today), kind="portfolio", loaded_at="2026-05-01T12:00:00+00:00")


def _findings(G, opp):
    return opportunity_report(G, opp)["findings"]


def test_demo_single_threaded_deal(demo):
    (f,) = [f for f in _findings(demo, "opp-metro-line4") if f["kind"] == "single_threaded"]
    assert f["people"][0]["id"] == "u-lina" and f["severity"] == "high"
    lina = what_if(demo, "opp-metro-line4", "u-lina")
    assert lina["score_delta"] <= -30


def test_demo_no_economic_buyer_access_and_warm_path(demo):
    found = _findings(demo, "opp-port-tos")
    (f,) = [f for f in found if f["kind"] == "no_eb_access"]
    assert f["people"][0]["id"] == "p-yan-dong"
    closer = [f for f in found if f["kind"] == "competitor_closer" and f["people"][0]["id"] == "p-yan-dong"]
    assert closer and closer[0]["people"][1]["id"] == "comp-dongfang"
    best = warm_paths(demo, "p-yan-dong", k=1)[0]
    assert [n["id"] for n in best["nodes"]] == ["u-lina", "p-qin-feng", "p-yan-dong"]


def test_demo_competitor_closer_deal(demo):
    (f,) = [
        f for f in _findings(demo, "opp-huade-mes")
        if f["kind"] == "competitor_closer" and f["people"][0]["id"] == "p-klaus-weber"
    ]
    assert f["severity"] == "high" and f["people"][1]["id"] == "comp-nordtek"
    assert (f["data"]["their_strength"], f["data"]["our_strength"]) == (5, 2)


def test_demo_missing_role_deal(demo):
    roles = [f["data"]["role"] for f in _findings(demo, "opp-kvsc-ioc") if f["kind"] == "missing_role"]
    assert "economic_buyer" in roles


def test_demo_well_covered_deal_has_no_access_gaps(demo):
    kinds = {f["kind"] for f in _findings(demo, "opp-citybureau-smartsite")}
    assert not kinds & {"single_threaded", "no_eb_access", "missing_role", "no_champion"}


def test_demo_portfolio_flags_the_at_risk_hospital(demo):
    r = portfolio_report(demo)
    hospital = next(a for a in r["accounts"] if a["id"] == "acc-first-hospital")
    assert hospital["lifecycle"] == "at_risk" and hospital["stale_relationships"] > 0 and hospital["lost"] == 1
    assert r["at_risk"]["opportunities"][0]["id"] == "opp-port-tos"
    assert {o["id"] for o in r["opportunities"] if o["single_threaded"]} >= {"opp-metro-line4"}
    json.dumps(r, ensure_ascii=False)
    assert "江州港务集团有限公司" in format_report(r)


def test_demo_account_report(demo):
    r = account_report(demo, "acc-metro-group")
    assert r["account"]["open_opportunities"] == 1
    assert any(f["kind"] == "single_threaded" for f in r["findings"])
    assert r["brokers"]["method"] == "exact" and r["factions"]["factions"]
    assert r["as_of"] == "2026-05-01T12:00:00+00:00"  # the graph's loaded_at, not the calendar
    # the account page's part of it, computed alone, is the same
    coverage = account_coverage(demo, "acc-metro-group")
    assert coverage == {k: r[k] for k in ("kind", "as_of", "account", "opportunities", "closed", "findings",
                                          "satisfaction")}


def test_demo_account_report_is_as_of_the_now_it_is_given(demo):
    # an explicit now wins over loaded_at (twelve hours later), down to the maintenance plan
    r = account_report(demo, "acc-metro-group", now=NOW)
    assert r["as_of"] == r["maintenance"]["as_of"] == NOW == "2026-05-01T00:00:00+00:00"
    # three months on, most of the account's relationships are past their cadence
    before = account_coverage(demo, "acc-metro-group", now=NOW)
    later = account_coverage(demo, "acc-metro-group", now="2026-08-01T00:00:00+00:00")
    assert later["as_of"] == "2026-08-01T00:00:00+00:00"
    assert (before["account"]["stale_relationships"], later["account"]["stale_relationships"]) == (3, 12)
    assert not [f for f in before["findings"] if f["kind"] == "stale_relationship"]
    stale = sorted(f["severity"] for f in later["findings"] if f["kind"] == "stale_relationship")
    assert stale == ["high"] * 4 + ["medium"] * 2
