"""Customer satisfaction (analysis/satisfaction.py), pinned by hand-made feedback
histories whose trend and NPS are worked out by hand in each test.

No test reads the calendar: every graph is loaded on NOW.
"""

from __future__ import annotations

import doctest

import pytest

from graphcrm.analysis import account_satisfaction, follow_ups, portfolio_coverage, stakeholder_satisfaction
from graphcrm.analysis import satisfaction as satisfaction_module
from graphcrm.graph.nxgraph import build_graph

NOW = "2026-05-01T00:00:00+00:00"


def days_ago(days: int) -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime(2026, 5, 1, tzinfo=timezone.utc) - timedelta(days=days)).isoformat()


def history(feedback, people=(("p1", 3, None),), **extra_nodes):
    """Account ``a1`` with people ``(id, influence, role in o1 or None)`` and feedback
    ``(person, days ago, score, extra props)``."""
    nodes = [("Account", {"id": "a1", "name": "Acme"}),
             ("Opportunity", {"id": "o1", "name": "Grid", "stage": "tender"}),
             ("User", {"id": "u1", "username": "li", "display_name": "李娜", "role": "manager"})]
    rels = [("FOR", "o1", "a1", {})]
    for pid, influence, role in people:
        nodes.append(("Person", {"id": pid, "name": pid.upper(), "influence": influence}))
        rels.append(("WORKS_AT", pid, "a1", {}))
        if role:
            rels.append(("ROLE_IN", pid, "o1", {"role": role}))
    for n, (pid, ago, score, more) in enumerate(feedback):
        props = {"id": f"i{n}", "kind": "feedback", "at": days_ago(ago), **more}
        if score is not None:
            props["satisfaction"] = score
        nodes.append(("Interaction", props))
        rels.append(("WITH", f"i{n}", pid, {}))
    return build_graph(nodes, rels, loaded_at=NOW)


def test_the_module_examples_run():
    result = doctest.testmod(satisfaction_module)
    assert result.failed == 0 and result.attempted > 0


def test_a_falling_history_has_its_trend_and_nps():
    # scores 9, 8, 6, 4 on days 0, 80, 210, 310 of the window: least squares slope -910 / 56600 per day,
    # times the 310 days between the first and the last score = -4.98 points; 1 promoter, 2 detractors of 4
    G = history([("p1", 330, 9, {}), ("p1", 250, 8, {}), ("p1", 120, 6, {}), ("p1", 20, 4, {})])
    s = stakeholder_satisfaction(G, "p1")
    assert (s["latest"], s["category"], s["responses"]) == (4, "detractor", 4)
    assert s["trend"]["direction"] == "falling" and s["trend"]["change"] == -5.0
    assert s["nps"] == {"score": -25, "promoters": 1, "passives": 1, "detractors": 2, "responses": 4}
    assert s["summary"] == ("Latest satisfaction 4/10 (detractor) on 2026-04-11; NPS -25 from 4 scores in 12 months; "
                            "falling by 5.0 points.")
    assert s["texts"]["summary"]["code"] == "satisfaction.summary"


@pytest.mark.parametrize("first, last, direction", [(8, 6, "falling"), (8, 7, "steady"), (7, 9, "rising"),
                                                    (9, 9, "steady")])
def test_the_trend_turns_at_two_points(first, last, direction):
    G = history([("p1", 200, first, {}), ("p1", 10, last, {})])
    trend = stakeholder_satisfaction(G, "p1")["trend"]
    assert trend["direction"] == direction and trend["change"] == last - first


def test_no_feedback_is_said_not_shown_as_a_number():
    G = history([])
    s = stakeholder_satisfaction(G, "p1")
    assert s["latest"] is None and s["nps"]["score"] is None and s["trend"]["direction"] is None
    assert s["summary"] == "No feedback recorded."
    a = account_satisfaction(G, "a1")
    assert a["latest"] is None and a["latest_by"] is None and a["people"] == []
    assert a["summary"] == "No feedback recorded."


def test_one_score_is_no_trend_and_an_old_score_is_no_nps():
    one = stakeholder_satisfaction(history([("p1", 30, 8, {})]), "p1")
    assert one["trend"]["direction"] is None and one["nps"]["score"] == 0  # a passive: neither side
    assert one["summary"].endswith("NPS 0 from 1 scores in 12 months; too few scores for a trend.")
    old = stakeholder_satisfaction(history([("p1", 400, 10, {})]), "p1")
    assert old["latest"] == 10 and old["responses"] == 0 and old["nps"]["score"] is None
    assert old["summary"] == "Latest satisfaction 10/10 (promoter) on 2025-03-27; no score in the last 12 months."


