"""The embedded database dies while the web app runs: the next request
restarts it, or answers a clear 503 (page or JSON) until it is back, and the
app recovers on its own.  Never a 500 or a traceback.

A real app on a server of this module's own, killed with SIGKILL.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from graphcrm.config import Settings
from graphcrm.demo import DEMO_PASSWORD
from graphcrm.graph import embedded_server
from graphcrm.web.db import get_store

from fixtures import demo_app, login

PERSON = "p-han-xue"  # at acc-metro-group, lina's account
PAGES = ["/", "/accounts/acc-metro-group", f"/people/{PERSON}", "/opportunities/opp-metro-line4",
         "/search?q=metro", "/api/accounts/acc-metro-group"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("recovery") / "data", secret_key="test-secret")
    with demo_app(settings) as app:
        yield app


@pytest.fixture
def server(app):
    server = embedded_server(app.config["GRAPHCRM_SETTINGS"])
    server.start()
    yield server
    server.start()  # leave it running for the next test


@pytest.fixture
def client(app):
    client = app.test_client()
    assert login(client, "lina", DEMO_PASSWORD).status_code == 302
    return client


def _interactions(app) -> int:
    with app.app_context():
        return get_store().count("Interaction")


@pytest.mark.parametrize("page", PAGES)
def test_the_next_request_after_a_crash_restarts_the_database(app, server, client, page):
    assert client.get(page).status_code == 200
    pid = server.pid()
    server.kill()
    r = client.get(page)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert server.is_running() and server.pid() != pid


def test_a_write_after_a_crash_is_saved_once(app, server, client):
    before = _interactions(app)
    server.kill()
    r = client.post(f"/people/{PERSON}", data={"kind": "call", "channel": "phone", "at": "2026-06-01T10:00",
                                                "summary": "after the crash 崩溃之后", "sentiment": "0"})
    # the connection to the dead server fails before anything is sent, so the
    # write is made once on the restarted server
    assert r.status_code == 302
    assert _interactions(app) == before + 1
    with app.app_context():
        assert get_store().integrity_problems() == []


def test_when_the_database_cannot_restart_pages_answer_503_and_recover_by_themselves(app, server, client):
    server.kill()
    # a file where the server keeps its append-only files: it cannot start
    aof_dir = server.data_dir / "appendonlydir"
    moved = server.data_dir / "appendonlydir.moved"
    aof_dir.rename(moved)
    aof_dir.write_text("not a folder")
    try:
        r = client.get("/accounts/acc-metro-group")
        assert r.status_code == 503
        page = r.get_data(as_text=True)
        assert "Database unavailable" in page and "Traceback" not in page
        assert r.headers.get("Retry-After")
        r = client.get("/api/accounts/acc-metro-group")
        assert r.status_code == 503 and r.is_json
        assert r.get_json()["error"] == "Database unavailable" and "Try again" in r.get_json()["message"]
        r = client.post(f"/people/{PERSON}", data={"kind": "call", "channel": "phone", "at": "2026-06-01T10:00"})
        assert r.status_code == 503
    finally:
        aof_dir.unlink()
        moved.rename(aof_dir)
    # an operator starts it again (another process); the app picks it up
    env = {"GRAPHCRM_DATA_DIR": str(server.data_dir), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "graphcrm.cli", "db", "start"], env=env, check=True,
                   capture_output=True)
    assert client.get("/accounts/acc-metro-group").status_code == 200
    assert client.get("/api/accounts/acc-metro-group").status_code == 200


def test_a_write_in_flight_when_the_database_dies_is_reported_not_repeated(app, server, stop_mid_statement):
    """The database is killed while it runs a 100,000-row statement: the caller gets
    StoreUnavailable saying the change may not be saved (it is not sent again),
    the server is running again, and the statement left nothing of itself."""
    import threading

    from graphcrm.errors import StoreUnavailable

    rows = [("Competitor", {"id": f"comp-flight-{j}", "name": f"竞争对手 {j}"}) for j in range(100_000)]
    outcome = {}

    def write():
        with app.app_context():
            try:
                get_store().bulk_merge(rows, batch_size=len(rows), validate=False)
                outcome["result"] = "saved"
            except StoreUnavailable as exc:
                outcome["result"] = str(exc)

    with app.app_context():
        before = get_store().count("Competitor")
    thread = threading.Thread(target=write)
    thread.start()
    stop_mid_statement(server)  # the server has the whole statement and is running it
    server.kill()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the writer still waits for the database"
    assert "reload to see whether the change was saved" in outcome.get("result", "")
    assert server.is_running()
    with app.app_context():
        # cut short: nothing of it; reported, not sent again: still nothing
        assert get_store().count("Competitor") == before
