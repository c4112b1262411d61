"""Backup and restore (every node, edge and property, on every backend
available), the batched store methods behind them, and the right to erasure."""

from __future__ import annotations

import dataclasses
import json
import threading

import pytest

from graphcrm import audit
from graphcrm.cli import main
from graphcrm.config import Settings
from graphcrm.errors import Conflict, NotFound, StoreUnavailable, ValidationError
from graphcrm.graph import embedded_server, open_store
from graphcrm.graph.statements import relationship_key
from graphcrm.model import RELATIONSHIP_TYPES
from graphcrm.transfer.backup import backup, read_backup, restore
from graphcrm.transfer.forget import PLACEHOLDER, forget
from graphcrm.transfer.salesforce import read_salesforce
from graphcrm.users import add_user

from fixtures import COMBINATIONS, EVERYTHING, EVERYTHING_REL_PROPS, FIXTURES, WANG, load_everything


def contents(store) -> tuple[list, list]:
    """Every node (audit entries too, but those of a restore's own writes) and
    relationship with every property, in a comparable order."""
    nodes, rels = [], []
    for item in store.dump():
        if item[0] == "node":
            if item[1] != "AuditEntry" or item[2]["action"] != "restore":
                nodes.append((item[1], sorted(item[2].items())))
        else:
            rels.append((item[1], item[2], item[3], sorted(item[4].items())))
    return sorted(nodes), sorted(rels)


@pytest.fixture
def empty_store(store_name, empty_graph):
    """A second, empty graph on each store: the target of a restore."""
    with empty_graph(store_name) as graph_settings, open_store(graph_settings) as s:
        yield s


# -- batched store methods ---------------------------------------------------------------


@pytest.mark.parametrize("start_label, rel_type, end_label", COMBINATIONS, ids=[":".join(c) for c in COMBINATIONS])
def test_relationships_between_reads_every_type(any_store, start_label, rel_type, end_label):
    load_everything(any_store)
    key = relationship_key(start_label, rel_type, end_label)
    start, end = f"{start_label.lower()}-1", f"{end_label.lower()}-2"
    found = any_store.relationships_between(key, [(start, end), (end, start), ("nobody", end)], ["version", "nope"])
    assert found == {(start, end): {"version": 1}}
    props = EVERYTHING_REL_PROPS.get(rel_type, {})
    assert any_store.relationships_between(key, [(start, end)], list(props) or None) == {(start, end): props}
    assert any_store.relationships_between(key, [(start, end), ("nobody", end)], None) == {(start, end): {}}
    assert any_store.outgoing(key, [start, "nobody"]) == [(start, end)]
    assert any_store.delete_batches({key: [{"start": start, "end": end}, {"start": "nobody", "end": end}]}) == 1
    assert any_store.outgoing(key, [start]) == []


@pytest.mark.parametrize("label", list(EVERYTHING))
def test_node_values_reads_the_compared_properties_of_every_label(any_store, label):
    load_everything(any_store)
    ids = [f"{label.lower()}-1", "nobody"]
    keys = [*list(EVERYTHING[label])[:2], "nope"]
    stored = any_store.get(label, ids[0])
    assert any_store.node_values(label, ids, keys) == {ids[0]: {k: stored[k] for k in keys if k in stored}}
    assert any_store.node_values(label, ids, []) == {ids[0]: {}}


def test_users_by_username_and_is_empty(any_store):
    assert any_store.is_empty() and any_store.users_by_username(["nobody"]) == {}
    add_user(any_store, "li.wei", role="manager", password="long-enough-1", id="u-li")
    assert any_store.users_by_username(["li.wei", "nobody"])["li.wei"]["id"] == "u-li"
    assert not any_store.is_empty()


# -- backup and restore --------------------------------------------------------------------


def test_backup_restore_round_trip_reproduces_every_node_edge_and_property(any_store, empty_store, tmp_path):
    load_everything(any_store)
    read_salesforce(FIXTURES).apply(any_store)
    any_store.log_interaction({"kind": "call", "channel": "phone", "at": "2026-10-01T08:00:00+00:00",
                               "summary": "跟进 follow-up"}, user_ids=["user-1"], person_ids=["person-2"])
    file = tmp_path / "graphcrm.jsonl"
    counts = backup(any_store, file)
    original = contents(any_store)
    assert counts == {"nodes": len(original[0]), "relationships": len(original[1])}
    assert {key[1] for key, *_ in original[1]} == set(RELATIONSHIP_TYPES)
    restored = restore(empty_store, file)
    assert restored["nodes"] + restored["audit_entries"] == counts["nodes"]
    assert restored["relationships"] == counts["relationships"]
    assert any(label == "AuditEntry" for label, _ in original[0])
    assert contents(empty_store) == original
    # the restore's own writes are in the audit log
    assert empty_store.audit_log(target="AuditEntry")[1] >= 1
    # users keep their ids and password hashes: they can log in after a restore
    admin = empty_store.user_by_username("admin.wu")
    assert admin == any_store.user_by_username("admin.wu") and admin["password_hash"].startswith(("scrypt", "pbkdf2"))


