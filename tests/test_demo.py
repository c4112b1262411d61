"""The demo portfolio (graphcrm.demo): valid, deterministic, and telling its stories."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import pytest

from graphcrm.demo import DEMO_PASSWORD, demo_portfolio
from graphcrm.graph.nxgraph import build_graph
from graphcrm.model import OPEN_STAGES, RELATIONSHIP_TYPES, validate_node, validate_relationship

TODAY = date(2026, 5, 1)
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")


@pytest.fixture(scope="module")
def portfolio():
    return demo_portfolio(TODAY)


@pytest.fixture(scope="module")
def G(portfolio):
    return build_graph(*portfolio, kind="portfolio")


def _labels(nodes):
    return {props["id"]: label for label, props in nodes}


def _edges(G, rel_type, **match):
    return [(u, v, d) for u, v, k, d in G.edges(keys=True, data=True)
            if k == rel_type and all(d.get(f) == value for f, value in match.items())]


def _buying_center(G, opp_id):
    return {u: d for u, v, d in _edges(G, "ROLE_IN") if v == opp_id}


def _user_strengths(G, person_id):
    return {u: d["strength"] for u, v, d in _edges(G, "RELATIONSHIP")
            if v == person_id and G.nodes[u]["label"] == "User"}


# --------------------------------------------------------------------------
# validity
# --------------------------------------------------------------------------

def test_password_constant():
    assert DEMO_PASSWORD == "graphcrm-demo"


def test_every_node_validates(portfolio):
    nodes, _ = portfolio
    for label, props in nodes:
        assert ID_PATTERN.match(props["id"]), props["id"]
        rest = {k: v for k, v in props.items() if k != "id"}
        assert not {"password_hash", "version", "created_at", "updated_at"} & set(rest)
        clean = validate_node(label, rest)
        assert {k: v for k, v in clean.items() if v is not None} == rest, props["id"]


def test_every_relationship_validates_and_connects_allowed_labels(portfolio):
    nodes, rels = portfolio
    labels = _labels(nodes)
    for rel_type, start, end, props in rels:
        validate_relationship(rel_type, props)
        starts, ends = RELATIONSHIP_TYPES[rel_type][:2]
        assert start in labels and end in labels, (rel_type, start, end)
        assert labels[start] in starts and labels[end] in ends, (rel_type, start, end)


def test_ids_unique_and_no_duplicate_relationships(portfolio):
    nodes, rels = portfolio
    ids = [props["id"] for _, props in nodes]
    assert len(ids) == len(set(ids))
    keys = [(t, s, e) for t, s, e, _ in rels]
    assert len(keys) == len(set(keys))
    usernames = [p["username"] for label, p in nodes if label == "User"]
    assert len(usernames) == len(set(usernames))
    assert all(re.fullmatch(r"[a-z0-9]+", u) for u in usernames)


def test_counts(portfolio):
    nodes, rels = portfolio
    count = Counter(label for label, _ in nodes)
    assert count["Account"] >= 5
    assert count["Person"] >= 80
    assert 7 <= count["User"] <= 10
    assert count["Opportunity"] >= 6
    assert count["Competitor"] >= 3
    assert 100 <= count["Interaction"] <= 200
    rel_count = Counter(t for t, *_ in rels)
    assert set(rel_count) == set(RELATIONSHIP_TYPES)


def test_dates_and_timestamps_are_iso(portfolio):
    nodes, rels = portfolio
    for label, props in nodes:
        if label == "Interaction":
            at = datetime.fromisoformat(props["at"])
            assert props["at"].endswith("+00:00") and at.date() < TODAY
            assert at.date() >= date(TODAY.year - 1, TODAY.month, TODAY.day)
        if label == "Opportunity":
            date.fromisoformat(props["close_date"])
    for _rel_type, _, _, props in rels:
        if "since" in props:
            assert date.fromisoformat(props["since"]) <= TODAY
        if "last_contact_at" in props:
            assert props["last_contact_at"].endswith("+00:00")


# --------------------------------------------------------------------------
# determinism
# --------------------------------------------------------------------------

def test_same_day_same_portfolio(portfolio):
    assert demo_portfolio(TODAY) == portfolio


def test_other_day_same_ids_and_shifted_dates(portfolio):
    later = date(2027, 2, 14)
    nodes, rels = demo_portfolio(later)
    assert [props["id"] for _, props in nodes] == [props["id"] for _, props in portfolio[0]]
    assert [r[:3] for r in rels] == [r[:3] for r in portfolio[1]]
    shift = later - TODAY
    for (_, a), (_, b) in zip(portfolio[0], nodes, strict=True):
        if "at" in a:
            assert datetime.fromisoformat(b["at"]) - datetime.fromisoformat(a["at"]) == shift
        if "follow_up_due" in a:
            assert date.fromisoformat(b["follow_up_due"]) - date.fromisoformat(a["follow_up_due"]) == shift
        dated = ("at", "close_date", "follow_up_due", "quiet_start")
        assert {k: v for k, v in a.items() if k not in dated} == {k: v for k, v in b.items() if k not in dated}


def test_default_today(portfolio):
    nodes, _ = demo_portfolio()
    assert [p["id"] for _, p in nodes] == [p["id"] for _, p in portfolio[0]]
    latest = max(p["at"] for label, p in nodes if label == "Interaction")
    assert 0 < (date.today() - datetime.fromisoformat(latest).date()).days <= 7


# --------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------

def test_every_person_works_at_one_account(G):
    people = [n for n, d in G.nodes(data=True) if d["label"] == "Person"]
    for p in people:
        assert len([v for _, v, k in G.out_edges(p, keys=True) if k == "WORKS_AT"]) == 1, p


def test_org_charts_have_depth_and_stay_acyclic(G):
    reports = {u: v for u, v, _ in _edges(G, "REPORTS_TO")}

    def depth(p, seen=()):
        assert p not in seen
        return 0 if p not in reports else 1 + depth(reports[p], (*seen, p))

    depths = Counter(depth(p) for p in reports)
    assert max(depths) >= 3
    assert all(0 <= d <= 4 for d in depths)


def test_account_hierarchy_lifecycles_and_segments(G):
    accounts = {n: d for n, d in G.nodes(data=True) if d["label"] == "Account"}
    assert _edges(G, "PART_OF")
    assert {d["segment"] for d in accounts.values()} == {"strategic", "key", "growth", "general"}
    assert {d["tier"] for d in accounts.values()} == {"transactional", "service", "cooperative", "strategic_partner"}
    assert "at_risk" in {d["lifecycle"] for d in accounts.values()}
    assert all(d["annual_value"] is not None and d["potential_value"] for d in accounts.values())


def test_knows_crosses_accounts(G):
    employer = {u: v for u, v, _ in _edges(G, "WORKS_AT")}
    crossing = [(u, v) for u, v, _ in _edges(G, "KNOWS") if employer[u] != employer[v]]
    assert len(crossing) >= 3


def test_influences_mostly_within_departments(G):
    lines = _edges(G, "INFLUENCES")
    same = [1 for u, v, _ in lines if G.nodes[u].get("department") == G.nodes[v].get("department")]
    assert len(lines) >= 40
    assert 0 < len(lines) - len(same) < len(same) * 2


def test_stages_history_and_blocker(G):
    stages = {d["stage"] for _, d in G.nodes(data=True) if d["label"] == "Opportunity"}
    assert {"won", "lost"} <= stages and len(stages & set(OPEN_STAGES)) >= 4
    assert any(d["role"] == "blocker" for *_, d in _edges(G, "ROLE_IN"))
    assert any(d["kind"] == "feedback" and "satisfaction" in d
               for _, d in G.nodes(data=True) if d["label"] == "Interaction")


def test_last_contact_matches_latest_interaction(portfolio):
    nodes, rels = portfolio
    at = {p["id"]: p["at"] for label, p in nodes if label == "Interaction"}
    attended, with_ = {}, {}
    for rel_type, start, end, _ in rels:
        if rel_type == "ATTENDED":
            attended.setdefault(end, []).append(start)
        elif rel_type == "WITH":
            with_.setdefault(start, []).append(end)
    latest = {}
    for int_id, users in attended.items():
        for user in users:
            for person in with_[int_id]:
                latest[user, person] = max(latest.get((user, person), ""), at[int_id])
    coverage = {(s, e): p for t, s, e, p in rels if t == "RELATIONSHIP" and s.startswith("u-")}
    assert set(latest) <= set(coverage)  # every logged contact is covered by a relationship
    for pair, props in coverage.items():
        assert props.get("last_contact_at") == latest.get(pair), pair
        if pair in latest:
            assert props["since"] <= latest[pair][:10]
    ages = [(TODAY - datetime.fromisoformat(v).date()).days for v in latest.values()]
    assert min(ages) <= 7 and max(ages) >= 120  # fresh and stale relationships


# --------------------------------------------------------------------------
# the stories
# --------------------------------------------------------------------------

def test_story_single_threaded_deal(G):
    center = _buying_center(G, "opp-metro-line4")
    strong = {(u, p) for p in center for u, s in _user_strengths(G, p).items() if s >= 3}
    assert len(strong) >= 4
    assert {u for u, _ in strong} == {"u-lina"}


def test_story_no_access_to_economic_buyer(G):
    center = _buying_center(G, "opp-port-tos")
    buyers = [p for p, d in center.items() if d["role"] == "economic_buyer"]
    assert buyers == ["p-yan-dong"]
    assert max(_user_strengths(G, "p-yan-dong").values(), default=0) <= 2
    # ...but a warm path exists through a person we know well
    assert G.has_edge("p-yan-dong", "p-qin-feng", key="KNOWS")
    assert _user_strengths(G, "p-qin-feng")["u-lina"] >= 4


def test_story_competitor_closer_to_decision_maker(G):
    center = _buying_center(G, "opp-huade-mes")
    makers = [p for p, d in center.items() if d["role"] == "decision_maker"]
    assert makers == ["p-klaus-weber"]
    ours = max(_user_strengths(G, "p-klaus-weber").values(), default=0)
    theirs = max(d["strength"] for u, v, d in _edges(G, "RELATIONSHIP")
                 if v == "p-klaus-weber" and G.nodes[u]["label"] == "Competitor")
    assert theirs > ours
    competitors = {u for u, v, _ in _edges(G, "COMPETES_FOR") if v == "opp-huade-mes"}
    assert "comp-nordtek" in competitors


def test_story_bureau_tender_with_informants(G):
    assert G.nodes["opp-citybureau-smartsite"]["stage"] == "tender"
    assert G.has_edge("opp-citybureau-smartsite", "acc-citybureau", key="FOR")
    assert "住房和城乡建设局" in G.nodes["acc-citybureau"]["name"]
    coaches = [p for p, d in _buying_center(G, "opp-citybureau-smartsite").items() if d["role"] == "coach"]
    assert len(coaches) >= 3
    assert all(G.has_edge(p, "acc-citybureau", key="WORKS_AT") for p in coaches)
    # multi-threaded, unlike line 4
    center = _buying_center(G, "opp-citybureau-smartsite")
    strong_users = {u for p in center for u, s in _user_strengths(G, p).items() if s >= 3}
    assert len(strong_users) >= 2


def test_story_missing_buying_center_role(G):
    roles = {opp: {d["role"] for u, v, d in _edges(G, "ROLE_IN") if v == opp}
             for opp, d in G.nodes(data=True) if d["label"] == "Opportunity"}
    assert "economic_buyer" not in roles["opp-kvsc-ioc"]
    assert all("economic_buyer" in r for opp, r in roles.items() if opp != "opp-kvsc-ioc")


def test_story_at_risk_account_is_stale(G, portfolio):
    assert G.nodes["acc-first-hospital"]["lifecycle"] == "at_risk"
    people = {u for u, v, _ in _edges(G, "WORKS_AT") if v == "acc-first-hospital"}
    contacts = [d["last_contact_at"] for u, v, d in _edges(G, "RELATIONSHIP") if v in people and "last_contact_at" in d]
    assert contacts and all((TODAY - datetime.fromisoformat(c).date()).days > 90 for c in contacts)


# --------------------------------------------------------------------------
# the voice of the customer
# --------------------------------------------------------------------------

def test_every_complaint_has_a_follow_up_and_one_was_answered(G):
    from graphcrm.model import opens_follow_up

    feedback = {n: d for n, d in G.nodes(data=True) if d["label"] == "Interaction" and d["kind"] == "feedback"}
    complaints = {n for n, d in feedback.items() if opens_follow_up(d)}
    assert complaints == {n for n, d in feedback.items() if d.get("follow_up_owner")} and len(complaints) == 4
    [answered] = [d for n, d in feedback.items() if d.get("follow_up_closed_by")]
    answer = G.nodes[answered["follow_up_closed_by"]]
    assert answer["kind"] == "meeting" and answer["at"] > answered["at"]


def test_metro_operations_grows_unhappy_while_the_metro_group_stays_loyal(G):
    from graphcrm.analysis import account_satisfaction

    ops = account_satisfaction(G, "acc-metro-ops", now="2026-05-01T12:00:00+00:00")
    assert ops["trend"]["direction"] == "falling" and ops["latest"] == 4
    assert [(f["people"][0]["id"], f["owner"]["id"], f["days_overdue"]) for f in ops["follow_ups"]] == [
        ("p-meng-qi", "u-lina", 13)]
    group = account_satisfaction(G, "acc-metro-group", now="2026-05-01T12:00:00+00:00")
    assert group["trend"]["direction"] == "steady" and group["nps"]["score"] == 100
    assert group["nps"]["promoters"] == 4 and not group["follow_ups"]


def test_the_water_bureau_tender_shows_tender_compliance(G):
    """The public-sector account in its tender's quiet period: one evaluation-committee member,
    met in it only at the formal clarification meeting (flagged, with its reason), whose gifts
    before it exceed the default annual limit; the demo's flags are what the store's rule gives."""
    from graphcrm.compliance import decide

    assert G.nodes["opp-water-monitor"]["stage"] == "tender"
    assert [p for p, d in G.nodes(data=True) if d.get("compliance_role")] == ["p-gu-wei"]
    met = sorted((G.nodes[i]["at"], i) for i, _p, k in G.in_edges("p-gu-wei", keys=True) if k == "WITH")
    people = {"id": "p-gu-wei", "name": "顾伟", "compliance_role": "evaluation_committee",
              "opportunities": [G.nodes["opp-water-monitor"]]}
    gifts = []
    for _at, i in met:
        props = G.nodes[i]
        decision = decide(props, [{**people, "gifts": list(gifts)}])
        assert decision.refused is None
        assert {k: v for k, v in decision.flags().items() if v} == {
            k: props[k] for k in ("quiet_period_flag", "gift_limit_flag") if k in props}
        if props.get("gift_value"):
            gifts.append((props["gift_value"], props.get("gift_currency")))
    assert [G.nodes[i]["kind"] for _at, i in met][-1] == "clarification"
