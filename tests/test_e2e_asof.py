"""End-to-end: the map as it was in a real browser (same set-up as
``test_e2e.py``: ``graphcrm serve --demo`` in its own process, Debian's
Chromium; skipped where Chromium is missing, except under CI).

The demo's metro group is given a past (restored as a backup would be: the
account added in May, the Line 4 bid in June at lead, qualify in August,
three people joining its buying center in September, pre-bid in October, a
stance and a relationship changed in November).  At 1440 and 390 px, in
English and Chinese: the account's network as of 1 September compared with
today (who turned ringed orange), the bid's power map as of then
with readiness and gaps, and the bid page's readiness over time (a column a
gate); nothing spills out on a phone.  Screenshots land in
``test-artifacts/asof/``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from graphcrm.graph import open_store

from browser import require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "asof"
ACCOUNT, BID = "acc-metro-group", "opp-metro-line4"
THEN = "2026-09-01"
WIDE = "() => document.documentElement.scrollWidth"
CHANGED = "() => JSON.parse(document.getElementById('network-data').textContent).nodes" \
          ".filter(n => n.change === 'changed').length"


def _entry(n: int, at: str, action: str, label: str, target: str, **values) -> dict:
    return {"id": f"audit-e2e-asof-{n}", "at": at, "actor": "lina", "via": "web", "action": action,
            "target_label": label, "target_id": target,
            **{k: json.dumps(v, ensure_ascii=False) for k, v in values.items()}}


def _give_a_past(settings) -> None:
    """The metro group's pursuit of Line 4 over the year, as a restore writes it."""
    with open_store(settings) as store:
        G = store.account_graph(ACCOUNT)
        members = sorted(p for p, _o, d in G.in_edges(BID, data=True) if d.get("type") == "ROLE_IN")
        account, bid = store.get("Account", ACCOUNT), store.get("Opportunity", BID)
        store.merge_batches({"Account": [{**account, "created_at": "2026-05-01T08:00:00+00:00"}],
                             "Opportunity": [{**bid, "created_at": "2026-06-01T08:00:00+00:00"}]}, {}, restore=True)
        joined, turned = members[:3], members[3]
        ours = next(u for u, _p, d in G.in_edges(members[0], data=True) if d.get("type") == "RELATIONSHIP")
        strength = G[ours][members[0]]["RELATIONSHIP"].get("strength", 3)
        entries = [
            _entry(1, "2026-06-01T08:00:00+00:00", "create", "Opportunity", BID,
                   after={"name": bid["name"], "stage": "lead", "account_id": ACCOUNT}),
            _entry(2, "2026-08-03T09:00:00+00:00", "update", "Opportunity", BID,
                   before={"stage": "lead"}, after={"stage": "qualify"}),
            *[_entry(3 + n, f"2026-09-1{n}T09:00:00+00:00", "relate", "ROLE_IN", f"{p}->{BID}",
                     after={"role": G[p][BID]["ROLE_IN"].get("role")}) for n, p in enumerate(joined)],
            _entry(7, "2026-10-15T09:00:00+00:00", "update", "Opportunity", BID,
                   before={"stage": "qualify"}, after={"stage": bid["stage"]}),
            _entry(8, "2026-11-20T09:00:00+00:00", "update", "Person", turned,
                   before={"stance": "opponent"}, after={"stance": G.nodes[turned].get("stance")}),
            _entry(9, "2026-11-25T09:00:00+00:00", "update", "RELATIONSHIP", f"{ours}->{members[0]}",
                   before={"strength": max(1, strength - 2)}, after={"strength": strength}),
        ]
        store.restore_audit(entries)


@pytest.fixture(scope="module")
def with_a_past(demo_server):
    _give_a_past(demo_server[1])


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_map_as_it_was_compared_with_today_and_readiness_over_time(with_a_past, session_of, locale, lang,
                                                                       width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    s = session_of("lina", locale)
    s.page.set_viewport_size({"width": width, "height": 900})
    today = date.today().isoformat()
    assert s.goto(f"/accounts/{ACCOUNT}/as-of?date={THEN}&compare={today}").status == 200
    s.wait_for_network()
    assert s.page.evaluate(CHANGED) >= 1  # who turned, ringed orange
    assert s.page.locator("table.as-of-changes tr.change-changed").count() >= 2  # and the stronger relationship
    s.page.screenshot(path=str(ARTIFACTS / f"account-compare-{width}-{lang}.png"), full_page=True)
    if width == 390:
        assert s.page.evaluate(WIDE) <= 390
    assert s.goto(f"/opportunities/{BID}/as-of?date={THEN}&compare={today}").status == 200
    s.wait_for_network()
    assert s.page.locator("#readiness-as-of .readiness-move").count() == 1
    assert s.page.locator("table.as-of-changes tr.change-added").count() >= 3  # who joined the buying center
    s.page.screenshot(path=str(ARTIFACTS / f"bid-compare-{width}-{lang}.png"), full_page=True)
    if width == 390:
        assert s.page.evaluate(WIDE) <= 390
    assert s.goto(f"/opportunities/{BID}").status == 200
    s.page.locator("#gates").scroll_into_view_if_needed()
    assert s.page.locator("#gates-chart svg rect.gate-score").count() == 3  # lead, qualify, pre-bid
    s.page.locator("#gates").screenshot(path=str(ARTIFACTS / f"readiness-over-time-{width}-{lang}.png"))
    if width == 390:
        assert s.page.evaluate(WIDE) <= 390
    assert not s.problems, s.problems
