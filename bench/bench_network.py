"""The network view in a real browser (Debian's chromium via playwright) for
a synthetic account of 1,000+ stakeholders: server time and size of the
account page, time until the layout settles (bounded forceAtlas2
stabilization), time of one redraw (pan/zoom), the PNG export, and the same
for the opportunity power map (precomputed layout, no physics); then the
team's positions: "Save positions" of every node of the account map (the
request's size and time) and the account page again, drawn from them.

    nice -n 10 .venv/bin/python bench/bench_network.py [--people 1200] [--port 5125]

Prints one JSON object.  Uses its own graph in GRAPHCRM_DATA_DIR (default
a temporary folder) and stops everything it starts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import synthetic_portfolio  # noqa: E402

from graphcrm.config import Settings  # noqa: E402
from graphcrm.users import add_user  # noqa: E402
from graphcrm.web import create_app  # noqa: E402
from graphcrm.web.db import get_store  # noqa: E402

PASSWORD = "bench-password-1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1200)
    parser.add_argument("--port", type=int, default=5125)
    args = parser.parse_args()
    data_dir = Path(os.environ.get("GRAPHCRM_DATA_DIR") or tempfile.mkdtemp(prefix="graphcrm-bench-"))
    settings = dataclasses.replace(Settings(data_dir=data_dir, secret_key="bench-secret"), graph_name="bench-network")
    app = create_app({"SETTINGS": settings})
    with app.app_context():
        store = get_store()
        store.clear()
        nodes, rels = synthetic_portfolio(1, args.people, buying_center=(25, 30))
        store.bulk_merge(nodes, rels)
        add_user(store, "bench-admin", role="admin", password=PASSWORD)
        account_id = store.list_nodes("Account")[0]["id"]
        opportunity_id = max(store.opportunities_of_account(account_id),
                             key=lambda o: len(store.opportunity_graph(o["id"]).in_edges(o["id"])))["id"]
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    figures = {"people": args.people}
    try:
        from playwright.sync_api import sync_playwright

        base = f"http://127.0.0.1:{args.port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(base + "/login")
            page.fill("#username", "bench-admin")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            for name, url in (("account", f"/accounts/{account_id}"),
                              ("power_map", f"/opportunities/{opportunity_id}")):
                start = time.perf_counter()
                response = page.goto(base + url)
                loaded = time.perf_counter()
                page.wait_for_selector("#network[data-settled]", state="attached", timeout=120_000)
                settled = time.perf_counter()
                redraw_ms = page.evaluate(
                    "() => { const t = performance.now(); window.graphcrmNetwork.redraw();"
                    " return performance.now() - t; }")
                shown = page.evaluate("() => window.graphcrmNetwork.body.data.nodes.length")
                with page.expect_download() as download:
                    page.click("#network-png")
                png = download.value.path().read_bytes()
                figures[name] = {
                    "nodes": shown,
                    "html_kb": round(len(response.body()) / 1024, 1),
                    "page_load_s": round(loaded - start, 2),
                    "layout_settled_s": round(settled - loaded, 2),
                    "redraw_ms": round(redraw_ms, 1),
                    "png_kb": round(len(png) / 1024, 1),
                    "png_ok": png[:8] == b"\x89PNG\r\n\x1a\n",
                }
                page.screenshot(path=str(data_dir / f"bench-{name}.png"))
            figures["saved_positions"] = _saved_positions(page, base + f"/accounts/{account_id}")
            browser.close()
    finally:
        server.shutdown()
        with app.app_context():
            get_store().backend.drop()
    figures["screenshots"] = str(data_dir)
    print(json.dumps(figures, indent=2))


def _saved_positions(page, url: str) -> dict:
    """Save the positions of every node of the account map, then load it again, twice: drawn from
    them, no physics (the first load after the save also waits for what the write made the server
    compute again)."""
    page.goto(url)
    page.wait_for_selector("#network[data-settled]", state="attached", timeout=120_000)
    figures = {"positions_kb": round(page.evaluate(
        "() => JSON.stringify(window.graphcrmNetwork.getPositions()).length / 1024"), 1)}
    start = time.perf_counter()
    page.click("#map-positions-save")
    page.wait_for_selector("#map-positions-status:has-text('Positions saved')", timeout=60_000)
    figures["save_s"] = round(time.perf_counter() - start, 2)
    for load in ("first_load", "second_load"):
        start = time.perf_counter()
        response = page.goto(url)
        loaded = time.perf_counter()
        page.wait_for_selector("#network[data-settled]", state="attached", timeout=120_000)
        figures[load] = {"html_kb": round(len(response.body()) / 1024, 1), "page_load_s": round(loaded - start, 2),
                         "layout_settled_s": round(time.perf_counter() - loaded, 2)}
    return figures


if __name__ == "__main__":
    main()