def test_unscored_feedback_counts_for_no_figure():
    s = stakeholder_satisfaction(history([("p1", 30, None, {"sentiment": -2})]), "p1")
    assert s["latest"] is None and s["last_feedback"] == days_ago(30)[:19] + "+00:00"


def test_the_account_nps_counts_key_voices_twice():
    # the economic buyer (a key voice, weight 2) is a promoter, a clerk (1) a detractor and another a passive:
    # 100 x (2 - 1) / (2 + 1 + 1) = +25, whereas one voice each would give 0
    G = history([("eb", 100, 10, {}), ("clerk", 50, 3, {}), ("clerk", 300, 9, {}), ("aide", 40, 7, {})],
                people=[("eb", 3, "economic_buyer"), ("clerk", 2, None), ("aide", 2, None)])
    a = account_satisfaction(G, "a1")
    assert a["nps"] == {"score": 25, "promoters": 1, "passives": 1, "detractors": 1, "responses": 3, "weighted": True}
    assert (a["latest"], a["latest_by"]["id"]) == (7, "aide")  # the latest score anyone gave
    assert [(v["id"], v["key"], v["weight"]) for v in a["people"]] == [
        ("aide", False, 1), ("clerk", False, 1), ("eb", True, 2)]
    assert account_satisfaction(G, "a1", key_weight=1)["nps"]["score"] == 0


def test_influence_four_makes_a_key_voice():
    G = history([("boss", 10, 2, {}), ("clerk", 10, 10, {})], people=[("boss", 4, None), ("clerk", 2, None)])
    assert account_satisfaction(G, "a1")["nps"]["score"] == -33  # 100 x (1 - 2) / 3


def test_the_chart_has_twelve_months_with_their_average():
    G = history([("p1", 5, 6, {}), ("p1", 20, 8, {}), ("p1", 100, 9, {}), ("p1", 500, 1, {})])
    months = stakeholder_satisfaction(G, "p1")["trend"]["months"]
    assert [m["month"] for m in months][0] == "2025-06" and months[-1]["month"] == "2026-05"
    assert months[-1] == {"month": "2026-05", "average": None, "responses": 0}  # 5 and 20 days ago: April
    assert months[-2] == {"month": "2026-04", "average": 7.0, "responses": 2}
    assert months[-5] == {"month": "2026-01", "average": 9.0, "responses": 1}  # 100 days ago: 21 January


def test_open_follow_ups_with_their_owner_and_days_overdue():
    G = history([("p1", 20, 3, {"follow_up_owner": "u1", "follow_up_due": "2026-04-18"}),
                 ("p1", 3, 5, {"follow_up_owner": "u1", "follow_up_due": "2026-05-05"}),
                 ("p1", 60, 2, {"follow_up_owner": "u1", "follow_up_due": "2026-03-09", "follow_up_closed_by": "i9"}),
                 ("p1", 10, 9, {})])
    open_ones = follow_ups(G)
    assert [(f["id"], f["days_overdue"], f["owner"]["name"]) for f in open_ones] == [("i0", 13, "李娜"),
                                                                                     ("i1", -4, "李娜")]
    assert open_ones[0]["account"] == {"id": "a1", "name": "Acme"} and open_ones[0]["satisfaction"] == 3
    assert follow_ups(G, owner="u-else") == [] and len(follow_ups(G, account_id="a1")) == 2
    a = account_satisfaction(G, "a1")
    assert (a["open_follow_ups"], a["overdue_follow_ups"]) == (2, 1)


def test_the_portfolio_row_gives_the_satisfaction_figures():
    # the account's NPS counts each stakeholder's latest score once: one detractor, -100
    G = history([("p1", 330, 9, {}), ("p1", 20, 4, {"follow_up_owner": "u1", "follow_up_due": "2026-04-18"})])
    [row] = portfolio_coverage(G)["accounts"]
    s = row["satisfaction"]
    assert {k: s[k] for k in ("latest", "trend", "change", "nps", "responses", "open_follow_ups",
                              "overdue_follow_ups")} == {
        "latest": 4, "trend": "falling", "change": -5.0, "nps": -100, "responses": 2, "open_follow_ups": 1,
        "overdue_follow_ups": 1}


