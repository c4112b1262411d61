"""Every coverage finding fires when it should and not otherwise."""

from __future__ import annotations

import pytest

from graphcrm.analysis import FINDING_KINDS, bid_readiness, coverage_gaps
from graphcrm.analysis.messages import render
from graphcrm.graph.nxgraph import build_graph

from deals import NOW, base_deal, days_ago


def kinds(d, **kw):
    return [f["kind"] for f in coverage_gaps(d.graph(), "o1", **kw)]


def only(d, kind, **kw):
    found = coverage_gaps(d.graph(), "o1", **kw)
    assert {f["kind"] for f in found} == {kind}, [(f["kind"], f["message"]) for f in found]
    return found


def test_base_deal_has_no_findings():
    assert kinds(base_deal()) == []


def test_finding_shape():
    d = base_deal().drop("ROLE_IN", "pr", "o1")
    (f,) = coverage_gaps(d.graph(), "o1")
    assert set(f) == {"kind", "severity", "people", "message", "action", "data", "texts"}
    assert f["severity"] in ("high", "medium", "low")
    assert f["message"].endswith(".") and f["action"]
    # the sentences again as code + parameters, for translation
    assert f["texts"]["message"] == {
        "code": "gap.missing_role", "params": {"roles": ["procurement"], "opportunity": "Grid upgrade"}
    }
    assert render(f["texts"]["message"]) == f["message"] and render(f["texts"]["action"]) == f["action"]


@pytest.mark.parametrize(
    "person, role, severity",
    [("pr", "procurement", "low"), ("ub", "user_buyer", "low"), ("tb", "technical_buyer", "medium")],
)
def test_missing_role(person, role, severity):
    d = base_deal().drop("ROLE_IN", person, "o1")
    (f,) = only(d, "missing_role")
    assert f["data"]["role"] == role and f["severity"] == severity


def test_missing_economic_buyer_is_high_and_not_no_eb_access():
    d = base_deal().drop("ROLE_IN", "eb", "o1")
    found = coverage_gaps(d.graph(), "o1")
    assert [(f["kind"], f["severity"], f["data"]["role"]) for f in found] == [
        ("missing_role", "high", "economic_buyer")
    ]


def test_missing_champion_or_coach():
    d = base_deal().drop("ROLE_IN", "ch", "o1")
    d.rel("ROLE_IN", "ch", "o1", role="influencer", stance="neutral")
    (f,) = only(d, "missing_role")
    assert f["data"]["roles"] == ["champion", "coach"] and f["severity"] == "high"


def test_coach_without_champion_is_no_champion():
    d = base_deal().drop("ROLE_IN", "ch", "o1")
    d.rel("ROLE_IN", "ch", "o1", role="coach", stance="supporter")
    (f,) = only(d, "no_champion")
    assert f["people"][0]["id"] == "ch"


def test_champion_by_stance_counts():
    d = base_deal().drop("ROLE_IN", "ch", "o1")
    d.rel("ROLE_IN", "ch", "o1", role="influencer")  # person's own stance: champion
    assert kinds(d) == []


@pytest.mark.parametrize("strength, fires", [(1, True), (2, True), (3, False), (5, False)])
def test_no_eb_access(strength, fires):
    d = base_deal()
    for u in ("u1", "u2"):
        d.rel("RELATIONSHIP", u, "eb", strength=strength, last_contact_at=days_ago(1))
    assert ("no_eb_access" in kinds(d)) is fires
    if fires:
        (f,) = [f for f in coverage_gaps(d.graph(), "o1") if f["kind"] == "no_eb_access"]
        assert f["severity"] == "high" and f["people"][0]["name"] == "王总"


def test_no_eb_access_without_any_relationship():
    d = base_deal().drop("RELATIONSHIP", "u1", "eb").drop("RELATIONSHIP", "u2", "eb")
    assert "no_eb_access" in kinds(d)


def test_no_dm_access():
    d = base_deal().drop("RELATIONSHIP", "u1", "dm").drop("RELATIONSHIP", "u2", "dm")
    assert "no_dm_access" in kinds(d) and "no_eb_access" not in kinds(d)


def test_uncovered_high_influence():
    d = base_deal().person("cfo", role="influencer", influence=5, title="CFO")
    d.rel("RELATIONSHIP", "u1", "cfo", strength=4, last_contact_at=days_ago(1))
    d.rel("RELATIONSHIP", "u2", "cfo", strength=3, last_contact_at=days_ago(1))
    assert kinds(d) == []
    d.rel("RELATIONSHIP", "u1", "cfo", strength=2, last_contact_at=days_ago(1))
    d.drop("RELATIONSHIP", "u2", "cfo")
    d.rel("REPORTS_TO", "cfo", "eb")
    d.rel("KNOWS", "cfo", "tb", strength=3)  # a second path: no single point of failure
    (f,) = only(d, "uncovered_high_influence")
    assert f["severity"] == "high" and f["people"][0]["id"] == "cfo"


