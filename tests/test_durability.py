"""Durability: every write the store acknowledged survives a SIGKILL of the
database process (append-only file, fsync on every write), and a statement
cut short by a crash of either the database or the writing process leaves
nothing of itself behind.

The writers run in processes of their own (as the web app or an import
would) against an embedded server of this test's own; the test kills the
server (or the writer) with SIGKILL while writes are in flight, then lets
graphcrm restart the server and checks what it finds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from graphcrm.config import Settings
from graphcrm.graph import embedded_server, open_store

#: acknowledges every write on stdout once the store call has returned
WRITER = r"""
import sys
from graphcrm.config import Settings
from graphcrm.errors import StoreUnavailable
from graphcrm.graph import open_store

store = open_store(Settings.from_env())
store.create("User", {"username": "writer", "display_name": "写入进程"}, id="u-writer")
print("ready", flush=True)
try:
    for i in range(300):
        store.create("Account", {"name": f"客户 {i}", "segment": "key"}, id=f"acc-{i}")
        print(f"ack Account acc-{i}", flush=True)
        store.create_person(f"acc-{i}", {"name": f"Person {i}", "stance": "supporter"}, id=f"p-{i}")
        print(f"ack Person p-{i}", flush=True)
        store.create_opportunity(f"acc-{i}", {"name": f"项目 {i}", "value": 1000.0 * i}, id=f"opp-{i}")
        print(f"ack Opportunity opp-{i}", flush=True)
        done = store.log_interaction(
            {"kind": "meeting", "at": "2026-05-01T09:30:00+00:00", "summary": f"第 {i} 次会议"},
            user_ids=["u-writer"], person_ids=[f"p-{i}"], opportunity_id=f"opp-{i}",
        )
        print(f"ack Interaction {done['id']}", flush=True)
except StoreUnavailable as exc:
    print(f"unavailable {exc}", flush=True)
    sys.exit(3)
"""

#: one bulk_merge statement per batch of BATCH accounts; announces each batch
#: before the call and acknowledges it after
BATCH_WRITER = r"""
import sys
from graphcrm.config import Settings
from graphcrm.errors import StoreUnavailable
from graphcrm.graph import open_store

BATCH = int(sys.argv[1])
store = open_store(Settings.from_env())
try:
    for k in range(1000):
        rows = [("Account", {"id": f"b{k}-{j}", "name": f"批次 {k} 客户 {j}", "region": f"batch-{k}"})
                for j in range(BATCH)]
        print(f"start {k}", flush=True)
        store.bulk_merge(rows, batch_size=BATCH, validate=False)
        print(f"ack {k}", flush=True)
except StoreUnavailable:
    sys.exit(3)
"""

#: ``graphcrm import salesforce DIRECTORY`` that stops itself (SIGSTOP) once
#: the first batch of people is saved, for the test to kill it there
IMPORT_STOPPING_AFTER_PEOPLE = r"""
import os
import signal
import sys
from graphcrm.cli import main
from graphcrm.graph.backends import FalkorBackend

execute = FalkorBackend._execute

def execute_then_stop(self, statement, *args, **kwargs):
    result = execute(self, statement, *args, **kwargs)
    if statement.startswith("node.merge_batch:Person"):
        os.kill(os.getpid(), signal.SIGSTOP)
    return result

FalkorBackend._execute = execute_then_stop
main(["import", "salesforce", sys.argv[1]], prog_name="graphcrm")
"""


@pytest.fixture
def own_settings(tmp_path):
    """A data folder and server of this test's own, fsync on every write."""
    settings = Settings(data_dir=tmp_path / "data", fsync="always")
    server = embedded_server(settings)
    server.start()
    yield settings
    server.stop()


