"""What only a real Neo4j shows: concurrent writers, whose checks must take
the write lock before they read (cypher/neo4j/locks.cypher), the change
stamp's node, and dropping a whole database.  The store contract itself runs
on Neo4j through ``any_store`` (tests/test_store.py).

The races are made certain rather than likely: a transaction of the test holds
the write lock on what the writers change while eight of them start, and lets
go only once each is blocked behind it (or done).  Without the lock clauses
every writer has passed its check by then, and all eight get through
(:func:`test_without_the_locks_every_writer_gets_through` shows it).
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from importlib import resources

import pytest

from graphcrm.errors import Conflict, StoreTimeout, StoreUnavailable, ValidationError
from graphcrm.graph.statements import load_statements, parse
from graphcrm.transfer.forget import ERASED_FIELDS, PLACEHOLDER

WRITERS = 8


def shared_statements() -> dict[str, str]:
    """The statements of the files in cypher/ itself, without a dialect's."""
    root = resources.files("graphcrm.cypher")
    statements: dict[str, str] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".cypher"):
            statements.update(parse(entry.read_text(encoding="utf-8")))
    return statements


def without_locks(text: str) -> str:
    """A statement of cypher/neo4j/locks.cypher as it would be without its
    lock: each line taking one, and the WITH after it, left out."""
    lines = text.split("\n")
    kept, skip = [], False
    for line in lines:
        if "._lock = true" in line:
            skip = True
        elif skip and line.startswith("WITH "):
            skip = False
        else:
            kept.append(line)
    return "\n".join(kept)


@pytest.fixture
def on_neo4j(neo4j_store):
    """The session's Neo4j store, emptied after the test."""
    yield neo4j_store
    neo4j_store.backend.drop()


@pytest.fixture
def holder(neo4j_url):
    """``with holder(statement, **params):`` an open transaction of the test's
    own that has run ``statement`` (which takes write locks), committed on leaving."""
    import neo4j as driver

    env = os.environ
    auth = (env.get("GRAPHCRM_TEST_NEO4J_USER", "neo4j"), env.get("GRAPHCRM_TEST_NEO4J_PASSWORD", ""))
    database = env.get("GRAPHCRM_TEST_NEO4J_DATABASE", "neo4j")
    with driver.GraphDatabase.driver(neo4j_url, auth=auth) as client:

        class Holding:
            def __init__(self, statement: str, **params):
                self.statement, self.params = statement, params

            def __enter__(self):
                self.session = client.session(database=database)
                self.tx = self.session.begin_transaction()
                self.tx.run(self.statement, self.params).consume()
                return self

            def blocked(self) -> int:
                """How many transactions wait for a lock this one holds: blocked
                in a statement, or in their commit (a relationship created
                takes the locks on its ends then)."""
                rows, _, _ = client.execute_query(
                    "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' OR status = 'Closing' "
                    "RETURN count(*) AS n", database_=database)
                return rows[0]["n"]

            def __exit__(self, *exc):
                self.tx.commit()
                self.session.close()

        yield Holding


def race(holder, lock: str, write, **ids) -> list:
    """``write(i)`` in eight threads at once while ``lock`` (a statement of
    ``ids``) holds the write lock; each result or Conflict, in order."""

    def attempt(i):
        try:
            return write(i)
        except Conflict as error:
            return error

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        with holder(lock, **ids) as held:
            futures = [pool.submit(attempt, i) for i in range(WRITERS)]
            deadline = time.monotonic() + 60
            while held.blocked() + sum(f.done() for f in futures) < WRITERS:
                assert time.monotonic() < deadline, "the writers never reached the lock"
                time.sleep(0.02)
        wait(futures)
        return [f.result() for f in futures]


LOCK_NODES = "UNWIND $ids AS id MATCH (n {id: id}) SET n._lock = true REMOVE n._lock"
LOCK_RELATIONSHIP = "MATCH ({id: $start})-[r]->({id: $end}) SET r._lock = true REMOVE r._lock"
STAGES = ("pre_bid", "tender", "submitted", "evaluation")