def test_low_influence_people_are_not_uncovered_high_influence():
    d = base_deal().person("clerk", role="influencer", influence=3)
    assert kinds(d) == []


@pytest.mark.parametrize(
    "days, cadence, fires",
    [(40, None, True), (25, None, False), (40, {5: 60}, False), (None, None, True)],
)
def test_stale_relationship(days, cadence, fires):
    d = base_deal()
    for u in ("u1", "u2"):
        props = {"strength": 4}
        if days is not None:
            props["last_contact_at"] = days_ago(days)
        d.rel("RELATIONSHIP", u, "eb", **props)
    assert ("stale_relationship" in kinds(d, cadence=cadence)) is fires


def test_stale_relationship_cadence_depends_on_influence():
    d = base_deal()
    for u in ("u1", "u2"):
        d.rel("RELATIONSHIP", u, "ub", strength=4, last_contact_at=days_ago(170))  # influence 2: 180 days
        d.rel("RELATIONSHIP", u, "tb", strength=4, last_contact_at=days_ago(80))  # influence 3: 90 days
    assert kinds(d) == []
    for u in ("u1", "u2"):
        d.rel("RELATIONSHIP", u, "tb", strength=4, last_contact_at=days_ago(95))
    (f,) = only(d, "stale_relationship")
    assert f["people"][0]["id"] == "tb" and f["data"]["cadence_days"] == 90


def test_interaction_refreshes_recency():
    d = base_deal()
    for u in ("u1", "u2"):
        d.rel("RELATIONSHIP", u, "eb", strength=4, last_contact_at=days_ago(100))
    assert "stale_relationship" in kinds(d)
    d.node("Interaction", "i1", kind="meeting", at=days_ago(3))
    d.rel("ATTENDED", "u1", "i1").rel("WITH", "i1", "eb")
    assert "stale_relationship" not in kinds(d)


@pytest.mark.parametrize("influence, strength", [(2, 4), (4, 2)])
def test_weak_champion(influence, strength):
    d = base_deal()
    d.node("Person", "ch", name="Zhang Min", influence=influence, stance="champion")
    for u in ("u1", "u2"):
        d.rel("RELATIONSHIP", u, "ch", strength=strength, last_contact_at=days_ago(1))
    found = [f for f in coverage_gaps(d.graph(), "o1") if f["kind"] != "uncovered_high_influence"]
    assert [f["kind"] for f in found] == ["weak_champion"]
    assert found[0]["severity"] == "high"


def test_single_threaded_one_owner():
    d = base_deal()
    for p in ["eb", "dm", "tb", "ub", "pr", "ch"]:
        d.drop("RELATIONSHIP", "u2", p)
    found = coverage_gaps(d.graph(), "o1")
    st = [f for f in found if f["kind"] == "single_threaded"]
    assert len(st) == 1 and st[0]["people"][0]["id"] == "u1" and st[0]["severity"] == "high"


def test_single_threaded_fewer_than_two_contacts():
    d = base_deal()
    for p in ["dm", "tb", "ub", "pr", "ch"]:
        for u in ("u1", "u2"):
            d.rel("RELATIONSHIP", u, p, strength=2, last_contact_at=days_ago(1))
    found = [f for f in coverage_gaps(d.graph(), "o1") if f["kind"] == "single_threaded"]
    assert len(found) == 1 and found[0]["data"]["strong_contacts"] == 1


def test_single_point_of_failure_on_their_side():
    d = base_deal().person("cfo", role="influencer", influence=4, title="CFO")
    d.rel("REPORTS_TO", "cfo", "eb")
    d.rel("RELATIONSHIP", "u1", "cfo", strength=1, last_contact_at=days_ago(1))
    assert "single_point_of_failure" not in kinds(d)  # we reach the CFO directly
    d.drop("RELATIONSHIP", "u1", "cfo")
    spof = [f for f in coverage_gaps(d.graph(), "o1") if f["kind"] == "single_point_of_failure"]
    assert len(spof) == 1
    assert spof[0]["people"][0]["id"] == "eb" and spof[0]["data"]["side"] == "theirs"
    assert spof[0]["data"]["cuts"] == ["cfo"]
    d.rel("KNOWS", "cfo", "tb", strength=2)  # a second way in
    assert "single_point_of_failure" not in kinds(d)


