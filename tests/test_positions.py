"""The team's layout of an account map (GraphStore.map_layout, save_map_positions;
graphcrm.model.map_positions), on every backend available (see conftest)."""

from __future__ import annotations

import math

import pytest

from graphcrm import model
from graphcrm.errors import Conflict, ValidationError
from graphcrm.transfer.export import export_graph


@pytest.fixture
def metro(any_store):
    """An account with two people, one of them known by our user."""
    s = any_store
    s.create("Account", {"name": "深圳地铁集团"}, id="acc-szmc")
    s.create_person("acc-szmc", {"name": "王建国"}, id="p-wang")
    s.create_person("acc-szmc", {"name": "Zhou Jie 周杰"}, id="p-zhou")
    s.create("User", {"username": "li.wei", "display_name": "Li Wei 李伟", "role": "manager"}, id="u-li")
    s.relate("RELATIONSHIP", "u-li", "p-wang", {"strength": 4})
    return s


def test_positions_are_kept_with_a_version_of_their_own_and_audited(metro):
    s = metro
    assert s.map_layout("acc-szmc") == {"positions": {}, "version": 0}
    saved = s.save_map_positions("acc-szmc", {"p-wang": [10.04, -20], "u-li": [300, 45.55]}, version=0)
    assert saved == {"positions": {"p-wang": [10.0, -20.0], "u-li": [300.0, 45.5]}, "version": 1}
    assert s.map_layout("acc-szmc") == saved
    account = s.get("Account", "acc-szmc")
    assert account["version"] == 1  # an edit of the account opened before is not made stale
    assert s.update("Account", "acc-szmc", {"industry": "Rail"}, version=1)["map_positions_version"] == 1
    entries, _total = s.audit_log(target="acc-szmc")
    layout = next(e for e in entries if e["action"] == "layout")
    assert '"placed": 2' in layout["after"] and layout["actor"]


def test_a_stale_layout_version_is_refused_with_the_layout_stored(metro):
    s = metro
    s.save_map_positions("acc-szmc", {"p-wang": [1, 2]}, version=0)
    with pytest.raises(Conflict) as error:
        s.save_map_positions("acc-szmc", {"p-wang": [5, 5]}, version=0)
    assert error.value.current == {"positions": {"p-wang": [1.0, 2.0]}, "version": 1}
    assert s.save_map_positions("acc-szmc", {"p-wang": [5, 5]}, version=1)["version"] == 2


def test_no_positions_mean_the_automatic_layout_again(metro):
    s = metro
    s.save_map_positions("acc-szmc", {"p-wang": [1, 2]}, version=0)
    assert s.save_map_positions("acc-szmc", None, version=1) == {"positions": {}, "version": 2}
    assert "map_positions" not in s.get("Account", "acc-szmc")
    assert s.save_map_positions("acc-szmc", {}, version=2) == {"positions": {}, "version": 3}


@pytest.mark.parametrize("positions, message", [
    ({"p-wang": ["10", 20]}, "two numbers"),
    ({"p-wang": [True, 20]}, "two numbers"),
    ({"p-wang": [math.nan, 20]}, "two numbers"),
    ({"p-wang": [1e7, 20]}, "two numbers"),
    ({"p-wang": [1, 2, 3]}, "two numbers"),
    ({"p-wang": {"x": 1, "y": 2}}, "two numbers"),
    ({"p wang <b>": [1, 2]}, "not a node id"),
    ({f"p-{i}": [i, i] for i in range(model.MAP_POSITIONS_MAX + 1)}, "at most 5000"),
    ([[1, 2]], "a map of node ids"),
])
def test_positions_that_are_not_numbers_or_too_many_are_refused_and_nothing_is_written(metro, positions, message):
    with pytest.raises(ValidationError, match=message) as error:
        metro.save_map_positions("acc-szmc", positions, version=0)
    assert error.value.field == "map_positions"
    assert metro.map_layout("acc-szmc") == {"positions": {}, "version": 0}


def test_the_layout_is_in_the_account_graph_and_the_backup_but_no_export(metro):
    s = metro
    s.save_map_positions("acc-szmc", {"p-wang": [1, 2]}, version=0)
    assert s.account_graph("acc-szmc").nodes["acc-szmc"]["map_positions"] == '{"p-wang":[1.0,2.0]}'
    for account_id in ("acc-szmc", None):
        exported = export_graph(s, account_id).nodes["acc-szmc"]
        assert not set(model.MAP_PROPERTIES) & set(exported)
    stored = s.get("Account", "acc-szmc")
    assert model.validate_stored_node("Account", stored)["map_positions"] == stored["map_positions"]
    assert set(model.MAP_PROPERTIES) <= set(model.INTERNAL_PROPERTIES)  # never read from an import


def test_a_map_layout_stored_by_hand_is_checked_too(metro):
    with pytest.raises(ValidationError, match="map_positions"):
        metro.update("Account", "acc-szmc", {"map_positions": '{"p-wang": ["a", 1]}'}, version=1)
    with pytest.raises(ValidationError, match="map_positions"):
        model.validate_stored_node("Account", {"id": "acc-x", "name": "X", "map_positions": "not json"})
