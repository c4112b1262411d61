"""People who move between accounts: the employment ends (WORKS_AT becomes
WORKED_AT), the person keeps their roles, interactions and our
relationships, may start at another account; the alerts this raises, and
who sees them (every backend)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from graphcrm.analysis import warm_paths
from graphcrm.analysis.paths import FORMER_COLLEAGUE_STRENGTH
from graphcrm.errors import Conflict, ValidationError
from graphcrm.graph.nxgraph import build_graph
from graphcrm.moves import mover_alerts
from graphcrm.transfer.salesforce import read_salesforce
from graphcrm.users import add_user

from fixtures import PASSWORD, fingerprint, signed_in

TODAY = date.today()
LAST_MONTH = (TODAY - timedelta(days=30)).isoformat()


def _bid_with_champion(store) -> None:
    """黄磊 champions an open bid at the city bureau; the port group is a prospect."""
    store.create("Account", {"name": "江州市住建局", "lifecycle": "active"}, id="acc-city")
    store.create("Account", {"name": "江州港务集团", "lifecycle": "prospect"}, id="acc-port")
    store.create("Account", {"name": "Huade Automotive"}, id="acc-huade")
    store.create_person("acc-city", {"name": "黄磊", "title": "信息中心副主任"}, id="p-huang", since="2019-03-01")
    store.create_person("acc-city", {"name": "Emily Chen"}, id="p-emily")
    store.create_opportunity("acc-city", {"name": "智慧工地", "stage": "tender"}, id="opp-site")
    store.create_opportunity("acc-city", {"name": "Data centre", "stage": "won"}, id="opp-dc")
    store.relate("ROLE_IN", "p-huang", "opp-site", {"role": "champion"})
    store.relate("ROLE_IN", "p-huang", "opp-dc", {"role": "champion"})
    store.relate("KNOWS", "p-huang", "p-emily", {"strength": 4})


def test_a_move_ends_the_employment_and_keeps_roles_and_lines(any_store):
    _bid_with_champion(any_store)
    huang = any_store.get("Person", "p-huang")
    moved = any_store.move_person("p-huang", version=huang["version"], on=LAST_MONTH, to_account_id="acc-port",
                                  title="数字化部总经理")
    assert moved["title"] == "数字化部总经理" and moved["version"] == huang["version"] + 1
    jobs = any_store.employment("p-huang")
    assert [(j["account_id"], j["current"], j["since"], j["until"], j["title"]) for j in jobs] == [
        ("acc-port", True, LAST_MONTH, None, None),
        ("acc-city", False, "2019-03-01", LAST_MONTH, "信息中心副主任")]
    assert [p["id"] for p in any_store.people_of_account("acc-city")] == ["p-emily"]
    assert any_store.account_of("Person", "p-huang") == "acc-port"
    assert any_store.get_relationship("ROLE_IN", "p-huang", "opp-site")["role"] == "champion"
    assert any_store.get_relationship("KNOWS", "p-huang", "p-emily")["strength"] == 4
    entries, _total = any_store.audit_log(target="p-huang->acc-city")
    assert [e["action"] for e in entries] == ["leave"]


def test_leaving_for_nowhere_keeps_the_person_with_their_last_account(any_store):
    _bid_with_champion(any_store)
    any_store.move_person("p-huang", version=1, on=LAST_MONTH)
    assert any_store.account_of("Person", "p-huang") == "acc-city"
    assert any_store.people_of_account("acc-city")[0]["id"] == "p-emily"
    joined = any_store.move_person("p-huang", version=2, on=TODAY.isoformat(), to_account_id="acc-huade")
    assert joined["version"] == 3
    assert [j["account_id"] for j in any_store.employment("p-huang")] == ["acc-huade", "acc-city"]


def test_coming_back_and_leaving_again_keeps_one_past_employment_from_the_first_start(any_store):
    _bid_with_champion(any_store)
    any_store.move_person("p-huang", version=1, on="2024-01-01", to_account_id="acc-port")
    any_store.move_person("p-huang", version=2, on="2025-01-01", to_account_id="acc-city")
    any_store.move_person("p-huang", version=3, on=LAST_MONTH, to_account_id="acc-huade")
    past = {j["account_id"]: (j["since"], j["until"]) for j in any_store.employment("p-huang") if not j["current"]}
    assert past == {"acc-city": ("2019-03-01", LAST_MONTH), "acc-port": ("2024-01-01", "2025-01-01")}


@pytest.mark.parametrize("kwargs, field", [
    ({"on": (TODAY + timedelta(days=3)).isoformat()}, "on"),
    ({"on": "2018-01-01"}, "on"),  # before they started there
    ({"on": "01/05/2026"}, "on"),
    ({"on": LAST_MONTH, "to_account_id": "acc-city"}, "to_account_id"),
])
def test_a_bad_move_is_refused_naming_the_field_and_writes_nothing(any_store, kwargs, field):
    _bid_with_champion(any_store)
    with pytest.raises(ValidationError) as caught:
        any_store.move_person("p-huang", version=1, **kwargs)
    assert caught.value.field == field
    assert any_store.get("Person", "p-huang")["version"] == 1
    assert [j["current"] for j in any_store.employment("p-huang")] == [True]


def test_a_move_on_a_stale_version_is_refused_with_the_stored_person(any_store):
    _bid_with_champion(any_store)
    any_store.update("Person", "p-huang", {"stance": "champion"}, version=1)
    with pytest.raises(Conflict) as caught:
        any_store.move_person("p-huang", version=1, on=LAST_MONTH, to_account_id="acc-port")
    assert caught.value.current["stance"] == "champion"
    assert any_store.account_of("Person", "p-huang") == "acc-city"


def test_a_champions_job_change_raises_the_alert_once_and_only_for_who_sees_both_accounts(any_store):
    _bid_with_champion(any_store)
    any_store.move_person("p-huang", version=1, on=LAST_MONTH, to_account_id="acc-port")
    rows = any_store.former_employees()
    both = mover_alerts(rows, {"acc-city", "acc-port"}, TODAY)
    assert [(a["kind"], a["person"]["name"], a["now"]["name"], a["now"]["prospect"]) for a in both] == [
        ("champion_moved", "黄磊", "江州港务集团", True)]
    assert [r["name"] for r in both[0]["roles"]] == ["智慧工地"]  # the open bid, not the won one
    assert [(a["kind"], a["now"]) for a in mover_alerts(rows, {"acc-city"}, TODAY)] == [("champion_left", None)]
    assert mover_alerts(rows, {"acc-port"}, TODAY) == []
    assert mover_alerts(rows, set(), TODAY) == []
    assert [a["kind"] for a in mover_alerts(rows, None, TODAY)] == ["champion_moved"]


# -- the pages ---------------------------------------------------------------------------------------


def _moved_alerts(client, url: str) -> list[str]:
    page = client.get(url).get_data(as_text=True)
    if 'id="moved-people"' not in page:
        return []
    section = page.split('id="moved-people"')[1].split("</section>")[0]
    return [" ".join(re.sub(r"<[^>]+>", "", "<li" + item).split()) for item in section.split("<li")[1:]]


def _champion_moves_to_theirs(app, store) -> None:
    """王强 (champion of the open bid at "ours") moves to "theirs", recorded by the admin on the person page."""
    store.relate("ROLE_IN", "p-ours-cio", "opp-ours", {"role": "champion"})
    add_user(store, "mei", role="manager", password=PASSWORD, id="user-mei")  # on both teams
    store.relate("MEMBER_OF", "user-mei", "acc-ours")
    store.relate("MEMBER_OF", "user-mei", "acc-theirs")
    admin = signed_in(app, "admin")
    form = admin.get("/people/p-ours-cio/move").get_data(as_text=True)
    assert 'value="acc-theirs"' in form and "Not known (left the company)" in form
    version = store.get("Person", "p-ours-cio")["version"]
    r = admin.post("/people/p-ours-cio/move", data={"on": LAST_MONTH, "to_account_id": "acc-theirs",
                                                    "title": "副总经理", "version": str(version)})
    assert r.status_code == 302, r.get_data(as_text=True)


def test_the_move_alert_is_raised_once_and_only_for_who_sees_both_accounts(app_and_store):
    app, store = app_and_store
    _champion_moves_to_theirs(app, store)
    [both] = _moved_alerts(signed_in(app, "mei"), "/my-week")
    assert "Former champion 王强 left Harbor Ours 港口我方 and now works at Forbidden Freight 禁运物流" in both
    assert "Quay cranes 2027" in both
    [only_ours] = _moved_alerts(signed_in(app, "lina"), "/my-week")
    assert "王强, champion or coach of an open bid, has left Harbor Ours 港口我方" in only_ours
    assert "Forbidden" not in only_ours
    assert _moved_alerts(signed_in(app, "omar"), "/my-week") == []  # sees only the new account
    [board] = _moved_alerts(signed_in(app, "director"), "/")
    assert "now works at Forbidden Freight" in board
    zh = signed_in(app, "mei")
    zh.get("/lang/zh?next=/")
    assert "王强" in _moved_alerts(zh, "/my-week")[0]


def test_a_former_employee_stays_visible_to_the_old_team_with_their_history(app_and_store):
    app, store = app_and_store
    _champion_moves_to_theirs(app, store)
    lina = signed_in(app, "lina")
    page = lina.get("/people/p-ours-cio")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "formerly at" in text
    employment = text.split('id="employment"')[1].split("</ul>")[0]
    assert "another account" in employment and "Harbor Ours" in employment and "CIO" in employment
    assert "Forbidden" not in employment
    assert "Roles there:" in employment and "Quay cranes 2027" in employment  # his role in our bid, kept
    assert lina.get("/people/p-ours-cio/edit").status_code == 404  # the new account's team edits them now
    omar = signed_in(app, "omar")
    theirs = omar.get("/people/p-ours-cio").get_data(as_text=True)
    assert "Forbidden Freight" in theirs and "Quay cranes" not in theirs  # the old account's bid: not his to see
    assert omar.get("/people/p-ours-cio/edit").status_code == 200
    changes = lina.get(f"/accounts/acc-ours/changes?since={LAST_MONTH}").get_data(as_text=True)
    assert "王强 left Harbor Ours 港口我方" in changes
    theirs = omar.get(f"/accounts/acc-theirs/changes?since={LAST_MONTH}").get_data(as_text=True)
    assert "王强 joined Forbidden Freight 禁运物流" in theirs


def test_a_move_to_an_account_the_user_may_not_change_or_a_bad_date_writes_nothing(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    before = fingerprint(store)
    version = str(store.get("Person", "p-ours-cio")["version"])
    assert 'value="acc-theirs"' not in lina.get("/people/p-ours-cio/move").get_data(as_text=True)
    for data in ({"on": LAST_MONTH, "to_account_id": "acc-theirs", "version": version},
                 {"on": "2099-01-01", "to_account_id": "", "version": version},
                 {"on": "", "to_account_id": "", "version": version}):
        assert lina.post("/people/p-ours-cio/move", data=data).status_code == 400
    assert signed_in(app, "omar").post("/people/p-ours-cio/move", data={
        "on": LAST_MONTH, "to_account_id": "", "version": version}).status_code == 404
    assert fingerprint(store) == before
    store.update("Person", "p-ours-cio", {"stance": "champion"}, version=int(version))
    stale = lina.post("/people/p-ours-cio/move", data={"on": LAST_MONTH, "to_account_id": "", "version": version})
    assert stale.status_code == 409 and "Harbor Ours" in store.employment("p-ours-cio")[0]["account_name"]
    left = lina.post("/people/p-ours-cio/move", data={"on": LAST_MONTH, "to_account_id": "",
                                                      "version": str(int(version) + 1)})
    assert left.status_code == 302 and not store.employment("p-ours-cio")[0]["current"]


def test_a_warm_path_runs_through_a_former_colleague():
    """Our Li Wei knows 黄磊 well, who left the city bureau; 黄磊's former
    colleague Emily Chen is reached through him (a former-colleague tie, strength 2)."""
    G = build_graph(
        [("User", {"id": "u1", "username": "li", "display_name": "Li Wei"}),
         ("Account", {"id": "acc-city", "name": "江州市住建局"}),
         ("Person", {"id": "p-huang", "name": "黄磊"}), ("Person", {"id": "p-emily", "name": "Emily Chen"})],
        [("RELATIONSHIP", "u1", "p-huang", {"strength": 5, "last_contact_at": f"{TODAY.isoformat()}T08:00:00+00:00"}),
         ("WORKED_AT", "p-huang", "acc-city", {"until": LAST_MONTH}), ("WORKS_AT", "p-emily", "acc-city", {})])
    [path] = warm_paths(G, "p-emily")
    assert path["sentence"] == "Li Wei (our team) → knows → 黄磊 → worked with → Emily Chen"
    assert path["score"] == pytest.approx(FORMER_COLLEAGUE_STRENGTH / 5)


# -- the Salesforce import ------------------------------------------------------------------------------

ACCOUNTS_CSV = "Id,Name\n0015g00000EgRdAAAV,华东电网有限公司\n0015g00000SzFgsAAF,Suzhou Power Supply Co.\n"


def _export(folder, contacts: str, relations: str | None = None):
    folder.mkdir(exist_ok=True)
    (folder / "Account.csv").write_text(ACCOUNTS_CSV, encoding="utf-8")
    (folder / "Contact.csv").write_text(contacts, encoding="utf-8")
    if relations is not None:
        (folder / "AccountContactRelation.csv").write_text(relations, encoding="utf-8")
    return folder


def test_inactive_contacts_and_ended_relations_import_as_past_employment(any_store, tmp_path):
    contacts = ("Id,AccountId,LastName,FirstName,Title,IsActive\n"
                "0035g00000WqCioAAF,0015g00000EgRdAAAV,王,强,CIO,true\n"
                "0035g00000LnCfoAAF,0015g00000EgRdAAAV,李,娜,CFO,true\n")
    read_salesforce(_export(tmp_path / "first", contacts)).apply(any_store)
    assert {p["name"] for p in any_store.people_of_account("sf-0015g00000EgRdAAAV")} == {"王强", "李娜"}
    later = contacts.replace("CFO,true", "CFO,false")  # 李娜 left; 王强 left the Suzhou branch he also served
    relations = ("Id,AccountId,ContactId,IsDirect,IsActive,StartDate,EndDate\n"
                 "07k5g00000A1AAAA,0015g00000SzFgsAAF,0035g00000WqCioAAF,false,true,2021-03-01,2025-06-30\n")
    read_salesforce(_export(tmp_path / "later", later, relations)).apply(any_store)
    assert [p["name"] for p in any_store.people_of_account("sf-0015g00000EgRdAAAV")] == ["王强"]
    [li_na] = any_store.employment("sf-0035g00000LnCfoAAF")
    assert (li_na["current"], li_na["title"], li_na["until"]) == (False, "CFO", None)
    branch = [j for j in any_store.employment("sf-0035g00000WqCioAAF") if not j["current"]]
    assert [(j["account_name"], j["since"], j["until"]) for j in branch] == [
        ("Suzhou Power Supply Co.", "2021-03-01", "2025-06-30")]
