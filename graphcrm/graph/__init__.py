"""Storage: one GraphStore API over the embedded FalkorDB and Neo4j.

>>> from graphcrm.config import Settings
>>> store = open_store(Settings.from_env())      # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import logging

from graphcrm.compliance import Policy
from graphcrm.config import Settings
from graphcrm.errors import ConfigError, ValidationError
from graphcrm.graph.embedded import EmbeddedServer
from graphcrm.graph.store import GraphStore

__all__ = ["GraphStore", "EmbeddedServer", "open_store", "embedded_server"]

log = logging.getLogger(__name__)

_NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def embedded_server(settings: Settings, *, read_only: bool = False) -> EmbeddedServer:
    """The embedded server of the settings' data folder; ``read_only``: one
    that never ends a server whose process is alive (see :mod:`graphcrm.graph.embedded`)."""
    return EmbeddedServer(settings.data_dir, fsync=settings.fsync, bolt_port=settings.bolt_port,
                          timeout=settings.db_timeout, read_only=read_only)


def open_store(settings: Settings, *, setup_schema: bool = True, read_only: bool = False) -> GraphStore:
    """Open the store the settings name, starting the embedded server if needed.

    An embedded server started here is stopped again when the store is
    closed (or at exit) unless other processes are still connected to it.
    ``read_only``: the caller only reads, so it never ends an embedded server
    that does not answer but whose process is alive (``graphcrm db status``).

    ``setup_schema``: see to the schema.  The embedded store creates what is
    missing (a laptop's first start needs no step of its own; concurrent
    starts are safe).  On Neo4j the schema is set up by ``graphcrm init``
    alone, which needs schema rights the app's database user need not have:
    here it is only checked, and what is missing is logged as a warning,
    never an error (:func:`_check_schema`).
    """
    from graphcrm.graph.backends import FalkorBackend, Neo4jBackend

    if settings.database_url:
        if not settings.database_url.startswith(_NEO4J_SCHEMES):
            raise ConfigError(
                f"GRAPHCRM_DATABASE_URL: {settings.database_url!r} is not a Neo4j URL "
                f"(expected one of {', '.join(_NEO4J_SCHEMES)}); leave it unset for the embedded database"
            )
        backend = Neo4jBackend(
            settings.database_url, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database,
            timeout=settings.db_timeout,
        )
        store = GraphStore(backend, policy=_policy(settings))
    else:
        server = embedded_server(settings, read_only=read_only)
        started = server.start()
        on_close = None
        if started:
            def on_close():
                if server.other_clients() == 0:
                    server.stop()
                else:
                    log.info("embedded FalkorDB left running: other graphcrm processes use it")
        store = GraphStore(FalkorBackend(server, settings.graph_name), on_close=on_close, policy=_policy(settings))
        if started:
            atexit.register(_close_if_open, store)
    if setup_schema and settings.database_url:
        _check_schema(store)
    elif setup_schema:
        store.setup_schema()
    return store


def _policy(settings: Settings):
    """The compliance policy of the settings: their gift limit, the rates of the data folder as they are now."""
    from graphcrm.rates import load_rates

    return lambda: Policy(settings.gift_limit, load_rates(settings.data_dir))


def _check_schema(store: GraphStore) -> None:
    """Warn (in the log) when the schema is not all there, or cannot be seen."""
    try:
        missing = store.missing_schema()
    except ValidationError as exc:  # the database refused to list its indexes
        missing, why = None, f" ({exc.message})"
    else:
        why = ""
    if missing is None:
        log.warning("cannot check the schema on %s%s: this database user may not list indexes; "
                    "`graphcrm init` sets it up", store.location, why)
    elif missing:
        log.warning("the schema on %s lacks %s: run `graphcrm init` as a database user with schema rights "
                    "(until then ids are not checked for uniqueness and lookups scan)",
                    store.location, ", ".join(missing))


def _close_if_open(store: GraphStore) -> None:
    """At exit: close a store whose server this process started, unless it was closed."""
    if store._on_close:
        store.close()
