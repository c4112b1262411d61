"""Merging duplicate people and accounts (GraphStore.merge_people, GraphStore.merge_accounts), on every
backend available (see conftest)."""

from __future__ import annotations

import re

import pytest

from graphcrm.errors import Conflict, ValidationError
from graphcrm.graph.statements import load_statements
from graphcrm.model import RELATIONSHIP_TYPES


@pytest.fixture
def shenzhen(any_store):
    """Two "David Chen" at one account, with lines of every kind, and a colleague, a bid, a user and a rival."""
    s = any_store
    s.create("Account", {"name": "深圳地铁集团"}, id="acc-szmc")
    s.create("Account", {"name": "广州地铁"}, id="acc-gzmc")
    s.create_person("acc-szmc", {"name": "David Chen", "title": "总工程师", "influence": 4}, id="p-chen")
    s.create_person("acc-szmc", {"name": "David Chen", "department": "信号部", "email": "d.chen@szmc.example.cn",
                                 "title": "Chief engineer"}, id="p-chen2")
    s.create_person("acc-szmc", {"name": "王建国", "title": "总经理"}, id="p-wang")
    s.create_person("acc-szmc", {"name": "Zhou Jie 周杰"}, id="p-zhou")
    s.create_person("acc-gzmc", {"name": "Li Na 李娜"}, id="p-li")
    s.create_opportunity("acc-szmc", {"name": "Line 14 signalling", "stage": "tender"}, id="opp-l14")
    s.create_competitor("opp-l14", {"name": "华信智能 Huaxin"}, id="comp-hx")
    s.create("User", {"username": "li.wei", "display_name": "Li Wei 李伟", "role": "manager"}, id="u-li")
    return s


def lines(store, person_id):
    """(type, other end, direction) of every line of a person in the portfolio graph (no interactions)."""
    G = store.portfolio_graph()
    out = {(t, v, "out") for _, v, t in G.out_edges(person_id, keys=True)}
    return out | {(t, u, "in") for u, _, t in G.in_edges(person_id, keys=True)}


def merge(store, keep="p-chen", drop="p-chen2"):
    return store.merge_people(keep, drop, keep_version=store.get("Person", keep)["version"],
                              drop_version=store.get("Person", drop)["version"])


def test_every_line_of_the_dropped_person_moves_to_the_survivor(shenzhen):
    s = shenzhen
    s.relate("REPORTS_TO", "p-chen2", "p-wang")
    s.relate("REPORTS_TO", "p-zhou", "p-chen2")
    s.relate("INFLUENCES", "p-chen2", "p-wang", {"strength": 4})
    s.relate("INFLUENCES", "p-zhou", "p-chen2", {"strength": 2})
    s.relate("KNOWS", "p-chen2", "p-li", {"strength": 5})
    s.relate("KNOWS", "p-li", "p-chen2", {"strength": 3})
    s.relate("ROLE_IN", "p-chen2", "opp-l14", {"role": "technical_buyer"})
    s.relate("RELATIONSHIP", "u-li", "p-chen2", {"strength": 4})
    s.relate("RELATIONSHIP", "comp-hx", "p-chen2", {"strength": 5})
    s.log_interaction({"kind": "visit", "channel": "in_person", "at": "2026-09-01T02:30:00+00:00",
                       "summary": "SIL-4 certificate"}, user_ids=["u-li"], person_ids=["p-chen2"])
    moved = lines(s, "p-chen2")
    interaction = s.timeline("p-chen2")[0]["props"]["id"]
    survivor = merge(s)
    assert s.find("Person", "p-chen2") is None
    assert survivor["id"] == "p-chen" and survivor["version"] == 2
    assert lines(s, "p-chen") == moved
    assert {"REPORTS_TO", "INFLUENCES", "KNOWS", "ROLE_IN", "RELATIONSHIP", "WORKS_AT"} == {t for t, *_ in moved}
    assert s.lines_of("Person", "p-chen") == {"REPORTS_TO": 2, "INFLUENCES": 2, "KNOWS": 2, "ROLE_IN": 1,
                                        "RELATIONSHIP": 2, "WITH": 1, "WORKS_AT": 1}
    assert s.get_relationship("KNOWS", "p-chen", "p-li")["strength"] == 5
    assert s.get_relationship("ROLE_IN", "p-chen", "opp-l14")["role"] == "technical_buyer"
    assert [row["props"]["id"] for row in s.timeline("p-chen")] == [interaction]


def test_the_survivors_values_win_and_its_empty_ones_are_filled(shenzhen):
    survivor = merge(shenzhen)
    assert survivor["title"] == "总工程师" and survivor["influence"] == 4
    assert survivor["department"] == "信号部" and survivor["email"] == "d.chen@szmc.example.cn"
    assert shenzhen.get("Person", "p-chen") == survivor


