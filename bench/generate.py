"""Synthetic portfolios at named scales, loaded straight into a GraphStore.

    .venv/bin/python bench/generate.py S                 # counts only
    GRAPHCRM_DATA_DIR=/tmp/x .venv/bin/python bench/generate.py M --load

======  ========  ==========  =====================================
scale   accounts  people      relationships (about)
======  ========  ==========  =====================================
XS      8         200         1,100 (smoke test)
S       50        2,500       14,000
M       500       25,000      140,000
L       2,000     100,000     570,000
XL      10,000    500,000     2,900,000
======  ========  ==========  =====================================

The shape comes from :func:`synthetic.synthetic_portfolio` (org charts 4-6
levels deep, influence mostly within departments, one of our managers per
ten accounts with relationships skewed toward a few senior people, buying
centers of 5-30, Chinese and English names).  On top of it this module adds

* a year of interactions: about one a month per account (meetings, calls,
  WeChat, visits) between our account team and people we know there, a
  third of them about an opportunity, with the relationship's
  ``last_contact_at`` moved to the latest one;
* two logins for the web benchmarks: ``director`` (sees every account) and
  ``user0000`` (the manager of the first ten accounts), both with
  :data:`BENCH_PASSWORD`.

The same ``scale``, ``seed`` and ``today`` give the same portfolio.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_portfolio  # noqa: E402

#: accounts and people per account of each named scale
SCALES = {"XS": (8, 25), "S": (50, 50), "M": (500, 50), "L": (2000, 50), "XL": (10_000, 50)}
BENCH_PASSWORD = "bench-password-2026"
DIRECTOR = "director"
MANAGER = "user0000"
INTERACTIONS_PER_ACCOUNT_YEAR = 12
KINDS = [("meeting", "in_person"), ("call", "phone"), ("wechat", "wechat"), ("visit", "in_person"),
         ("email", "email"), ("meeting", "video"), ("event", "in_person")]
SUMMARIES_CN = ["沟通项目进展", "技术交流会", "了解采购计划", "拜访分管领导", "方案汇报", "节前走访"]
SUMMARIES_EN = ["Project update", "Technical workshop", "Procurement plan", "Executive visit", "Solution briefing",
                "Quarterly review"]


def generate(scale: str, *, seed: int = 7, today: date | None = None) -> tuple[list, list]:
    """The portfolio of ``scale`` as ``(nodes, rels)`` (format of ``build_graph``)."""
    from graphcrm.users import hash_password

    accounts, people = SCALES[scale]
    today = today or datetime.now(timezone.utc).date()
    nodes, rels = synthetic_portfolio(accounts, people, seed=seed, today=today)
    rng = random.Random(seed * 1000 + accounts)

    # a year of interactions between each account's team and the people we know there
    team_of: dict[str, list[str]] = {}
    for rel_type, start, end, _ in rels:
        if rel_type == "MEMBER_OF" and end.startswith("acc-"):
            team_of.setdefault(end, []).append(start)
    ours: dict[str, list[tuple[str, dict]]] = {}  # account -> [(person, RELATIONSHIP props)]
    opportunities: dict[str, list[str]] = {}
    for rel_type, start, end, props in rels:
        if rel_type == "RELATIONSHIP" and start.startswith("u-"):
            ours.setdefault("acc-" + end.split("-")[1], []).append((start, end, props))
        elif rel_type == "FOR":
            opportunities.setdefault(end, []).append(start)
    chinese = {p["id"]: any("\u4e00" <= ch <= "\u9fff" for ch in p["name"]) for lbl, p in nodes if lbl == "Account"}
    for account, team in sorted(team_of.items()):
        known = ours.get(account, [])
        if not known:
            continue
        for i in range(max(1, round(rng.gauss(INTERACTIONS_PER_ACCOUNT_YEAR, 3)))):
            user, person, rel = rng.choice(known)
            at = datetime.combine(today - timedelta(days=rng.randrange(0, 365)),
                                  datetime.min.time(), tzinfo=timezone.utc)
            at += timedelta(minutes=rng.randrange(480, 1140))
            kind, channel = rng.choice(KINDS)
            iid = f"int-{account[4:]}-{i:03d}"
            nodes.append(("Interaction", {
                "id": iid, "kind": kind, "channel": channel, "at": at.isoformat(), "sentiment": rng.randint(-2, 2),
                "summary": rng.choice(SUMMARIES_CN if chinese[account] else SUMMARIES_EN),
            }))
            attendees = {user} | ({rng.choice(team)} if rng.random() < 0.3 else set())
            for u in sorted(attendees):
                rels.append(("ATTENDED", u, iid, {}))
            met = {person} | ({rng.choice(known)[1]} if rng.random() < 0.4 else set())
            for p in sorted(met):
                rels.append(("WITH", iid, p, {}))
            if opportunities.get(account) and rng.random() < 0.33:
                rels.append(("ABOUT", iid, rng.choice(opportunities[account]), {}))
            if rel.get("last_contact_at", "") < at.isoformat():
                rel["last_contact_at"] = at.isoformat()

    password_hash = hash_password(BENCH_PASSWORD)
    nodes.append(("User", {"id": "u-director", "username": DIRECTOR, "display_name": "陈总 Director Chen",
                           "role": "director", "title": "销售总监", "password_hash": password_hash}))
    for i, (label, props) in enumerate(nodes):
        if label == "User" and props.get("username") == MANAGER:
            nodes[i] = (label, {**props, "password_hash": password_hash})
    return nodes, rels


def manager_and_accounts(nodes, rels) -> tuple[str, list[str]]:
    """The user id of the bench's key-account manager (:data:`MANAGER`) and the
    ids of the accounts whose team they are on, sorted."""
    manager_id = next(p["id"] for label, p in nodes if label == "User" and p["username"] == MANAGER)
    return manager_id, sorted(end for kind, start, end, _ in rels if kind == "MEMBER_OF" and start == manager_id)


def load(store, nodes, rels, *, batch_size: int = 5000) -> dict:
    """Bulk-load into ``store`` (empty); return counts and seconds."""
    started = time.perf_counter()
    counts = store.bulk_load(nodes, rels, batch_size=batch_size)
    seconds = time.perf_counter() - started
    rows = counts["nodes"] + counts["relationships"]
    return {**counts, "rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scale", choices=list(SCALES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--load", action="store_true", help="load into the store of GRAPHCRM_DATA_DIR (empty graph)")
    args = parser.parse_args(argv)
    nodes, rels = generate(args.scale, seed=args.seed)
    out = {"scale": args.scale, "nodes": dict(Counter(lbl for lbl, _ in nodes)),
           "relationships": dict(Counter(t for t, *_ in rels)), "total_relationships": len(rels)}
    if args.load:
        from graphcrm.config import Settings
        from graphcrm.graph import open_store

        with open_store(Settings.from_env()) as store:
            out["load"] = load(store, nodes, rels)
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
