"""A pasted list of 200 stakeholders at scale L: how long the preview and the save take.

    nice -n 10 .venv/bin/python bench/bench_paste.py [--scale L] [--rows 200] [--runs 5]

Scale L of bench/generate.py (2,000 accounts, 100,000 people, about 570,000
relationships) is bulk-loaded into an embedded store of a data folder of its
own.  The web app (CSRF off, as in the tests; everything else as served)
signs in as the bench's key-account manager, and on ``--runs`` of their
accounts (about 50 people each) posts the paste page
(``/accounts/<id>/people/paste``) twice, as the browser would:

* **preview**: the pasted text (``--rows`` rows of name, title, department,
  manager, email, phone, influence and stance, Chinese and English names;
  each row's manager is an earlier row of the paste or a stored person of
  the account, by name) read, every row checked against the account's people,
  and the grid rendered;
* **save**: the grid posted back: checked again, then every person, their
  employment and their managers written in one statement;
* **account page after**: the page the save lands on, its map drawn with
  the new people (the first view after a write: nothing of it is cached).

Each request is timed from the post to the response (no network), and the
account's people are counted after the save.  Prints one JSON object:
seconds per run, their median and maximum, and the targets (preview < 1 s,
save < 2 s).

Measured on the 2-core development machine (2026-12-06, other work sharing
it), scale L, 200 rows, two runs of 5: preview 0.026–0.108 s (medians 0.028
and 0.033), save 0.041–0.094 s (medians 0.042 and 0.051), the account page
after it 0.071–0.206 s (median 0.080).  Before the people's influencers were
looked up by the index, the save took 3.7–9.6 s (median 7.2): the statement
scanned all 100,000 people once per pasted row.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BENCH_PASSWORD, MANAGER, SCALES, generate, load, manager_and_accounts  # noqa: E402

from graphcrm.config import Settings  # noqa: E402
from graphcrm.graph import embedded_server  # noqa: E402
from graphcrm.transfer.paste import COLUMNS  # noqa: E402
from graphcrm.web import create_app  # noqa: E402
from graphcrm.web.db import get_store  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
ENGLISH = ["Helen", "Mark", "Grace", "Tom", "Lily", "Amy", "David", "Emily", "Frank", "Irene"]
DEPARTMENTS = ["技术中心", "采购部", "Finance", "运营部", "IT", "总经办"]
STANCES = ["champion", "supporter", "neutral", "skeptic", "opponent", "支持者", "中立"]


def pasted_list(rows: int, stored: list[dict], *, seed: int) -> str:
    """``rows`` stakeholders as text copied from a spreadsheet, with a header row."""
    rng = random.Random(seed)
    taken = {p["name"] for p in stored}
    unique_stored = [n for n in taken if sum(p["name"] == n for p in stored) == 1]
    names: list[str] = []
    while len(names) < rows:
        if rng.random() < 0.7:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        else:
            name = f"{rng.choice(ENGLISH)} {rng.choice(SURNAMES)}-{len(names)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    lines = ["\t".join(["Name", "Title", "Department", "Reports to", "Email", "Phone", "Influence", "Stance"])]
    for i, name in enumerate(names):
        if i == 0:
            manager = rng.choice(unique_stored) if unique_stored else ""
        else:
            manager = names[rng.randrange(max(0, i - 20), i)]
        lines.append("\t".join([
            name, rng.choice(["经理", "主任", "Engineer", "Director", "专员"]), rng.choice(DEPARTMENTS), manager,
            f"p{seed}-{i}@example.cn", f"138{rng.randrange(10**7, 10**8)}", str(rng.randint(1, 5)),
            rng.choice(STANCES),
        ]))
    return "\n".join(lines)


def grid_of(client, account_id: str, text: str) -> dict:
    """The form the preview page posts back: each row's cells, as the browser sends them."""
    from graphcrm.transfer.paste import parse_table, plan_people

    with client.application.app_context():
        plan = plan_people(parse_table(text), get_store().people_of_account(account_id))
    form = {"rows": str(len(plan.rows)), "action": "save"}
    for row in plan.rows:
        form.update({f"r{row.number}-{column}": row.cells[column] for column in COLUMNS})
    return form


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="L")
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out: dict = {"scale": args.scale, "rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="bench-paste-") as folder:
        settings = Settings(data_dir=Path(folder) / "data", secret_key="bench")
        try:
            nodes, rels = generate(args.scale, seed=args.seed)
            manager_id, accounts = manager_and_accounts(nodes, rels)
            app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": settings})
            with app.app_context():
                out["load"] = load(get_store(), nodes, rels)
            del nodes, rels
            client = app.test_client()
            assert client.post("/login", data={"username": MANAGER, "password": BENCH_PASSWORD}).status_code == 302
            previews, saves, landings, people = [], [], [], []
            for run, account_id in enumerate(accounts[: args.runs]):
                with app.app_context():
                    stored = get_store().people_of_account(account_id)
                text = pasted_list(args.rows, stored, seed=args.seed + run)
                url = f"/accounts/{account_id}/people/paste"
                started = time.perf_counter()
                response = client.post(url, data={"text": text, "action": "check"})
                previews.append(time.perf_counter() - started)
                assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
                form = grid_of(client, account_id, text)
                started = time.perf_counter()
                response = client.post(url, data=form)
                saves.append(time.perf_counter() - started)
                assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
                started = time.perf_counter()
                response = client.get(f"/accounts/{account_id}")
                landings.append(time.perf_counter() - started)
                assert response.status_code == 200
                with app.app_context():
                    people.append(len(get_store().people_of_account(account_id)) - len(stored))
            app.extensions["graphcrm_store"].close()
        finally:
            embedded_server(dataclasses.replace(settings)).stop()
    out["saved_per_run"] = people
    for name, seconds in (("preview", previews), ("save", saves), ("account_page_after", landings)):
        out[name] = {"seconds": [round(s, 3) for s in seconds], "median": round(statistics.median(seconds), 3),
                     "max": round(max(seconds), 3)}
    out["targets"] = {"preview_under_s": 1.0, "save_under_s": 2.0,
                      "met": max(previews) < 1.0 and max(saves) < 2.0}
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
