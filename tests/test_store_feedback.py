"""Customer feedback in the store, on every backend (``any_store``): the
portfolio graph holds it for the satisfaction figures."""

from __future__ import annotations

from graphcrm.analysis import portfolio_coverage

NOW = "2026-05-01T00:00:00+00:00"


def small_account(store) -> None:
    """Account acc-1 with 王强 (p-wang) and Emily Chen (p-emily), our user u-li."""
    store.create("Account", {"name": "华东电网"}, id="acc-1")
    store.create_person("acc-1", {"name": "王强", "influence": 5}, id="p-wang")
    store.create_person("acc-1", {"name": "Emily Chen", "influence": 2}, id="p-emily")
    store.create("User", {"username": "li", "display_name": "Li Wei", "role": "manager"}, id="u-li")


def test_the_portfolio_graph_holds_customer_feedback_and_no_other_interaction(any_store):
    s = any_store
    small_account(s)
    s.log_interaction({"kind": "feedback", "at": "2026-04-01T08:00:00+00:00", "satisfaction": 9,
                       "summary": "满意"}, user_ids=["u-li"], person_ids=["p-wang", "p-emily"], id="int-fb")
    s.log_interaction({"kind": "call", "at": "2026-04-02T08:00:00+00:00"}, user_ids=["u-li"],
                      person_ids=["p-wang"], id="int-call")
    for lean in (False, True):
        G = s.portfolio_graph(for_analysis=lean)
        assert "int-call" not in G and G.nodes["int-fb"]["satisfaction"] == 9
        assert sorted(v for _, v, t in G.out_edges("int-fb", keys=True) if t == "WITH") == ["p-emily", "p-wang"]
        assert not any(t in ("ATTENDED", "ABOUT") for *_, t in G.edges(keys=True))
    [row] = portfolio_coverage(s.portfolio_graph(for_analysis=True), now=NOW)["accounts"]
    assert row["satisfaction"]["latest"] == 9 and row["satisfaction"]["nps"] == 100


# -- follow-ups -------------------------------------------------------------------------------------

import pytest  # noqa: E402

from graphcrm.errors import Conflict, ValidationError  # noqa: E402


def with_manager(store) -> None:
    """small_account with Zhou (u-zhou), a key-account manager on its team, and a director on it too."""
    small_account(store)
    store.create("User", {"username": "zhou", "display_name": "周明", "role": "manager"}, id="u-zhou")
    store.create("User", {"username": "boss", "display_name": "Boss", "role": "director"}, id="u-boss")
    store.relate("MEMBER_OF", "u-boss", "acc-1", {"team_role": "executive sponsor"})
    store.relate("MEMBER_OF", "u-zhou", "acc-1", {"team_role": "account manager"})


def feedback(store, score=None, sentiment=0, person="p-wang", id=None, **more):
    props = {"kind": "feedback", "at": "2026-04-01T08:00:00+00:00", "sentiment": sentiment, "summary": "备件太慢",
             **more}
    if score is not None:
        props["satisfaction"] = score
    return store.log_interaction(props, user_ids=["u-li"], person_ids=[person], id=id)


def test_a_detractor_or_a_negative_sentiment_opens_a_follow_up_for_the_account_manager(any_store):
    from datetime import date, timedelta

    s = any_store
    with_manager(s)
    due = (date.today() + timedelta(days=7)).isoformat()
    detractor = feedback(s, 6)
    assert (detractor["follow_up_owner"], detractor["follow_up_due"]) == ("u-zhou", due)
    assert "follow_up_closed_by" not in detractor
    assert feedback(s, None, sentiment=-1)["follow_up_owner"] == "u-zhou"
    assert "follow_up_owner" not in feedback(s, 7, sentiment=1)  # a passive with a good word: none
    assert "follow_up_owner" not in s.log_interaction({"kind": "call", "at": "2026-04-01T08:00:00+00:00",
                                                       "sentiment": -2}, user_ids=["u-li"], person_ids=["p-wang"])
    given = feedback(s, 2, follow_up_owner="u-li", follow_up_due="2026-04-05")
    assert (given["follow_up_owner"], given["follow_up_due"]) == ("u-li", "2026-04-05")


def test_without_an_account_manager_the_one_who_logged_it_answers(any_store):
    s = any_store
    small_account(s)
    assert feedback(s, 3)["follow_up_owner"] == "u-li"


@pytest.mark.parametrize("props, field", [
    ({"kind": "feedback", "satisfaction": 11}, "satisfaction"),
    ({"kind": "call", "satisfaction": 5}, "satisfaction"),
    ({"kind": "call", "follow_up_owner": "u-li"}, "follow_up_owner"),
    ({"kind": "feedback", "satisfaction": 3, "follow_up_owner": "u-ghost"}, "follow_up_owner"),
    ({"kind": "feedback", "satisfaction": 3, "follow_up_closed_by": "int-x"}, "follow_up_closed_by"),
])
def test_bad_feedback_is_refused_naming_the_field_and_nothing_is_stored(any_store, props, field):
    s = any_store
    small_account(s)
    before = s.stats()["nodes"]["Interaction"]
    with pytest.raises(ValidationError) as refused:
        s.log_interaction({"at": "2026-04-01T08:00:00+00:00", **props}, user_ids=["u-li"], person_ids=["p-wang"])
    assert refused.value.field == field
    assert s.stats()["nodes"]["Interaction"] == before


