"""One GraphStore per app, opened lazily and closed when the process exits,
and one ReportCache over it (analysis results kept until the graph changes)."""

from __future__ import annotations

import atexit
import threading

from flask import current_app

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
                store, workers=app.config["GRAPHCRM_SETTINGS"].analysis_workers))
    return cache

