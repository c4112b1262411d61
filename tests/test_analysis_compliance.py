"""Tender compliance in the analysis: during a quiet period no action, warm path or next best
action names a restricted person (property-style, over the demo and a hand-made account), and
the gaps say why they cannot be closed now."""

from __future__ import annotations

from datetime import date, datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcrm.analysis import maintenance_plan, opportunity_report, portfolio_report
from graphcrm.analysis.compliance import in_quiet_period, restricted_people
from graphcrm.demo import demo_portfolio
from graphcrm.graph.nxgraph import build_graph
from graphcrm.model import COMPLIANCE_ROLES, OPEN_STAGES

from deals import NOW, base_deal

TODAY = date(2026, 5, 1)
MOMENT = datetime(2026, 5, 1, 9, tzinfo=timezone.utc)
DEMO = demo_portfolio(TODAY)
PEOPLE = sorted(p["id"] for label, p in DEMO[0] if label == "Person")


def names_in(message) -> set[str]:
    """Every text of a message's parameters (analysis/messages.py), nested messages included."""
    if isinstance(message, dict):
        return {t for value in message.get("params", {}).values() for t in names_in(value)}
    if isinstance(message, (list, tuple)):
        return {t for item in message for t in names_in(item)}
    return {message} if isinstance(message, str) else set()


def demo_with(restricted: dict[str, str], stage: str = "tender"):
    """The demo graph with ``restricted`` people given a compliance role and every open bid of
    their accounts moved to ``stage``."""
    nodes, rels = DEMO
    accounts = {b for t, a, b, _ in rels if t == "WORKS_AT" and a in restricted}
    bids = {a for t, a, b, _ in rels if t == "FOR" and b in accounts}
    changed = []
    for label, props in nodes:
        if props["id"] in restricted:
            props = {**props, "compliance_role": restricted[props["id"]]}
        elif props["id"] in bids and props.get("stage") in OPEN_STAGES:
            props = {**props, "stage": stage}
        changed.append((label, props))
    return build_graph(changed, rels, kind="portfolio", loaded_at=MOMENT.isoformat())


def assert_nothing_approaches(G, restricted_ids) -> None:
    """No action, warm path, next best action or contact due names a person of ``restricted_ids``."""
    names = {G.nodes[p]["name"] for p in restricted_ids}
    opportunities = [o for o, d in G.nodes(data=True) if d.get("label") == "Opportunity"
                     and d.get("stage") in OPEN_STAGES]
    for o in opportunities:
        report = opportunity_report(G, o, now=MOMENT)
        for f in report["findings"]:
            assert not names & names_in(f["texts"]["action"]), (o, f["kind"], f["action"])
        readiness = report["readiness"]
        assert not names & names_in(readiness["texts"]["next_best_action"]), (o, readiness["next_best_action"])
        for c in readiness["components"]:
            assert not names & names_in(c["texts"]["action"]), (o, c["name"], c["action"])
        for w in report["warm_paths"]:
            assert w["target"]["id"] not in restricted_ids
            assert not {n["id"] for p in w["paths"] for n in p["nodes"]} & set(restricted_ids)
    for row in portfolio_report(G, now=MOMENT)["opportunities"]:
        assert not names & names_in(row["texts"]["next_best_action"]), row["next_best_action"]
    due = {c["person"]["id"] for owner in maintenance_plan(G, now=MOMENT)["owners"] for c in owner["due"]}
    assert not due & set(restricted_ids)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(PEOPLE), st.sampled_from(sorted(COMPLIANCE_ROLES)), min_size=1, max_size=4))
def test_in_the_quiet_period_nothing_suggests_approaching_a_restricted_person_of_the_demo(restricted):
    G = demo_with(restricted)
    quiet = restricted_people(G, MOMENT)
    assert quiet, "an open bid of each restricted person's account is in its quiet period"
    assert_nothing_approaches(G, set(quiet))


def test_the_demo_water_bureau_bid_withholds_the_gaps_of_its_committee_member():
    G = build_graph(*DEMO, kind="portfolio", loaded_at=MOMENT.isoformat())
    assert restricted_people(G, MOMENT) == {"p-gu-wei": {"role": "evaluation_committee",
                                                          "opportunities": ["opp-water-monitor"]}}
    assert_nothing_approaches(G, {"p-gu-wei"})
    report = opportunity_report(G, "opp-water-monitor", now=MOMENT)
    assert report["opportunity"]["quiet_period"] is True
    assert [t["id"] for t in report["quiet_targets"]] == ["p-gu-wei"]
    assert [f["kind"] for f in report["findings"] if f["data"].get("restricted") == "p-gu-wei"] == ["quiet_period"]


def test_after_the_award_the_same_person_may_be_approached_again():
    d = base_deal().drop("RELATIONSHIP", "u1", "eb").drop("RELATIONSHIP", "u2", "eb")
    d.nodes["eb"][1]["compliance_role"] = "public_official"
    during = opportunity_report(d.graph(), "o1")
    assert [f["kind"] for f in during["findings"]] == ["quiet_period"]
    assert "王总" not in during["readiness"]["next_best_action"]
    assert all(w["target"]["id"] != "eb" for w in during["warm_paths"])
    d.nodes["o1"][1]["quiet_end"] = "2026-04-30"  # the day before NOW: the award was made
    after = opportunity_report(d.graph(), "o1")
    assert [f["kind"] for f in after["findings"]] == ["no_eb_access"] and "王总" in after["findings"][0]["action"]
    assert [w["target"]["id"] for w in after["warm_paths"]] == ["eb"]


def test_a_quiet_period_of_its_own_dates_holds_in_any_stage():
    bid = {"stage": "qualify", "quiet_start": "2026-04-20"}
    assert in_quiet_period(bid, TODAY) and not in_quiet_period(bid, date(2026, 4, 19))
    assert not in_quiet_period({**bid, "stage": "won"}, TODAY)
    assert in_quiet_period({**bid, "stage": "won", "quiet_end": "2026-05-02"}, TODAY)
    assert NOW.startswith(TODAY.isoformat())
