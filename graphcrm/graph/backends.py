"""The two database backends behind :class:`graphcrm.graph.store.GraphStore`.

Both run named statements from ``cypher/`` with parameters and return rows
as plain dicts; each maps its driver's errors to :mod:`graphcrm.errors`.
A single statement is atomic on both: FalkorDB undoes a statement that fails
half-way, and Neo4j runs each one in its own managed transaction.

Neither waits for ever on a database that does not answer: after
``GRAPHCRM_DB_TIMEOUT`` seconds the caller gets :class:`StoreTimeout`.  A
write that timed out is not sent again; the database may still save it if
it resumes, so the message says to reload and look (:func:`_no_answer`).

* :class:`FalkorBackend`: the embedded FalkorDB (default), via the
  ``falkordb`` client over the server's Unix socket.
* :class:`Neo4jBackend`: Neo4j 5 / Aura via the official driver: one driver
  per process, managed, retried transactions with the database named
  explicitly; a write and the move of its stamps are one transaction.
"""

from __future__ import annotations

import contextvars
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any

from graphcrm.errors import ConfigError, Conflict, StoreTimeout, StoreUnavailable, ValidationError
from graphcrm.graph.statements import load_statements
from graphcrm.model import LABELS

log = logging.getLogger(__name__)


def _plain(value):
    """Driver values (OrderedDict, neo4j records) as plain Python values."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Unsupported(Exception):
    """A value the fast decoder leaves to the falkordb client (nodes, paths...)."""


def _value(cell):
    """One value of FalkorDB's compact result format: ``[type, value]``."""
    kind, value = cell
    if kind == 2 or kind == 3:  # string, integer
        return value
    if kind == 10:  # map: [key, cell, key, cell, ...]; strings and integers inline (most values)
        pairs = iter(value)
        return {key: v[1] if v[0] == 2 or v[0] == 3 else _value(v) for key, v in zip(pairs, pairs, strict=True)}
    if kind == 1:
        return None
    if kind == 4:
        return value == "true"
    if kind == 5:
        return float(value)
    if kind == 6:
        return [_value(v) for v in value]
    raise _Unsupported(kind)


def _compact_rows(response) -> list[dict] | None:
    """Rows of a compact read reply as plain dicts, or None when a value is
    of a type left to the falkordb client.

    The loaders read hundreds of thousands of rows at scale; decoding them
    here straight into plain values takes a third of the time of the
    client's generic parser followed by :func:`_plain` (bench/run).
    """
    import redis

    for part in (response[0], response[-1]):
        if isinstance(part, redis.ResponseError):
            raise part
    if len(response) == 1:
        return []
    columns = [column[1] for column in response[0]]
    try:
        return [dict(zip(columns, map(_value, row), strict=True)) for row in response[1]]
    except _Unsupported:
        return None


