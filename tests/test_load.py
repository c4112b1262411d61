"""Load: 16 concurrent clients (page views, JSON API, searches, "log an
interaction" form posts with CSRF) against ``graphcrm serve --prod`` on
loopback for ~10 s: zero errors, every acknowledged write stored exactly
once, the audit log and the counts agree.  ``bench/bench_load.py`` runs the
same for 30 s and prints the figures.  Skip with ``-m "not load"``.
"""

from __future__ import annotations

import dataclasses
import socket
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest

from graphcrm.demo import DEMO_PASSWORD, load_demo
from graphcrm.graph import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import loadgen  # noqa: E402

USERS = ["admin", "director", "lina", "zhangwei", "liuyang", "sunli", "gaofeng", "viewer"]
WRITERS = ["admin", "lina", "zhangwei", "liuyang", "sunli", "gaofeng"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.load
def test_sixteen_clients_for_ten_seconds(settings):
    own = dataclasses.replace(settings, graph_name=f"test-load-{uuid.uuid4().hex[:8]}")
    store = open_store(own)
    try:
        load_demo(store)
        before = store.stats()
        interactions_before = {i["id"] for i in store.list_nodes("Interaction", limit=100_000)}
        plans = loadgen.plans(store, USERS)
        port = _free_port()
        env = {"GRAPHCRM_DATA_DIR": str(own.data_dir), "GRAPHCRM_GRAPH": own.graph_name,
               "GRAPHCRM_SECRET_KEY": "load-test-secret"}
        with loadgen.production_server(port, env):
            results = loadgen.run("127.0.0.1", port, plans, DEMO_PASSWORD, clients=16, seconds=10, min_writes=20)
        print("\nload:", results.figures())

        assert results.errors == []
        assert results.reads > 0 and len(results.writes) >= 20
        new = [i for i in store.list_nodes("Interaction", limit=100_000) if i["id"] not in interactions_before]
        stored = Counter(i.get("summary") for i in new)
        assert stored == Counter(results.writes), "every acknowledged write stored once, nothing else"
        after = store.stats()
        assert after["nodes"]["Interaction"] == before["nodes"]["Interaction"] + len(results.writes)
        assert after["relationships"]["WITH"] == before["relationships"]["WITH"] + len(results.writes)
        assert after["relationships"]["ATTENDED"] == before["relationships"]["ATTENDED"] + len(results.writes)
        for label in ("Account", "Person", "User", "Opportunity", "Competitor"):
            assert after["nodes"][label] == before["nodes"][label]
        audited = sum(store.audit_log(actor=user, limit=1)[1] for user in WRITERS)
        assert audited == len(results.writes)
        assert store.integrity_problems() == []
    finally:
        store.backend.drop()
        store.close()
