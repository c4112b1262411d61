"""The audit log: every write through the store records who, when, what,
before and after, in the same statement as the write; refused writes record
nothing; secrets never; nobody can change an entry; admins read it on
/admin/audit; the web app records the signed-in user, the CLI the OS user or
``--as``."""

from __future__ import annotations

import dataclasses
import getpass
import json
import re
import uuid

import pytest

from graphcrm.audit import REDACTED, acting_as, current_actor
from graphcrm.cli import main as cli
from graphcrm.errors import Conflict, NotFound, ValidationError
from graphcrm.graph.statements import load_statements
from graphcrm.model import AUDIT_LABEL
from graphcrm.users import add_user, hash_password
from graphcrm.web.db import get_store

from fixtures import PASSWORD, login


def _entries(store, **filters) -> list[dict]:
    return store.audit_log(limit=500, **filters)[0]


def _only(store, **filters) -> dict:
    entries = _entries(store, **filters)
    assert len(entries) == 1, entries
    entry = entries[0]
    return {**entry, "before": json.loads(entry.get("before") or "null"),
            "after": json.loads(entry.get("after") or "null")}


# -- the store -------------------------------------------------------------------------------


def test_every_kind_of_write_records_who_what_before_and_after(any_store):
    with acting_as("王芳", via="test"):
        any_store.create("Account", {"name": "江州市住建局", "segment": "key"}, id="acc-1")
        person = any_store.create_person("acc-1", {"name": "Emily Chen", "stance": "neutral"}, id="p-1")
        any_store.create_person("acc-1", {"name": "刘强"}, id="p-2")
        any_store.create_opportunity("acc-1", {"name": "智慧工地", "stage": "lead"}, id="opp-1")
        any_store.update("Person", "p-1", {"stance": "champion", "title": "CIO"}, version=person["version"])
        any_store.relate("KNOWS", "p-1", "p-2", {"strength": 2})
        rel = any_store.relate("KNOWS", "p-1", "p-2", {"strength": 3})
        any_store.update_relationship("KNOWS", "p-1", "p-2", {"strength": 5}, version=rel["version"])
        any_store.unrelate("KNOWS", "p-1", "p-2")
        user = add_user(any_store, "lina", role="manager", password=PASSWORD, id="u-lina")
        interaction = any_store.log_interaction({"kind": "meeting", "at": "2026-05-01T09:30:00+00:00"},
                                            user_ids=[user["id"]], person_ids=["p-1"])
        any_store.bulk_merge([("Competitor", {"id": "comp-1", "name": "RivalCorp"})])
        any_store.delete("Person", "p-2")
        any_store.record_event("export", "Account", "acc-1", {"format": "graphml", "no_pii": True})

    entries, total = any_store.audit_log(limit=500)
    assert total == len(entries) == 14
    assert {e["actor"] for e in entries} == {"王芳"} and {e["via"] for e in entries} == {"test"}
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)

    exported, created = _entries(any_store, target="acc-1")
    assert exported["action"] == "export"
    assert json.loads(exported["after"]) == {"format": "graphml", "no_pii": True}
    assert created["action"] == "create" and "before" not in created
    assert json.loads(created["after"])["name"] == "江州市住建局"

    p1 = _entries(any_store, target="p-1")
    assert [e["action"] for e in p1] == ["update", "create"]
    update = p1[0]
    assert json.loads(update["before"]) == {"stance": "neutral", "title": None, "version": 1}
    assert json.loads(update["after"]) == {"stance": "champion", "title": "CIO", "version": 2}
    assert json.loads(p1[1]["after"])["account_id"] == "acc-1"

    knows = _entries(any_store, target="p-1->p-2")
    assert [e["action"] for e in knows] == ["unrelate", "update", "relate", "relate"]
    assert json.loads(knows[0]["before"])["strength"] == 5
    assert json.loads(knows[1]["after"]) == {"strength": 5, "version": 3}
    assert "before" not in knows[3] and json.loads(knows[2]["before"])["strength"] == 2

    logged = _only(any_store, target=interaction["id"])
    assert logged["action"] == "log_interaction" and logged["after"]["person_ids"] == ["p-1"]
    merged = _only(any_store, target="Competitor")
    assert merged["action"] == "bulk_merge" and merged["after"] == {"ids": ["comp-1"]}
    deleted, _created = _entries(any_store, target="p-2")
    assert deleted["action"] == "delete" and json.loads(deleted["before"])["name"] == "刘强"
    assert "after" not in deleted