class Backend:
    """Runs named statements; keeps the change stamp.

    The change stamp is a value that changes after every write that
    succeeds (any statement run with ``write=True``), so a result computed
    from the graph under one stamp is still valid while the stamp is the
    same (:class:`graphcrm.cache.ReportCache`).  Neo4j moves it in the
    write's own transaction; FalkorDB (a counter beside the graph) right
    *after* the write commits: read the stamp before reading the graph and a
    cached result can never hide a committed write for longer than the bump takes.

    Account stamps (:meth:`account_stamps`) are finer: a write says which
    accounts it changes (``scope``: account ids; None: it may change any)
    and moves only their stamps, so the results about other accounts stay
    valid.  A backend without them answers with the change stamp, which
    every write moves.
    """

    name: str
    statements: dict[str, str]

    def change_stamp(self) -> str:
        raise NotImplementedError

    def missing_schema(self) -> list[str] | None:
        """The constraints and indexes of the schema that are not there;
        None when this database user may not see them."""
        raise NotImplementedError

    def account_stamps(self, account_ids: Iterable[str]) -> tuple[str, ...]:
        """The stamp of ``*`` (moved by every write that may change any
        account, ``scope=None``) and the stamp of each of these accounts."""
        stamp = self.change_stamp()
        return (stamp, *(stamp for _ in account_ids))

    def results(self, keys: list[str]) -> list[str | None]:
        """The texts saved under these keys by :meth:`save_results` (None: none)."""
        raise NotImplementedError

    def save_results(self, results: dict[str, str]) -> None:
        """Keep these texts by key, beside the graph and outside the graph model
        (computed results: they survive a restart, move no stamp and go with the graph)."""
        raise NotImplementedError

    def forget_results(self) -> None:
        """Delete every text :meth:`save_results` kept."""
        raise NotImplementedError

    def run(self, statement: str, params: dict | None = None, *, write: bool = False,
            scope: frozenset[str] | None = None) -> list[dict]:
        """Run a named statement; a write (``write=True``) changes the
        accounts in ``scope`` (None: it may change any)."""
        raise NotImplementedError

    def write_batches(self, batches: Iterable[tuple[str, dict, object]]) -> Iterator[object]:
        """Run ``(statement, params, tag)`` writes in order; yield each tag
        once its statement is written.  A bulk load's batches come this way
        (:meth:`graphcrm.graph.store.GraphStore.merge_batches`)."""
        for statement, params, tag in batches:
            self.run(statement, params, write=True)
            yield tag

    def text(self, statement: str) -> str:
        try:
            return self.statements[statement]
        except KeyError:
            raise KeyError(f"no Cypher statement named {statement!r} in cypher/") from None