def test_a_feedback_needs_the_customer_person_who_gave_it(any_store):
    s = any_store
    small_account(s)
    with pytest.raises(ValidationError) as refused:
        s.log_interaction({"kind": "feedback", "at": "2026-04-01T08:00:00+00:00", "satisfaction": 3},
                          user_ids=["u-li"], person_ids=[])
    assert refused.value.field == "person_ids" and "customer person" in refused.value.message
    assert s.stats()["nodes"]["Interaction"] == 0


def test_correcting_the_score_opens_or_removes_an_open_follow_up(any_store):
    s = any_store
    with_manager(s)
    fb = feedback(s, 8, id="int-fb")
    assert "follow_up_owner" not in fb
    links = dict(user_ids=["u-li"], person_ids=["p-wang"], opportunity_id=None)
    opened = s.update_interaction("int-fb", {"satisfaction": 3}, **links, version=fb["version"])
    assert opened["follow_up_owner"] == "u-zhou" and opened["follow_up_due"]
    removed = s.update_interaction("int-fb", {"satisfaction": 9}, **links, version=opened["version"])
    assert "follow_up_owner" not in removed and "follow_up_due" not in removed
    with pytest.raises(ValidationError):
        s.update_interaction("int-fb", {"kind": "call"}, **links, version=removed["version"])  # its score stays


def test_closing_a_follow_up_logs_the_answer_and_records_it_once(any_store):
    s = any_store
    with_manager(s)
    fb = feedback(s, 4, id="int-fb")
    answer = s.close_follow_up("int-fb", {"kind": "visit", "at": "2026-04-03T08:00:00+00:00",
                                          "summary": "派驻场工程师"}, user_ids=["u-zhou"], person_ids=["p-wang"],
                               id="int-answer")
    assert answer["id"] == "int-answer" and answer["summary"] == "派驻场工程师"
    closed = s.get_interaction("int-fb")
    assert closed["follow_up_closed_by"] == "int-answer" and closed["version"] == fb["version"] + 1
    assert [t["props"]["id"] for t in s.timeline("p-wang")] == ["int-answer", "int-fb"]
    assert s.get_relationship("RELATIONSHIP", "u-zhou", "p-wang")["last_contact_at"] == "2026-04-03T08:00:00+00:00"
    actions = [(e["action"], e["target_id"]) for e in s.audit_log(limit=3)[0]]
    assert ("log_interaction", "int-answer") in actions and ("update", "int-fb") in actions
    before = s.stats()
    with pytest.raises(Conflict) as again:
        s.close_follow_up("int-fb", {"kind": "call", "at": "2026-04-04T08:00:00+00:00", "summary": "again"},
                          user_ids=["u-zhou"], person_ids=["p-wang"])
    assert again.value.current["follow_up_closed_by"] == "int-answer"
    assert s.stats() == before


@pytest.mark.parametrize("summary, target, field", [("", "int-fb", "summary"), ("done", "int-call", "follow_up")])
def test_a_follow_up_is_closed_only_with_what_was_done_and_only_where_there_is_one(any_store, summary, target,
                                                                                   field):
    s = any_store
    with_manager(s)
    feedback(s, 4, id="int-fb")
    s.log_interaction({"kind": "call", "at": "2026-04-01T08:00:00+00:00"}, user_ids=["u-li"],
                      person_ids=["p-wang"], id="int-call")
    before = s.stats()
    with pytest.raises(ValidationError) as refused:
        s.close_follow_up(target, {"kind": "call", "at": "2026-04-03T08:00:00+00:00", "summary": summary},
                          user_ids=["u-zhou"], person_ids=["p-wang"])
    assert refused.value.field == field and s.stats() == before


def test_the_owner_graph_holds_the_follow_ups_owned_and_the_feedback_of_the_owners_people(any_store):
    from graphcrm.analysis import maintenance_plan

    s = any_store
    with_manager(s)
    s.create("Account", {"name": "Other"}, id="acc-2")
    s.create_person("acc-2", {"name": "Far Away"}, id="p-far")
    s.relate("RELATIONSHIP", "u-zhou", "p-wang", {"strength": 4, "last_contact_at": "2026-01-01T00:00:00+00:00"})
    feedback(s, 3, person="p-emily", id="int-emily")  # owned by zhou, who does not know Emily
    feedback(s, 10, person="p-wang", id="int-wang")  # Wang, whom zhou knows, is a promoter
    s.log_interaction({"kind": "feedback", "at": "2026-04-01T08:00:00+00:00", "satisfaction": 1,
                       "follow_up_owner": "u-li"}, user_ids=["u-li"], person_ids=["p-far"], id="int-far")
    G = s.owner_graph("u-zhou")
    assert {"int-emily", "int-wang", "p-emily", "acc-1"} <= set(G) and "int-far" not in G
    now = "2026-06-01T00:00:00+00:00"
    plan = maintenance_plan(G, owner="u-zhou", now=now)
    [me] = plan["owners"]
    assert [f["id"] for f in me["follow_ups"]] == ["int-emily"] and me["ask_feedback"] == []  # Wang gave some
    assert plan == maintenance_plan(s.portfolio_graph(), owner="u-zhou", now=now)
    later = maintenance_plan(G, owner="u-zhou", now="2026-12-01T00:00:00+00:00")  # 244 days after Wang's
    assert [c["person"]["id"] for c in later["owners"][0]["ask_feedback"]] == ["p-wang"]