def test_refused_writes_record_nothing_and_failed_statements_leave_no_entry(any_store):
    account = any_store.create("Account", {"name": "Westbank Logistics"}, id="acc-1")
    any_store.update("Account", "acc-1", {"region": "华东"}, version=account["version"])
    before = any_store.audit_log()[1]
    with pytest.raises(Conflict):  # stale version
        any_store.update("Account", "acc-1", {"region": "华南"}, version=account["version"])
    with pytest.raises(Conflict):  # duplicate id: the unique constraint undoes the statement
        any_store.create("Account", {"name": "Again"}, id="acc-1")
    with pytest.raises(NotFound):
        any_store.create_person("acc-missing", {"name": "Nobody"})
    with pytest.raises(NotFound):
        any_store.unrelate("KNOWS", "acc-1", "acc-1")
    with pytest.raises(ValidationError):
        any_store.create("Account", {"name": "x" * 201})
    assert any_store.audit_log()[1] == before
    assert any_store.get("Account", "acc-1")["region"] == "华东"


def test_secrets_are_never_recorded(any_store):
    user = add_user(any_store, "omar", role="manager", password=PASSWORD)
    any_store.update("User", user["id"], {"password_hash": hash_password("another-secret-9")}, version=user["version"])
    entries = _entries(any_store, target=user["id"])
    assert len(entries) == 2
    text = json.dumps(entries)
    assert "pbkdf2" not in text and "scrypt" not in text and user["password_hash"] not in text
    assert json.loads(entries[0]["after"])["password_hash"] == REDACTED
    assert json.loads(entries[1]["after"])["password_hash"] == REDACTED


def test_entries_cannot_be_changed_or_deleted_through_the_store(any_store):
    any_store.create("Competitor", {"name": "RivalCorp"}, id="comp-1")
    entry = _entries(any_store)[0]
    with pytest.raises(ValidationError, match="label"):
        any_store.update(AUDIT_LABEL, entry["id"], {"actor": "someone else"}, version=1)
    with pytest.raises(ValidationError, match="label"):
        any_store.delete(AUDIT_LABEL, entry["id"])
    with pytest.raises(ValidationError, match="label"):
        any_store.create(AUDIT_LABEL, {"actor": "forger"})
    any_store.clear()  # clearing the graph keeps the log and records itself
    assert [e["action"] for e in _entries(any_store)] == ["clear", "create"]
    assert any_store.stats()["nodes"]["Competitor"] == 0
    assert AUDIT_LABEL not in any_store.stats()["nodes"]
    assert not any(d.get("label") == AUDIT_LABEL for _, d in any_store.portfolio_graph().nodes(data=True))
    assert any_store.integrity_problems() == []


def test_filters_by_user_target_and_date_and_pages(any_store):
    with acting_as("alice"):
        for i in range(7):
            any_store.create("Competitor", {"name": f"Rival {i}"}, id=f"comp-{i}")
    with acting_as("bob"):
        any_store.create("Competitor", {"name": "对手"}, id="comp-bob")
    assert any_store.audit_log(actor="alice", limit=3)[1] == 7
    first, _ = any_store.audit_log(actor="alice", limit=3)
    second, _ = any_store.audit_log(actor="alice", limit=3, skip=3)
    assert [e["target_id"] for e in first + second] == [f"comp-{i}" for i in range(6, 0, -1)]
    assert _only(any_store, actor="bob")["target_id"] == "comp-bob"
    today = first[0]["at"][:10]
    assert any_store.audit_log(since=today)[1] == 8
    assert any_store.audit_log(until=today)[1] == 0
    assert any_store.audit_log(since="2999-01-01")[1] == 0


def test_the_acting_user_is_a_context_variable():
    assert current_actor() == ("system", "api")
    with acting_as("lina", via="web"):
        assert current_actor() == ("lina", "web")
    assert current_actor() == ("system", "api")