def test_restore_into_an_empty_database_of_any_backend_and_back(request, store, any_store, empty_graph, tmp_path):
    """embedded → file → the other backend (through the Neo4j driver where
    available) → file → embedded again: how a site moves between the stores."""
    if request.node.callspec.params["any_store"] == "bolt":
        # not xfail: the crash would take the session's Bolt server down for the tests after it
        pytest.skip("FalkorDB's Bolt port crashes on a message of more than about 4 KB (a restore batch of "
                    "audit entries); a real Neo4j (GRAPHCRM_TEST_NEO4J_URL) runs this test")
    load_everything(store)
    read_salesforce(FIXTURES).apply(store)
    store.log_interaction({"kind": "call", "channel": "phone", "at": "2026-10-01T08:00:00+00:00",
                           "summary": "跟进 follow-up"}, user_ids=["user-1"], person_ids=["person-2"])
    there, back = tmp_path / "embedded.jsonl", tmp_path / "other.jsonl"
    counts = backup(store, there)
    restore(any_store, there)
    assert contents(any_store) == contents(store)
    assert backup(any_store, back)["relationships"] == counts["relationships"]
    with empty_graph("falkordb") as graph_settings, open_store(graph_settings) as returned:
        restore(returned, back)
        assert contents(returned) == contents(store)
        assert returned.user_by_username("admin.wu") == store.user_by_username("admin.wu")


def test_dump_pages_through_large_labels(any_store):
    any_store.bulk_merge([("Account", {"id": f"acc-{i:03}", "name": f"Account {i}"}) for i in range(25)]
                         + [("Person", {"id": f"p-{i:03}", "name": f"张{i}"}) for i in range(25)],
                         [("WORKS_AT", f"p-{i:03}", f"acc-{i:03}", {}) for i in range(25)])
    items = list(any_store.dump(batch_size=4))
    assert sum(1 for i in items if i[0] == "node" and i[1] != "AuditEntry") == 50
    audit_ids = [i[2]["id"] for i in items if i[0] == "node" and i[1] == "AuditEntry"]
    assert len(audit_ids) == 3 and audit_ids == sorted(audit_ids)  # one per batch of the bulk write, in id order
    assert sorted(i[2] for i in items if i[0] == "relationship") == [f"p-{i:03}" for i in range(25)]


def test_restore_refuses_a_database_that_is_not_empty_unless_merging(store, empty_store, tmp_path):
    load_everything(store)
    file = tmp_path / "b.jsonl"
    backup(store, file)
    empty_store.create("Account", {"name": "Already here"}, id="acc-here")
    with pytest.raises(Conflict, match="not empty.*--merge"):
        restore(empty_store, file)
    assert empty_store.stats()["nodes"]["Person"] == 0  # nothing written
    restore(empty_store, file, merge=True)
    assert empty_store.get("Account", "acc-here")["name"] == "Already here"
    nodes, rels = contents(empty_store)
    original_nodes, original_rels = contents(store)
    here = ("Account", sorted(empty_store.get("Account", "acc-here").items()))
    assert [n for n in nodes if n != here and n[0] != "AuditEntry"] == [n for n in original_nodes
                                                                      if n[0] != "AuditEntry"]
    assert {n for n in map(repr, original_nodes)} <= {n for n in map(repr, nodes)}  # the log came along
    assert rels == original_rels
    before = len(nodes)
    restore(empty_store, file, merge=True)
    assert len(contents(empty_store)[0]) == before  # merging again adds no entry twice