def test_a_line_both_have_is_kept_once_by_the_rule(shenzhen):
    """The survivor's properties, the missing ones filled; for our coverage the higher strength, the later contact."""
    s = shenzhen
    s.relate("KNOWS", "p-chen", "p-li", {"strength": 2})
    s.relate("KNOWS", "p-chen2", "p-li", {"strength": 5})
    s.relate("ROLE_IN", "p-chen", "opp-l14", {"role": "coach"})
    s.relate("ROLE_IN", "p-chen2", "opp-l14", {"role": "technical_buyer", "stance": "supporter", "influence": 4})
    s.relate("RELATIONSHIP", "u-li", "p-chen", {"strength": 2, "since": "2019-03-01",
                                                "last_contact_at": "2026-01-05T09:00:00+00:00"})
    s.relate("RELATIONSHIP", "u-li", "p-chen2", {"strength": 4, "since": "2024-06-01",
                                                 "last_contact_at": "2026-08-20T09:00:00+00:00"})
    s.relate("RELATIONSHIP", "comp-hx", "p-chen", {"strength": 5, "last_contact_at": "2026-09-01T09:00:00+00:00"})
    s.relate("RELATIONSHIP", "comp-hx", "p-chen2", {"strength": 1})
    merge(s)
    assert s.stats()["relationships"]["KNOWS"] == 1
    assert s.get_relationship("KNOWS", "p-chen", "p-li")["strength"] == 2
    role = s.get_relationship("ROLE_IN", "p-chen", "opp-l14")
    assert (role["role"], role["stance"], role["influence"]) == ("coach", "supporter", 4)
    ours = s.get_relationship("RELATIONSHIP", "u-li", "p-chen")
    assert (ours["strength"], ours["since"], ours["last_contact_at"]) == (4, "2019-03-01", "2026-08-20T09:00:00+00:00")
    rival = s.get_relationship("RELATIONSHIP", "comp-hx", "p-chen")
    assert (rival["strength"], rival["last_contact_at"]) == (5, "2026-09-01T09:00:00+00:00")
    assert s.stats()["relationships"]["RELATIONSHIP"] == 2
    assert s.stats()["relationships"]["WORKS_AT"] == 4  # one each for Chen, Wang, Zhou and Li


def test_lines_between_the_two_are_dropped_and_an_interaction_with_both_kept_once(shenzhen):
    s = shenzhen
    s.relate("KNOWS", "p-chen", "p-chen2", {"strength": 3})
    s.relate("INFLUENCES", "p-chen2", "p-chen", {"strength": 3})
    s.relate("REPORTS_TO", "p-chen2", "p-chen")
    both = s.log_interaction({"kind": "meeting", "channel": "in_person", "at": "2026-10-02T08:15:00+00:00",
                              "summary": "确认评标时间"}, user_ids=["u-li"], person_ids=["p-chen", "p-chen2"])
    merge(s)
    assert not [line for line in lines(s, "p-chen") if line[1] == "p-chen"]
    assert s.get_interaction(both["id"])["person_ids"] == ["p-chen"]
    assert not any(s.stats()["relationships"].get(t) for t in ("KNOWS", "INFLUENCES", "REPORTS_TO"))


def test_the_survivors_timeline_shows_both_peoples_interactions(shenzhen):
    s = shenzhen
    visit = {"kind": "visit", "channel": "in_person", "summary": "拜访"}
    first = s.log_interaction({**visit, "at": "2026-09-01T02:30:00+00:00"}, user_ids=["u-li"], person_ids=["p-chen"])
    second = s.log_interaction({**visit, "at": "2026-09-03T02:30:00+00:00"}, user_ids=["u-li"],
                               person_ids=["p-chen2", "p-wang"])
    merge(s)
    timeline = s.timeline("p-chen")
    assert [row["props"]["id"] for row in timeline] == [second["id"], first["id"]]
    assert sorted(p[0] for p in timeline[0]["people"]) == ["p-chen", "p-wang"]


@pytest.mark.parametrize("chart, message", [
    ([("p-chen", "p-wang"), ("p-chen2", "p-zhou")], "would report to"),
    ([("p-chen2", "p-zhou"), ("p-zhou", "p-chen")], "close a reports-to cycle"),
    ([("p-chen", "p-zhou"), ("p-zhou", "p-chen2")], "close a reports-to cycle"),
])
def test_a_second_manager_or_a_cycle_is_refused_with_nothing_changed(shenzhen, chart, message):
    s = shenzhen
    for start, end in chart:
        s.relate("REPORTS_TO", start, end)
    before = s.portfolio_graph()
    with pytest.raises(ValidationError, match=message):
        merge(s)
    after = s.portfolio_graph()
    assert sorted(after.edges(keys=True)) == sorted(before.edges(keys=True))
    assert s.get("Person", "p-chen2")["version"] == 1


