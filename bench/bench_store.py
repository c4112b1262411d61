"""Store figures on the embedded FalkorDB: demo load time and operation latencies.

    .venv/bin/python bench/bench_store.py [--fsync always|everysec] [--n 300]

Prints one JSON object (milliseconds unless named otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from graphcrm.config import Settings
from graphcrm.demo import load_demo
from graphcrm.graph import open_store


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
    }


def _timed(fn, n: int) -> dict:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return _percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fsync", default="always", choices=["always", "everysec"])
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), fsync=args.fsync)
        started = time.perf_counter()
        store = open_store(settings)
        ready = time.perf_counter() - started
        start = time.perf_counter()
        counts = load_demo(store)
        demo_load = time.perf_counter() - start
        person = store.get("Person", "p-huang-lei")
        versions = {"v": person["version"]}

        def update(i):
            versions["v"] = store.update("Person", person["id"], {"notes": f"edit {i}"},
                                         version=versions["v"])["version"]

        figures = {
            "cores": os.cpu_count(),
            "fsync": args.fsync,
            "server_start_and_schema_s": round(ready, 3),
            "demo_load_s": round(demo_load, 3),
            "demo_counts": counts,
            "create_person": _timed(lambda i: store.create_person("acc-citybureau", {"name": f"测试 {i}"}), args.n),
            "get_person": _timed(lambda i: store.get("Person", person["id"]), args.n),
            "update_person_versioned": _timed(update, args.n),
            "relate_knows": _timed(
                lambda i: store.relate("KNOWS", person["id"], "p-xu-jing", {"strength": 1 + i % 5}), args.n),
            "account_graph_citybureau": _timed(lambda i: store.account_graph("acc-citybureau"), 30),
            "portfolio_graph_demo": _timed(lambda i: store.portfolio_graph(), 30),
        }
        store.close()
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
