"""The GraphStore contract, run on every backend available (see conftest)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pytest

from graphcrm.errors import Conflict, NotFound, ValidationError
from graphcrm.graph.nxgraph import build_graph

from fixtures import COMBINATIONS, REL_PROPS, SAMPLES

EDITS = {
    "Account": {"lifecycle": "at_risk"},
    "Person": {"stance": "champion", "title": None},
    "User": {"display_name": "Wei Li"},
    "Opportunity": {"stage": "submitted"},
    "Competitor": {"name": "Huaxin Intelligent"},
    "Interaction": {"sentiment": 2},
}


def snapshot(store):
    graph = store.portfolio_graph()
    return (
        sorted((n, tuple(sorted(d.items()))) for n, d in graph.nodes(data=True)),
        sorted(graph.edges(keys=True)),
        store.stats()["nodes"],
        store.stats()["relationships"],
    )


@pytest.fixture
def account(any_store):
    any_store.create("Account", SAMPLES["Account"], id="acc-szjs")
    return "acc-szjs"


@pytest.mark.parametrize("label", list(SAMPLES))
def test_node_life_cycle(any_store, label):
    created = any_store.create(label, SAMPLES[label])
    assert created["version"] == 1
    assert created["created_at"] == created["updated_at"]
    for key, value in SAMPLES[label].items():
        assert created[key] == value
    assert any_store.get(label, created["id"]) == created
    assert any_store.count(label) == 1
    assert [n["id"] for n in any_store.list_nodes(label)] == [created["id"]]
    assert [n["id"] for n in any_store.get_many(label, [created["id"], "nope"])] == [created["id"]]

    updated = any_store.update(label, created["id"], EDITS[label], version=1)
    assert updated["version"] == 2
    for key, value in EDITS[label].items():
        assert updated.get(key) == value

    any_store.delete(label, created["id"])
    assert any_store.find(label, created["id"]) is None
    with pytest.raises(NotFound):
        any_store.delete(label, created["id"])


def test_ids_are_generated_and_kept(any_store):
    generated = any_store.create("Competitor", {"name": "A"})
    assert generated["id"].startswith("comp-")
    given = any_store.create("Competitor", {"name": "B"}, id="comp-b")
    assert given["id"] == "comp-b"


@pytest.mark.parametrize(
    "label, props, field",
    [
        ("Person", {"name": "王芳", "stance": "friendly"}, "stance"),
        ("Person", {"title": "处长"}, "name"),
        ("Person", {"name": "王芳", "influence": 9}, "influence"),
        ("Person", {"name": "x" * 10_000_000}, "name"),
        ("Person", {"name": "bell\x07"}, "name"),
        ("Account", {"name": "A", "segment": "vip"}, "segment"),
        ("Opportunity", {"name": "O", "stage": "signed"}, "stage"),
        ("Opportunity", {"name": "O", "close_date": "2027-02-30"}, "close_date"),
        ("User", {"username": "a b", "display_name": "x"}, "username"),
        ("Interaction", {"kind": "call", "at": "yesterday"}, "at"),
        ("Person", {"name": "x", "salary": 1}, "salary"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(any_store, label, props, field):
    before = snapshot(any_store)
    with pytest.raises(ValidationError) as error:
        any_store.create(label, props)
    assert error.value.field == field
    assert snapshot(any_store) == before


def test_unknown_enum_lists_the_allowed_values(any_store):
    with pytest.raises(ValidationError) as error:
        any_store.create("Person", {"name": "王芳", "stance": "friendly"})
    assert "'champion'" in error.value.message and "'opponent'" in error.value.message


@pytest.mark.bolt_limit("FalkorDB's Bolt port answers every error as 'unknown error', so a duplicate is not told apart")
def test_duplicate_id_is_refused(any_store, account):
    before = snapshot(any_store)
    with pytest.raises(Conflict):
        any_store.create("Account", {"name": "Another"}, id=account)
    assert snapshot(any_store) == before


def test_stale_version_is_refused_with_the_current_values(any_store, account):
    person = any_store.create_person(account, {"name": "陈静", "stance": "neutral"})
    mine = any_store.update("Person", person["id"], {"stance": "supporter"}, version=person["version"])
    with pytest.raises(Conflict) as error:
        any_store.update("Person", person["id"], {"stance": "opponent"}, version=person["version"])
    assert error.value.current["stance"] == "supporter"
    assert error.value.current["version"] == mine["version"]
    assert any_store.get("Person", person["id"])["stance"] == "supporter"


def test_update_of_missing_node_is_not_found(any_store):
    with pytest.raises(NotFound):
        any_store.update("Account", "acc-none", {"name": "x"}, version=1)


def test_person_and_employment_are_written_together(any_store, account):
    person = any_store.create_person(account, {"name": "Emily Chen"}, since="2019-09-01")
    assert any_store.get_relationship("WORKS_AT", person["id"], account)["since"] == "2019-09-01"
    before = snapshot(any_store)
    with pytest.raises(NotFound):
        any_store.create_person("acc-missing", {"name": "Nobody"})
    assert snapshot(any_store) == before


def test_opportunity_and_account_are_written_together(any_store, account):
    opp = any_store.create_opportunity(account, SAMPLES["Opportunity"])
    assert any_store.account_of("Opportunity", opp["id"]) == account
    assert [o["id"] for o in any_store.opportunities_of_account(account)] == [opp["id"]]
    before = snapshot(any_store)
    with pytest.raises(NotFound):
        any_store.create_opportunity("acc-missing", {"name": "Ghost bid"})
    assert snapshot(any_store) == before


def test_relationships_life_cycle(any_store, account):
    boss = any_store.create_person(account, {"name": "王建国", "influence": 5}, id="p-wang")
    deputy = any_store.create_person(account, {"name": "李娜"}, id="p-li")
    user = any_store.create("User", SAMPLES["User"], id="u-liwei")
    rival = any_store.create("Competitor", SAMPLES["Competitor"], id="comp-hx")

    any_store.relate("REPORTS_TO", deputy["id"], boss["id"])
    any_store.relate("INFLUENCES", deputy["id"], boss["id"], {"strength": 4})
    rel = any_store.relate("RELATIONSHIP", user["id"], boss["id"], {"strength": 2, "since": "2024-01-01"})
    assert rel["version"] == 1 and rel["strength"] == 2
    any_store.relate("RELATIONSHIP", rival["id"], boss["id"], {"strength": 5})
    any_store.relate("MEMBER_OF", user["id"], account, {"team_role": "account owner"})

    again = any_store.relate("RELATIONSHIP", user["id"], boss["id"], {"strength": 3})
    assert again["version"] == 2 and again["strength"] == 3

    changed = any_store.update_relationship("RELATIONSHIP", user["id"], boss["id"], {"strength": 4}, version=2)
    assert changed["strength"] == 4 and changed["since"] == "2024-01-01" and changed["version"] == 3
    with pytest.raises(Conflict) as error:
        any_store.update_relationship("RELATIONSHIP", user["id"], boss["id"], {"strength": 1}, version=2)
    assert error.value.current["strength"] == 4

    any_store.unrelate("INFLUENCES", deputy["id"], boss["id"])
    with pytest.raises(NotFound):
        any_store.get_relationship("INFLUENCES", deputy["id"], boss["id"])
    with pytest.raises(NotFound):
        any_store.unrelate("INFLUENCES", deputy["id"], boss["id"])


@pytest.mark.parametrize(
    "rel_type, start, end, props, error",
    [
        ("ROLE_IN", "p-ghost", "opp-x", {"role": "decision_maker"}, NotFound),
        ("ROLE_IN", "p-real", "opp-x", {"role": "boss"}, ValidationError),
        ("KNOWS", "p-real", "p-real", {"strength": 3}, ValidationError),
        ("LIKES", "p-real", "p-real", {}, ValidationError),
        ("RELATIONSHIP", "p-real", "p-real", {"strength": 3}, NotFound),  # a Person cannot start it
        ("INFLUENCES", "p-real", "p-ghost", {"strength": 9}, ValidationError),
    ],
)
def test_bad_relationships_are_refused_and_write_nothing(any_store, account, rel_type, start, end, props, error):
    any_store.create_person(account, {"name": "Real Person"}, id="p-real")
    any_store.create_opportunity(account, {"name": "Bid"}, id="opp-x")
    before = snapshot(any_store)
    with pytest.raises(error):
        any_store.relate(rel_type, start, end, props)
    assert snapshot(any_store) == before


def test_logging_an_interaction_refreshes_recency(any_store, account):
    any_store.create_person(account, {"name": "王建国"}, id="p-wang")
    any_store.create_person(account, {"name": "Emily Chen"}, id="p-emily")
    any_store.create("User", SAMPLES["User"], id="u-liwei")
    opp = any_store.create_opportunity(account, {"name": "Bid"})
    any_store.relate("RELATIONSHIP", "u-liwei", "p-wang",
                     {"strength": 4, "last_contact_at": "2026-01-01T00:00:00+00:00"})

    logged = any_store.log_interaction(
        {"kind": "visit", "at": "2026-11-20T09:00:00+00:00", "summary": "技术交流", "sentiment": 1},
        user_ids=["u-liwei"], person_ids=["p-wang", "p-emily"], opportunity_id=opp["id"],
    )
    wang = any_store.get_relationship("RELATIONSHIP", "u-liwei", "p-wang")
    assert wang["last_contact_at"] == "2026-11-20T09:00:00+00:00" and wang["strength"] == 4
    emily = any_store.get_relationship("RELATIONSHIP", "u-liwei", "p-emily")
    assert emily["strength"] == 1 and emily["last_contact_at"] == "2026-11-20T09:00:00+00:00"

    # an older interaction logged later does not push recency back
    any_store.log_interaction(
        {"kind": "call", "at": "2026-06-01T09:00:00+00:00"}, user_ids=["u-liwei"], person_ids=["p-wang"]
    )
    assert any_store.get_relationship("RELATIONSHIP", "u-liwei", "p-wang")["last_contact_at"].startswith("2026-11-20")

    timeline = any_store.timeline("p-wang")
    assert [t["props"]["kind"] for t in timeline] == ["visit", "call"]
    assert timeline[0]["users"] == ["Li Wei 李伟"] and timeline[0]["opportunity_id"] == opp["id"]
    assert timeline[0]["opportunity_account_id"] == account and timeline[1]["opportunity_account_id"] is None
    assert logged["summary"] == "技术交流"


def test_interaction_with_unknown_person_writes_nothing(any_store, account):
    any_store.create("User", SAMPLES["User"], id="u-liwei")
    before = snapshot(any_store)
    with pytest.raises(NotFound):
        any_store.log_interaction(
            {"kind": "call", "at": "2026-11-20T09:00:00+00:00"}, user_ids=["u-liwei"], person_ids=["p-ghost"]
        )
    assert snapshot(any_store) == before


@pytest.fixture
def meeting(any_store, account):
    """A visit of Li Wei with 王建国 and Emily Chen about a bid; 李娜, 周明 and a second bid stand by."""
    s = any_store
    for person_id, name in (("p-wang", "王建国"), ("p-emily", "Emily Chen"), ("p-li", "李娜")):
        s.create_person(account, {"name": name}, id=person_id)
    s.create("User", SAMPLES["User"], id="u-liwei")
    s.create("User", {"username": "zhou", "display_name": "周明", "role": "bid"}, id="u-zhou")
    s.create_opportunity(account, {"name": "Bid"}, id="opp-bid")
    s.create_opportunity(account, {"name": "Second bid"}, id="opp-two")
    return s.log_interaction({"kind": "visit", "at": "2026-11-20T09:00:00+00:00", "summary": "技术交流"},
                             user_ids=["u-liwei"], person_ids=["p-wang", "p-emily"], opportunity_id="opp-bid",
                             id="int-visit")


def test_an_interaction_is_read_with_who_attended_whom_it_met_and_its_bid(any_store, meeting):
    got = any_store.get_interaction("int-visit")
    assert got["summary"] == "技术交流" and got["version"] == 1
    assert got["user_ids"] == ["u-liwei"] and got["person_ids"] == ["p-emily", "p-wang"]
    assert got["opportunity_id"] == "opp-bid"
    assert any_store.find_interaction("int-nope") is None
    with pytest.raises(NotFound):
        any_store.get_interaction("int-nope")


def test_editing_an_interaction_changes_its_people_on_both_sides_and_its_bid(any_store, meeting):
    s = any_store
    edited = s.update_interaction("int-visit", {"kind": "meeting", "summary": "Budget review"},
                                  user_ids=["u-liwei", "u-zhou"], person_ids=["p-wang", "p-li"],
                                  opportunity_id="opp-two", version=1)
    assert edited["version"] == 2 and edited["kind"] == "meeting" and edited["at"] == meeting["at"]
    got = s.get_interaction("int-visit")
    assert got["user_ids"] == ["u-liwei", "u-zhou"] and got["person_ids"] == ["p-li", "p-wang"]
    assert got["opportunity_id"] == "opp-two"
    assert [t["props"]["id"] for t in s.timeline("p-li")] == ["int-visit"]
    assert s.timeline("p-emily") == []
    entry = s.timeline("p-wang")[0]
    assert sorted(entry["users"]) == ["Li Wei 李伟", "周明"] and entry["opportunity_name"] == "Second bid"
    assert sorted(entry["people"]) == [["p-li", "李娜", "acc-szjs"], ["p-wang", "王建国", "acc-szjs"]]
    # the new attendee met both; Emily, taken off, keeps the recency the visit gave her
    for user_id, person_id in (("u-zhou", "p-wang"), ("u-zhou", "p-li"), ("u-liwei", "p-li"),
                               ("u-liwei", "p-emily")):
        assert s.get_relationship("RELATIONSHIP", user_id, person_id)["last_contact_at"] == meeting["at"]
    stats = s.stats()["relationships"]
    assert (stats["ATTENDED"], stats["WITH"], stats["ABOUT"]) == (2, 2, 1)

    s.update_interaction("int-visit", {}, user_ids=["u-zhou"], person_ids=["p-li"], opportunity_id=None, version=2)
    got = s.get_interaction("int-visit")
    assert (got["user_ids"], got["person_ids"], got["opportunity_id"]) == (["u-zhou"], ["p-li"], None)
    assert s.get_relationship("RELATIONSHIP", "u-liwei", "p-wang")["last_contact_at"] == meeting["at"]


def test_an_interaction_edit_is_audited_with_before_and_after(any_store, meeting):
    import json

    any_store.update_interaction("int-visit", {"sentiment": 2}, user_ids=["u-liwei"], person_ids=["p-wang"],
                                 opportunity_id="opp-bid", version=1)
    entry = any_store.audit_log(target="int-visit")[0][0]
    assert entry["action"] == "update"
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert before["person_ids"] == ["p-emily", "p-wang"] and after["person_ids"] == ["p-wang"]
    assert (before["sentiment"], after["sentiment"]) == (0, 2)
    assert (before["version"], after["version"]) == (1, 2)


def test_a_stale_interaction_edit_is_refused_with_the_current_values(any_store, meeting):
    s = any_store
    s.update_interaction("int-visit", {"summary": "first"}, user_ids=["u-liwei"], person_ids=["p-wang", "p-li"],
                         opportunity_id="opp-bid", version=1)
    before = snapshot(s)
    with pytest.raises(Conflict) as e:
        s.update_interaction("int-visit", {"summary": "second"}, user_ids=["u-zhou"], person_ids=["p-emily"],
                             opportunity_id=None, version=1)
    assert e.value.current["summary"] == "first" and e.value.current["version"] == 2
    assert e.value.current["person_ids"] == ["p-li", "p-wang"]
    assert snapshot(s) == before


@pytest.mark.parametrize("participants, error", [
    ({"user_ids": [], "person_ids": ["p-wang"]}, ValidationError),
    ({"user_ids": ["u-liwei"], "person_ids": []}, ValidationError),
    ({"user_ids": ["u-liwei"], "person_ids": ["p-ghost"]}, NotFound),
    ({"user_ids": ["u-liwei"], "person_ids": ["p-wang"], "opportunity_id": "opp-ghost"}, NotFound),
])
def test_an_interaction_edit_naming_nobody_or_a_missing_record_writes_nothing(any_store, meeting, participants,
                                                                             error):
    before = snapshot(any_store)
    with pytest.raises(error):
        any_store.update_interaction("int-visit", {"kind": "call"}, version=1,
                                     **{"opportunity_id": None, **participants})
    with pytest.raises(ValidationError):
        any_store.update_interaction("int-visit", {"at": "2099-01-01T00:00:00+00:00"}, user_ids=["u-liwei"],
                                     person_ids=["p-wang"], opportunity_id=None, version=1)
    assert snapshot(any_store) == before


def test_deleting_an_interaction_keeps_the_recency_it_gave(any_store, meeting):
    s = any_store
    s.delete_interaction("int-visit")
    assert s.find_interaction("int-visit") is None and s.timeline("p-wang") == []
    stats = s.stats()["relationships"]
    assert (stats["ATTENDED"], stats["WITH"], stats["ABOUT"]) == (0, 0, 0)
    assert s.get_relationship("RELATIONSHIP", "u-liwei", "p-emily")["last_contact_at"] == meeting["at"]
    assert s.get("Person", "p-wang") and s.get("Opportunity", "opp-bid") and s.get("User", "u-liwei")
    assert any_store.audit_log(target="int-visit")[0][0]["action"] == "delete"
    with pytest.raises(NotFound):
        s.delete_interaction("int-visit")


def test_an_interaction_edit_moves_the_stamps_of_the_accounts_before_and_after(any_store, meeting):
    s = any_store
    s.create("Account", {"name": "Metro 地铁"}, id="acc-metro")
    s.create_person("acc-metro", {"name": "Grace Lin"}, id="p-grace")
    s.create("Account", {"name": "Bystander"}, id="acc-by")
    stamps = {a: s.account_stamps([a]) for a in ("acc-szjs", "acc-metro", "acc-by")}
    s.update_interaction("int-visit", {}, user_ids=["u-liwei"], person_ids=["p-grace"], opportunity_id=None,
                         version=1)
    assert s.account_stamps(["acc-szjs"]) != stamps["acc-szjs"]  # before: its people and bid
    assert s.account_stamps(["acc-metro"]) != stamps["acc-metro"]  # after: Grace
    assert s.account_stamps(["acc-by"]) == stamps["acc-by"]


def test_search_finds_chinese_and_english_names(any_store, account):
    any_store.create_person(account, {"name": "王建国", "title": "局长"}, id="p-wang")
    any_store.create_person(account, {"name": "Emily Chen", "title": "Procurement lead"}, id="p-emily")
    assert [p["id"] for p in any_store.search("建国")["people"]] == ["p-wang"]
    assert [p["id"] for p in any_store.search("emily")["people"]] == ["p-emily"]
    assert any_store.search("procurement")["people"][0]["account_id"] == account
    assert [a["id"] for a in any_store.search("住房")["accounts"]] == [account]
    assert any_store.search("   ") == {"accounts": [], "people": []}


def test_membership_grants_the_account_directly_or_through_a_bid(any_store, account):
    other = any_store.create("Account", {"name": "Shenzhen Metro Group"})
    opp = any_store.create_opportunity(other["id"], {"name": "Depot"})
    any_store.create("User", SAMPLES["User"], id="u-liwei")
    assert any_store.member_accounts("u-liwei") == set()
    any_store.relate("MEMBER_OF", "u-liwei", account)
    any_store.relate("MEMBER_OF", "u-liwei", opp["id"], {"team_role": "bid manager"})
    assert any_store.member_accounts("u-liwei") == {account, other["id"]}
    assert any_store.user_by_username("li.wei")["id"] == "u-liwei"
    assert any_store.user_by_username("nobody") is None


def test_account_graph_holds_the_documented_neighbourhood(any_store, account):
    s = any_store
    parent = s.create("Account", {"name": "深圳市人民政府"}, id="acc-gov")
    s.relate("PART_OF", account, parent["id"])
    s.create_person(account, {"name": "王建国"}, id="p-wang")
    s.create_person(account, {"name": "李娜"}, id="p-li")
    other = s.create("Account", {"name": "Metro Group"}, id="acc-metro")
    s.create_person(other["id"], {"name": "Former colleague"}, id="p-former")
    s.create_person(other["id"], {"name": "Unrelated"}, id="p-unrelated")
    s.relate("REPORTS_TO", "p-li", "p-wang")
    s.relate("KNOWS", "p-former", "p-li", {"strength": 4})
    s.create("User", SAMPLES["User"], id="u-liwei")
    s.create("User", {"username": "zhou", "display_name": "周明", "role": "director", "password_hash": "x"},
             id="u-zhou")
    s.relate("RELATIONSHIP", "u-liwei", "p-wang", {"strength": 4})
    s.relate("RELATIONSHIP", "u-zhou", "p-former", {"strength": 5})
    s.relate("MEMBER_OF", "u-liwei", account)
    s.create("Competitor", {"name": "Huaxin"}, id="comp-hx")
    opp = s.create_opportunity(account, {"name": "Bid"}, id="opp-bid")
    s.relate("ROLE_IN", "p-wang", opp["id"], {"role": "economic_buyer"})
    s.relate("COMPETES_FOR", "comp-hx", opp["id"])
    s.log_interaction({"kind": "visit", "at": "2026-11-01T10:00:00+00:00"}, user_ids=["u-liwei"], person_ids=["p-li"])

    G = s.account_graph(account)
    assert G.graph["kind"] == "account" and G.graph["account_id"] == account
    labels = {n: d["label"] for n, d in G.nodes(data=True)}
    interaction = next(n for n, label in labels.items() if label == "Interaction")
    assert set(labels) == {
        account, "acc-gov", "p-wang", "p-li", "acc-metro", "p-former", "u-liwei", "u-zhou",
        "comp-hx", "opp-bid", interaction,
    }
    assert "password_hash" not in G.nodes["u-zhou"]
    assert G["p-wang"]["opp-bid"]["ROLE_IN"]["role"] == "economic_buyer"
    assert G["u-zhou"]["p-former"]["RELATIONSHIP"]["strength"] == 5  # a warm path across accounts
    assert G["p-former"]["acc-metro"]["WORKS_AT"]["type"] == "WORKS_AT"
    assert {k for _, _, k in G.edges(keys=True)} >= {
        "PART_OF", "WORKS_AT", "REPORTS_TO", "KNOWS", "RELATIONSHIP", "MEMBER_OF", "FOR", "ROLE_IN",
        "COMPETES_FOR", "ATTENDED", "WITH",
    }
    opportunity_G = s.opportunity_graph("opp-bid")
    assert opportunity_G.graph["kind"] == "opportunity" and opportunity_G.graph["opportunity_id"] == "opp-bid"
    assert set(opportunity_G.nodes) == set(G.nodes)
    with pytest.raises(NotFound):
        s.account_graph("acc-none")


def test_bulk_merge_is_idempotent(any_store):
    nodes = [
        ("Account", {"id": "acc-1", "name": "华南电网"}),
        ("Person", {"id": "p-1", "name": "赵磊", "influence": 5}),
        ("Person", {"id": "p-2", "name": "Grace Lin"}),
    ]
    rels = [("WORKS_AT", "p-1", "acc-1", {}), ("WORKS_AT", "p-2", "acc-1", {}),
            ("KNOWS", "p-2", "p-1", {"strength": 2})]
    first = any_store.bulk_merge(nodes, rels)
    assert first == {"nodes": 3, "relationships": 3}
    any_store.bulk_merge(nodes, rels)
    stats = any_store.stats()
    assert stats["nodes"]["Person"] == 2 and stats["relationships"]["KNOWS"] == 1
    assert any_store.get("Person", "p-1")["influence"] == 5
    with pytest.raises(ValidationError):
        any_store.bulk_merge([("Person", {"id": "p-3", "name": "x", "stance": "bogus"})])
    assert any_store.find("Person", "p-3") is None


def test_stats_count_every_label_and_type(any_store, account):
    stats = any_store.stats()
    assert stats["nodes"]["Account"] == 1 and stats["nodes"]["Person"] == 0
    assert set(stats["relationships"]) >= {"WORKS_AT", "ROLE_IN", "RELATIONSHIP"}
    assert stats["backend"] in ("falkordb", "neo4j")


REL_EDITS = {"ROLE_IN": {"stance": "champion"}, "INFLUENCES": {"strength": 5}, "KNOWS": {"strength": 5},
             "RELATIONSHIP": {"strength": 5}, "MEMBER_OF": {"team_role": "owner"}, "WORKS_AT": {"since": "2021-01-01"}}


@pytest.mark.parametrize("start_label, rel_type, end_label", COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def test_every_relationship_type_round_trips(any_store, start_label, rel_type, end_label):
    """Each allowed (start, type, end): bulk write, merge, read, versioned update, delete."""
    start = any_store.create(start_label, SAMPLES[start_label], id=f"s-{start_label.lower()}")["id"]
    end = any_store.create(end_label, SAMPLES[end_label], id=f"e-{end_label.lower()}")["id"]
    any_store.bulk_merge([], [(rel_type, start, end, REL_PROPS.get(rel_type, {}))])
    merged = any_store.relate(rel_type, start, end, REL_PROPS.get(rel_type))
    assert merged["version"] == 2  # bulk write, then merge
    assert any_store.get_relationship(rel_type, start, end) == merged
    edit = REL_EDITS.get(rel_type, {})
    updated = any_store.update_relationship(rel_type, start, end, edit, version=2)
    assert updated["version"] == 3 and all(updated[k] == v for k, v in edit.items())
    any_store.unrelate(rel_type, start, end)
    assert any_store.stats()["relationships"][rel_type] == 0
    created = any_store.relate(rel_type, start, end, REL_PROPS.get(rel_type), replace=False)
    assert created["version"] == 1
    with pytest.raises(Conflict) as error:  # create-only never overwrites
        any_store.relate(rel_type, start, end, {**REL_PROPS.get(rel_type, {}), **edit}, replace=False)
    assert error.value.current == created
    assert any_store.get_relationship(rel_type, start, end) == created


@pytest.mark.parametrize("label", list(SAMPLES))
def test_bulk_merge_writes_every_label(any_store, label):
    any_store.bulk_merge([(label, dict(SAMPLES[label], id=f"bulk-{label.lower()}"))])
    stored = any_store.get(label, f"bulk-{label.lower()}")
    assert stored["version"] == 1 and stored["created_at"]


def test_people_of_an_account_and_the_account_of_a_person(any_store, account):
    any_store.create_person(account, {"name": "王建国"}, id="p-wang")
    any_store.create_person(account, {"name": "Emily Chen"}, id="p-emily")
    assert [p["id"] for p in any_store.people_of_account(account)] == ["p-emily", "p-wang"]
    assert any_store.account_of("Person", "p-wang") == account
    assert any_store.account_of("Account", account) == account
    assert any_store.account_of("Person", "p-ghost") is None


def test_clear_empties_the_graph(any_store, account):
    any_store.create_person(account, {"name": "王建国"})
    any_store.clear()
    stats = any_store.stats()
    assert sum(stats["nodes"].values()) == 0 and sum(stats["relationships"].values()) == 0


def test_simultaneous_saves_of_one_version_let_exactly_one_through(any_store, account):
    """Eight colleagues save the same version at once: the conditional update
    (match id and version, increment) lets one win, the others get Conflict.
    (On Neo4j tests/test_neo4j.py makes the race certain, with each lock.)"""
    opp = any_store.create_opportunity(account, {"name": "Metro Line 4", "stage": "qualify"})
    together = threading.Barrier(8)

    def save(stage):
        together.wait()
        try:
            return any_store.update("Opportunity", opp["id"], {"stage": stage}, version=opp["version"])
        except Conflict as error:
            return error

    stages = ["pre_bid", "tender", "submitted", "evaluation"] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(save, stages))
    winners = [r for r in results if isinstance(r, dict)]
    assert len(winners) == 1 and sum(isinstance(r, Conflict) for r in results) == 7
    stored = any_store.get("Opportunity", opp["id"])
    assert stored["version"] == opp["version"] + 1 and stored["stage"] == winners[0]["stage"]


def test_account_with_team_member_and_competitor_with_bid_are_written_together(any_store, account):
    any_store.create("User", SAMPLES["User"], id="u-liwei")
    created = any_store.create_account({"name": "Shenzhen Metro 深圳地铁"}, member_id="u-liwei")
    assert any_store.member_accounts("u-liwei") == {created["id"]}
    opp = any_store.create_opportunity(account, {"name": "Bid"})
    rival = any_store.create_competitor(opp["id"], {"name": "华信 Huaxin"})
    assert any_store.competitor_accounts(rival["id"]) == {account}
    assert any_store.get_relationship("COMPETES_FOR", rival["id"], opp["id"])["version"] == 1
    before = snapshot(any_store)
    with pytest.raises(NotFound):
        any_store.create_account({"name": "Orphan"}, member_id="u-ghost")
    with pytest.raises(NotFound):
        any_store.create_competitor("opp-ghost", {"name": "Nobody Inc"})
    with pytest.raises(ValidationError):
        any_store.create_competitor(opp["id"], {"name": ""})
    assert snapshot(any_store) == before


def test_deleting_an_account_leaves_nothing_dangling(any_store, account):
    s = any_store
    other = s.create("Account", {"name": "Metro Group"}, id="acc-metro")
    s.create_person(account, {"name": "王建国"}, id="p-wang")
    s.create_person(account, {"name": "李娜"}, id="p-li")
    s.create_person(other["id"], {"name": "Grace Lin"}, id="p-grace")
    s.relate("KNOWS", "p-grace", "p-wang", {"strength": 3})
    s.create("User", SAMPLES["User"], id="u-liwei")
    s.relate("MEMBER_OF", "u-liwei", account)
    opp = s.create_opportunity(account, {"name": "Bid"})
    s.relate("ROLE_IN", "p-wang", opp["id"], {"role": "economic_buyer"})
    s.create_competitor(opp["id"], {"name": "Huaxin"}, id="comp-hx")
    alone = s.log_interaction({"kind": "visit", "at": "2026-11-01T10:00:00+00:00"},
                              user_ids=["u-liwei"], person_ids=["p-wang", "p-li"], opportunity_id=opp["id"])
    shared = s.log_interaction({"kind": "event", "at": "2026-11-02T10:00:00+00:00"},
                               user_ids=["u-liwei"], person_ids=["p-li", "p-grace"])

    s.delete("Account", account)
    assert s.find("Account", account) is None
    for label, node in (("Person", "p-wang"), ("Person", "p-li"), ("Opportunity", opp["id"]),
                        ("Interaction", alone["id"])):
        assert s.find(label, node) is None, node
    # what belongs elsewhere stays: the other account's person, the shared meeting, our user, the competitor
    assert [t["props"]["id"] for t in s.timeline("p-grace")] == [shared["id"]]
    assert s.find("User", "u-liwei") and s.find("Competitor", "comp-hx") and s.find("Account", "acc-metro")
    assert s.member_accounts("u-liwei") == set()
    stats = s.stats()
    assert stats["nodes"]["Person"] == 1 and stats["relationships"]["KNOWS"] == 0
    assert stats["relationships"]["WITH"] == 1 and stats["relationships"]["ROLE_IN"] == 0
    with pytest.raises(NotFound):
        s.delete("Account", account)


def test_deleting_a_person_takes_interactions_that_met_nobody_else(any_store, account):
    s = any_store
    s.create_person(account, {"name": "王建国"}, id="p-wang")
    s.create_person(account, {"name": "Emily Chen"}, id="p-emily")
    s.create("User", SAMPLES["User"], id="u-liwei")
    alone = s.log_interaction({"kind": "call", "at": "2026-11-01T10:00:00+00:00"},
                              user_ids=["u-liwei"], person_ids=["p-wang"])
    both = s.log_interaction({"kind": "visit", "at": "2026-11-02T10:00:00+00:00"},
                             user_ids=["u-liwei"], person_ids=["p-wang", "p-emily"])
    s.delete("Person", "p-wang")
    assert s.find("Interaction", alone["id"]) is None
    assert [t["props"]["id"] for t in s.timeline("p-emily")] == [both["id"]]
    assert s.stats()["relationships"]["RELATIONSHIP"] == 1  # ours with Emily stays


def test_owner_graph_holds_what_a_maintenance_plan_needs(any_store, account):
    from graphcrm.analysis import maintenance_plan

    s = any_store
    s.create("User", SAMPLES["User"], id="u-liwei")
    s.create("User", {"username": "zhou", "display_name": "周明", "role": "director"}, id="u-zhou")
    s.create_person(account, {"name": "王建国", "influence": 5}, id="p-wang")
    s.create_person(account, {"name": "Emily Chen"}, id="p-emily")
    opp = s.create_opportunity(account, {"name": "Bid", "stage": "tender", "value": 5e6})
    s.relate("ROLE_IN", "p-wang", opp["id"], {"role": "economic_buyer"})
    s.relate("RELATIONSHIP", "u-liwei", "p-wang", {"strength": 4, "last_contact_at": "2026-01-01T00:00:00+00:00"})
    s.relate("RELATIONSHIP", "u-zhou", "p-emily", {"strength": 4, "last_contact_at": "2026-01-01T00:00:00+00:00"})
    G = s.owner_graph("u-liwei")
    assert G.graph["kind"] == "owner" and set(G.nodes) == {"u-liwei", "p-wang", account, opp["id"]}
    assert "password_hash" not in G.nodes["u-liwei"]
    whole = maintenance_plan(s.portfolio_graph(), owner="u-liwei", now="2026-06-01T00:00:00+00:00")
    assert maintenance_plan(G, owner="u-liwei", now="2026-06-01T00:00:00+00:00") == whole
    assert whole["owners"][0]["due"][0]["open_deal_value"] == 5e6
    with pytest.raises(NotFound):
        s.owner_graph("u-ghost")


def test_clearing_several_fields_at_once_removes_exactly_those(any_store, account):
    """FalkorDB 4.16 drops unrelated properties when one SET removes several
    (seen: influence lost, notes kept): the update writes the whole map."""
    import random

    fields = {"title": "CIO", "department": "IT", "email": "w@east.example.cn", "phone": "138 0000 0000",
              "notes": "prefers WeChat", "seniority": 3, "stance": "neutral"}
    rng = random.Random(7)
    for i in range(40):
        props = {"name": "王强", "influence": 4, **dict(rng.sample(sorted(fields.items()), len(fields)))}
        before = any_store.create_person(account, props, id=f"p-clear-{i}")
        cleared = rng.sample(sorted(fields), rng.randint(2, len(fields)))
        any_store.update("Person", before["id"], {k: None for k in cleared}, version=before["version"])
        after = any_store.get("Person", before["id"])
        assert set(after) == set(before) - set(cleared), cleared
        assert after["influence"] == 4 and after["created_at"] == before["created_at"] and after["version"] == 2


def test_a_nul_in_a_parameter_is_refused_by_name(any_store):
    """FalkorDB's client sends parameters inside the query text, which a NUL
    would end; Neo4j would store it, so it is refused there too."""
    with pytest.raises(ValidationError) as error:
        any_store.find("Person", "p-\x00-wang")
    assert error.value.field == "id" and "NUL" in error.value.message
    entries = any_store.audit_log()[1]
    with pytest.raises(ValidationError) as error:  # a write the model does not check
        any_store.record_event("export", "Account", "acc-east\x00grid")
    assert error.value.field == "audit" and "NUL" in error.value.message
    assert any_store.audit_log()[1] == entries
    any_store.create("Account", {"name": "华东电网 East Grid"}, id="acc-nul")
    assert any_store.find("Account", "acc-nul")["name"] == "华东电网 East Grid"


def test_a_graph_written_through_the_store_has_no_integrity_problems(any_store, account):
    """Whatever a backend keeps beside the graph (Neo4j: the change stamp's node) is not reported."""
    person = any_store.create_person(account, {"name": "王建国"})
    any_store.update("Person", person["id"], {"stance": "champion"}, version=1)
    assert any_store.integrity_problems() == []


def test_build_graph_is_the_graph_add_node_and_add_edge_would_build():
    # build_graph writes networkx's adjacency dicts itself (for speed): the
    # result must be what the public methods build, in every corner
    nodes = [
        ("Account", {"id": "a1", "name": "华南电网", "tier": None}),
        ("Person", {"id": "p1", "name": "王强", "influence": 5}),
        ("Person", {"id": "p2", "name": "Grace Lin"}),
        ("User", {"id": "u1", "username": "li.wei", "password_hash": "x", "session_token": "y"}),
        ("Person", {"id": "p1", "stance": "champion"}),  # listed again: merged
    ]
    rels = [
        ("WORKS_AT", "p1", "a1", {}), ("WORKS_AT", "p2", "a1", None),
        ("KNOWS", "p1", "p2", {"strength": 3}), ("KNOWS", "p2", "p1", {"strength": 2}),
        ("INFLUENCES", "p1", "p2", {"strength": None}),
        ("RELATIONSHIP", "u1", "p1", {"strength": 4}), ("RELATIONSHIP", "u1", "p1", {"last_contact_at": "2026-05-01"}),
        ("KNOWS", "p2", "p2", {}),  # a loop
        ("WORKS_AT", "p-gone", "a1", {}), ("WORKS_AT", "p1", "a-gone", {}),  # an end not loaded
    ]
    G = build_graph(nodes, rels, kind="account", loaded_at="2026-05-01T00:00:00+00:00")
    H = nx.MultiDiGraph(kind="account", loaded_at="2026-05-01T00:00:00+00:00")
    for label, props in nodes:
        H.add_node(props["id"], label=label, **{k: v for k, v in props.items()
                                                 if v is not None and k not in ("password_hash", "session_token")})
    for rel_type, u, v, props in rels:
        if u in H and v in H:
            H.add_edge(u, v, key=rel_type, type=rel_type, **{k: x for k, x in (props or {}).items() if x is not None})
    assert nx.utils.graphs_equal(G, H)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert sorted(G.in_edges("p1", keys=True, data=True)) == sorted(H.in_edges("p1", keys=True, data=True))
    assert G.number_of_edges() == H.number_of_edges() == 7
    assert G["u1"]["p1"]["RELATIONSHIP"] == {"type": "RELATIONSHIP", "strength": 4, "last_contact_at": "2026-05-01"}
    assert G.nodes["p1"] == {"label": "Person", "id": "p1", "name": "王强", "influence": 5, "stance": "champion"}
    assert "password_hash" not in G.nodes["u1"] and "session_token" not in G.nodes["u1"]
    G.remove_node("p2")  # the public methods work on what it built
    assert "p2" not in G["p1"] and list(G.predecessors("p1")) == ["u1"]


#: audit statements -> parameters: each must start from an index of the audit entries
AUDIT_READS = {
    "backup.audit": {"after": "", "limit": 5000},
    **{f"audit.{kind}{by}": {"actor": "mei.lin" if by == "_by_actor" else None, "since": None, "until": None,
                             "target": "p-wang", "targets": ["p-wang", "p-merged"], "skip": 0, "limit": 50}
       for kind in ("list", "count") for by in ("", "_by_actor", "_by_target")},
    "audit.merged_into": {"target": "p-wang"},
    "forget.person": {"id": "p-wang", "version": 1, "props": {}, "erased": "-", "now": "-", "audit": []},
    **{f"history.{kind}": {"ids": ["acc-1", "p-wang"], "since": "2026-09-01"}
       for kind in ("entries", "relationship_entries", "deletions", "creations")},
}

#: the display names of an account's history: looked up by id, not by scanning a label
NAME_READS = {"history.names:Person": {"ids": ["p-wang", "p-li"]}, "history.user_names": {"usernames": ["lina"]}}


def plan(store, statement: str, params: dict) -> str:
    """The database's plan of a statement (GRAPH.EXPLAIN, EXPLAIN), as text."""
    backend = store.backend
    if store.backend_name == "falkordb":
        query = backend._graph._build_params_header(params) + backend.text(statement)
        return "\n".join(backend._graph.execute_command("GRAPH.EXPLAIN", backend.graph_name, query))
    _records, summary, _keys = backend._driver.execute_query("EXPLAIN " + backend.text(statement), params,
                                                             database_=backend.database)

    def lines(step, depth=0):
        yield "  " * depth + step["operatorType"].split("@")[0] + " " + str(step.get("args", {}).get("Details", ""))
        for child in step.get("children", []):
            yield from lines(child, depth + 1)

    return "\n".join(lines(summary.plan))


@pytest.mark.parametrize("statement", list(AUDIT_READS))
def test_the_audit_log_is_read_through_its_indexes(any_store, statement):
    """Backups, the audit page and erasing a person never scan the whole log
    (indexes on the entries' id, target id, target label, actor and time)."""
    steps = plan(any_store, statement, AUDIT_READS[statement])
    assert "AuditEntry" in steps and not any("AuditEntry" in step and "LabelScan" in step.replace(" ", "")
                                              for step in steps.splitlines()), steps


@pytest.mark.parametrize("statement", list(NAME_READS))
def test_the_names_of_a_history_are_looked_up_through_indexes(any_store, statement):
    steps = plan(any_store, statement, NAME_READS[statement])
    assert "Index" in steps and "LabelScan" not in steps.replace(" ", ""), steps


def test_concurrent_starts_of_the_embedded_store_all_set_up_its_schema(settings):
    """Processes that start together on a new graph each create what is missing:
    what another has just created is taken as done."""
    import dataclasses
    import uuid

    from graphcrm.graph import open_store

    fresh = dataclasses.replace(settings, graph_name=f"test-{uuid.uuid4().hex[:10]}")
    stores = [open_store(fresh, setup_schema=False) for _ in range(4)]
    try:
        stores[0].create("Account", {"name": "Shenzhen Metro 深圳地铁"})
        assert stores[0].missing_schema()
        barrier = threading.Barrier(len(stores))

        def set_up(store):
            barrier.wait()
            store.setup_schema()

        with ThreadPoolExecutor(max_workers=len(stores)) as pool:
            list(pool.map(set_up, stores))
        assert stores[0].missing_schema() == []
    finally:
        stores[0].backend.drop()
        for store in stores:
            store.close()
