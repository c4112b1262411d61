"""A CSV export imports again with every row unchanged: the demo portfolio
plus the values spreadsheets and line endings trip over (a leading
apostrophe or formula character, CR LF inside a value, Chinese, emoji), for
an administrator and for a manager importing their own account's export,
through the command line on each store (embedded FalkorDB and Neo4j)."""

from __future__ import annotations

import csv
import json

import pytest

from graphcrm.cli import main
from graphcrm.demo import load_demo
from graphcrm.graph import open_store

#: values a spreadsheet or a CSV reader changes unless the export guards them,
#: on records of lina's account acc-metro-group
TRICKY = {
    ("Person", "p-han-xue"): {"notes": "'=SUM(A1)", "phone": "+86 138 0013 8000", "title": "高级工程师 🚇"},
    ("Person", "p-zheng-hai"): {"notes": "line1\r\nline2", "department": "'+86 138", "title": "'@运营 ✅"},
    ("Opportunity", "opp-metro-line4"): {"decision_criteria": "=1+1\r\n''=not a formula\r\n-3 dB, 👍",
                                         "name": "-4号线 ISCS"},
    ("Account", "acc-metro-group"): {"industry": "@rail\ttransit", "region": "'quoted' 江州"},
}


@pytest.fixture
def demo(runner):
    """The demo portfolio with the TRICKY values, in the graph the CLI runs on."""
    store = open_store(runner.settings)
    load_demo(store)
    for (label, node_id), changes in TRICKY.items():
        stored = store.update(label, node_id, changes, version=store.get(label, node_id)["version"])
        assert {key: stored[key] for key in changes} == changes  # stored as given
    yield store
    store.close()


def export_csv(runner, folder, *options, user=None) -> None:
    as_user = ["--as", user] if user else []
    result = runner.invoke(main, [*as_user, "export", "--format", "csv", *options, "-o", str(folder)])
    assert result.exit_code == 0, result.output


def dry_run(runner, folder, user=None) -> dict:
    as_user = ["--as", user] if user else []
    result = runner.invoke(main, [*as_user, "import", "csv", str(folder), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_every_row_unchanged(report: dict) -> None:
    assert report["problems"] == []
    counts = {**report["nodes"], **report["relationships"]}
    assert {name: c for name, c in counts.items() if c["create"] or c["update"] or c.get("delete")} == {}
    assert all(c["unchanged"] for c in counts.values())


def test_a_whole_database_csv_export_imports_again_unchanged(runner, demo, tmp_path):
    export_csv(runner, tmp_path / "all")
    report = dry_run(runner, tmp_path / "all")
    assert_every_row_unchanged(report)
    # the water bureau's tender (tender compliance) added 6 people and 16 interactions
    assert report["nodes"]["Person"]["unchanged"] == 90 and report["nodes"]["Interaction"]["unchanged"] == 191


def test_a_manager_imports_the_export_of_her_own_account_unchanged(runner, demo, tmp_path):
    folder = tmp_path / "metro"
    export_csv(runner, folder, "--account", "acc-metro-group", user="lina")
    report = dry_run(runner, folder, user="lina")
    assert_every_row_unchanged(report)
    with (folder / "people.csv").open(encoding="utf-8-sig", newline="") as people:
        notes = {row["id"]: row["notes"] for row in csv.DictReader(people)}
    assert (notes["p-han-xue"], notes["p-zheng-hai"]) == ("''=SUM(A1)", "line1\r\nline2")
