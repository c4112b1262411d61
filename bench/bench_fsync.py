"""Acknowledged writes per second of the embedded store at each fsync setting.

    nice -n 10 .venv/bin/python bench/bench_fsync.py [--n 2000] [--threads 4]

Each setting gets a fresh data folder and server.  ``raw`` is one bare
``CREATE`` query after the other (the server's own rate); ``single`` is one
client creating nodes through GraphStore (validation, audit entry; each call
returns once the write is acknowledged); ``threads`` is the same spread over
several clients;
``recovery_s`` is the time to restart the server after a SIGKILL (replay of
the append-only file).  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graphcrm.config import Settings
from graphcrm.graph import embedded_server, open_store


def _rate(settings: Settings, n: int, threads: int, prefix: str) -> float:
    stores = [open_store(settings) for _ in range(threads)]
    per = n // threads

    def work(k: int) -> None:
        for i in range(per):
            stores[k].create("Competitor", {"name": f"竞争对手 {prefix} {k}-{i}"})

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    elapsed = time.perf_counter() - start
    for store in stores:
        store.close()
    return per * threads / elapsed


def _raw_rate(server, n: int) -> float:
    client = server.client()
    start = time.perf_counter()
    for i in range(n):
        client.execute_command("GRAPH.QUERY", "bench-raw", f"CREATE (:Bench {{i: {i}}})")
    return n / (time.perf_counter() - start)


def measure(fsync: str, n: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="graphcrm-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), fsync=fsync)
        server = embedded_server(settings)
        server.start()
        try:
            open_store(settings).close()  # schema
            raw = _raw_rate(server, n)
            single = _rate(settings, n, 1, "single")
            parallel = _rate(settings, n, threads, "threads")
            server.kill()
            start = time.perf_counter()
            server.start()
            recovery = time.perf_counter() - start
            with open_store(settings) as store:
                kept = store.count("Competitor")
        finally:
            server.stop()
    return {
        "raw_queries_per_s": round(raw),
        "single_writes_per_s": round(single),
        f"{threads}_threads_writes_per_s": round(parallel),
        "recovery_after_sigkill_s": round(recovery, 3),
        "writes_kept_after_sigkill": kept,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="writes per run")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    figures = {"cores": os.cpu_count(), "writes": args.n}
    for fsync in ("always", "everysec"):
        figures[fsync] = measure(fsync, args.n, args.threads)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