def _people(store) -> tuple[str, str]:
    store.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    store.create_person("acc-szm", {"name": "Zhou Jie 周杰", "title": "总工程师"}, id="p-zhou")
    store.create_person("acc-szm", {"name": "Chen Li 陈莉"}, id="p-chen")
    return "p-zhou", "p-chen"


def writes(store, target: str, action: str) -> int:
    """How many writes of ``action`` to ``target`` the audit log records."""
    return sum(e["action"] == action for e in store.audit_log(target=target, limit=100)[0])


def race_node_update(store, holder):
    store.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    opp = store.create_opportunity("acc-szm", {"name": "Line 16 PIS", "stage": "qualify"})
    results = race(holder, LOCK_NODES, lambda i: store.update(
        "Opportunity", opp["id"], {"stage": STAGES[i % 4]}, version=1), ids=[opp["id"]])
    return results, writes(store, opp["id"], "update")


def race_user_update(store, holder):
    user = store.create("User", {"username": "mei.lin", "display_name": "Mei Lin", "role": "bid"})
    results = race(holder, LOCK_NODES, lambda i: store.update(
        "User", user["id"], {"display_name": f"Mei Lin {i}"}, version=1), ids=[user["id"]])
    return results, writes(store, user["id"], "update")


def race_relationship_update(store, holder):
    zhou, chen = _people(store)
    store.relate("KNOWS", zhou, chen, {"strength": 1})
    results = race(holder, LOCK_RELATIONSHIP, lambda i: store.update_relationship(
        "KNOWS", zhou, chen, {"strength": i % 5 + 1}, version=1), start=zhou, end=chen)
    return results, writes(store, f"{zhou}->{chen}", "update")


def race_forget(store, holder):
    zhou, _chen = _people(store)
    results = race(holder, LOCK_NODES, lambda i: store.forget_person(
        zhou, by=f"admin.{i}", placeholder=PLACEHOLDER, erased=ERASED_FIELDS), ids=[zhou])
    return results, writes(store, zhou, "forget")


def race_relationship_create(store, holder):
    zhou, chen = _people(store)
    results = race(holder, LOCK_NODES, lambda i: store.relate(
        "KNOWS", zhou, chen, {"strength": i % 5 + 1}, replace=False), ids=[zhou, chen])
    created = store.stats()["relationships"].get("KNOWS", 0)
    assert created == writes(store, f"{zhou}->{chen}", "relate")
    return results, created


#: statement -> its race: (each writer's result or Conflict, how many writes were saved)
RACES = {
    "node.update:Opportunity": race_node_update,
    "user.update": race_user_update,
    "relationship.update:Person:KNOWS:Person": race_relationship_update,
    "forget.person": race_forget,
    "relationship.create:Person:KNOWS:Person": race_relationship_create,
}


@pytest.mark.parametrize("statement", list(RACES))
def test_eight_writers_of_one_version_let_exactly_one_through(on_neo4j, holder, statement):
    results, written = RACES[statement](on_neo4j, holder)
    winners = [r for r in results if isinstance(r, dict)]
    assert len(winners) == 1 and sum(isinstance(r, Conflict) for r in results) == WRITERS - 1, results
    assert written == 1


@pytest.mark.parametrize("statement", list(RACES))
def test_without_the_locks_every_writer_gets_through(on_neo4j, holder, monkeypatch, statement):
    """The race above with the shared statement (no lock): it would fail."""
    monkeypatch.setitem(on_neo4j.backend.statements, statement, shared_statements()[statement])
    results, written = RACES[statement](on_neo4j, holder)
    assert sum(isinstance(r, dict) for r in results) == WRITERS and written == WRITERS


def test_concurrent_merges_of_one_relationship_make_one_and_count_every_save(on_neo4j, holder):
    """relationship.merge needs no lock of ours: Neo4j's MERGE locks both ends
    before it creates, and the version increment locks before it reads."""
    zhou, chen = _people(on_neo4j)
    results = race(holder, LOCK_NODES, lambda i: on_neo4j.relate("KNOWS", zhou, chen, {"strength": i % 5 + 1}),
                   ids=[zhou, chen])
    assert all(isinstance(r, dict) for r in results)
    assert on_neo4j.stats()["relationships"]["KNOWS"] == 1
    assert on_neo4j.get_relationship("KNOWS", zhou, chen)["version"] == WRITERS