@pytest.mark.parametrize("mangle, message", [
    (lambda lines: [lines[0].replace('"version": 1', '"version": 99'), *lines[1:]],
     "backup format version 99 is not known"),
    (lambda lines: ['{"format": "something-else"}', *lines[1:]], "is not a GraphCRM backup"),
    (lambda lines: lines[:-1], "cut off"),
    (lambda lines: [*lines[:3], "{broken", *lines[3:]], "line 4: is not a JSON object"),
    (lambda lines: [*lines[:-1], '{"node": "Spaceship", "props": {"id": "x"}}', lines[-1]], "known label"),
    (lambda lines: [lines[0], *[line for line in lines[1:] if '"node": "Opportunity"' not in line]],
     "an end is not in the file"),
    (lambda lines: [*lines[:-1], lines[1], lines[-1]], "appears twice"),
    (lambda lines: [*lines, lines[1]], "data after the end line"),
    (lambda lines: [*lines[:-1], lines[-1].replace('"nodes": ', '"nodes": 1')], "end line counts"),
])
def test_restore_refuses_a_broken_or_unknown_file_clearly(store, empty_store, tmp_path, mangle, message):
    load_everything(store)
    file = tmp_path / "b.jsonl"
    backup(store, file)
    lines = file.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join(mangle(lines)) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        restore(empty_store, file)
    assert empty_store.is_empty()


def test_read_backup_of_a_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="cannot be read"):
        read_backup(tmp_path / "none.jsonl")