class FalkorBackend(Backend):
    name = "falkordb"

    def __init__(self, server, graph_name: str):
        import falkordb

        self.server = server
        self.graph_name = graph_name
        self.statements = load_statements("falkordb")
        from graphcrm.graph.embedded import NO_RETRY

        #: a statement timed out and none has been answered since (see :meth:`_timed_out`)
        self._silent = False
        #: writes that timed out, as (query text, scope): the stamps they owe (see :meth:`_settle`)
        self._unsettled: list[tuple[str, frozenset[str] | None]] = []
        self._settle_lock = threading.Lock()
        with self._answered(write=False):  # the client asks the server what it is (INFO) at once
            self._db = falkordb.FalkorDB(
                unix_socket_path=str(server.socket_path), retry=NO_RETRY, socket_timeout=server.timeout)
        self._graph = self._db.select_graph(graph_name)
        #: the change stamp: a Redis counter beside the graph (not a node, so it
        #: never shows in the graph; deleting the graph does not reset it)
        self._stamp_key = f"graphcrm:change-stamp:{graph_name}"
        #: the account stamps: a Redis hash of counters, one per account
        #: written to, and ``*`` for the writes that may change any account
        self._account_stamps_key = f"graphcrm:account-stamps:{graph_name}"
        #: saved results (:meth:`save_results`): a Redis hash of texts, one per key
        self._results_key = f"graphcrm:results:{graph_name}"

    @property
    def location(self) -> str:
        return str(self.server.data_dir)

    def run(self, statement, params=None, *, write=False, scope=None):
        return self._execute(statement, self._query_text(statement, params or {}), write, scope)

    def write_batches(self, batches):
        """As :meth:`Backend.write_batches`, with the query text of the next
        batch put together in a second thread while the database runs the
        current one, on the same connection so that the order holds.  Python
        spends as long preparing a batch as the database takes to write it
        (bench/run, scale M: 1.4 s each); they now overlap."""
        items = iter(batches)

        def prepare():  # in the helper thread: the next batch, as query text
            item = next(items, None)
            if item is None:
                return None
            statement, params, tag = item
            return statement, self._query_text(statement, params), tag

        context = contextvars.copy_context()  # who is writing (graphcrm.audit), as in this thread
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphcrm-batch") as helper:
            ahead = helper.submit(context.run, prepare)
            while (prepared := ahead.result()) is not None:
                ahead = helper.submit(context.run, prepare)
                statement, query, tag = prepared
                self._execute(statement, query, True)
                yield tag

    def _query_text(self, statement: str, params: dict) -> str:
        """The query as FalkorDB takes it: the parameters travel inside its
        text, in a header."""
        query = self._graph._build_params_header(params) + self.text(statement)
        if "\x00" in query:  # one look at the text; only a parameter can have put it there
            refuse_nul(params)
        return query

    def _execute(self, statement: str, query: str, write: bool, scope: frozenset[str] | None = None) -> list[dict]:
        import redis

        try:
            result = self._query(query, write)
        except redis.TimeoutError:
            # a server that does not answer may be busy or stopped, not dead: nothing is repeated
            if write:
                self._unsettled.append((query, scope))
            raise self._timed_out(write) from None
        except (redis.ConnectionError, OSError) as exc:
            # the server died: start it again, then repeat
            # what cannot have been applied twice: a read, or a statement
            # that never left (the connection to the dead server failed)
            self._restart(exc)
            if write and not _never_sent(exc):
                raise StoreUnavailable(
                    "the embedded database stopped while saving and has been restarted; "
                    "reload to see whether the change was saved"
                ) from None
            with self._answered(write):
                result = self._query(query, write)
        except redis.ResponseError as exc:
            if not write and "empty key" in str(exc):
                return []  # the graph does not exist yet: nothing to read
            raise _falkor_error(exc, statement) from None
        self._heard()
        if write:
            try:
                self._bump(scope)
            except StoreTimeout:
                self._unsettled.append((query, scope))  # saved: its stamps are moved later
                raise
        if isinstance(result, list):  # read rows decoded from the compact reply
            return result
        columns = [column[1] for column in result.header]
        return [dict(zip(columns, map(_plain, row), strict=True)) for row in result.result_set]

    def _query(self, query: str, write: bool):
        """One statement (its parameter header included) with FalkorDB's
        compact reply: rows decoded by :func:`_compact_rows`, else a QueryResult."""
        import redis
        from falkordb.query_result import QueryResult

        try:
            response = self._graph.execute_command(
                "GRAPH.QUERY" if write else "GRAPH.RO_QUERY", self.graph_name, query, "--compact")
        except redis.ResponseError as exc:
            if "loading" in str(exc).lower():  # replaying its append-only file after a restart
                raise redis.ConnectionError(f"not ready: {exc}") from None
            raise
        rows = _compact_rows(response)
        return rows if rows is not None else QueryResult(self._graph, response)

    def _restart(self, cause: Exception) -> None:
        if self.server.is_running():
            return
        log.warning("embedded FalkorDB does not answer (%s); restarting it", cause)
        try:
            self.server.start()
        except StoreTimeout:
            raise  # its process is alive: not replaced yet
        except (StoreUnavailable, ConfigError) as exc:
            raise StoreUnavailable(f"the embedded database stopped and cannot be restarted ({exc})") from None

    def _timed_out(self, write: bool) -> StoreTimeout:
        """The error for a statement that waited ``GRAPHCRM_DB_TIMEOUT`` in
        vain.  The silence is noted first: a server that has not answered
        for the grace period is replaced (:mod:`graphcrm.graph.embedded`)."""
        self._silent = True
        try:
            self.server.note_unanswered()
        except StoreUnavailable as exc:
            log.warning("embedded FalkorDB does not answer and is not replaced: %s", exc)
        return StoreTimeout(_no_answer(self.server.timeout, write), write=write)

    def _heard(self) -> None:
        """The server answered: a silence this process noted is over."""
        if self._silent:
            self._silent = False
            self.server.note_answered()

    def _settle(self) -> None:
        """Move the stamps that writes which timed out owe, once the server
        no longer runs them (``GRAPH.INFO``): such a write is not lost but
        may be finished when the server resumes, and results cached under
        the old stamps must not hide it.  The server takes commands in the
        order they arrived, so a write it has not finished is listed."""
        import redis

        if not self._unsettled:
            return
        with self._settle_lock:
            try:
                reply = self._db.connection.execute_command("GRAPH.INFO")
            except redis.ResponseError:
                reply = []  # a server without GRAPH.INFO: move them now
            info = dict(zip(reply[::2], reply[1::2], strict=False))
            running = [dict(zip(q[::2], q[1::2], strict=False)).get("Query") or ""
                       for key in ("# Running queries", "# Waiting queries") for q in info.get(key) or ()]
            for query, scope in list(self._unsettled):
                if not any(shown and query.startswith(shown) for shown in running):
                    self._bump(scope, write=False)
                    self._unsettled.remove((query, scope))

    @contextmanager
    def _answered(self, write: bool):
        """Commands sent straight to the server: its silence as StoreTimeout,
        a lost connection as StoreUnavailable."""
        import redis

        try:
            yield
        except redis.TimeoutError:
            raise self._timed_out(write) from None
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"the embedded database does not answer ({exc})") from None

    def _bump(self, scope: frozenset[str] | None = None, *, write: bool = True) -> None:
        """Move the change stamp and the stamps of the accounts in ``scope``
        (None: ``*``, which every account's validity includes), in one round
        trip; ``write``: for the caller, a change of its own is at stake."""
        pipe = self._db.connection.pipeline(transaction=False)
        pipe.incr(self._stamp_key)
        for account in sorted(scope) if scope is not None else ("*",):
            pipe.hincrby(self._account_stamps_key, account, 1)
        with self._answered(write):
            pipe.execute()

    @contextmanager
    def bulk_writes(self):
        """Around a bulk load: no automatic rewrites of the append-only file
        while it grows, one compaction (:meth:`compact`) when it is done.

        Redis rewrites the file each time it doubles; during a load of
        100,000 people that forked and serialised the growing graph four
        times, competing with the load for the CPU (bench/run, scale L).
        (Two bulk loads at once may leave the setting as the other found it.)
        """
        conn = self._db.connection
        key = "auto-aof-rewrite-percentage"
        with self._answered(write=False):
            before = conn.config_get(key).get(key, "100")
            conn.config_set(key, 0)
        try:
            yield
        finally:
            with self._answered(write=False):
                conn.config_set(key, before)
        self.compact()

    def compact(self, timeout: float = 600.0) -> None:
        """Rewrite the append-only file as one snapshot of the data.

        After a bulk load the file holds every batch statement; replaying
        them on the next start is slow (with the unique constraints,
        FalkorDB 4.16 had not started a minute later with 25,000 people), while a snapshot
        loads in a fraction of a second.  A failed rewrite is logged, never
        raised: the data is safe in the old file.
        """
        conn = self._db.connection
        with self._answered(write=False):
            if not int(conn.info("persistence").get("aof_enabled", 0)):
                return
            conn.bgrewriteaof()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._answered(write=False):
                info = conn.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                if info.get("aof_last_bgrewrite_status") != "ok":
                    log.warning("rewriting the append-only file failed; see %s", self.server.log_path)
                return
            time.sleep(0.05)
        log.warning("rewriting the append-only file still runs after %.0f s", timeout)

    def change_stamp(self) -> str:
        return self._beside_graph(lambda redis: str(redis.get(self._stamp_key) or 0))

    def account_stamps(self, account_ids):
        fields = ["*", *account_ids]
        return self._beside_graph(
            lambda redis: tuple(str(int(v or 0)) for v in redis.hmget(self._account_stamps_key, fields)))

    def results(self, keys):
        def read(redis):
            return [v.decode() if isinstance(v, bytes) else v for v in redis.hmget(self._results_key, keys)]
        return self._beside_graph(read) if keys else []

    def save_results(self, results):
        if results:
            self._beside_graph(lambda redis: redis.hset(self._results_key, mapping=results))

    def forget_results(self):
        self._beside_graph(lambda redis: redis.delete(self._results_key))

    def _beside_graph(self, read: Callable):
        """``read(connection)``: Redis commands on the keys beside the graph
        (the stamps).  Often the first thing a request asks after a crash,
        so a server that died is started again first."""
        import redis

        try:
            self._settle()
            value = read(self._db.connection)
        except redis.TimeoutError:
            raise self._timed_out(write=False) from None
        except (redis.ConnectionError, OSError) as exc:
            self._restart(exc)
            with self._answered(write=False):
                self._settle()
                value = read(self._db.connection)
        self._heard()
        return value

    #: the schema's indexes: (label, property, the statement that creates it)
    INDEXES = [(label, "id", f"schema.id_index:{label}") for label in LABELS] + [
        ("Account", "name", "schema.name_index.Account"),
        ("Person", "name", "schema.name_index.Person"),
        ("Opportunity", "name", "schema.name_index.Opportunity"),
        ("User", "username", "schema.username_index"),
        ("AuditEntry", "at", "schema.audit_index"),
        ("AuditEntry", "target_id", "schema.audit_target_index"),
        ("AuditEntry", "actor", "schema.audit_actor_index"),
        ("AuditEntry", "target_label", "schema.audit_label_index"),
        ("AuditEntry", "target_end", "schema.audit_end_index"),
        ("AuditEntry", "action", "schema.audit_action_index"),
        ("AuditEntry", "id", "schema.audit_id_index"),
        ("Interaction", "follow_up_owner", "schema.follow_up_index"),
        ("Interaction", "external_key", "schema.external_key_index"),
        ("Interaction", "updated_at", "schema.interaction_updated_index"),
    ]
    #: the schema's unique constraints: (label, property)
    UNIQUE = [(label, "id") for label in LABELS] + [("User", "username"), ("Interaction", "external_key")]

    def missing_schema(self) -> list[str]:
        """The indexes and unique constraints of the schema that are not there (or not working)."""
        existing, constraints = self._indexes(), self._constraints()
        return ([f"index on {label}.{prop}" for label, prop, _ in self.INDEXES if (label, prop) not in existing]
                + [f"unique constraint on {label}.{prop}" for label, prop in self.UNIQUE
                   if constraints.get((label, prop)) != "OPERATIONAL"])

    def setup_schema(self, timeout: float = 30.0) -> None:
        """Create the id indexes and unique constraints that are missing; wait until they work.
        Several processes may do so at once: what another has just created is taken as done."""
        existing = self._indexes()
        for label, prop, statement in self.INDEXES:
            if (label, prop) not in existing:
                try:
                    self.run(statement, write=True)
                except ValidationError as exc:
                    if "already indexed" not in exc.message:
                        raise
        constraints = self._constraints()
        wanted_constraints = self.UNIQUE
        for label, prop in wanted_constraints:
            if (label, prop) not in constraints:
                self._create_constraint(label, prop)
        deadline = time.monotonic() + timeout
        while True:
            constraints = self._constraints()
            states = {key: constraints.get(key) for key in wanted_constraints}
            if all(state == "OPERATIONAL" for state in states.values()):
                return
            failed = [f"{label}.{prop}" for (label, prop), state in states.items() if state == "FAILED"]
            if failed:
                raise StoreUnavailable(
                    "unique constraint could not be created (duplicate values already stored?): "
                    + ", ".join(failed)
                )
            if time.monotonic() > deadline:
                raise StoreUnavailable(f"unique constraints still pending after {timeout:.0f} s: {states}")
            time.sleep(0.05)

    def _create_constraint(self, label: str, prop: str) -> None:
        """A unique constraint: not Cypher in FalkorDB but a command of its own (docs/architecture.md)."""
        import redis

        with self._answered(write=True):
            try:
                self._db.connection.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label, "PROPERTIES", 1, prop)
            except redis.ResponseError as exc:
                if "already exists" not in str(exc):
                    raise _falkor_error(exc, f"the unique constraint on {label}.{prop}") from None

    def _indexes(self) -> set[tuple[str, str]]:
        return {(row["label"], prop) for row in self.run("schema.indexes", write=False) for prop in row["properties"]}

    def _constraints(self) -> dict[tuple[str, str], str]:
        rows = self.run("schema.constraints", write=False)
        return {
            (row["label"], row["properties"][0]): row["status"]
            for row in rows
            if row["type"] == "UNIQUE" and len(row["properties"]) == 1
        }

    def drop(self) -> None:
        """Delete the whole graph and the results saved beside it (tests)."""
        import redis

        try:
            self._graph.delete()
        except redis.ResponseError:
            pass  # no such graph yet
        self.forget_results()
        self._bump()

    def close(self) -> None:
        self._db.connection.close()


