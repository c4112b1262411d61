"""Smoke run of the scale benchmark (bench/run) at the smallest scale: the
command works and prints one well-formed JSON report.  Timings are never
asserted; the real runs are bench/results/."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def test_bench_run_prints_one_json_report(tmp_path):
    out = tmp_path / "report.json"
    result = subprocess.run(
        [str(ROOT / "bench" / "run"), "--scales", "XS", "--samples", "3", "--clients", "2", "--duration", "1.5",
         "--write-every", "0.5", "--compare-rows", "150", "--data-dir", str(tmp_path), "--out", str(out)],
        env={**os.environ, "BENCH_PYTHON": sys.executable},  # the interpreter under test, not bench/run's choice
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == report
    assert report["machine"]["cores"] >= 1
    assert {"python", "falkordb", "networkx", "graphcrm"} <= set(report["versions"])
    assert report["versions"]["python"] == platform.python_version()
    xs = report["scales"]["XS"]
    assert xs["people"] == 200 and xs["load"]["nodes"] > 200 and xs["load"]["rows_per_s"] > 0
    assert set(xs["store_ms"]) == {"account", "opportunity", "person"}
    assert all(set(v) == {"p50_ms", "p95_ms"} for v in xs["store_ms"].values())
    portfolio = xs["analysis"]["portfolio"]
    assert portfolio["cache_hits"] >= 5 and portfolio["cache_misses"] == 3  # each of two writes invalidated it
    # XS is quick to compute: after a write the dashboard gets a new report at once, not the last one
    assert portfolio["after_a_write_dashboard"]["refreshing"] is False
    web = xs["web"]
    assert set(web["single_client_ms"]) == {"dashboard", "account", "opportunity", "person"}
    assert web["concurrent"]["requests"] > 0
    assert web["concurrent_with_writes"]["requests"] > 0 and web["concurrent_with_writes"]["writes"]["done"] >= 1
    assert web["errors"] == {"single": 0, "concurrent": 0, "concurrent_with_writes": 0}
    assert web["peak_rss_mib"]["web"] > 0 and web["peak_rss_mib"]["db"] > 0
    assert web["dashboard_first_no_saved_parts_ms"] > 0 and web["dashboard_shows_a_write"]["writes"] == 3
    assert portfolio["from_saved_parts_s"] >= 0
    assert 140 <= report["batched_vs_row_at_a_time"]["rows"] <= 150
    assert report["centrality_sampled_vs_exact"]["exact_s"] >= 0
    assert set(report["targets"]) >= {"scale", "load_rows_per_s", "dashboard_p95_ms_concurrent", "web_errors"}
    assert all(math.isfinite(x) and x >= 0 for x in numbers(report))
    # the data folders are removed and nothing is left running
    assert list(tmp_path.iterdir()) == [out]


def test_bench_run_runs_under_the_interpreter_it_is_given(tmp_path):
    interpreter = tmp_path / "python"
    interpreter.write_text('#!/bin/sh\necho "$0" "$@"\n')
    interpreter.chmod(0o755)
    env = {**os.environ, "BENCH_PYTHON": str(interpreter)}
    result = subprocess.run([str(ROOT / "bench" / "run"), "--scales", "XS"], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(interpreter), str(ROOT / "bench" / "report.py"), "--scales", "XS"]


def test_bench_run_sets_the_stores_side_by_side(tmp_path, neo4j_databases):
    """``--stores falkordb,neo4j``: a report per store and the main figures of each scale next to each other
    (``neo4j_databases``: skipped, or failed under CI, where no local Neo4j can run)."""
    out = tmp_path / "report.json"
    result = subprocess.run(
        [str(ROOT / "bench" / "run"), "--scales", "XS", "--stores", "falkordb,neo4j", "--samples", "2", "--no-web",
         "--compare-rows", "40", "--data-dir", str(tmp_path), "--out", str(out)],
        env={**os.environ, "BENCH_PYTHON": sys.executable}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["stores"]) == {"falkordb", "neo4j"} and "scales" not in report
    for of_store in report["stores"].values():
        assert of_store["scales"]["XS"]["load"]["rows_per_s"] > 0 and of_store["targets"]["scale"] == "XS"
        assert of_store["batched_vs_row_at_a_time"]["rows"] <= 40
    side = report["side_by_side"]["XS"]
    assert side["load_rows_per_s"] == {kind: report["stores"][kind]["scales"]["XS"]["load"]["rows_per_s"]
                                       for kind in ("falkordb", "neo4j")}
    assert side["web_errors"] == {"falkordb": None, "neo4j": None}  # --no-web
    assert list(tmp_path.iterdir()) == [out]  # both servers stopped, their folders removed


def test_bench_run_refuses_an_unknown_store(tmp_path):
    result = subprocess.run([str(ROOT / "bench" / "run"), "--scales", "XS", "--stores", "postgres"],
                            env={**os.environ, "BENCH_PYTHON": sys.executable}, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "unknown store 'postgres'" in result.stderr