def test_single_point_of_failure_on_our_side():
    d = base_deal()
    d.drop("RELATIONSHIP", "u2", "eb")
    assert "single_point_of_failure" not in kinds(d)  # the org chart is a second way in
    for a, b in [("dm", "eb"), ("pr", "eb")]:
        d.drop("REPORTS_TO", a, b)
    spof = [f for f in coverage_gaps(d.graph(), "o1") if f["kind"] == "single_point_of_failure"]
    assert [(f["people"][0]["id"], f["data"]["side"], f["severity"]) for f in spof] == [("u1", "ours", "high")]
    assert spof[0]["data"]["cuts"] == ["eb"]


def test_uncovered_blocker():
    d = base_deal().person("bl", role="blocker", influence=4, stance="opponent", title="Chief engineer")
    d.rel("KNOWS", "bl", "ub", strength=2).rel("KNOWS", "bl", "pr", strength=2)
    (f,) = only(d, "uncovered_blocker")
    assert f["severity"] == "high" and f["people"][0]["id"] == "bl"
    d.rel("INFLUENCES", "tb", "bl", strength=4)  # we know tb well, and tb sways bl
    assert kinds(d) == ["uncovered_high_influence"]  # counter-covered, but not known directly


def test_opponent_without_blocker_role_needs_high_influence():
    d = base_deal().person("op", role="influencer", influence=3, stance="opponent")
    d.rel("KNOWS", "op", "ub", strength=2).rel("KNOWS", "op", "pr", strength=2)
    assert "uncovered_blocker" not in kinds(d)
    d.node("Person", "op", name="OP", influence=4, stance="opponent")
    assert "uncovered_blocker" in kinds(d)


def test_blocker_on_path():
    d = base_deal().person("bl", role="blocker", influence=3, stance="opponent")
    d.rel("RELATIONSHIP", "u1", "bl", strength=3, last_contact_at=days_ago(1))  # covered: no uncovered_blocker
    d.rel("RELATIONSHIP", "u2", "bl", strength=3, last_contact_at=days_ago(1))
    d.drop("REPORTS_TO", "ch", "dm").rel("REPORTS_TO", "ch", "bl").rel("REPORTS_TO", "bl", "dm")
    found = coverage_gaps(d.graph(), "o1")
    bop = [f for f in found if f["kind"] == "blocker_on_path"]
    assert {f["people"][-1]["id"] for f in bop} == {"dm", "eb"}
    assert all(f["data"]["blockers"] == ["bl"] for f in bop)
    assert {f["kind"] for f in found} == {"blocker_on_path"}
    d.rel("KNOWS", "ch", "tb", strength=3)  # a path around the blocker: ch - tb - dm
    assert "blocker_on_path" not in kinds(d)


@pytest.mark.parametrize(
    "person, theirs, severity",
    [("dm", 5, "high"), ("dm", 4, None), ("ub", 5, "medium")],
)
def test_competitor_closer(person, theirs, severity):
    d = base_deal().rel("RELATIONSHIP", "c1", person, strength=theirs)
    found = [f for f in coverage_gaps(d.graph(), "o1") if f["kind"] == "competitor_closer"]
    if severity is None:
        assert found == []
    else:
        (f,) = found
        assert f["severity"] == severity and [p["id"] for p in f["people"]] == [person, "c1"]
        assert f["data"] == {"competitor": "c1", "their_strength": theirs, "our_strength": 4, "role": f["data"]["role"]}


def test_per_deal_influence_and_stance_override_the_persons_own():
    d = base_deal().person("x", influence=2, stance="supporter")
    d.rel("ROLE_IN", "x", "o1", role="influencer", influence=5)
    d.rel("KNOWS", "x", "ub", strength=3).rel("KNOWS", "x", "pr", strength=3)
    assert [f for f in kinds(d)] == ["uncovered_high_influence"]


def scored(d, person, *history):
    """``d`` with feedback from ``person``: ``(days ago, satisfaction)`` each."""
    for ago, score in history:
        d.node("Interaction", f"fb-{person}-{ago}", kind="feedback", at=days_ago(ago), satisfaction=score)
        d.rel("WITH", f"fb-{person}-{ago}", person)
    return d


