"""The map as it was for a 200-person account at scale L: how long the store's
reads, the replay and the pages take, with a year of audit log.

    nice -n 10 .venv/bin/python bench/bench_asof.py [--scale L] [--log 300000] [--people 200] [--runs 3]

Scale L of bench/generate.py (2,000 accounts, 100,000 people) is bulk-loaded
into an embedded store of a data folder of its own, with ``--log`` audit
entries spread over the last year across the portfolio (as bench_history.py
writes them).  The bench key-account manager's first account is grown to
``--people`` stakeholders through the store (it and its bids dated a year
back first, as a restore writes them) (one audited write, their
managers and influencers included), then given a history of its own over
the last 90 days (``--account-log`` entries: stance changes, our
relationships made stronger or weaker, roles in its bids) and a week of
real writes (bench_history.a_week_of_writes).  For the dates 7, 30 and 90
days ago, ``--runs`` times each:

* **fill_in** (once): the year's log is written as an older version left it,
  without the ends of the lines' entries, and the upgrade step
  ``GraphStore.fill_audit_ends`` (``graphcrm init``) gives them their ends;
* **graph**: ``account_graph``; **history**: ``account_history(account, the date)``;
* **replay**: ``graphcrm.asof.graph_as_of`` on them;
* **page**: ``GET /accounts/<id>/as-of?date=`` as the manager (the account
  graph cached after the first run, the history read each time);
* **compare**: ``GET /accounts/<id>/as-of?date=&compare=<today>``;
* **bid**: ``GET /opportunities/<id>/as-of?date=&compare=<today>`` (two
  analyses of the bid).

Prints one JSON object: seconds per run, median and maximum, entries
replayed, and the target (the map as of a past date < 1 s).

Measured on the 2-core development machine (2026-12-06, other work sharing
it, load average 9-13), 201 people, 300,000 + 3,000 entries: a week back the
page 0.07-0.31 s, compare 0.12-0.20 s, bid 0.37-0.59 s; 30 days back
0.40-0.84, 0.35-0.72, 0.57-0.99 s; 90 days back 2.1-2.8, 2.2-2.5, 2.4-3.5 s
(the store's history read 1.8-2.5 s of it; the replay at most 0.08 s).
Since the history is read through the indexes on each record's and each
line's ends (load average 5.4-7.7): a week back 0.03-0.29, 0.08-0.29,
0.42-0.66 s; 30 days back 0.07-0.15, 0.14-0.16, 0.32-0.60 s; 90 days back
0.32-0.44, 0.26-0.51, 0.58-0.85 s (history read 0.18-0.36 s); the fill-in
of 150,290 entries' ends 12.7 s, again 0.29 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_history import _figures, a_week_of_writes, year_of_log  # noqa: E402
from generate import BENCH_PASSWORD, MANAGER, SCALES, generate, load, manager_and_accounts  # noqa: E402

from graphcrm.asof import graph_as_of  # noqa: E402
from graphcrm.audit import acting_as  # noqa: E402
from graphcrm.config import Settings  # noqa: E402
from graphcrm.graph import embedded_server  # noqa: E402
from graphcrm.web import create_app  # noqa: E402
from graphcrm.web.db import get_store  # noqa: E402

STANCES = ("champion", "supporter", "neutral", "skeptic", "opponent")


def grow(store, account_id: str, people: int, *, seed: int) -> list[str]:
    """Add people to the account until it has ``people``, each reporting to an
    earlier one, a third influenced by someone; return the account's people's ids."""
    rng = random.Random(seed)
    have = [p["id"] for p in store.people_of_account(account_id)]
    rows = []
    for n in range(people - len(have)):
        manager = f"row:{rng.randint(1, n)}" if n else rng.choice(have)
        influencers = [rng.choice(have)] if rng.random() < 0.33 else []
        rows.append(({"name": f"干系人 Stakeholder {n:03d}", "stance": rng.choice(STANCES),
                      "influence": rng.randint(1, 5)}, manager, influencers))
    with acting_as(MANAGER, via="web"):
        store.create_people(account_id, rows)
    return [p["id"] for p in store.people_of_account(account_id)]


def backdate(store, account_id: str) -> None:
    """The account and its bids added a year ago (a bulk load stamps them today),
    rewritten as a restore writes them."""
    year_ago = (datetime.now(timezone.utc) - timedelta(days=365)).isoformat(timespec="seconds")
    nodes = {"Account": [{**store.get("Account", account_id), "created_at": year_ago}],
             "Opportunity": [{**o, "created_at": year_ago} for o in store.opportunities_of_account(account_id)]}
    store.merge_batches(nodes, {}, restore=True)


def account_log(store, account_id: str, people: list[str], manager_id: str, count: int, *, seed: int) -> list[dict]:
    """``count`` entries about the account over the last 90 days (as a restore writes them)."""
    rng = random.Random(seed)
    opportunities = [o["id"] for o in store.opportunities_of_account(account_id)]
    now = datetime.now(timezone.utc)
    entries = []
    for n in range(count):
        at = (now - timedelta(seconds=rng.uniform(8 * 86400, 90 * 86400))).isoformat(timespec="microseconds")
        entry = {"id": f"audit-asof-{n:06d}", "at": at, "actor": MANAGER, "via": "web"}
        pick, person = rng.random(), rng.choice(people)
        if pick < 0.5:
            before, after = rng.sample(STANCES, 2)
            entry.update(action="update", target_label="Person", target_id=person,
                         before=json.dumps({"stance": before}), after=json.dumps({"stance": after}))
        elif pick < 0.85:
            entry.update(action="update", target_label="RELATIONSHIP", target_id=f"{manager_id}->{person}",
                         before=json.dumps({"strength": rng.randint(1, 5)}),
                         after=json.dumps({"strength": rng.randint(1, 5)}))
        else:
            entry.update(action="relate", target_label="ROLE_IN", target_id=f"{person}->{rng.choice(opportunities)}",
                         after=json.dumps({"role": "influencer"}))
        entries.append(entry)
    store.restore_audit(entries)
    return entries


def older_log(store, log: list[dict], *, batch_size: int = 2000) -> dict:
    """Write ``log`` as a version that kept no ends of the lines' entries left
    it (``restore.audit`` itself: ``restore_audit`` adds them), then time
    the upgrade step that fills them in (``GraphStore.fill_audit_ends``)
    and its second run (nothing left: one read of the log)."""
    for i in range(0, len(log), batch_size):
        store.backend.run("restore.audit", {"rows": log[i:i + batch_size], "audit": []}, write=True)
    started = time.perf_counter()
    filled = store.fill_audit_ends()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    store.fill_audit_ends()
    return {"entries_filled": filled, "seconds": round(seconds, 2),
            "again_seconds": round(time.perf_counter() - started, 3)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="L")
    parser.add_argument("--log", type=int, default=300_000)
    parser.add_argument("--account-log", type=int, default=3_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out: dict = {"scale": args.scale, "log_entries": args.log, "account_log_entries": args.account_log}
    timings: dict[str, list[float]] = {"graph": [], "history": [], "replay": [], "page": [], "compare": [], "bid": []}
    replayed = {}
    with tempfile.TemporaryDirectory(prefix="bench-asof-") as folder:
        settings = Settings(data_dir=Path(folder) / "data", secret_key="bench")
        try:
            nodes, rels = generate(args.scale, seed=args.seed)
            manager_id, accounts = manager_and_accounts(nodes, rels)
            log = year_of_log(nodes, rels, args.log, seed=args.seed)
            app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": settings})
            account_id = accounts[0]
            with app.app_context():
                store = get_store()
                out["load"] = load(store, nodes, rels)
                out["fill_in"] = older_log(store, log)
                backdate(store, account_id)
                people = grow(store, account_id, args.people, seed=args.seed)
                account_log(store, account_id, people, manager_id, args.account_log, seed=args.seed)
                a_week_of_writes(store, account_id, manager_id, 0)
                opportunity_id = store.opportunities_of_account(account_id)[0]["id"]
                out["account"] = {"people": len(store.people_of_account(account_id))}
            del nodes, rels, log
            client = app.test_client()
            assert client.post("/login", data={"username": MANAGER, "password": BENCH_PASSWORD}).status_code == 302
            today = datetime.now(timezone.utc).date()
            for days in (7, 30, 90):
                day = (today - timedelta(days=days)).isoformat()
                moment = (today - timedelta(days=days - 1)).isoformat()
                for _run in range(args.runs):
                    with app.app_context():
                        store = get_store()
                        started = time.perf_counter()
                        G = store.account_graph(account_id)
                        timings["graph"].append(time.perf_counter() - started)
                        started = time.perf_counter()
                        entries = store.account_history(account_id, moment)["entries"]
                        timings["history"].append(time.perf_counter() - started)
                        started = time.perf_counter()
                        graph_as_of(G, entries, moment)
                        timings["replay"].append(time.perf_counter() - started)
                        replayed[day] = len(entries)
                    for name, url in (("page", f"/accounts/{account_id}/as-of?date={day}"),
                                      ("compare", f"/accounts/{account_id}/as-of?date={day}&compare={today}"),
                                      ("bid", f"/opportunities/{opportunity_id}/as-of?date={day}&compare={today}")):
                        started = time.perf_counter()
                        response = client.get(url)
                        timings[name].append(time.perf_counter() - started)
                        assert response.status_code == 200, (url, response.status_code)
            app.extensions["graphcrm_store"].close()
        finally:
            embedded_server(dataclasses.replace(settings)).stop()
    out["entries_replayed"] = replayed
    out.update({name: _figures(seconds) for name, seconds in timings.items()})
    slowest = max(max(timings["page"]), max(timings["compare"]))
    out["targets"] = {"map_as_of_under_s": 1.0, "met": slowest < 1.0}
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
