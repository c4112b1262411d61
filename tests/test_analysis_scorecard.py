"""The scorecard per account manager (analysis/scorecard.py), pinned by the
hand-made team of tests/fixtures.py whose figures are worked out by hand there."""

from __future__ import annotations

import doctest
from datetime import date, timedelta

import pytest

from graphcrm.analysis import manager_scorecard
from graphcrm.analysis import scorecard as scorecard_module
from graphcrm.graph.nxgraph import build_graph

from fixtures import SCORECARD_DAYS, SCORECARD_FIGURES, scorecard_team

TODAY = date(2026, 5, 1)
SINCE = TODAY - timedelta(days=SCORECARD_DAYS - 1)


def team_scorecard(**kwargs):
    G = build_graph(*scorecard_team(TODAY), loaded_at=f"{TODAY}T12:00:00+00:00")
    return manager_scorecard(G, since=SINCE, until=TODAY, **kwargs)


def test_the_module_examples_run():
    result = doctest.testmod(scorecard_module)
    assert result.failed == 0 and result.attempted > 0


def test_each_manager_gets_the_figures_worked_out_by_hand():
    card = team_scorecard()
    assert (card["since"], card["until"], card["days"]) == (SINCE.isoformat(), TODAY.isoformat(), 30)
    assert [m["id"] for m in card["managers"]] == ["u-tom", "u-li"]  # by name: Tom Baker, 李娜 Li Na
    for m in card["managers"]:
        expected = SCORECARD_FIGURES[m["id"]]
        for key in ("coverage", "stale_relationships", "needs_attention", "maintenance", "follow_ups"):
            assert m[key] == expected[key], (m["id"], key)
        satisfaction = {**m["satisfaction"], "latest": m["satisfaction"]["latest"]["score"]}
        assert satisfaction == expected["satisfaction"] | {"latest": expected["satisfaction"]["latest"]}


def test_the_account_rows_give_the_satisfaction_of_the_period():
    li = next(m for m in team_scorecard()["managers"] if m["id"] == "u-li")
    huade, grid = li["account_rows"]  # by name
    assert (huade["name"], huade["coverage"], huade["stale_relationships"]) == ("华德汽车", 100, 2)
    assert "key_people_silent" in huade["attention"]
    # 华德汽车: only Klaus Weber's 8 falls in the period; 张敏's 6 of 40 days ago does not count
    assert huade["satisfaction"] == {"latest": 8, "latest_at": huade["satisfaction"]["latest_at"], "nps": 0,
                                     "responses": 1, "trend": None, "change": None}
    # 江州电网: 王强's 10 then 刘芳's 4, a straight line down by 6 points; 王强's 9 of 200 days ago is outside
    assert (grid["satisfaction"]["latest"], grid["satisfaction"]["nps"], grid["satisfaction"]["trend"],
            grid["satisfaction"]["change"]) == (4, 33, "falling", -6.0)
    assert grid["coverage"] == 67 and grid["attention"].count("follow_up_overdue") == 1


def test_a_period_without_feedback_says_so_and_a_later_score_does_not_count():
    # the 30 days that ended 60 days ago: only 张敏's complaint (40 days ago) is later, and left out
    card = manager_scorecard(build_graph(*scorecard_team(TODAY), loaded_at=f"{TODAY}T12:00:00+00:00"),
                             since=TODAY - timedelta(days=89), until=TODAY - timedelta(days=60))
    for m in card["managers"]:
        assert m["satisfaction"]["responses"] == 0 and m["satisfaction"]["latest"] is None
        assert m["satisfaction"]["nps"] is None
        assert all(a["satisfaction"]["latest"] is None for a in m["account_rows"])
    tom = next(m for m in card["managers"] if m["id"] == "u-tom")
    # 赵磊 met 70 days ago, within that period; Emily Chen met 45 days ago, after it
    assert tom["maintenance"]["contacted"] == 1


def test_a_period_that_ends_before_it_starts_is_refused():
    G = build_graph(*scorecard_team(TODAY), loaded_at=f"{TODAY}T12:00:00+00:00")
    with pytest.raises(ValueError, match="starts"):
        manager_scorecard(G, since=TODAY, until=TODAY - timedelta(days=1))


def test_nothing_due_gives_no_share_and_a_manager_without_accounts_no_card():
    G = build_graph(*scorecard_team(TODAY), loaded_at=f"{TODAY}T12:00:00+00:00")
    tom = next(m for m in manager_scorecard(G, since=TODAY, until=TODAY)["managers"] if m["id"] == "u-tom")
    # Emily Chen met 5 days ago (cadence 30) is not due today; 赵磊, met 70 days ago (60), is
    assert (tom["maintenance"]["due"], tom["maintenance"]["done"], tom["maintenance"]["done_pct"]) == (1, 0, 0)
    G.remove_node("p-zhao")
    tom = next(m for m in manager_scorecard(G, since=TODAY, until=TODAY)["managers"] if m["id"] == "u-tom")
    assert (tom["maintenance"]["due"], tom["maintenance"]["done_pct"]) == (0, None)
    lonely = build_graph([("User", {"id": "u1", "username": "x", "role": "manager"})], [],
                         loaded_at=f"{TODAY}T12:00:00+00:00")
    assert manager_scorecard(lonely)["managers"] == []
