"""The embedded database hangs (SIGSTOP) while graphcrm uses it: requests
answer a clear 503 after ``GRAPHCRM_DB_TIMEOUT`` instead of waiting, and no
graphcrm process ends the server before it has failed the health checks for
the grace period (a read-only command never does).

A real app on a server of this module's own, with a 2 s timeout.  Every wait
is bounded: a request that still waits when its bound is up fails the test,
and the server is always continued (SIGCONT) afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from graphcrm.config import Settings
from graphcrm.demo import DEMO_PASSWORD
from graphcrm.errors import StoreTimeout
from graphcrm.graph import EmbeddedServer, embedded_server
from graphcrm.web.db import get_store

from fixtures import demo_app, login

TIMEOUT = 2.0
#: what a request may take beyond the timeout (rendering the 503, noting the silence)
MARGIN = 1.5
PERSON = "p-han-xue"  # at acc-metro-group, lina's account
ACCOUNT_PAGE = "/accounts/acc-metro-group"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("hung") / "data", secret_key="test-secret",
                        db_timeout=TIMEOUT)
    with demo_app(settings) as app:
        yield app


@pytest.fixture
def server(app):
    server = embedded_server(app.config["GRAPHCRM_SETTINGS"])
    server.start()
    return server


@pytest.fixture
def client(app, server):
    client = app.test_client()
    assert login(client, "lina", DEMO_PASSWORD).status_code == 302
    assert client.get(ACCOUNT_PAGE).status_code == 200  # the page is cached: what follows asks only the stamps
    return client


@pytest.fixture
def freeze():
    """``freeze(server)``: stop the server's process (SIGSTOP) and return its
    pid; it is continued (SIGCONT) when the test ends, whatever happened."""
    frozen = []

    def stop(server: EmbeddedServer) -> int:
        pid = server.pid()
        os.kill(pid, signal.SIGSTOP)
        frozen.append(pid)
        return pid

    yield stop
    for pid in frozen:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def _within(seconds: float, call):
    """``call()`` in a thread: its result and how long it took; the test
    fails if it still runs after ``seconds``."""
    outcome = {}

    def run():
        started = time.monotonic()
        try:
            outcome["value"] = call()
        except Exception as exc:  # handed to the test below
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting for the database after {seconds:.1f} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], outcome["seconds"]


def _serves_again(server: EmbeddedServer, pid: int) -> None:
    os.kill(pid, signal.SIGCONT)
    deadline = time.monotonic() + 10
    while not server.is_running():
        assert time.monotonic() < deadline, "the database does not answer after SIGCONT"
        time.sleep(0.05)
    assert server.pid() == pid


def test_a_page_answers_503_within_the_timeout_while_the_database_hangs(app, server, client, freeze):
    pid = freeze(server)
    r, seconds = _within(TIMEOUT + MARGIN, lambda: client.get(ACCOUNT_PAGE))
    assert r.status_code == 503 and seconds >= TIMEOUT - 0.1
    page = r.get_data(as_text=True)
    assert "Database unavailable" in page and "does not answer" in page and "Traceback" not in page
    assert r.headers.get("Retry-After")
    r, _ = _within(TIMEOUT + MARGIN, lambda: client.get("/api/accounts/acc-metro-group"))
    assert r.status_code == 503 and r.is_json
    body = r.get_json()
    assert body["title"] == body["error"] == "Database unavailable" and body["status"] == 503
    assert "does not answer" in body["message"]
    # the web app waited, it did not end the server it shares with other processes
    _serves_again(server, pid)
    assert client.get(ACCOUNT_PAGE).status_code == 200


def test_a_form_posted_while_the_database_hangs_answers_503_saying_to_reload(app, server, client, freeze):
    pid = freeze(server)
    r, _ = _within(TIMEOUT + MARGIN, lambda: client.post(f"/people/{PERSON}", data={
        "kind": "call", "channel": "phone", "at": "2026-06-01T10:00", "summary": "during the stall"}))
    assert r.status_code == 503
    assert "reload to see whether your change was saved" in r.get_data(as_text=True)
    _serves_again(server, pid)


def test_a_write_that_timed_out_is_saved_when_the_database_resumes_and_moves_the_change_stamp(app, server, freeze):
    with app.app_context():
        store = get_store()
    before, stamp = store.count("Competitor"), store.change_stamp()
    pid = freeze(server)
    with pytest.raises(StoreTimeout, match="reload to see whether your change was saved"):
        _within(TIMEOUT + MARGIN, lambda: store.bulk_merge(
            [("Competitor", {"id": "comp-during-the-stall", "name": "停顿中"})], validate=False))
    _serves_again(server, pid)
    deadline = time.monotonic() + 10
    while store.count("Competitor") == before:  # the server finishes the statement it had received
        assert time.monotonic() < deadline, "the write was not saved"
        time.sleep(0.05)
    assert store.get("Competitor", "comp-during-the-stall")["name"] == "停顿中"
    # results cached before the write are no longer current: a reload shows it
    assert store.change_stamp() != stamp


def test_the_csrf_error_page_answers_503_while_the_database_is_down(app, server, client, freeze, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    pid = freeze(server)
    r, _ = _within(TIMEOUT + MARGIN, lambda: client.post(f"/people/{PERSON}", data={"kind": "call"}))
    assert r.status_code == 503
    assert "Database unavailable" in r.get_data(as_text=True)
    _serves_again(server, pid)


def test_db_status_while_the_database_hangs_reports_it_and_leaves_it_running(app, server, freeze):
    pid = freeze(server)
    env = {"GRAPHCRM_DATA_DIR": str(server.data_dir), "GRAPHCRM_DB_TIMEOUT": str(TIMEOUT), "PATH": "/usr/bin:/bin"}
    status = subprocess.run([sys.executable, "-m", "graphcrm.cli", "db", "status"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert status.returncode == 1
    assert "does not answer" in status.stderr and "Traceback" not in status.stderr
    assert server.pid() == pid
    _serves_again(server, pid)


def test_a_server_that_does_not_answer_is_replaced_only_after_the_grace_period(tmp_path, freeze):
    """Grace 6 s, health checks of 1 s: starts while the server has failed
    them for about 3 s are refused (StoreTimeout), a read-only one still is
    after 6 s; the first other start after that ends it and starts another."""
    first = EmbeddedServer(tmp_path / "data", timeout=1.0, grace=6.0, append_only=False)
    first.start()
    try:
        pid = freeze(first)
        started = time.monotonic()
        # other processes' views of the same folder
        writer = EmbeddedServer(first.data_dir, timeout=1.0, grace=6.0, append_only=False)
        reader = EmbeddedServer(first.data_dir, timeout=1.0, grace=6.0, read_only=True)
        for caller in (reader, writer, reader, writer):
            with pytest.raises(StoreTimeout, match="does not answer"):
                caller.start()
            assert first.pid() == pid
        while time.monotonic() - started < 7.5:
            with pytest.raises(StoreTimeout, match="A read-only command never ends it"):
                reader.start()
            assert first.pid() == pid
        assert writer.start() is True
        assert writer.pid() != pid and writer.is_running()
    finally:
        first.stop()
