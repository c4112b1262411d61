"""Undoing one change from its history: a new audited, version-checked write
that names the entry it undoes, never an edit of the log; refused with what
changed when the record changed since, and with the reason when the change
cannot be undone (every backend; the pages: the changes-since and audit pages)."""

from __future__ import annotations

import pytest

from graphcrm.errors import Conflict, NotFound, ValidationError

from fixtures import signed_in


def _last(store, target: str) -> dict:
    return store.audit_log(target=target, limit=1)[0][0]


@pytest.fixture
def bureau(any_store):
    any_store.create("Account", {"name": "江州市住建局", "segment": "key"}, id="acc-1")
    any_store.create_person("acc-1", {"name": "王伟", "stance": "neutral"}, id="p-1")
    any_store.create_person("acc-1", {"name": "Emily Chen"}, id="p-2")
    any_store.create_opportunity("acc-1", {"name": "智慧工地", "stage": "lead"}, id="opp-1")
    return any_store


def test_undoing_a_property_edit_writes_the_old_values_back_and_names_the_entry(bureau):
    bureau.update("Person", "p-1", {"stance": "skeptic", "title": "处长"}, version=1)
    change = _last(bureau, "p-1")
    person = bureau.undo_change(change["id"])
    assert (person["stance"], person.get("title"), person["version"]) == ("neutral", None, 3)
    undone = _last(bureau, "p-1")
    assert undone["action"] == "update" and '"undoes": "%s"' % change["id"] in undone["after"]
    assert bureau.audit_entry(change["id"]) == change  # the log is not edited
    for label, node_id, changes in (("Account", "acc-1", {"segment": "strategic"}),
                                    ("Opportunity", "opp-1", {"stage": "qualify", "value": 9e5})):
        before = bureau.get(label, node_id)
        bureau.update(label, node_id, changes, version=before["version"])
        restored = bureau.undo_change(_last(bureau, node_id)["id"])
        assert {k: restored.get(k) for k in changes} == {k: before.get(k) for k in changes}


def test_an_undo_of_a_record_changed_since_is_refused_with_what_changed(bureau):
    bureau.update("Person", "p-1", {"stance": "skeptic"}, version=1)
    change = _last(bureau, "p-1")
    bureau.update("Person", "p-1", {"stance": "opponent"}, version=2)
    with pytest.raises(Conflict) as caught:
        bureau.undo_change(change["id"])
    assert "stance is now 'opponent'" in str(caught.value) and caught.value.current["stance"] == "opponent"
    assert bureau.get("Person", "p-1")["version"] == 3


def test_relationships_and_roles_made_are_removed_and_removed_ones_made_again(bureau):
    bureau.relate("ROLE_IN", "p-2", "opp-1", {"role": "decision_maker"})
    bureau.undo_change(_last(bureau, "p-2->opp-1")["id"])
    with pytest.raises(NotFound):
        bureau.get_relationship("ROLE_IN", "p-2", "opp-1")
    bureau.relate("KNOWS", "p-1", "p-2", {"strength": 4})
    bureau.unrelate("KNOWS", "p-1", "p-2")
    bureau.undo_change(_last(bureau, "p-1->p-2")["id"])
    assert bureau.get_relationship("KNOWS", "p-1", "p-2")["strength"] == 4
    line = bureau.get_relationship("KNOWS", "p-1", "p-2")
    bureau.update_relationship("KNOWS", "p-1", "p-2", {"strength": 1}, version=line["version"])
    assert bureau.undo_change(_last(bureau, "p-1->p-2")["id"])["strength"] == 4


def test_a_removal_made_again_since_or_a_line_changed_since_is_refused(bureau):
    bureau.relate("KNOWS", "p-1", "p-2", {"strength": 4})
    bureau.unrelate("KNOWS", "p-1", "p-2")
    removal = _last(bureau, "p-1->p-2")
    bureau.relate("KNOWS", "p-1", "p-2", {"strength": 2})
    with pytest.raises(Conflict):
        bureau.undo_change(removal["id"])
    made = _last(bureau, "p-1->p-2")
    line = bureau.get_relationship("KNOWS", "p-1", "p-2")
    bureau.update_relationship("KNOWS", "p-1", "p-2", {"strength": 5}, version=line["version"])
    with pytest.raises(Conflict):
        bureau.undo_change(made["id"])
    assert bureau.get_relationship("KNOWS", "p-1", "p-2")["strength"] == 5