def test_the_neo4j_statements_are_the_shared_ones_with_their_locks():
    """Each statement of cypher/neo4j/ that replaces a shared one differs from
    it only where the dialect needs to (its locks; the stamp's node)."""
    shared, dialect = shared_statements(), load_statements("neo4j")
    locks = parse((resources.files("graphcrm.cypher") / "neo4j" / "locks.cypher").read_text(encoding="utf-8"))
    replaced = {name for name in shared if dialect[name] != shared[name]}
    assert replaced == set(locks) | {"integrity.problems", "graph.clear"}
    assert {name for name in RACES} <= set(locks)
    for name in locks:
        assert without_locks(dialect[name]) == shared[name], name
        assert re.search(r"\._lock = true REMOVE", dialect[name]), name
    assert dialect["integrity.problems"].replace(" AND NOT n:GraphCRMMeta", "") == shared["integrity.problems"]
    in_batches = "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
    assert dialect["graph.clear"].replace(in_batches, "DETACH DELETE n") == shared["graph.clear"]


def test_drop_deletes_everything_in_batches(on_neo4j):
    """More nodes than one batch of graph.drop, the audit log and the stamp's node: all gone."""
    on_neo4j.bulk_load([("Person", {"id": f"p-{i:05}", "name": f"张{i}"}) for i in range(12_000)])
    assert on_neo4j.count("Person") == 12_000 and on_neo4j.audit_log()[1] > 0
    on_neo4j.backend.drop()
    assert on_neo4j.backend.run("meta.stamp") == []
    assert on_neo4j.count("Person") == 0 and on_neo4j.audit_log()[1] == 0
    assert on_neo4j.is_empty() and on_neo4j.change_stamp() == "0"


def test_the_stamp_node_is_one_and_no_integrity_problem(on_neo4j):
    """Concurrent first writes make one stamp node (its unique constraint),
    and the integrity check does not take it for a node of the model."""
    barrier = threading.Barrier(WRITERS)

    def create(i):
        barrier.wait()
        return on_neo4j.create("Account", {"name": f"Account {i}"})

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(create, range(WRITERS)))
    rows = on_neo4j.backend.run("meta.stamp")
    assert len(rows) == 1 and rows[0]["stamp"].endswith(f":{WRITERS}")
    assert on_neo4j.integrity_problems() == []


def test_the_schema_is_set_up_where_earlier_writers_made_several_stamp_nodes(on_neo4j):
    """Before the stamp node had its constraint, concurrent first writes could make several."""
    run = on_neo4j.backend._driver.execute_query
    run("DROP CONSTRAINT graphcrm_meta_id")
    try:
        run("UNWIND range(1, 3) AS i CREATE (:GraphCRMMeta {id: 'change-stamp', epoch: 'e' + i, counter: i})")
    finally:
        on_neo4j.setup_schema()
    stamps = on_neo4j.backend.run("meta.stamp")
    assert len(stamps) == 1 and stamps[0]["stamp"].startswith("e3:")  # the one furthest on
    constraints, _, _ = run("SHOW CONSTRAINTS YIELD name WHERE name = 'graphcrm_meta_id' RETURN name")
    assert len(constraints) == 1


LOCK_STAMP = "MATCH (m:GraphCRMMeta {id: 'change-stamp'}) SET m._lock = true REMOVE m._lock"


def test_the_stamp_moves_in_the_transaction_of_the_write(on_neo4j, holder):
    """While another transaction holds the stamp's node, a write waits with
    nothing committed (its node unseen, the stamp as it was); the node and
    the new stamp show together."""
    on_neo4j.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")  # the stamp's node is there
    stamp = on_neo4j.change_stamp()
    with ThreadPoolExecutor(max_workers=1) as pool:
        with holder(LOCK_STAMP) as held:
            saving = pool.submit(on_neo4j.create, "Account", {"name": "Line 16 PIS"}, id="acc-l16")
            deadline = time.monotonic() + 60
            while not held.blocked() and not saving.done():
                assert time.monotonic() < deadline, "the write never reached the stamp"
                time.sleep(0.02)
            assert on_neo4j.find("Account", "acc-l16") is None and on_neo4j.change_stamp() == stamp
        saving.result()
    assert on_neo4j.find("Account", "acc-l16") and on_neo4j.change_stamp() != stamp


