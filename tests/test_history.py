"""What changed at an account since a date: hand-made histories with known
answers, through the store (every backend), ``graphcrm.history`` and the page
/accounts/<id>/changes; erased people stay erased; access as for the account."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from graphcrm.audit import acting_as
from graphcrm.cli import main as cli
from graphcrm.config import Settings
from graphcrm.graph import open_store
from graphcrm.history import about, account_changes, describe
from graphcrm.transfer.forget import PLACEHOLDER, forget
from graphcrm.users import add_user

from fixtures import PASSWORD, login

ANCIENT = "2000-01-01"


def _history(store, account_id: str, since: str = ANCIENT) -> list[str]:
    """The account's changes since ``since``, oldest first, as English sentences."""
    return [describe(c) for c in reversed(account_changes(store.account_history(account_id, since)))]


def _review_week(store) -> None:
    """An account with a known week: a stance change, a person who joins and
    gets a role, a relationship strengthened, an interaction, a stage change."""
    add_user(store, "lina", password="pw-123456789", role="manager", display_name="Lina Wu")
    lina = store.user_by_username("lina")["id"]
    store.create("Account", {"name": "江州市住建局"}, id="acc-1")
    store.create("Account", {"name": "Other Corp"}, id="acc-2")
    wang = store.create_person("acc-1", {"name": "王伟", "stance": "neutral", "influence": 3}, id="p-1")
    store.create_person("acc-2", {"name": "Someone Else"}, id="p-9")
    store.create_opportunity("acc-1", {"name": "智慧工地", "stage": "lead"}, id="opp-1")
    store.relate("RELATIONSHIP", lina, "p-1", {"strength": 2})
    with acting_as("lina"):
        store.update("Person", "p-1", {"stance": "skeptic"}, version=wang["version"])
        store.create_person("acc-1", {"name": "Emily Chen", "title": "CIO"}, id="p-2")
        store.relate("ROLE_IN", "p-2", "opp-1", {"role": "decision_maker"})
        store.relate("RELATIONSHIP", lina, "p-1", {"strength": 4})
        store.log_interaction({"kind": "meeting", "channel": "in_person", "at": "2026-05-01T09:00:00+00:00",
                               "summary": "site visit"}, user_ids=[lina], person_ids=["p-1", "p-2"])
        opp = store.get("Opportunity", "opp-1")
        store.update("Opportunity", "opp-1", {"stage": "qualify"}, version=opp["version"])
        store.update("Person", "p-9", {"stance": "champion"}, version=1)  # another account: not in the history


def test_a_week_of_changes_reads_by_name_in_order(any_store):
    _review_week(any_store)
    changes = _history(any_store, "acc-1")
    assert changes[-6:] == [
        "王伟: stance Neutral → Skeptic",
        "Emily Chen added",
        "Emily Chen joined the buying center of 智慧工地 as Decision maker",
        "Stronger: Lina Wu has a relationship with 王伟, strength 2 → 4",
        "New Meeting with 王伟, Emily Chen",
        "智慧工地: stage Lead → Qualify",
    ]
    assert not any("Someone Else" in c for c in changes)
    latest = account_changes(any_store.account_history("acc-1", ANCIENT))[0]
    assert latest["actor"] == "Lina Wu" and latest["code"] == "field.changed"


def test_a_person_or_a_bid_has_the_changes_about_them(any_store):
    _review_week(any_store)
    history = any_store.account_history("acc-1", ANCIENT)

    def about_(node_id):
        return [describe(c) for c in reversed(account_changes(about(history, node_id)))]

    assert about_("p-1")[-3:] == ["王伟: stance Neutral → Skeptic",
                                  "Stronger: Lina Wu has a relationship with 王伟, strength 2 → 4",
                                  "New Meeting with 王伟, Emily Chen"]
    assert not any("Emily Chen joined" in c or "stage" in c for c in about_("p-1"))
    assert about_("opp-1")[-2:] == ["Emily Chen joined the buying center of 智慧工地 as Decision maker",
                                    "智慧工地: stage Lead → Qualify"]
    assert not any("王伟: stance" in c for c in about_("opp-1"))


def test_changes_before_the_date_are_left_out(any_store):
    _review_week(any_store)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert any_store.account_history("acc-1", tomorrow)["entries"] == []
    assert len(_history(any_store, "acc-1", date.today().isoformat())) >= 6