@pytest.mark.parametrize("make, reason", [
    (lambda s: s.create_person("acc-1", {"name": "新人"}, id="p-new"), "A new record"),
    (lambda s: s.delete("Person", "p-2"), "cannot be brought back"),
    (lambda s: s.move_person("p-2", version=1, on="2026-01-05"), "A move between accounts"),
])
def test_a_change_that_cannot_be_undone_says_why_and_writes_nothing(bureau, make, reason):
    make(bureau)
    entries, total = bureau.audit_log(limit=1)
    with pytest.raises(ValidationError) as caught:
        bureau.undo_change(entries[0]["id"])
    assert caught.value.field == "entry" and reason in caught.value.message
    assert bureau.audit_log(limit=1)[1] == total


# -- the pages -------------------------------------------------------------------------------------------


def _undo(client, entry_id: str, next_url: str = "/"):
    return client.post(f"/changes/{entry_id}/undo", data={"confirm": "yes", "next": next_url})


def test_a_change_is_undone_from_the_changes_page_and_a_stale_undo_says_what_changed(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    version = store.get("Person", "p-ours-cio")["version"]
    store.update("Person", "p-ours-cio", {"stance": "skeptic"}, version=version)
    change = _last(store, "p-ours-cio")
    page = lina.get("/people/p-ours-cio/changes").get_data(as_text=True)
    assert f"/changes/{change['id']}/undo" in page
    assert signed_in(app, "omar").post(f"/changes/{change['id']}/undo", data={"confirm": "yes"}).status_code == 404
    assert signed_in(app, "vera").post(f"/changes/{change['id']}/undo", data={"confirm": "yes"}).status_code == 404
    assert lina.post(f"/changes/{change['id']}/undo", data={}).status_code == 400  # not confirmed
    r = _undo(lina, change["id"], "/people/p-ours-cio/changes")
    assert r.status_code == 302 and r.headers["Location"].endswith("/people/p-ours-cio/changes")
    assert store.get("Person", "p-ours-cio")["stance"] == "supporter"
    again = _undo(lina, change["id"])
    assert again.status_code == 409 and "stance is now" in again.get_data(as_text=True)
    assert store.get("Person", "p-ours-cio")["version"] == version + 2


def test_a_change_that_cannot_be_undone_says_why_on_the_page(app_and_store):
    app, store = app_and_store
    store.move_person("p-ours-cfo", version=store.get("Person", "p-ours-cfo")["version"], on="2026-01-05")
    page = signed_in(app, "lina").get("/accounts/acc-ours/changes").get_data(as_text=True)
    assert "Cannot be undone" in page and "A move between accounts" in page
    leave = _last(store, "p-ours-cfo->acc-ours")
    refused = _undo(signed_in(app, "admin"), leave["id"])
    assert refused.status_code == 400 and "A move between accounts" in refused.get_data(as_text=True)


def test_the_audit_page_names_records_and_finds_them_by_name_in_any_case(app_and_store):
    """A person's history by name: their own entries and those of their lines,
    where they start (Anna Berg reports to 王强) and where they end (Lina knows her)."""
    app, store = app_and_store
    store.update("Person", "p-ours-cfo", {"stance": "neutral"}, version=store.get("Person", "p-ours-cfo")["version"])
    admin = signed_in(app, "admin")
    rows = admin.get("/admin/audit?name=anna").get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    assert "Anna Berg → 王强" in rows and "/undo" in rows and "Cannot be undone" in rows
    assert "Secret Sun" not in rows and "p-theirs" not in rows
    chinese = admin.get("/admin/audit?name=王强").get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    assert "Anna Berg → 王强" in chinese and "Secret Sun 孙秘密 → 王强" in chinese  # lines that end at him
    assert "None." in admin.get("/admin/audit?name=nobody-of-that-name").get_data(as_text=True)
    entries, total = store.audit_log(name="ANNA")
    assert total == len(entries) and {e["target_id"] for e in entries} == {
        "p-ours-cfo", "p-ours-cfo->p-ours-cio", "p-ours-cfo->opp-ours", "user-lina->p-ours-cfo"}
