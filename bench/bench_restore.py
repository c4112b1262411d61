"""Restore of a large backup into a fresh embedded store, whole and cut short.

    nice -n 10 .venv/bin/python bench/bench_restore.py [--scale L]

Scale L of bench/generate.py (2,000 accounts, 100,000 people, about 570,000
relationships and a year of interactions) is bulk-loaded into a graph of a
data folder of its own and backed up (``graphcrm backup``); the file is then

* checked alone (:func:`graphcrm.transfer.backup.read_backup`: the format
  and every value against the graph model);
* restored into an empty graph (the whole restore, the check included);
* restored into another empty graph, with the database killed (SIGSTOP once
  it runs the statement after half of the rows are written, then SIGKILL, as
  ``stop_mid_statement`` in tests/conftest.py does): what the restore
  reports, how long it takes to report it, and what the graph holds then
  (nodes, relationships and audit entries copied from the file); the time
  from the kill to the report covers the restart of the database (which
  reads its log again) and the undoing of what the restore wrote;
* restored again into that graph (a rerun after the failure).

Prints one JSON object: counts, seconds per phase, rows per second and the
peak resident memory of the process.

Measured on the 2-core development machine (2026-12-06, load average about
2.4, other test suites running): a file of 130,243 nodes and 572,802
relationships (199 MB); the check alone 7.2 s, the whole restore 24.2 s
(the code before values were checked: check 4.7 s, restore 15–21 s); killed
after 352,244 rows, the restore reported the failure 5.7 s after the kill
(the database restarted, what was written deleted) and left no node,
relationship or copied audit entry; the rerun took 20.4 s.  Before, the same
kill left 130,094 nodes and 222,150 relationships and a rerun was refused
(the database is not empty).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import SCALES, generate  # noqa: E402

from graphcrm.config import Settings  # noqa: E402
from graphcrm.errors import GraphCRMError  # noqa: E402
from graphcrm.graph import embedded_server, open_store  # noqa: E402
from graphcrm.transfer.backup import backup, read_backup, restore  # noqa: E402


def _held(store) -> dict:
    stats = store.stats()
    return {"nodes": sum(stats["nodes"].values()), "relationships": sum(stats["relationships"].values())}


def _file_entries_held(store, entry_ids: set[str]) -> int:
    return sum(1 for props in store.audit_entries() if props["id"] in entry_ids)


def _kill_mid_statement(server, started: threading.Event, killed: list, timeout: float = 600.0) -> None:
    """Once ``started`` is set: SIGSTOP the server inside the next statement it
    runs, then SIGKILL it; append the time of the kill to ``killed``."""
    started.wait(timeout)
    client = server.client(socket_timeout=5)
    deadline = time.monotonic() + timeout
    try:
        while int(client.info("clients")["blocked_clients"]) == 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the database never ran the statement")
            time.sleep(0.001)
        os.kill(server.pid(), signal.SIGSTOP)
    finally:
        client.close()
    server.kill()
    killed.append(time.perf_counter())


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - started, 2)


def _cut_short(settings: Settings, file: Path, total_rows: int, entry_ids: set[str]) -> dict:
    """The restore killed half-way, what it leaves, and a rerun."""
    server = embedded_server(settings)
    target = open_store(dataclasses.replace(settings, graph_name="cut"))
    half = threading.Event()
    written = [0]

    def progress(n: int) -> None:
        written[0] += n
        if written[0] >= total_rows // 2:
            half.set()

    killed: list[float] = []
    killer = threading.Thread(target=_kill_mid_statement, args=(server, half, killed))
    killer.start()
    started = time.perf_counter()
    try:
        restore(target, file, progress=progress)
        outcome = "finished (the kill came too late)"
    except GraphCRMError as exc:
        outcome = f"{type(exc).__name__}: {exc}"
    reported = time.perf_counter()
    killer.join()
    left = {**_held(target), "audit_entries_from_the_file": _file_entries_held(target, entry_ids)}
    try:
        rerun, rerun_seconds = _timed(restore, target, file)
        rerun_outcome = {"counts": rerun, "seconds": rerun_seconds, "holds": _held(target)}
    except GraphCRMError as exc:
        rerun_outcome = {"refused": f"{type(exc).__name__}: {exc}"}
    target.close()
    return {"rows_written_before_the_kill": written[0], "outcome": outcome,
            "killed_after_seconds": round(killed[0] - started, 2),
            "reported_seconds_after_the_kill": round(reported - killed[0], 2),
            "left_behind": left, "rerun": rerun_outcome}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="L")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out: dict = {"scale": args.scale}
    with tempfile.TemporaryDirectory(prefix="bench-restore-") as folder:
        settings = Settings(data_dir=Path(folder) / "data")
        server = embedded_server(settings)
        try:
            nodes, rels = generate(args.scale, seed=args.seed)
            file = Path(folder) / "backup.jsonl"
            with open_store(dataclasses.replace(settings, graph_name="source")) as source:
                _, out["load_seconds"] = _timed(source.bulk_load, nodes, rels)
                del nodes, rels
                counts, out["backup_seconds"] = _timed(backup, source, file)
            out["file"] = {**counts, "people": source_people(file), "megabytes": round(file.stat().st_size / 1e6, 1)}
            (_, nodes_by_label, _), out["check_seconds"] = _timed(read_backup, file)
            entry_ids = {props["id"] for props in nodes_by_label.get("AuditEntry", [])}
            del nodes_by_label
            with open_store(dataclasses.replace(settings, graph_name="whole")) as target:
                restored, seconds = _timed(restore, target, file)
                out["restore"] = {"counts": restored, "seconds": seconds,
                                  "rows_per_s": round(sum(restored.values()) / seconds)}
            total_rows = counts["nodes"] + counts["relationships"]
            out["cut_short"] = _cut_short(settings, file, total_rows, entry_ids)
        finally:
            server.stop()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2, ensure_ascii=False))


def source_people(file: Path) -> int:
    with file.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.startswith('{"node": "Person"'))


if __name__ == "__main__":
    main()