def test_a_write_whose_stamp_cannot_move_saves_nothing(on_neo4j, monkeypatch):
    """A write reports an error only for a change that was not saved."""
    monkeypatch.setitem(on_neo4j.backend.statements, "meta.bump", "UNWIND [0] AS zero RETURN 1 / zero")
    with pytest.raises(ValidationError):
        on_neo4j.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    monkeypatch.undo()
    assert on_neo4j.find("Account", "acc-szm") is None and on_neo4j.audit_log()[1] == 0
    assert on_neo4j.change_stamp() == "0"


def account_stamp(store, account_id: str) -> tuple[int, int]:
    """The counter of an account's stamp and how many nodes hold it."""
    rows, _, _ = store.backend._driver.execute_query(
        "MATCH (a:GraphCRMMeta {id: 'account-stamp:' + $id}) RETURN a.counter AS counter", id=account_id)
    return (rows[0]["counter"] if rows else 0), len(rows)


def test_a_write_to_one_account_keeps_what_is_cached_about_another(on_neo4j):
    from graphcrm.cache import ReportCache

    s = on_neo4j
    for account_id, name in (("acc-szm", "Shenzhen Metro 深圳地铁"), ("acc-gzm", "Guangzhou Metro 广州地铁")):
        s.create("Account", {"name": name}, id=account_id)
        s.create_person(account_id, {"name": f"Zhou Jie 周杰 ({account_id})"})
    cache = ReportCache(s)
    szm, gzm = cache.account_report("acc-szm"), cache.account_report("acc-gzm")
    s.create_person("acc-gzm", {"name": "Chen Li 陈莉", "title": "总工程师"})
    assert cache.account_report("acc-szm") is szm
    assert cache.account_report("acc-gzm") is not gzm and len(cache.account_report("acc-gzm")["influence"]) == 2
    user = s.create("User", {"username": "mei.lin", "display_name": "Mei Lin", "role": "bid"})
    stamps = s.account_stamps(["acc-szm"])
    s.update("User", user["id"], {"display_name": "Lin Mei 林梅"}, version=1)  # a user may show anywhere
    assert s.account_stamps(["acc-szm"]) != stamps and cache.account_report("acc-szm") is not szm


def test_concurrent_writes_to_one_account_move_its_stamp_once_each(on_neo4j, holder):
    """Eight first writes to an account at once make one stamp node and count
    eight; eight more, held at that node until all have come, count eight more."""
    s = on_neo4j
    s.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    barrier = threading.Barrier(WRITERS)

    def hire(i):
        barrier.wait()
        return s.create_person("acc-szm", {"name": f"Engineer {i} 工程师"})

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(hire, range(WRITERS)))
    assert account_stamp(s, "acc-szm") == (WRITERS, 1)
    results = race(holder, "MATCH (a:GraphCRMMeta {id: 'account-stamp:' + $id}) SET a._lock = true REMOVE a._lock",
                   lambda i: s.create_person("acc-szm", {"name": f"Planner {i} 规划师"}), id="acc-szm")
    assert all(isinstance(r, dict) for r in results)
    assert account_stamp(s, "acc-szm") == (2 * WRITERS, 1)
    assert s.account_stamps(["acc-szm"])[1].endswith(f":{2 * WRITERS}")