def refuse_nul(params: Mapping[str, Any]) -> None:
    """Refuse a statement's parameters when one holds the NUL character,
    naming it (:class:`ValidationError`), on every backend alike.

    FalkorDB's client sends the parameters inside the query text, which a
    NUL would end; Neo4j would store it, and a backup of that store could
    not be restored into the embedded one.  So neither takes it.
    """
    for name, value in params.items():
        if _has_nul(value):
            raise ValidationError(name, "must not contain the NUL character")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def _never_sent(exc: Exception) -> bool:
    """True when redis-py failed to connect, so the command was not sent
    (its message then reads "Error 111 connecting to unix socket: ...")."""
    return "connecting to" in str(exc)


def _no_answer(timeout: float | None, write: bool) -> str:
    """What a caller that waited ``timeout`` seconds for the database is told."""
    message = "the database does not answer" + ("; reload to see whether your change was saved" if write else "")
    return message + (f" (waited {timeout:g} s, GRAPHCRM_DB_TIMEOUT)" if timeout else "")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


#: the name of the constraint or index a schema statement of cypher/neo4j/schema.cypher creates
_SCHEMA_NAME = re.compile(r"CREATE (?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS")


def _ended_by_time_limit(code: str) -> bool:
    """Whether a Neo4j error code says the transaction ran past its time
    limit: its timeout itself, or the end of a transaction that was waiting
    for a lock when the timeout ended it (``LockClientStopped``)."""
    return "TransactionTimedOut" in code or code.endswith(".LockClientStopped")


