"""Pages beyond the forms: the opportunity power map with its what-if
control, my week, the users admin page, the dashboard chart, and the
network's PNG export and large-network settings."""

from __future__ import annotations

import json
import re

import pytest
from test_web import XSS, text
from test_web_forms import app, login, store  # noqa: F401  (fixtures)


def json_block(page: str, block_id: str):
    return json.loads(re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', page, re.S).group(1))


# -- the opportunity power map ------------------------------------------------------------------


def test_power_map_is_the_buying_center_over_the_org_chart(app):
    c = login(app, "bo")
    page = text(c.get("/opportunities/opp-east"))
    data = json_block(page, "network-data")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"p-cio", "p-cfo", "p-xss"}
    assert nodes["p-xss"]["level"] == nodes["p-cio"]["level"] + 1  # the engineer reports to the CIO
    assert "Technical buyer" in nodes["p-cio"]["label"] and nodes["p-cio"]["borderWidth"] == 4  # lina (4)
    assert nodes["p-cfo"]["borderWidth"] == 1  # only the competitor knows the CFO well
    kinds = {(e["from"], e["to"], e["kind"]) for e in data["edges"]}
    assert kinds == {("p-xss", "p-cio", "REPORTS_TO"), ("p-cio", "p-cfo", "INFLUENCES")}
    assert 'data-layout="hierarchical"' in page and "/static/network.js" in page
    assert XSS not in page
    for words in ("Power map", "Actions (coverage gaps)", "Bid readiness", "Warm paths", "Stance outlook",
                  "Pretend this person leaves"):
        assert words in page, words


def test_what_if_shows_the_difference_in_gaps_and_readiness(app):
    c = login(app, "vera")  # read-only roles may ask too: nothing is written
    page = text(c.get("/opportunities/opp-east?leaves=user-lina"))
    assert re.search(r"Without lina, readiness goes from \d+ to \d+ \(-\d+ points\)", page), page[-3000:]
    section = page[page.index('id="what-if"'):]
    assert "New gaps" in section and "<option value=\"user-lina\" selected>" in section
    page = text(c.get("/opportunities/opp-east?leaves=p-cfo"))
    assert "Without Li Na CFO" in page


def test_what_if_refuses_people_outside_the_deal(app):
    c = login(app, "lina")
    for who in ("p-west", "nobody", "acc-east"):
        r = c.get(f"/opportunities/opp-east?leaves={who}")
        assert r.status_code == 400 and "leaves" in text(r) and "Wes Secret" not in text(r)
    assert login(app, "omar").get("/opportunities/opp-east?leaves=p-cfo").status_code == 404