def test_a_clear_deletes_in_batches_and_records_itself_once_all_are_deleted(on_neo4j, holder):
    """A clear of more than one batch (10,000 nodes): while another transaction
    holds a node of the second, the first is deleted for everyone to see; then
    everything but the audit log and the stamps is, the clear is recorded
    once and the stamps have moved."""
    s = on_neo4j
    people = 10_500
    s.bulk_load([("Person", {"id": f"p-{i:05}", "name": f"张{i}"}) for i in range(people)])
    stamps, entries = s.account_stamps(["acc-szm"]), s.audit_log()[1]
    in_second_batch, _, _ = s.backend._driver.execute_query(  # in the order the clear finds them
        "MATCH (n) WHERE NOT n:AuditEntry AND NOT n:GraphCRMMeta RETURN n.id AS id SKIP 10000 LIMIT 1")
    with ThreadPoolExecutor(max_workers=1) as pool:
        with holder(LOCK_NODES, ids=[in_second_batch[0]["id"]]) as held:
            clearing = pool.submit(s.clear)
            deadline = time.monotonic() + 30
            while s.count("Person") == people or not held.blocked():  # the first batch is committed, for all to see
                assert time.monotonic() < deadline and not clearing.done(), "no batch was committed on its own"
                time.sleep(0.05)
            assert s.count("Person") == people - 10_000
            assert s.audit_log()[1] == entries  # the clear is not recorded yet
        clearing.result()
    assert s.is_empty() and s.audit_log(limit=1)[0][0]["action"] == "clear" and s.audit_log()[1] == entries + 1
    assert s.account_stamps(["acc-szm"])[0] != stamps[0] and account_stamp(s, "*")[1] == 1


@pytest.fixture
def impatient(neo4j_url, on_neo4j):
    """A store on the session's Neo4j whose statements wait at most 2 s (GRAPHCRM_DB_TIMEOUT)."""
    from graphcrm.graph.backends import Neo4jBackend
    from graphcrm.graph.store import GraphStore

    env = os.environ
    store = GraphStore(Neo4jBackend(neo4j_url, env.get("GRAPHCRM_TEST_NEO4J_USER", "neo4j"),
                                    env.get("GRAPHCRM_TEST_NEO4J_PASSWORD", ""),
                                    env.get("GRAPHCRM_TEST_NEO4J_DATABASE", "neo4j"), timeout=2))
    yield store
    store.close()


def test_a_write_held_up_by_a_lock_past_the_time_limit_is_a_timeout(impatient, holder):
    """Neo4j ends it as LockClientStopped, a client error: not a refused query (400) but a 503."""
    impatient.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    with holder(LOCK_NODES, ids=["acc-szm"]), pytest.raises(StoreTimeout) as timed_out:
        impatient.update("Account", "acc-szm", {"name": "Shenzhen Metro Group"}, version=1)
    assert timed_out.value.write and "reload to see whether your change was saved" in str(timed_out.value)
    assert impatient.get("Account", "acc-szm")["name"] == "Shenzhen Metro 深圳地铁"


def test_a_transient_error_that_outlasts_the_retries_is_unavailable_not_a_bad_request(impatient, monkeypatch):
    from neo4j.exceptions import Neo4jError

    attempts = []

    def deadlocked(tx, *args):
        attempts.append(1)
        raise Neo4jError._hydrate_neo4j(code="Neo.TransientError.Transaction.DeadlockDetected", message="deadlock")

    monkeypatch.setattr(impatient.backend, "_write_unit", deadlocked)
    with pytest.raises(StoreUnavailable, match="busy.*DeadlockDetected") as busy:
        impatient.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    assert not isinstance(busy.value, ValidationError) and len(attempts) > 1  # the driver tried again


def test_a_commit_without_an_answer_says_the_change_may_be_saved(impatient, monkeypatch):
    from neo4j.exceptions import IncompleteCommit

    def lost(tx, *args):
        raise IncompleteCommit("the connection closed during commit")

    monkeypatch.setattr(impatient.backend, "_write_unit", lost)
    with pytest.raises(StoreTimeout, match="reload to see whether the change was saved") as unknown:
        impatient.create("Account", {"name": "Shenzhen Metro 深圳地铁"}, id="acc-szm")
    assert unknown.value.write