def _falkor_error(exc: Exception, statement: str) -> Exception:
    message = str(exc)
    if "unique constraint violation" in message:
        return Conflict(f"an object with this id already exists ({message})")
    return ValidationError("query", f"the database refused {statement}: {message}")


class Neo4jBackend(Backend):
    name = "neo4j"

    def __init__(self, url: str, user: str, password: str | None, database: str, *, timeout: float | None = None):
        import neo4j
        from neo4j import exceptions
        from neo4j.exceptions import ConfigurationError

        self.url = url
        self.database = database
        self.statements = load_statements("neo4j")
        #: the driver has no read timeout of its own: ``timeout`` bounds connecting,
        #: taking a connection from the pool and retrying, and Neo4j ends a
        #: transaction that runs longer (its transaction timeout)
        self.timeout = timeout
        #: the write transaction, with the time limit (:meth:`_stamped_write`)
        self._write_unit = neo4j.unit_of_work(timeout=timeout)(self._stamped_write)
        bounds: dict[str, Any] = {} if timeout is None else {
            "connection_timeout": timeout, "connection_acquisition_timeout": timeout,
            "max_transaction_retry_time": timeout}
        try:
            # no notifications: the statements are fixed, and on a young database the server
            # warns of every relationship type or property not yet written (the driver logs
            # each warning, on every page view)
            self._driver = neo4j.GraphDatabase.driver(url, auth=(user, password or ""),
                                                      notifications_min_severity="OFF", **bounds)
        except (ValueError, ConfigurationError) as exc:
            raise StoreUnavailable(f"GRAPHCRM_DATABASE_URL: cannot use {url!r} ({exc})") from None
        try:
            # fail at once with one line, rather than after half a minute of retried transactions
            self._driver.verify_connectivity()
        except exceptions.AuthError as exc:
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {url} refused the credentials ({exc.message})") from None
        except (exceptions.ServiceUnavailable, exceptions.DriverError, OSError) as exc:
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {url} cannot be reached ({_one_line(exc)})") from None

    @property
    def location(self) -> str:
        return f"{self.url} (database {self.database})"

    def run(self, statement, params=None, *, write=False, scope=None):
        import neo4j

        params = params or {}
        refuse_nul(params)
        text = self.text(statement)
        accounts = sorted(scope) if scope is not None else ["*"]  # the account stamps a write moves
        with self._translated(statement, write):
            if not write:
                records, _summary, _keys = self._driver.execute_query(
                    neo4j.Query(text, timeout=self.timeout), params,
                    database_=self.database, routing_=neo4j.RoutingControl.READ)
            elif "IN TRANSACTIONS" in text:
                records = self._in_transactions(text, params, accounts)
            else:
                with self._driver.session(database=self.database) as session:
                    records = session.execute_write(self._write_unit, text, params, accounts)
        return [{key: _plain(value) for key, value in record.items()} for record in records]

    def _stamped_write(self, tx, text: str, params: dict, accounts: list[str]) -> list:
        """A write and the move of the change stamp and the stamps of
        ``accounts``, in one transaction (``session.execute_write`` runs it
        again on a transient error): the stamps move if and only if the
        write commits, with one commit."""
        records = list(tx.run(text, params))
        self._bump(tx, accounts)
        return records

    def _bump(self, tx, accounts: list[str]) -> None:
        tx.run(self.text("meta.bump"), accounts=accounts).consume()

    def _in_transactions(self, text: str, params: dict, accounts: list[str]) -> list:
        """A write that commits as it goes (``CALL { } IN TRANSACTIONS``:
        ``graph.clear``, which as one transaction would exceed Neo4j's
        transaction memory at scale).  It runs only in an auto-commit
        transaction and with no time limit (it takes as long as the graph is
        large); its stamps move right after it, in a transaction of their own,
        also when it failed part-way: what it had committed by then stays."""
        import neo4j

        try:
            with self._driver.session(database=self.database) as session:
                return list(session.run(neo4j.Query(text), params))
        finally:
            with self._driver.session(database=self.database) as session:
                session.execute_write(self._bump, accounts)

    @contextmanager
    def _translated(self, statement: str, write: bool):
        """The driver's errors as :mod:`graphcrm.errors`."""
        from neo4j import exceptions

        try:
            yield
        except exceptions.ConstraintError as exc:
            raise Conflict(f"an object with this id already exists ({exc.message})") from None
        except exceptions.AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} refused the credentials ({exc.message})") from None
        except exceptions.IncompleteCommit as exc:
            # the commit was sent and the connection lost before its answer: it may have been saved
            raise StoreTimeout(f"Neo4j at {self.url} did not confirm the commit ({_one_line(exc)}); "
                               "reload to see whether the change was saved", write=True) from None
        except (exceptions.ServiceUnavailable, exceptions.SessionExpired, OSError) as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} cannot be reached ({_one_line(exc)})") from None
        except exceptions.TransientError as exc:
            # still failing when the driver's retries ran out (a deadlock, a leader
            # changing...): the database's state, not the request, and nothing was saved
            raise StoreUnavailable(f"Neo4j at {self.url} is busy: {statement} failed again after "
                                   f"{self.timeout or 30:g} s of retries ({exc.code}: {exc.message})") from None
        except exceptions.Neo4jError as exc:
            if _ended_by_time_limit(exc.code or ""):
                raise StoreTimeout(_no_answer(self.timeout, write), write=write) from None
            raise ValidationError("query", f"the database refused {statement}: {exc.message}") from None

    def bulk_writes(self):
        """Nothing to hold: Neo4j manages its own transaction log."""
        return nullcontext()

    def compact(self) -> None:
        """Nothing to do: Neo4j manages its own transaction log."""

    def change_stamp(self) -> str:
        rows = self.run("meta.stamp")
        return rows[0]["stamp"] if rows else "0"

    def account_stamps(self, account_ids):
        fields = ["*", *account_ids]
        stamps = {row["account"]: row["stamp"] for row in self.run("meta.account_stamps", {"accounts": fields})}
        return tuple(stamps[account] for account in fields)

    def results(self, keys):
        saved = {row["key"]: row["value"] for row in self.run("meta.results", {"keys": list(keys)})}
        return [saved.get(key) for key in keys]

    def save_results(self, results):
        import neo4j

        rows = [{"key": key, "value": value} for key, value in results.items()]
        with self._translated("meta.save_results", write=True):
            self._driver.execute_query(neo4j.Query(self.text("meta.save_results"), timeout=self.timeout),
                                       {"results": rows}, database_=self.database)

    def forget_results(self):
        self._unstamped("meta.forget_results")

    def missing_schema(self) -> list[str] | None:
        """The constraints and indexes of the schema (by name) that are not
        there or failed (one still being populated is there); None when this
        user may not see the schema."""
        import neo4j
        from neo4j import exceptions

        wanted = {match.group(1) for name, text in self.statements.items()
                  if name.startswith("schema.") and (match := _SCHEMA_NAME.search(text))}
        with self._translated("meta.schema", write=False):
            try:
                records, _summary, _keys = self._driver.execute_query(
                    neo4j.Query(self.text("meta.schema"), timeout=self.timeout),
                    database_=self.database, routing_=neo4j.RoutingControl.READ)
            except exceptions.Forbidden:
                return None
        there = {record["name"] for record in records if record["state"] != "FAILED"}
        return sorted(wanted - there)

    def setup_schema(self, timeout: float = 30.0) -> None:
        """Create the constraints and indexes that are missing (idempotent;
        several processes may do so at once).  Needs schema rights."""
        self._unstamped("meta.deduplicate")  # else the stamp node's constraint cannot be created
        for name in sorted(self.statements):
            if name.startswith("schema."):
                self._unstamped(name)

    def _unstamped(self, statement: str) -> None:
        """A write of the schema or of the stamps themselves, which moves no
        stamp, in a transaction of its own (Neo4j takes no data write after a
        schema change in one).  A constraint or index that another process
        has just created (``IF NOT EXISTS`` does not cover a concurrent
        create) is taken as done."""
        import neo4j
        from neo4j import exceptions

        with self._translated(statement, write=True):
            try:
                self._driver.execute_query(neo4j.Query(self.text(statement), timeout=self.timeout),
                                           database_=self.database)
            except exceptions.ClientError as exc:
                if "AlreadyExists" not in (exc.code or ""):
                    raise

    def drop(self) -> None:
        """Delete every node and relationship, the audit log and the change
        stamp's node included, as dropping the graph does on FalkorDB (tests);
        the schema stays.  In batches (``graph.drop``): one transaction for a
        large graph would exceed Neo4j's transaction memory.  The stamp starts
        again from a new epoch with the next write, so it never repeats."""
        import neo4j

        # CALL { } IN TRANSACTIONS runs only in an auto-commit transaction: session.run
        with self._translated("graph.drop", write=True), self._driver.session(database=self.database) as session:
            session.run(neo4j.Query(self.text("graph.drop"))).consume()

    def close(self) -> None:
        self._driver.close()
