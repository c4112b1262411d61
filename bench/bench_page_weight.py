"""Page weight of the account page (issue 5: under 150 KB of HTML and data
for a 200-person account, scripts cached); prints JSON figures.

    .venv/bin/python bench/bench_page_weight.py [--people 200]

A fresh embedded store in a temporary folder gets one synthetic account of
``--people`` stakeholders (bench/synthetic.py, with a year of interactions);
the director signs in through the Flask test client and opens the account
page.  Reported: the bytes of the page (HTML with the network data inline),
of the network JSON alone and of the stakeholder table, gzip-compressed
sizes, and the static files the page refers to (cached by the browser after
the first visit: ``Cache-Control: max-age``), with their own sizes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import BENCH_PASSWORD, DIRECTOR  # noqa: E402
from synthetic import synthetic_portfolio  # noqa: E402

from graphcrm.config import Settings  # noqa: E402
from graphcrm.graph import embedded_server  # noqa: E402
from graphcrm.users import hash_password  # noqa: E402
from graphcrm.web import create_app  # noqa: E402
from graphcrm.web.db import get_store  # noqa: E402


def kb(n: int) -> float:
    return round(n / 1024, 1)


def measure(people: int, data_dir: Path, *, show: bool = False) -> dict:
    settings = Settings(data_dir=data_dir, graph_name="graphcrm")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": settings})
    nodes, rels = synthetic_portfolio(1, people, seed=11, today=date.today(), with_interactions=True)
    nodes.append(("User", {"id": "u-director", "username": DIRECTOR, "display_name": "陈总 Director Chen",
                           "role": "director", "password_hash": hash_password(BENCH_PASSWORD)}))
    try:
        with app.app_context():
            get_store().bulk_load(nodes, rels)
        c = app.test_client()
        assert c.post("/login", data={"username": DIRECTOR, "password": BENCH_PASSWORD}).status_code == 302
        account = next(props["id"] for label, props in nodes if label == "Account")
        page = c.get(f"/accounts/{account}").get_data()
        html = page.decode()
        data = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', html, re.S).group(1)
        table = re.search(r'<table class="data sortable" id="stakeholders">.*?</table>', html, re.S).group(0)
        network = json.loads(data)
        if show:
            print(json.dumps({"node": network["nodes"][:2], "edge": network["edges"][:2]}, ensure_ascii=False))
        statics = {}
        for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
            r = c.get(path)
            statics[path.split("?")[0]] = {"kb": kb(len(r.get_data())), "cache_control": r.headers.get("Cache-Control")}
            r.close()
        return {
            "people": people,
            "nodes": len(network["nodes"]),
            "edges": len(network["edges"]),
            "page_kb": kb(len(page)),
            "page_gzip_kb": kb(len(gzip.compress(page))),
            "network_data_kb": kb(len(data.encode())),
            "stakeholder_table_kb": kb(len(table.encode())),
            "rest_of_page_kb": kb(len(page) - len(data.encode()) - len(table.encode())),
            "target_kb": 150,
            "static_files_cached": statics,
        }
    finally:
        embedded_server(settings).stop()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--show", action="store_true", help="print the start of the network data")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="graphcrm-weight-") as tmp:
        return measure(args.people, Path(tmp), show=args.show)


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
