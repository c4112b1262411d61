"""End-to-end test of the team's positions on the account map (static/network.js,
web/mapedit.py save_positions) in a real browser (same set-up as
``test_e2e.py``: ``graphcrm serve --demo`` in its own process, Debian's
Chromium; skipped where Chromium is missing, except under CI).

lina drags 郑海 and saves; gaofeng, on the team through a bid, opens the map
in a browser session of his own and gets every node where lina left it (±1
px); he
resets the layout from the keyboard and lina gets the automatic layout again;
a person added after a save is drawn beside their manager, the others where
they were saved.  Screenshots at 1440 and 390 px, in English and Chinese,
land in ``test-artifacts/positions/``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from graphcrm.graph import open_store

from browser import ACCOUNT, require_chromium

pytestmark = pytest.mark.e2e
require_chromium()

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "positions"
DRAGGED = "p-zheng-hai"      # the head of lina's account


def _positions(s) -> dict:
    return s.page.evaluate("window.graphcrmNetwork.getPositions()")


def _open(s) -> dict:
    s.goto(f"/accounts/{ACCOUNT}")
    s.wait_for_network()
    return _positions(s)


def _drag(s, node_id: str, dx: float, dy: float) -> None:
    """Press on the node and drag it by (dx, dy) page pixels."""
    s.page.evaluate("document.getElementById('network').scrollIntoView()")
    start = s.point_on_node(node_id)
    s.page.mouse.move(start["x"], start["y"])
    s.page.mouse.down()
    s.page.mouse.move(start["x"] + dx / 2, start["y"] + dy / 2, steps=5)
    s.page.mouse.move(start["x"] + dx, start["y"] + dy, steps=5)
    s.page.mouse.up()


def _apart(a: dict, b: dict) -> float:
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"])


def _same_places(first: dict, second: dict, nodes=None) -> None:
    """The nodes (default: those of both) within 1 px of their place in ``first``."""
    nodes = [n for n in second if n in first] if nodes is None else nodes
    moved = {n: round(_apart(first[n], second[n]), 2) for n in nodes}
    assert max(moved.values()) <= 1, {n: d for n, d in moved.items() if d > 1}


def _shots(s, lang: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        s.page.set_viewport_size({"width": width, "height": 1000})
        s.page.evaluate("window.graphcrmNetwork.fit({animation: false})")
        tools = s.page.locator("#map-positions").bounding_box()
        assert tools["x"] >= 0 and tools["x"] + tools["width"] <= width, tools
        s.page.evaluate("document.getElementById('map-positions').scrollIntoView()")
        s.page.screenshot(path=str(ARTIFACTS / f"positions-{width}-{lang}.png"), full_page=True)
    s.page.set_viewport_size({"width": 1400, "height": 1000})


def test_positions_saved_by_one_member_are_the_teams_and_reset_from_the_keyboard(demo_server, session_of):
    lina = session_of("lina")
    automatic = _open(lina)
    _drag(lina, DRAGGED, 150, 90)
    dropped = _positions(lina)
    assert _apart(dropped[DRAGGED], automatic[DRAGGED]) > 40
    _same_places(automatic, dropped, [n for n in automatic if n != DRAGGED])
    assert lina.text_matching("#map-positions-status", "^Moved")
    lina.page.click("#map-positions-save")
    said = lina.text_matching("#map-positions-status", "^Positions saved: ")
    assert re.match(rf"Positions saved: {len(dropped)} on the map", said)
    _shots(lina, "en")

    # another member of the team, in a browser of their own: every node where lina left it.  Their
    # maps differ at the edges (each sees the people of other accounts on their own teams whom
    # this account's people know): his own are laid out around the places saved
    gaofeng = session_of("gaofeng")
    theirs = _open(gaofeng)
    both = [n for n in theirs if n in dropped]
    assert DRAGGED in both and len(both) >= len(theirs) - 5, set(theirs) - set(both)
    _same_places(dropped, theirs)
    # his reset, from the keyboard: the automatic layout again, for lina too
    gaofeng.page.focus("#map-positions-reset")
    gaofeng.page.keyboard.press("Enter")
    gaofeng.text_matching("#map-positions-status", "^Layout reset")
    _same_places(automatic, _open(lina))

    # saved again, then a person added under 郑海: drawn beside him, the rest where they were saved
    _drag(lina, DRAGGED, -120, 60)
    lina.page.focus("#map-positions-save")
    lina.page.keyboard.press("Enter")
    lina.text_matching("#map-positions-status", "^Positions saved: ")
    saved = _positions(lina)
    with open_store(demo_server[1]) as store:
        store.create_person(ACCOUNT, {"name": "New Deputy 新副总", "influence": 3}, id="p-e2e-deputy")
        store.relate("REPORTS_TO", "p-e2e-deputy", DRAGGED)
    after = _open(gaofeng)
    _same_places(saved, after)
    assert _apart(after["p-e2e-deputy"], after[DRAGGED]) < 250, (after["p-e2e-deputy"], after[DRAGGED])
    _same_places(after, _open(gaofeng))  # the same picture on every load


def test_the_positions_tools_in_chinese_at_1440_and_390_px(session_of):
    s = session_of("lina", "zh-CN")
    _open(s)
    assert s.page.text_content("#map-positions-save") == "保存位置"
    _drag(s, DRAGGED, 80, -60)
    assert s.text_matching("#map-positions-status", "^已移动")
    _shots(s, "zh")
    s.page.check("input[name=network-layout][value=hierarchical]")  # the org chart has its own places
    assert s.page.is_hidden("#map-positions")