def test_an_erased_persons_feedback_keeps_its_score_and_loses_its_text(any_store):
    from graphcrm.transfer.forget import forget

    s = any_store
    with_manager(s)
    feedback(s, 3, id="int-fb")
    forget(s, "p-wang", by="admin")
    kept = s.get_interaction("int-fb")
    assert kept["satisfaction"] == 3 and kept["summary"] == "" and kept["follow_up_owner"] == "u-zhou"


# -- reassigning a follow-up ------------------------------------------------------------------------


def test_a_follow_up_goes_to_someone_on_the_team_with_a_later_due_date_audited_and_version_checked(any_store):
    s = any_store
    with_manager(s)
    s.create("User", {"username": "sun", "display_name": "孙丽", "role": "bid"}, id="u-sun")
    s.create("User", {"username": "view", "display_name": "Viewer", "role": "viewer"}, id="u-view")
    s.create_opportunity("acc-1", {"name": "备件平台", "stage": "tender", "value": 1e6}, id="opp-1")
    s.relate("MEMBER_OF", "u-sun", "opp-1", {"team_role": "bid manager"})
    s.relate("MEMBER_OF", "u-view", "acc-1", {})
    fb = feedback(s, 3, id="int-fb")
    # the director and the viewer are on the team but may not answer; Li Wei, who logged it, is not on it
    assert [u["id"] for u in s.follow_up_owners("int-fb")] == ["u-zhou", "u-sun"]  # by name
    moved = s.reassign_follow_up("int-fb", owner="u-sun", due="2099-01-31", version=fb["version"])
    assert (moved["follow_up_owner"], moved["follow_up_due"], moved["version"]) == ("u-sun", "2099-01-31",
                                                                                     fb["version"] + 1)
    [entry], _ = s.audit_log(target="int-fb", limit=1)
    assert entry["action"] == "update" and "u-sun" in entry["after"] and "2099-01-31" in entry["after"]
    with pytest.raises(Conflict):  # saved on the version before
        s.reassign_follow_up("int-fb", owner="u-zhou", due="2099-02-01", version=fb["version"])
    for owner, due, field in (("u-li", "2099-01-31", "follow_up_owner"), ("u-boss", "2099-01-31", "follow_up_owner"),
                              ("u-nobody", "2099-01-31", "follow_up_owner"), ("u-zhou", "2020-01-01", "follow_up_due"),
                              ("u-zhou", "31.01.2099", "follow_up_due"), ("u-zhou", "2099-02-30", "follow_up_due")):
        with pytest.raises(ValidationError) as refused:
            s.reassign_follow_up("int-fb", owner=owner, due=due, version=moved["version"])
        assert refused.value.field == field
    assert s.get_interaction("int-fb")["follow_up_owner"] == "u-sun"  # nothing written
    answer = {"kind": "call", "at": "2026-04-03T08:00:00+00:00", "summary": "换了备件供应商"}
    s.close_follow_up("int-fb", answer, user_ids=["u-sun"], person_ids=["p-wang"])
    with pytest.raises(Conflict):
        s.reassign_follow_up("int-fb", owner="u-zhou", due="2099-02-01", version=moved["version"] + 1)
    with pytest.raises(ValidationError):
        s.reassign_follow_up(feedback(s, 9)["id"], owner="u-zhou", due="2099-02-01", version=1)


def test_contacts_between_two_moments_name_who_met_whom(any_store):
    s = any_store
    with_manager(s)
    for n, at in enumerate(("2026-03-31T23:00:00+00:00", "2026-04-01T08:00:00+00:00", "2026-04-30T23:59:00+00:00")):
        s.log_interaction({"kind": "meeting", "at": at}, user_ids=["u-li", "u-zhou"], person_ids=["p-wang"],
                          id=f"int-{n}")
    got = sorted(s.contacts_between("2026-04-01T00:00:00+00:00", "2026-04-30T23:59:59+00:00"))
    assert got == [("u-li", "p-wang", "2026-04-01T08:00:00+00:00"), ("u-li", "p-wang", "2026-04-30T23:59:00+00:00"),
                   ("u-zhou", "p-wang", "2026-04-01T08:00:00+00:00"),
                   ("u-zhou", "p-wang", "2026-04-30T23:59:00+00:00")]