def test_a_stale_version_of_either_is_refused_with_the_current_values(shenzhen):
    s = shenzhen
    s.update("Person", "p-chen2", {"phone": "+86 755 0000 1111"}, version=1)
    with pytest.raises(Conflict) as error:
        s.merge_people("p-chen", "p-chen2", keep_version=1, drop_version=1)
    assert error.value.current["phone"] == "+86 755 0000 1111"
    s.update("Person", "p-chen", {"phone": "+86 755 0000 2222"}, version=1)
    with pytest.raises(Conflict):
        s.merge_people("p-chen", "p-chen2", keep_version=1, drop_version=2)
    assert s.find("Person", "p-chen2") is not None


def test_people_of_different_accounts_or_one_person_are_not_merged(shenzhen):
    with pytest.raises(ValidationError, match="different accounts"):
        merge(shenzhen, "p-chen", "p-li")
    with pytest.raises(ValidationError, match="itself"):
        merge(shenzhen, "p-chen", "p-chen")
    assert shenzhen.find("Person", "p-li") is not None


def test_the_merge_is_audited_and_the_dropped_history_found_under_the_survivor(shenzhen):
    s = shenzhen
    s.create_person("acc-szmc", {"name": "王建国"}, id="p-wang2")
    s.update("Person", "p-wang2", {"title": "总经理"}, version=1)
    merge(s, "p-wang", "p-wang2")
    entries, total = s.audit_log(target="p-wang")
    assert [e["action"] for e in entries] == ["merge", "update", "create", "create"]
    assert total == 4
    assert entries[0]["merged_from"] == "p-wang2" and "p-wang2" in entries[0]["before"]
    merge(s, "p-chen", "p-wang")  # merged again: the history follows
    assert {e["target_id"] for e in s.audit_log(target="p-chen")[0]} == {"p-chen", "p-wang", "p-wang2"}


# -- accounts ----------------------------------------------------------------------------------------


@pytest.fixture
def northwind(any_store):
    """Two "Northwind Rail Authority" accounts with people (a "David Chen" at each), bids, teams and a hierarchy."""
    s = any_store
    s.create("Account", {"name": "Northwind Rail Authority", "industry": "Rail", "segment": "strategic"}, id="acc-nw")
    s.create("Account", {"name": "Northwind Rail Authority ", "region": "North", "annual_value": 2_500_000,
                         "segment": "key"}, id="acc-nw2")
    s.create("Account", {"name": "Northwind Holdings"}, id="acc-group")
    s.create("Account", {"name": "Northwind Signalling Unit"}, id="acc-unit")
    s.create_person("acc-nw", {"name": "David Chen", "title": "CTO"}, id="p-chen")
    s.create_person("acc-nw2", {"name": "David Chen", "email": "d.chen@northwind.example"}, id="p-chen2")
    s.create_person("acc-nw2", {"name": "Mia Park"}, id="p-park")
    s.create_opportunity("acc-nw", {"name": "Depot upgrade"}, id="opp-depot")
    s.create_opportunity("acc-nw2", {"name": "Line 3 signalling", "stage": "tender"}, id="opp-l3")
    for username, user_id in (("li.wei", "u-li"), ("omar", "u-omar")):
        s.create("User", {"username": username, "display_name": username, "role": "manager"}, id=user_id)
    s.relate("MEMBER_OF", "u-li", "acc-nw", {"team_role": "account manager"})
    s.relate("MEMBER_OF", "u-li", "acc-nw2", {"team_role": "bid manager"})
    s.relate("MEMBER_OF", "u-omar", "acc-nw2", {"team_role": "sponsor"})
    s.relate("PART_OF", "acc-nw2", "acc-group")
    s.relate("PART_OF", "acc-unit", "acc-nw2")
    s.relate("PART_OF", "acc-nw2", "acc-nw")
    s.relate("RELATIONSHIP", "u-omar", "p-park", {"strength": 4})
    return s


def merge_accounts(store, keep="acc-nw", drop="acc-nw2"):
    return store.merge_accounts(keep, drop, keep_version=store.get("Account", keep)["version"],
                                drop_version=store.get("Account", drop)["version"])