PROMOTERS = (("p1", 5, "economic_buyer"), ("p2", 4, None), ("p3", 3, None))


@pytest.mark.parametrize("feedback, sustained", [
    # 9, 10, 9 from three people over 230 days: NPS +100 (weights 2, 2, 1), sustained
    ([("p1", 240, 9, {}), ("p2", 130, 10, {}), ("p3", 10, 9, {})], True),
    # the same scores within 150 days: too short a stretch to call it sustained
    ([("p1", 160, 9, {}), ("p2", 90, 10, {}), ("p3", 10, 9, {})], False),
    # two scores only
    ([("p1", 240, 9, {}), ("p2", 10, 10, {})], False),
    # one person three times: a single voice
    ([("p1", 240, 9, {}), ("p1", 130, 10, {}), ("p1", 10, 9, {})], False),
    # a detractor's 5 in between, though everyone's latest is a promoter's
    ([("p1", 240, 9, {}), ("p2", 200, 5, {}), ("p2", 130, 10, {}), ("p3", 10, 9, {})], False),
    # passives bring the NPS to (2 - 0) / 5 = +40: below +50
    ([("p1", 240, 9, {}), ("p2", 130, 8, {}), ("p3", 10, 7, {})], False),
])
def test_sustained_promoters_need_three_scores_two_people_half_a_year_and_no_detractor(feedback, sustained):
    loyalty = account_satisfaction(history(feedback, people=PROMOTERS), "a1")["loyalty"]
    assert loyalty["sustained"] is sustained


def test_sustained_promoters_lift_the_suggested_tier_and_the_retention():
    # three strong contacts, one executive, two departments, one won bid: the ladder says cooperative
    def account(feedback):
        G = history(feedback, people=PROMOTERS)
        G.nodes["a1"].update(tier="cooperative", annual_value=1e6, potential_value=1e6)
        G.add_node("o0", label="Opportunity", id="o0", name="Line 2", stage="won")
        G.add_edge("o0", "a1", key="FOR")
        for pid, dept in (("p1", "IT"), ("p2", "Ops"), ("p3", "Ops")):
            G.nodes[pid]["department"] = dept
            G.add_edge("u1", pid, key="RELATIONSHIP", strength=4, last_contact_at=days_ago(5))
        return portfolio_coverage(G)["accounts"][0]

    loyal = account([("p1", 240, 9, {}), ("p2", 130, 10, {}), ("p3", 10, 9, {})])
    assert loyal["suggested_tier"] == "strategic_partner" and loyal["tier_direction"] == "up"
    assert loyal["tier_evidence"][-1] == "sustained promoters: NPS 100 from 3 scores over 230 days"
    assert loyal["satisfaction"]["sustained_promoters"] is True
    # r = 0.85 + 0.25 x 1.0 x 0.15 = 0.8875; E = 1M; CLV = 1M x 1.1 / (1.1 - 0.8875)
    assert loyal["lifetime_value"]["retention"] == 0.8875 and loyal["lifetime_value"]["retention_base"] == 0.85
    assert loyal["lifetime_value"]["clv"] == pytest.approx(1e6 * 1.1 / 0.2125, abs=0.01)

    brief = account([("p1", 60, 9, {}), ("p2", 30, 10, {}), ("p3", 10, 9, {})])
    assert brief["suggested_tier"] == "cooperative" and not brief["tier_mismatch"]
    assert brief["lifetime_value"]["retention"] == 0.8875  # the NPS still counts: three voices

    # detractors: p1 (weight 2) and p3 give 3 and 5, p2 (weight 2) a 10: NPS 100 x (2 - 3) / 5 = -20
    unhappy = account([("p1", 200, 3, {}), ("p2", 130, 10, {}), ("p3", 10, 5, {})])
    assert unhappy["suggested_tier"] == "cooperative"
    # r = 0.85 x (1 - 0.25 x 0.2) = 0.8075
    assert unhappy["lifetime_value"]["retention"] == 0.8075 and unhappy["lifetime_value"]["nps"] == -20

    alone = account([("p1", 10, 10, {})])  # one voice cannot move the retention
    assert alone["lifetime_value"]["retention"] == 0.85 and alone["lifetime_value"]["nps"] is None
