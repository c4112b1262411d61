"""graphcrm.analysis._parallel: pieces of an analysis in forked processes."""

from __future__ import annotations

import os

import pytest

from graphcrm.analysis._parallel import run_pieces


def test_results_in_order_and_computed_elsewhere():
    pids = run_pieces([os.getpid, os.getpid, os.getpid])
    assert pids[0] == os.getpid()
    assert len(set(pids)) == 3  # each other piece ran in a process of its own


def test_a_piece_sees_the_data_of_the_parent():
    data = {"王强": 5, "Li Na": 3}
    assert run_pieces([lambda: sorted(data), lambda: sum(data.values())]) == [["Li Na", "王强"], 8]


def test_an_error_in_a_child_is_raised_here():
    def fails():
        raise ValueError("no account named 华东电网")

    with pytest.raises(ValueError, match="华东电网"):
        run_pieces([lambda: 1, fails])


def test_a_child_that_dies_has_its_piece_computed_here(caplog):
    parent = os.getpid()

    def dies_in_a_child():
        if os.getpid() != parent:
            os._exit(9)  # as if the kernel had killed it
        return "computed here"

    assert run_pieces([lambda: 1, dies_in_a_child]) == [1, "computed here"]
    assert "exit code 9" in caplog.text


def test_one_piece_runs_here():
    assert run_pieces([os.getpid]) == [os.getpid()]
    assert run_pieces([]) == []