def _spawn(settings: Settings, script: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "GRAPHCRM_DATA_DIR": str(settings.data_dir), "GRAPHCRM_FSYNC": settings.fsync}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _read_until(process: subprocess.Popen, predicate, timeout: float = 60.0) -> list[str]:
    """Lines the process printed, up to and including the first that satisfies ``predicate``."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"writer ended early: {process.stderr.read()}")
        lines.append(line.strip())
        if predicate(line.strip()):
            return lines
    raise AssertionError("writer too slow")


def test_every_acknowledged_write_survives_a_sigkill_of_the_database(own_settings):
    server = embedded_server(own_settings)
    writer = _spawn(own_settings, WRITER)
    lines = _read_until(writer, lambda line: line == "ready")
    lines += _read_until(writer, lambda line: line.startswith("ack") and line.endswith("-150"))
    pid = server.pid()
    server.kill()  # mid-stream: the writer is busy with its next writes
    rest, _ = writer.communicate(timeout=120)
    lines += rest.splitlines()
    # the writer's store restarts the server: a write in flight at the kill
    # ends in StoreUnavailable (exit 3), one not yet sent goes on after the restart
    assert writer.returncode in (0, 3), writer.stderr.read()
    assert server.pid() != pid

    acked = [line.split()[1:] for line in lines if line.startswith("ack ")]
    assert len(acked) >= 600
    with open_store(own_settings) as store:  # restarts the server, which replays its append-only file
        for label, node_id in acked:
            assert store.find(label, node_id) is not None, f"acknowledged {label} {node_id} lost"
        assert store.integrity_problems() == []
        counts = store.stats()["nodes"]
        # at most the one write in flight at the kill went through unacknowledged
        for label in ("Account", "Person", "Opportunity", "Interaction"):
            extra = counts[label] - sum(1 for lbl, _ in acked if lbl == label)
            assert 0 <= extra <= 1, (label, extra, writer.returncode, lines[-3:])
        for label, node_id in acked:
            if label == "Person":
                account = store.account_of("Person", node_id)
                assert account == "acc-" + node_id.split("-")[1]


def _wait_until_idle(server, timeout: float = 60.0) -> None:
    """Wait until ``server`` runs and queues no statement (one whose writer
    died runs to its end; FalkorDB lists it among its running queries)."""
    client = server.client(socket_timeout=5)
    deadline = time.monotonic() + timeout
    try:
        while True:
            reply = client.execute_command("GRAPH.INFO")
            info = dict(zip(reply[::2], reply[1::2], strict=True))
            if not info["# Running queries"] and not info["# Waiting queries"]:
                return
            assert time.monotonic() < deadline, "the database still runs a statement"
            time.sleep(0.01)
    finally:
        client.close()


@pytest.mark.parametrize("victim", ["database", "writer"])
def test_a_batched_write_cut_short_by_sigkill_leaves_nothing_of_itself(own_settings, victim, stop_mid_statement):
    """SIGKILL of the database or of the importing process while the database
    runs a 10,000-row statement: afterwards each batch is there whole or not at
    all.  The batch in flight dies with the database; without its writer, the
    database finishes it (each batch is one statement, received whole)."""
    batch = 10_000
    server = embedded_server(own_settings)
    writer = _spawn(own_settings, BATCH_WRITER, str(batch))
    lines = _read_until(writer, lambda line: line == "start 3")
    pid = stop_mid_statement(server)  # inside batch 3's statement, frozen there
    if victim == "database":
        server.kill()
    else:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
        os.kill(pid, signal.SIGCONT)
    rest, errors = writer.communicate(timeout=60)
    lines += rest.splitlines()
    acked = {int(line.split()[1]) for line in lines if line.startswith("ack ")}
    assert {0, 1, 2} <= acked and 3 not in acked, "the kill came while batch 3 was being written"
    # the writer's store restarts the database and reports the write in flight (exit 3)
    assert writer.returncode == (3 if victim == "database" else -signal.SIGKILL), errors

    _wait_until_idle(server)
    with open_store(own_settings) as store:
        regions = Counter(a.get("region") for a in store.list_nodes("Account", limit=100_000))
        assert store.integrity_problems() == []
    for k in acked:
        assert regions[f"batch-{k}"] == batch, f"acknowledged batch {k} incomplete"
    partial = {region: n for region, n in regions.items() if n != batch}
    assert partial == {}, f"batches written in part: {partial}"
    assert regions["batch-3"] == (0 if victim == "database" else batch)


def _wait_until_stopped(process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until ``process`` has stopped itself (SIGSTOP)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status = os.waitpid(process.pid, os.WUNTRACED | os.WNOHANG)
        if pid and os.WIFSTOPPED(status):
            return
        assert not pid, f"the process ended (wait status {status}) without stopping"
        assert time.monotonic() < deadline, "the process did not stop"
        time.sleep(0.01)


def test_an_import_killed_midway_is_completed_by_running_it_again(settings, tmp_path):
    """SIGKILL of ``graphcrm import`` while it writes its batches (each batch
    is one statement, but the import is many): running the same import again
    (an idempotent upsert) ends in exactly the graph an uninterrupted import
    gives, consistent."""
    import dataclasses
    import uuid

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_import import generate

    from graphcrm.transfer.plan import BATCH_SIZE
    from graphcrm.transfer.salesforce import read_salesforce

    export = tmp_path / "export"
    export.mkdir()
    generate(export, contacts=4000, relationship_rows=12000)
    killed = dataclasses.replace(settings, graph_name=f"test-import-{uuid.uuid4().hex[:8]}")
    clean = dataclasses.replace(settings, graph_name=f"test-import-{uuid.uuid4().hex[:8]}")
    env = {**os.environ, "GRAPHCRM_DATA_DIR": str(settings.data_dir), "GRAPHCRM_GRAPH": killed.graph_name}
    importer = subprocess.Popen([sys.executable, "-c", IMPORT_STOPPING_AFTER_PEOPLE, str(export)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open_store(killed) as store, open_store(clean) as reference:
        try:
            _wait_until_stopped(importer)  # its first batch of people saved, the rest not
            importer.send_signal(signal.SIGKILL)
            importer.wait(timeout=30)
            partial = store.stats()
            assert 0 < partial["nodes"]["Person"] < 4000, "the kill came in the middle of the import"
            assert partial["nodes"]["Person"] == BATCH_SIZE
            report = read_salesforce(export).apply(store)
            assert report.ok, [str(p) for p in report.errors]
            assert read_salesforce(export).apply(reference).ok
            assert store.stats()["nodes"] == reference.stats()["nodes"]
            assert store.stats()["relationships"] == reference.stats()["relationships"]
            assert store.integrity_problems() == []
        finally:
            store.backend.drop()
            reference.backend.drop()