def test_people_removed_since_the_date_are_named_from_the_log(any_store):
    any_store.create("Account", {"name": "Acme"}, id="acc-1")
    any_store.create_person("acc-1", {"name": "Zhang San"}, id="p-1")
    any_store.create_person("acc-1", {"name": "李四"}, id="p-2")
    any_store.relate("KNOWS", "p-1", "p-2", {"strength": 3})
    any_store.delete("Person", "p-2")
    assert _history(any_store, "acc-1")[-4:] == [
        "Zhang San added", "李四 added", "New line: Zhang San knows 李四 (strength 3)", "李四 removed"]


def test_a_person_whose_delete_entry_names_no_account_is_placed_by_the_entry_that_created_them(any_store):
    any_store.create("Account", {"name": "Acme"}, id="acc-1")
    logged = {"actor": "lina", "via": "web", "target_label": "Person", "target_id": "p-old"}
    any_store.restore_audit([  # entries as written before deletes recorded the account
        {**logged, "id": "audit-1", "at": "2026-01-02T09:00:00+00:00", "action": "create",
         "after": json.dumps({"name": "老王", "account_id": "acc-1"})},
        {**logged, "id": "audit-2", "at": "2026-01-03T09:00:00+00:00", "action": "delete",
         "before": json.dumps({"name": "老王"})},
    ])
    assert _history(any_store, "acc-1", "2026-01-01") == ["老王 added", "老王 removed", "Acme added"]
    assert _history(any_store, "acc-1", "2026-01-03") == ["老王 removed", "Acme added"]


def test_the_upgrade_gives_older_line_entries_their_end_and_the_history_finds_them(any_store):
    """Entries of lines written before their end was recorded (``target_end``)
    are found by that end once ``graphcrm init`` (setup_schema) fills it in:
    the history is then what the log holds about the account's records and
    the lines with an end among them (as the scan of every entry gave it)."""
    _review_week(any_store)
    lina = any_store.user_by_username("lina")["id"]
    logged = {"actor": "lina", "via": "web", "at": "2026-04-01T09:00:00+00:00"}
    older = [  # as an older version wrote them: no target_end
        {**logged, "id": "audit-old-1", "action": "relate", "target_label": "RELATIONSHIP",
         "target_id": f"{lina}->p-1", "after": json.dumps({"strength": 1})},
        {**logged, "id": "audit-old-2", "action": "relate", "target_label": "KNOWS",
         "target_id": "p-9->p-2", "after": json.dumps({"strength": 3})},
        {**logged, "id": "audit-old-3", "action": "relate", "target_label": "KNOWS",
         "target_id": "p-1->p-9", "after": json.dumps({"strength": 2})},
        {**logged, "id": "audit-old-4", "action": "update", "target_label": "Person", "target_id": "p-9",
         "before": json.dumps({"title": "CTO"}), "after": json.dumps({"title": "CEO"})},
    ]
    any_store.backend.run("restore.audit", {"rows": older, "audit": []}, write=True)
    found = {e["id"] for e in any_store.account_history("acc-1", ANCIENT)["entries"]}
    assert "audit-old-3" in found and not {"audit-old-1", "audit-old-2"} & found  # by their start only

    any_store.setup_schema()
    assert [any_store.audit_entry(f"audit-old-{n}").get("target_end") for n in (1, 2, 3, 4)] == [
        "p-1", "p-2", "p-9", None]
    assert any_store.fill_audit_ends() == 0  # idempotent
    interactions = [e["target_id"] for e in any_store.audit_log(target="Interaction")[0]]
    members = {"acc-1", "p-1", "p-2", "opp-1", *interactions}
    log, _total = any_store.audit_log(limit=500)
    expected = sorted((e["at"], e["id"]) for e in log if members & {e["target_id"], *e["target_id"].split("->")})
    history = any_store.account_history("acc-1", ANCIENT)["entries"]
    assert [(e["at"], e["id"]) for e in history] == expected
    assert {"audit-old-1", "audit-old-2", "audit-old-3"} <= {e["id"] for e in history}
    assert _history(any_store, "acc-1", "2026-04-01")[:2] == [
        "New line: Lina Wu has a relationship with 王伟 (strength 1)",
        "New line: Someone Else knows Emily Chen (strength 3)"]


def test_an_erased_person_stays_erased_in_the_history(any_store):
    any_store.create("Account", {"name": "Acme"}, id="acc-1")
    p = any_store.create_person("acc-1", {"name": "Secret Name", "title": "Secret Title",
                                          "email": "secret@example.com", "stance": "neutral"}, id="p-1")
    any_store.update("Person", "p-1", {"title": "Another Secret"}, version=p["version"])
    forget(any_store, "p-1", by="admin")
    history = any_store.account_history("acc-1", ANCIENT)
    changes = account_changes(history)
    text = repr(changes) + " ".join(describe(c) for c in changes)
    assert "Secret" not in text and "secret@" not in text
    assert f"{PLACEHOLDER}: personal data erased" in text