def test_cli_backup_and_restore(runner, store_name, empty_graph, tmp_path, monkeypatch):
    assert runner.invoke(main, ["demo"]).exit_code == 0
    file = tmp_path / "demo.jsonl"
    made = runner.invoke(main, ["backup", str(file)])
    assert made.exit_code == 0 and "backup of" in made.output, made.output
    header = json.loads(file.read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "graphcrm-backup" and header["version"] == 1
    refused = runner.invoke(main, ["restore", str(file)])
    assert refused.exit_code == 1 and "not empty" in refused.output and "Traceback" not in refused.output
    with empty_graph(store_name) as target:  # another graph, or another Neo4j database
        monkeypatch.setenv("GRAPHCRM_GRAPH", target.graph_name)
        if target.database_url:
            monkeypatch.setenv("GRAPHCRM_DATABASE_URL", target.database_url)
        done = runner.invoke(main, ["restore", str(file)])
        assert done.exit_code == 0 and "restored" in done.output, done.output
        assert json.loads(runner.invoke(main, ["db", "status", "--json"]).output)["nodes"]["Person"] >= 80


# -- values, and restores that fail part-way ------------------------------------------------------


def rewrite_line(file, find, change, *, ascii: bool = False) -> int:
    """Change the last line of the backup ``file`` whose item satisfies ``find``
    with ``change(item)`` (NaN written as JSON's NaN; ``ascii``: a lone
    surrogate as its escape); return the line's number."""
    lines = file.read_text(encoding="utf-8").splitlines()
    number = max(i for i, text in enumerate(lines) if find(json.loads(text)))
    item = json.loads(lines[number])
    change(item)
    lines[number] = json.dumps(item, ensure_ascii=ascii, sort_keys=True)
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number + 1


def _node(label):
    return lambda item: item.get("node") == label


BAD_VALUES = {
    "NaN": (_node("Person"), lambda props: props.update(influence=float("nan")), "influence: must be a finite number"),
    "a map": (_node("Person"), lambda props: props.update(title={"zh": "总工"}), "title: must be text, a number"),
    "a NUL": (_node("Person"), lambda props: props.update(notes="a\x00b"), "notes: must not contain control"),
    "a backtick key": (_node("Person"), lambda props: props.update({"na`me": "x"}), "na`me: is not a property"),
    "a lone surrogate": (_node("Person"), lambda props: props.update(name="周\ud800"), "name: must not contain a lone"),
    "10**30": (_node("Person"), lambda props: props.update(version=10**30), "version: must be a whole number between"),
    "10**30 on a relationship": (lambda item: item.get("relationship") == "KNOWS",
                                 lambda props: props.update(strength=10**30), "strength: must be a whole number"),
    "a NUL in the audit log": (_node("AuditEntry"), lambda props: props.update(actor="wu\x00"),
                               "actor: must not contain control"),
    "an interaction in 2199": (_node("Interaction"), lambda props: props.update(at="2199-01-01T00:00:00+00:00"),
                               "at: .*more than a day in the future"),
    "an unknown stance": (_node("Person"), lambda props: props.update(stance="fan"), "stance: unknown value"),
    "a number as text": (_node("Person"), lambda props: props.update(influence="4"),
                         "influence: '4' is not as GraphCRM stores it"),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_a_backup_with_one_bad_value_restores_nothing_and_names_its_line_and_field(store, empty_store, tmp_path, case):
    find, change, message = BAD_VALUES[case]
    load_everything(store)
    file = tmp_path / "b.jsonl"
    backup(store, file)
    number = rewrite_line(file, find, lambda item: change(item["props"]), ascii=case == "a lone surrogate")
    with pytest.raises(ValidationError, match=f"b.jsonl line {number} .*{message}"):
        restore(empty_store, file)
    assert empty_store.is_empty() and list(empty_store.audit_entries()) == []


def test_a_line_that_is_not_utf8_is_refused_by_its_number(store, empty_store, tmp_path):
    load_everything(store)
    file = tmp_path / "b.jsonl"
    backup(store, file)
    data = file.read_bytes().split(b"\n")
    data[5] = data[5].replace(b'"props"', b'"props\xed\xa0\x80"')  # a surrogate encoded as UTF-8 is not UTF-8
    file.write_bytes(b"\n".join(data))
    with pytest.raises(ValidationError, match="b.jsonl line 6: is not UTF-8"):
        restore(empty_store, file)
    assert empty_store.is_empty()


def test_cli_restore_of_a_bad_value_is_one_line(runner, store, tmp_path):
    load_everything(store)
    file = tmp_path / "b.jsonl"
    backup(store, file)
    number = rewrite_line(file, _node("Person"), lambda item: item["props"].update(seniority=float("nan")))
    refused = runner.invoke(main, ["restore", str(file)])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert f"b.jsonl line {number} (Person 'person-2'): seniority: must be a finite number" in refused.output
    assert json.loads(runner.invoke(main, ["db", "status", "--json"]).output)["nodes"]["Account"] == 0


def test_undoing_a_restore_removes_what_it_wrote_of_every_label_and_keeps_the_log_of_it(store, empty_store, tmp_path):
    load_everything(store)
    file = tmp_path / "b.jsonl"
    backup(store, file)
    empty_store.create("Account", {"name": "gone"}, id="acc-gone")
    empty_store.delete("Account", "acc-gone")
    before = graph_and_log(empty_store)
    restore(empty_store, file)
    _header, nodes, _rels = read_backup(file)
    entries = nodes.pop("AuditEntry")
    assert set(nodes) == set(EVERYTHING)
    written = sum(map(len, nodes.values())) + len(entries)
    assert empty_store.undo_restore(nodes, entries) == written
    assert graph_and_log(empty_store) == before
    actions = [entry["action"] for entry in empty_store.audit_entries()]
    assert actions.count("undo_restore") == len(EVERYTHING) + 1 and "restore" in actions  # the log of both stays
    assert empty_store.undo_restore(nodes, entries) == 0  # it can run again
    restore(empty_store, file)
    assert graph_and_log(empty_store)[:2] == graph_and_log(store)[:2]


@pytest.fixture
def own_server(tmp_path):
    """A server of this test's own, to be killed (the session's serves the other tests)."""
    settings = Settings(data_dir=tmp_path / "data")
    server = embedded_server(settings)
    server.start()
    yield settings, server
    server.stop()


def graph_and_log(store) -> tuple[list, list, list]:
    """The nodes and relationships of the graph, and the audit entries of other
    writes than a restore's (and its undoing)."""
    nodes, rels = contents(store)
    return ([n for n in nodes if n[0] != "AuditEntry"], rels,
            [n for n in nodes if n[0] == "AuditEntry" and dict(n[1])["action"] != "undo_restore"])


@pytest.mark.parametrize("merge", [False, True], ids=["into an empty database", "merged"])
def test_a_restore_the_database_dies_in_is_undone_or_completed_by_running_it_again(
        own_server, stop_mid_statement, tmp_path, merge):
    """The database is killed inside a batch of the restore (after the first
    batch is written).  Into an empty database the restore removes what it
    wrote and says so: the database is as before and the restore runs again.
    A merge cannot be undone (it overwrote what was there): it says that
    running it again completes it, which it does."""
    settings, server = own_server
    accounts = [("Account", {"id": f"acc-{i:05}", "name": f"客户 {i}", "region": "华东区域" * 30})
                for i in range(20_000)]
    with open_store(dataclasses.replace(settings, graph_name="source")) as source, \
            open_store(dataclasses.replace(settings, graph_name="target")) as target:
        source.bulk_load(accounts, [("PART_OF", f"acc-{i:05}", "acc-00000", {}) for i in range(1, 20_000)])
        file = tmp_path / "b.jsonl"
        backup(source, file)
        target.create("Account", {"name": "Already here"}, id="acc-here")
        if not merge:  # an audit log, no graph
            target.delete("Account", "acc-here")
        before = graph_and_log(target)
        first_batch = threading.Event()
        outcome = {}

        def run():
            try:
                outcome["counts"] = restore(target, file, merge=merge, progress=lambda n: first_batch.set())
            except StoreUnavailable as exc:
                outcome["error"] = str(exc)

        thread = threading.Thread(target=run)
        thread.start()
        assert first_batch.wait(120)
        stop_mid_statement(server)  # inside a batch after the first, frozen there
        server.kill()
        thread.join(timeout=300)
        assert not thread.is_alive()
        assert target.integrity_problems() == []
        if merge:
            assert "the database holds part of the backup: run the same restore with --merge again" in outcome["error"]
            assert 0 < target.count("Account") < 20_001
        else:
            assert "what it had written is removed again: the database is as before" in outcome["error"]
            assert graph_and_log(target) == before
        restore(target, file, merge=merge)
        restored_nodes, restored_rels, log = graph_and_log(target)
        original_nodes, original_rels, original_log = graph_and_log(source)
        assert restored_rels == original_rels
        assert [n for n in restored_nodes if dict(n[1])["id"] != "acc-here"] == original_nodes
        assert {repr(entry) for entry in original_log + before[2]} <= {repr(entry) for entry in log}


# -- the right to erasure -------------------------------------------------------------------


def test_forget_leaves_no_personal_data(any_store, tmp_path):
    load_everything(any_store)
    person = any_store.get("Person", "person-2")
    any_store.log_interaction({"kind": "meeting", "channel": "in_person", "at": "2026-11-01T01:00:00+00:00",
                           "summary": "周杰 said the budget is approved"}, user_ids=["user-1"], person_ids=["person-2"])
    result = forget(any_store, "person-2", by="admin.wu")
    assert result["interactions_erased"] == 2  # the sample interaction and the one just logged
    after = any_store.get("Person", "person-2")
    assert after["name"] == PLACEHOLDER and after["erased_by"] == "admin.wu" and after["erased_at"]
    for field in ("title", "email", "phone", "notes", "source_id"):
        assert field not in after
    assert (after["influence"], after["seniority"], after["id"]) == (person["influence"], person["seniority"],
                                                                      "person-2")
    file = tmp_path / "after.jsonl"
    backup(any_store, file)
    dumped = file.read_text(encoding="utf-8")
    for secret in (person["email"], person["phone"], person["notes"], person["name"], "budget is approved"):
        assert secret not in dumped
    assert "zhou.jie.1@szmc.example.cn" in dumped  # the other person is untouched
    assert any_store.relationships_between(relationship_key("Person", "KNOWS", "Person"), [("person-1", "person-2")])


def test_forget_scrubs_the_audit_log_but_keeps_who_did_what(any_store, tmp_path):
    any_store.create("Account", {"name": "华南电网"}, id="acc-s")
    created = any_store.create_person("acc-s", {"name": "郑秀文", "email": "zheng@csg.example.cn",
                                            "notes": "家住深圳湾"}, id="p-zheng")
    any_store.update("Person", "p-zheng", {"phone": "+86 20 8888 0000", "title": "处长"}, version=created["version"])
    erased = forget(any_store, "p-zheng", by="dpo")
    # several properties removed at once, and nothing else lost (FalkorDB 4.16 loses some with SET x = NULL, y = NULL)
    assert set(erased) == {"id", "name", "influence", "stance", "version", "created_at", "updated_at",
                           "erased_at", "erased_by", "interactions_erased"}
    assert erased["version"] == 3 and erased["created_at"] == created["created_at"]
    entries, total = any_store.audit_log(target="p-zheng")
    assert [e["action"] for e in entries] == ["forget", "update", "create"] and total == 3
    file = tmp_path / "after.jsonl"
    backup(any_store, file)
    dumped = file.read_text(encoding="utf-8")
    for secret in ("郑秀文", "zheng@csg.example.cn", "家住深圳湾", "+86 20 8888 0000", "处长"):
        assert secret not in dumped
    assert entries[1]["after"] == audit.ERASED


def test_forget_unknown_person_is_not_found(any_store):
    with pytest.raises(NotFound):
        forget(any_store, "p-ghost", by="admin")
    with pytest.raises(ValidationError):
        forget(any_store, "p-ghost", by="x" * 500)


def test_an_erased_person_is_not_imported_again(any_store):
    read_salesforce(FIXTURES).apply(any_store)
    forget(any_store, WANG, by="dpo")
    report = read_salesforce(FIXTURES).apply(any_store)
    assert any("was erased on" in str(p) and "Contact.csv line 2" in str(p) for p in report.warnings)
    assert any_store.get("Person", WANG)["name"] == PLACEHOLDER
    assert "email" not in any_store.get("Person", WANG)


def test_cli_forget(runner):
    runner.invoke(main, ["demo"])
    refused = runner.invoke(main, ["forget", "p-nobody", "--yes"])
    assert refused.exit_code == 1 and "not found" in refused.output
    asked = runner.invoke(main, ["forget", "p-nobody"], input="n\n")
    assert asked.exit_code == 1 and "Aborted" in asked.output