def test_every_write_statement_creates_its_audit_entry():
    """A new write statement without the audit clause would write unrecorded."""
    writes = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b")
    for name, text in load_statements("falkordb").items():
        if name.startswith("schema.") or not writes.search(text):
            continue
        assert "$audit" in text and "AuditEntry" in text, f"{name} writes without an audit entry"


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_records_the_os_user_or_as(settings, monkeypatch):
    from click.testing import CliRunner

    own = dataclasses.replace(settings, graph_name=f"test-audit-cli-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("GRAPHCRM_DATA_DIR", str(own.data_dir))
    monkeypatch.setenv("GRAPHCRM_GRAPH", own.graph_name)
    monkeypatch.setenv("GRAPHCRM_PASSWORD", PASSWORD)
    runner = CliRunner()
    result = runner.invoke(cli, ["--as", "张经理", "user", "add", "zhang", "--role", "manager"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["user", "add", "wang", "--role", "viewer"])
    assert result.exit_code == 0, result.output
    from graphcrm.graph import open_store

    with open_store(own) as store:
        entries = _entries(store, target="User")
        assert {(e["actor"], e["via"]) for e in entries} == {("张经理", "cli"), (getpass.getuser(), "cli")}
        store.backend.drop()


# -- the web app -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(web_app):
    with web_app() as (app, store):
        store.create("Account", {"name": "华东电网 East Grid"}, id="acc-east")
        for username, role in (("admin", "admin"), ("lina", "manager"), ("director", "director")):
            add_user(store, username, role=role, password=PASSWORD, id=f"u-{username}")
        store.relate("MEMBER_OF", "u-lina", "acc-east")
        store.create_person("acc-east", {"name": "王强 <b>CIO</b>", "title": "CIO"}, id="p-cio")
        yield app


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_web_writes_are_recorded_as_the_signed_in_user(app):
    lina = _client(app, "lina")
    r = lina.post("/people/p-cio", data={"kind": "visit", "channel": "in_person", "at": "2026-05-02T10:00",
                                         "summary": "现场拜访", "sentiment": "1"})
    assert r.status_code == 302
    with app.app_context():
        entry = get_store().audit_log(actor="lina")[0][0]
    assert (entry["action"], entry["via"]) == ("log_interaction", "web")
    assert json.loads(entry["after"])["summary"] == "现场拜访"


def test_admin_reads_the_log_with_filters_and_paging(app):
    with app.app_context(), acting_as("导入脚本"):
        store = get_store()
        for i in range(55):
            store.create("Competitor", {"name": f"竞争对手 {i}"}, id=f"comp-{i}")
    admin = _client(app, "admin")
    page = admin.get("/admin/audit?user=导入脚本").get_data(as_text=True)
    assert "55" in page and "comp-54" in page and "comp-4<" not in page
    assert "Page 1 of 2" in page
    older = admin.get("/admin/audit?user=导入脚本&page=2").get_data(as_text=True)
    assert "comp-4<" in older and "comp-54" not in older
    one = admin.get("/admin/audit?target=p-cio").get_data(as_text=True)
    assert "王强 &lt;b&gt;CIO&lt;/b&gt;" in one  # shown as text
    assert "comp-1<" not in one
    assert "None." in admin.get("/admin/audit?from=2199-01-01").get_data(as_text=True)
    assert "comp-54" in admin.get("/admin/audit?to=2199-01-01&user=导入脚本").get_data(as_text=True)
    r = admin.get("/admin/audit?from=yesterday")
    assert r.status_code == 400 and "from: must be a date" in r.get_data(as_text=True)
    assert admin.get("/admin/audit?page=x").status_code == 400
    admin.get("/lang/zh")
    assert "审计日志" in admin.get("/admin/audit").get_data(as_text=True)


def test_only_admins_see_the_log_and_nobody_writes_it(app):
    assert _client(app, "lina").get("/admin/audit").status_code == 403
    assert _client(app, "director").get("/admin/audit").status_code == 403
    assert app.test_client().get("/admin/audit").status_code == 302  # to the login page
    admin = _client(app, "admin")
    with app.app_context():
        before = get_store().audit_log()[1]
    for method in ("post", "put", "delete", "patch"):
        assert getattr(admin, method)("/admin/audit", data={"actor": "forger"}).status_code == 405
    with app.app_context():
        assert get_store().audit_log()[1] == before
