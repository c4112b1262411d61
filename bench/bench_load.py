"""Load figures: 16 concurrent clients for 30 s against ``graphcrm serve --prod``.

    nice -n 10 .venv/bin/python bench/bench_load.py [--clients 16] [--seconds 30] [--port 5112]

A fresh data folder with the demo portfolio; the clients mix page views, JSON
API calls, searches and "log an interaction" posts (see bench/loadgen.py).
Afterwards every acknowledged write is looked for.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import loadgen

from graphcrm.config import Settings
from graphcrm.demo import DEMO_PASSWORD, load_demo
from graphcrm.graph import embedded_server, open_store

USERS = ["admin", "director", "lina", "zhangwei", "liuyang", "sunli", "gaofeng", "viewer"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=5112)
    parser.add_argument("--fsync", default="always", choices=["always", "everysec"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="graphcrm-load-") as tmp:
        settings = Settings(data_dir=Path(tmp), fsync=args.fsync)
        server = embedded_server(settings)
        server.start()
        try:
            store = open_store(settings)
            load_demo(store)
            before = {i["id"] for i in store.list_nodes("Interaction", limit=100_000)}
            env = {"GRAPHCRM_DATA_DIR": tmp, "GRAPHCRM_FSYNC": args.fsync, "GRAPHCRM_SECRET_KEY": "bench-secret"}
            with loadgen.production_server(args.port, env):
                results = loadgen.run("127.0.0.1", args.port, loadgen.plans(store, USERS), DEMO_PASSWORD,
                                      clients=args.clients, seconds=args.seconds)
            interactions = store.list_nodes("Interaction", limit=100_000)
            new = Counter(i.get("summary") for i in interactions if i["id"] not in before)
            figures = {
                "cores": os.cpu_count(), "clients": args.clients, "fsync": args.fsync, **results.figures(),
                "acknowledged_writes_missing": sum((Counter(results.writes) - new).values()),
                "unacknowledged_writes_stored": sum((new - Counter(results.writes)).values()),
                "integrity_problems": len(store.integrity_problems()),
                "first_errors": results.errors[:5],
            }
            store.close()
        finally:
            server.stop()
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