# -- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_weeks_changes_by_name_in_both_languages(client, auth, app_store, ids):
    cfo = app_store.get("Person", "p-cfo")
    with acting_as("lina"):
        app_store.update("Person", "p-cfo", {"stance": "supporter"}, version=cfo["version"])
    auth.login("lina")
    page = client.get(f"/accounts/{ids['east']}/changes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Li Na CFO: stance Skeptic → Supporter" in text
    assert "&lt;img src=x onerror=alert(1)&gt; added" in text and "<img src=x" not in text  # escaped
    assert "Wes Secret" not in text  # another account's person, at the other end of a line
    assert "New line: 王强 knows (someone at another account) (strength 3)" in text
    client.get("/lang/zh")
    text = client.get(f"/accounts/{ids['east']}/changes").get_data(as_text=True)
    assert "Li Na CFO：立场 怀疑者 → 支持者" in text
    assert "王强 加入 Grid upgrade 2027 的采购决策团队，角色：技术把关者" in text


def test_the_page_leaves_out_what_happened_before_the_date(client, auth, ids):
    auth.login("director")
    today = date.today().isoformat()
    assert "Li Na CFO added" in client.get(f"/accounts/{ids['east']}/changes?since={today}").get_data(
        as_text=True)
    old = client.get(f"/accounts/{ids['east']}/changes?since=2000-01-01")
    assert old.status_code == 200
    assert "New line: 王强 knows Wes Secret (strength 3)" in old.get_data(as_text=True)  # a director sees all


@pytest.mark.parametrize("since", ["2026-13-01", "last tuesday", "0999-01-01",
                                   (date.today() + timedelta(days=2)).isoformat()])
def test_a_malformed_or_future_date_is_a_clear_400(client, auth, ids, since):
    auth.login("lina")
    page = client.get(f"/accounts/{ids['east']}/changes?since={since}")
    assert page.status_code == 400
    assert "since:" in page.get_data(as_text=True)


def test_the_person_and_bid_pages_show_the_changes_about_them(client, auth, app_store, ids):
    cfo = app_store.get("Person", "p-cfo")
    with acting_as("lina"):
        app_store.update("Person", "p-cfo", {"stance": "supporter"}, version=cfo["version"])
    auth.login("lina")
    person = client.get("/people/p-cfo/changes").get_data(as_text=True)
    assert "Changes about Li Na CFO" in person and "Li Na CFO: stance Skeptic → Supporter" in person
    assert "王强 added" not in person
    bid = client.get("/opportunities/opp-east/changes?since=2000-01-01").get_data(as_text=True)
    assert "王强 joined the buying center of Grid upgrade 2027 as Technical buyer" in bid
    assert "Li Na CFO: stance" not in bid
    assert client.get("/opportunities/opp-east").get_data(as_text=True).count('/opportunities/opp-east/changes"') == 1
    login(client, "omar", PASSWORD)
    assert client.get("/people/p-cfo/changes").status_code == 404
    assert client.get("/opportunities/opp-east/changes").status_code == 404


def test_another_teams_manager_gets_404(client, auth, ids):
    login(client, "omar", PASSWORD)
    assert client.get(f"/accounts/{ids['east']}/changes").status_code == 404
    assert client.get("/accounts/no-such-account/changes").status_code == 404


# -- the command line ------------------------------------------------------------------------


def test_the_command_lists_the_changes_as_text_or_json(runner):
    with open_store(Settings.from_env()) as store:
        _review_week(store)
    text = runner.invoke(cli, ["history", "account", "acc-1", "--since", date.today().isoformat()])
    assert text.exit_code == 0, text.output
    assert "Lina Wu: 智慧工地: stage Lead → Qualify" in text.output.splitlines()[0]
    assert "Someone Else" not in text.output
    data = runner.invoke(cli, ["history", "account", "acc-1", "--json"])
    changes = json.loads(data.output)
    assert changes[0]["params"] == {"subject": "智慧工地", "field": "stage", "before": "lead", "after": "qualify"}
    for bad in (["--since", "2026-02-30"], ["--since", "2999-01-01"]):
        refused = runner.invoke(cli, ["history", "account", "acc-1", *bad])
        assert refused.exit_code == 1 and "--since" in refused.output
    assert runner.invoke(cli, ["history", "account", "nope"]).exit_code == 1