@pytest.fixture
def neo4j_env(neo4j_url, on_neo4j, monkeypatch, tmp_path):
    """The environment of a graphcrm process on the session's Neo4j; its
    settings.  The schema is set up again afterwards."""
    env = os.environ
    for name, value in (("GRAPHCRM_DATABASE_URL", neo4j_url), ("GRAPHCRM_DATA_DIR", str(tmp_path)),
                        ("GRAPHCRM_NEO4J_USER", env.get("GRAPHCRM_TEST_NEO4J_USER", "neo4j")),
                        ("GRAPHCRM_NEO4J_PASSWORD", env.get("GRAPHCRM_TEST_NEO4J_PASSWORD", "")),
                        ("GRAPHCRM_NEO4J_DATABASE", env.get("GRAPHCRM_TEST_NEO4J_DATABASE", "neo4j"))):
        monkeypatch.setenv(name, value)
    from graphcrm.config import Settings

    yield Settings.from_env()
    on_neo4j.setup_schema()


def test_opening_only_checks_the_schema_and_init_sets_it_up(neo4j_env, on_neo4j, caplog):
    """The app's user needs no schema rights: opening the store warns of what
    is missing and creates nothing; `graphcrm init` creates it."""
    from click.testing import CliRunner

    from graphcrm.cli import main
    from graphcrm.graph import open_store

    on_neo4j.backend._driver.execute_query("DROP INDEX graphcrm_audit_id")
    with caplog.at_level("WARNING", logger="graphcrm.graph"), open_store(neo4j_env) as store:
        assert store.missing_schema() == ["graphcrm_audit_id"]
        assert store.create("Account", {"name": "Shenzhen Metro 深圳地铁"})["version"] == 1
    assert "lacks graphcrm_audit_id: run `graphcrm init`" in caplog.text
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0 and "schema ready on neo4j" in result.output
    assert on_neo4j.missing_schema() == []


def test_the_app_starts_where_the_user_may_not_see_the_schema(neo4j_env, monkeypatch, caplog):
    """Neo4j refuses SHOW INDEXES to a user without the privilege (Enterprise,
    Aura; Community has no privileges, so the refusal is the driver's error
    put in its place): a warning, not a failure."""
    from neo4j import Driver
    from neo4j.exceptions import Neo4jError

    from graphcrm.graph import open_store

    execute_query = Driver.execute_query

    def without_schema_rights(self, query, *args, **kwargs):
        if "SHOW INDEXES" in str(getattr(query, "text", query)):
            raise Neo4jError._hydrate_neo4j(code="Neo.ClientError.Security.Forbidden", message="SHOW INDEX denied")
        return execute_query(self, query, *args, **kwargs)

    monkeypatch.setattr(Driver, "execute_query", without_schema_rights)
    with caplog.at_level("WARNING", logger="graphcrm.graph"), open_store(neo4j_env) as store:
        assert store.missing_schema() is None and store.count("Account") == 0
    assert "cannot check the schema" in caplog.text


def test_concurrent_schema_set_ups_all_succeed(on_neo4j):
    """`graphcrm init` run by two processes at once (IF NOT EXISTS does not cover a concurrent create)."""
    run = on_neo4j.backend._driver.execute_query
    for name in on_neo4j.backend.statements:
        if name.startswith("schema."):
            named = re.search(r"CREATE (?:CONSTRAINT|INDEX) (\w+)", on_neo4j.backend.text(name)).group(1)
            kind = "CONSTRAINT" if "CONSTRAINT" in on_neo4j.backend.text(name) else "INDEX"
            run(f"DROP {kind} {named} IF EXISTS")
    assert len(on_neo4j.missing_schema()) == len([n for n in on_neo4j.backend.statements if n.startswith("schema.")])
    barrier = threading.Barrier(4)

    def set_up(_i):
        barrier.wait()
        on_neo4j.setup_schema()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(set_up, range(4)))
    assert on_neo4j.missing_schema() == []


def test_the_driver_logs_no_notifications(on_neo4j, caplog):
    """A statement naming what the database has not seen yet (a young database:
    no INFLUENCES line written so far) makes Neo4j warn; the driver would log it
    on every page view."""
    with caplog.at_level("DEBUG", logger="neo4j.notifications"):
        on_neo4j.backend._driver.execute_query("MATCH (:NeverSeenLabel)-[:NEVER_SEEN_TYPE]->() RETURN count(*) AS n")
    assert "notification" not in caplog.text.lower()