@pytest.mark.parametrize("person, severity", [("eb", "high"), ("ub", "medium")])
def test_detractor_in_buying_center(person, severity):
    (f,) = only(scored(base_deal(), person, (120, 9), (30, 4)), "detractor_in_buying_center")
    assert f["severity"] == severity and f["people"][0]["id"] == person
    assert f["data"] == {"satisfaction": 4, "days": 30, "feedback_id": f"fb-{person}-30"}
    if person == "eb":
        assert f["message"] == "王总 (General manager, economic buyer) gave us a detractor's score, 4/10, 30 days ago."


@pytest.mark.parametrize("history", [((30, 7),), ((120, 3), (30, 9)), ((400, 2),)])
def test_no_detractor_finding_for_a_passive_a_recovered_or_an_old_score(history):
    assert kinds(scored(base_deal(), "eb", *history)) == []


def test_quiet_period_withholds_a_gap_whose_action_would_approach_a_committee_member():
    d = base_deal().drop("RELATIONSHIP", "u1", "eb").drop("RELATIONSHIP", "u2", "eb")
    d.nodes["eb"][1]["compliance_role"] = "evaluation_committee"  # the bid is in its tender: a quiet period
    (f,) = only(d, "quiet_period")
    assert f["severity"] == "high" and f["data"]["withheld"] == "no_eb_access" and f["data"]["restricted"] == "eb"
    assert "王总" in f["message"] and "quiet period" in f["message"] and "王总" not in f["action"]
    assert f["texts"]["message"]["params"]["gap"]["code"] == "gap.no_access.none"


def test_every_finding_kind_is_exercised():
    """The list of kinds in the module table and the tests above agree."""
    assert set(FINDING_KINDS) == {
        "empty_buying_center", "missing_role", "account_unmapped", "account_unknown_to_us",
        "no_eb_access", "no_dm_access", "uncovered_high_influence",
        "stale_relationship", "no_champion", "weak_champion", "single_threaded", "single_point_of_failure",
        "uncovered_blocker", "blocker_on_path", "competitor_closer", "detractor_in_buying_center", "quiet_period",
    }


def _empty_deal():
    """A new opportunity of an account with people, nobody yet in its buying center."""
    return build_graph(
        [("Account", {"id": "a1", "name": "Northwind Rail Authority"}),
         ("Opportunity", {"id": "o1", "name": "Line 5 ISCS", "stage": "lead"}),
         ("Person", {"id": "p1", "name": "David Chen", "influence": 5}),
         ("User", {"id": "u1", "username": "lina", "display_name": "李娜"})],
        [("FOR", "o1", "a1", {}), ("WORKS_AT", "p1", "a1", {}),
         ("RELATIONSHIP", "u1", "p1", {"strength": 5, "last_contact_at": "2026-04-30T00:00:00+00:00"})],
        loaded_at=NOW)


def test_an_empty_buying_center_is_a_finding_and_claims_no_coverage():
    found = coverage_gaps(_empty_deal(), "o1", now=NOW)
    assert found[0]["kind"] == "empty_buying_center" and found[0]["severity"] == "high"
    assert found[0]["message"] == ("Nobody is in the buying center of Line 5 ISCS yet: no gap in it can be judged "
                                   "until its people are mapped.")
    assert {f["kind"] for f in found} == {"empty_buying_center", "missing_role"}


def test_an_empty_buying_center_scores_nothing_and_says_why():
    readiness = bid_readiness(_empty_deal(), "o1", now=NOW)
    assert readiness["score"] == 0
    balance = next(c for c in readiness["components"] if c["name"] == "competitive_balance")
    assert balance["value"] == 0 and balance["evidence"] == [
        "Nobody is in the buying center yet: there is nothing to weigh against the competitors."]


def test_an_account_with_nobody_known_to_us_says_so_instead_of_no_findings():
    from graphcrm.analysis import account_coverage

    G = _empty_deal()
    kinds_now = {f["kind"] for f in account_coverage(G, "a1", now=NOW)["findings"]}
    assert not kinds_now & {"account_unknown_to_us", "account_unmapped"}  # lina knows David Chen
    G.remove_edge("u1", "p1", key="RELATIONSHIP")
    (first, *_rest) = account_coverage(G, "a1", now=NOW)["findings"]
    assert first["kind"] == "account_unknown_to_us" and first["severity"] == "high"
    assert first["message"] == ("Nobody on our team has a relationship with any of the 1 people recorded at "
                                "Northwind Rail Authority.")
    G.remove_node("p1")
    assert account_coverage(G, "a1", now=NOW)["findings"][0]["kind"] == "account_unmapped"


def test_unknown_opportunity_raises_not_found():
    from graphcrm.errors import NotFound

    with pytest.raises(NotFound):
        coverage_gaps(base_deal().graph(), "nope", now=NOW)
