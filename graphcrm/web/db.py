"""One GraphStore per app, opened lazily and closed when the process exits,
and one ReportCache over it (analysis results kept until the graph changes).

A page view (GET) reads the graph's change stamp, and the stamps of the
accounts it shows, once: everything it shows comes from results valid for
that one state of the graph.  A POST, which may write, reads them afresh
each time it asks.
"""

from __future__ import annotations

import atexit
import threading

from flask import current_app, g, has_request_context, request

from graphcrm.cache import ReportCache
from graphcrm.graph import open_store
from graphcrm.graph.store import GraphStore

_lock = threading.Lock()


def get_store() -> GraphStore:
    app = current_app._get_current_object()
    store = app.extensions.get("graphcrm_store")
    if store is None:
        with _lock:
            store = app.extensions.get("graphcrm_store")
            if store is None:
                store = open_store(app.config["GRAPHCRM_SETTINGS"])
                app.extensions["graphcrm_store"] = store
                atexit.register(store.close)
    return store


def get_reports() -> ReportCache:
    app = current_app._get_current_object()
    cache = app.extensions.get("graphcrm_reports")
    if cache is None:
        store = get_store()
        with _lock:
            cache = app.extensions.setdefault("graphcrm_reports", ReportCache(
                store, workers=app.config["GRAPHCRM_SETTINGS"].analysis_workers,
                stamp=lambda: _once_per_page_view("change stamp", store.change_stamp),
                account_stamps=lambda ids: _once_per_page_view(tuple(ids), lambda: store.account_stamps(ids))))
    return cache


def _once_per_page_view(key, read):
    """``read()``, read once per GET request for each ``key`` (see above)."""
    if not (has_request_context() and request.method in ("GET", "HEAD")):
        return read()  # a POST, or the background refresh of a report
    stamps = g.setdefault("graph_stamps", {})
    if key not in stamps:
        stamps[key] = read()
    return stamps[key]