def test_every_line_of_the_dropped_account_moves_to_the_survivor(northwind):
    s = northwind
    survivor = merge_accounts(s)
    assert s.find("Account", "acc-nw2") is None
    assert survivor["id"] == "acc-nw" and survivor["version"] == 2
    assert {p["id"] for p in s.people_of_account("acc-nw")} == {"p-chen", "p-chen2", "p-park"}
    assert {o["id"] for o in s.opportunities_of_account("acc-nw")} == {"opp-depot", "opp-l3"}
    assert s.member_accounts("u-omar") == {"acc-nw"}
    assert s.get_relationship("MEMBER_OF", "u-omar", "acc-nw")["team_role"] == "sponsor"
    assert s.get_relationship("PART_OF", "acc-nw", "acc-group") is not None
    assert s.get_relationship("PART_OF", "acc-unit", "acc-nw") is not None
    assert s.lines_of("Account", "acc-nw") == {"WORKS_AT": 3, "FOR": 2, "MEMBER_OF": 2, "PART_OF": 2}
    assert s.get_relationship("RELATIONSHIP", "u-omar", "p-park")["strength"] == 4  # the people's own lines stay
    assert s.integrity_problems() == []


def test_the_surviving_accounts_values_win_and_its_empty_ones_are_filled(northwind):
    survivor = merge_accounts(northwind)
    assert (survivor["name"], survivor["segment"], survivor["industry"]) == ("Northwind Rail Authority", "strategic",
                                                                              "Rail")
    assert (survivor["region"], survivor["annual_value"]) == ("North", 2_500_000)
    assert northwind.get("Account", "acc-nw") == survivor


def test_a_team_membership_both_have_is_kept_once_with_the_survivors_role(northwind):
    s = northwind
    merge_accounts(s)
    assert s.get_relationship("MEMBER_OF", "u-li", "acc-nw")["team_role"] == "account manager"
    assert s.stats()["relationships"]["MEMBER_OF"] == 2
    assert s.stats()["relationships"]["PART_OF"] == 2  # the line between the two went with the dropped one


def test_people_of_one_name_stay_two_and_the_integrity_report_lists_them(northwind):
    """Merging accounts never merges people: the report names the pair, and merge_people can then join them."""
    s = northwind
    merge_accounts(s)
    pairs = [p for p in s.map_problems() if p["problem"] == "people of one name at one account"]
    assert [sorted(p["id"].split()) for p in pairs] == [["p-chen", "p-chen2"]]
    merge(s, "p-chen", "p-chen2")
    assert s.get("Person", "p-chen")["email"] == "d.chen@northwind.example"


def test_a_stale_version_of_either_account_is_refused_with_the_current_values(northwind):
    s = northwind
    s.update("Account", "acc-nw2", {"industry": "Transport"}, version=1)
    with pytest.raises(Conflict) as error:
        s.merge_accounts("acc-nw", "acc-nw2", keep_version=1, drop_version=1)
    assert error.value.current["industry"] == "Transport"
    with pytest.raises(Conflict):
        s.merge_accounts("acc-nw", "acc-nw2", keep_version=0, drop_version=2)
    assert s.find("Account", "acc-nw2") is not None and s.account_of("Person", "p-park") == "acc-nw2"
    with pytest.raises(ValidationError, match="itself"):
        merge_accounts(s, "acc-nw", "acc-nw")


def test_the_account_merge_is_audited_and_the_dropped_history_found_under_the_survivor(northwind):
    s = northwind
    s.create_person("acc-nw2", {"name": "Gone Soon"}, id="p-gone")
    s.delete("Person", "p-gone")
    merge_accounts(s)
    entries, _total = s.audit_log(target="acc-nw")
    assert entries[0]["action"] == "merge" and entries[0]["merged_from"] == "acc-nw2"
    assert {"acc-nw", "acc-nw2"} <= {e["target_id"] for e in entries}
    history = s.account_history("acc-nw", "2000-01-01")
    targets = {e["target_id"] for e in history["entries"]}
    assert {"acc-nw2", "p-gone", "p-park", "opp-l3"} <= targets


@pytest.mark.parametrize("label", ["Person", "Account"])
def test_the_merge_statement_covers_every_line_a_node_can_have(label):
    """node.merge has one block per (direction, type, other label) of the vocabulary touching the label."""
    text = load_statements("falkordb")[f"node.merge:{label}"]
    outgoing = re.findall(r"OPTIONAL MATCH \(drop\)-\[r:(\w+)\]->\(o:(\w+)\)", text)
    incoming = re.findall(r"OPTIONAL MATCH \(drop\)<-\[r:(\w+)\]-\(o:(\w+)\)", text)
    found = sorted([("out", t, other) for t, other in outgoing] + [("in", t, other) for t, other in incoming])
    kinds = [(t, s, e) for t, (starts, ends, *_) in RELATIONSHIP_TYPES.items() for s in starts for e in ends]
    expected = sorted([("out", t, e) for t, s, e in kinds if s == label]
                      + [("in", t, s) for t, s, e in kinds if e == label])
    assert found == expected
    assert text.count("moved.strength > n.strength") == sum(t == "RELATIONSHIP" for _, t, _ in expected)
