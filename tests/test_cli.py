"""The graphcrm command, run through click's test runner on each store: the
session's embedded server, and Neo4j through ``GRAPHCRM_DATABASE_URL``."""

from __future__ import annotations

import json

from graphcrm.cli import main


def test_demo_then_status_reports_the_demo_counts(runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "director" in result.output
    status = json.loads(runner.invoke(main, ["db", "status", "--json"]).output)
    assert status["backend"] == runner.settings.backend
    assert status["nodes"]["Account"] >= 5 and status["nodes"]["Person"] >= 80
    assert status["relationships"]["ROLE_IN"] > 0
    text = runner.invoke(main, ["db", "status"]).output
    assert "Person" in text and "ROLE_IN" in text


def test_analyze_prints_text_and_json(runner):
    runner.invoke(main, ["demo"])
    text = runner.invoke(main, ["analyze", "opportunity", "opp-metro-line4"])
    assert text.exit_code == 0 and "readiness" in text.output.lower()
    report = json.loads(runner.invoke(main, ["analyze", "account", "acc-citybureau", "--json"]).output)
    assert report["kind"] == "account"
    portfolio = json.loads(runner.invoke(main, ["analyze", "portfolio", "--json"]).output)
    assert portfolio["kind"] == "portfolio"
    missing = runner.invoke(main, ["analyze", "account", "acc-nope"])
    assert missing.exit_code == 1 and "not found" in missing.output and "Traceback" not in missing.output


def test_user_add_and_list(runner, monkeypatch):
    runner.invoke(main, ["init"])
    monkeypatch.setenv("GRAPHCRM_PASSWORD", "s3cret-enough")
    added = runner.invoke(main, ["user", "add", "chen.jing", "--role", "bid", "--name", "陈静"])
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["user", "add", "chen.jing", "--role", "bid"])
    assert again.exit_code == 1 and "taken" in again.output
    bad_role = runner.invoke(main, ["user", "add", "x.y", "--role", "boss"])
    assert bad_role.exit_code == 2 and "boss" in bad_role.output
    monkeypatch.setenv("GRAPHCRM_PASSWORD", "short")
    weak = runner.invoke(main, ["user", "add", "w.w", "--role", "viewer"])
    assert weak.exit_code == 1 and "password" in weak.output
    users = json.loads(runner.invoke(main, ["user", "list", "--json"]).output)
    assert [(u["username"], u["display_name"], u["role"]) for u in users] == [("chen.jing", "陈静", "bid")]


def test_bad_database_url_is_one_line(runner, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_DATABASE_URL", "mysql://localhost")
    result = runner.invoke(main, ["db", "status"])
    assert result.exit_code == 1
    assert "GRAPHCRM_DATABASE_URL" in result.output and "Traceback" not in result.output


def test_unreachable_neo4j_is_one_line_at_once(runner, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_DATABASE_URL", "bolt://127.0.0.1:1")
    result = runner.invoke(main, ["db", "status"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "cannot be reached" in lines[0] and "bolt://127.0.0.1:1" in lines[0]


def test_bad_numeric_settings_are_one_line(runner, monkeypatch):
    for var, value in (("GRAPHCRM_ANALYSIS_WORKERS", "0"), ("GRAPHCRM_ANALYSIS_WORKERS", "two"),
                       ("GRAPHCRM_BOLT_PORT", "-1")):
        monkeypatch.setenv(var, value)
        result = runner.invoke(main, ["analyze", "portfolio"])
        assert result.exit_code == 1, result.output
        assert var in result.output and repr(value) in result.output and "Traceback" not in result.output
        monkeypatch.delenv(var)


def test_analyze_portfolio_in_two_processes(runner, monkeypatch):
    runner.invoke(main, ["demo"])
    monkeypatch.setenv("GRAPHCRM_ANALYSIS_WORKERS", "2")
    report = json.loads(runner.invoke(main, ["analyze", "portfolio", "--json"]).output)
    assert report["totals"]["accounts"] >= 5
    assert [a["id"] for a in report["accounts"]] == sorted(a["id"] for a in report["accounts"])


def test_analyze_portfolio_json_gives_each_accounts_satisfaction_and_at_risk_reasons(runner):
    runner.invoke(main, ["demo"])
    report = json.loads(runner.invoke(main, ["analyze", "portfolio", "--json"]).output)
    rows = {a["id"]: a for a in report["accounts"]}
    assert all({"latest", "trend", "nps", "open_follow_ups"} <= set(a["satisfaction"]) for a in rows.values())
    ops = rows["acc-metro-ops"]
    assert (ops["satisfaction"]["latest"], ops["satisfaction"]["trend"], ops["satisfaction"]["open_follow_ups"]) == (
        4, "falling", 1)
    assert {"satisfaction_falling", "follow_up_overdue", "detractor_in_buying_center"} <= {
        r["kind"] for r in ops["attention"]}
    assert all(r["message"] for r in ops["attention"])
    # the metro group's leaders, promoters all year: loyalty lifts the suggested tier to the recorded one
    group = rows["acc-metro-group"]
    assert (group["satisfaction"]["nps"], group["satisfaction"]["sustained_promoters"]) == (100, True)
    assert group["suggested_tier"] == "strategic_partner" and not group["tier_mismatch"]
    assert group["lifetime_value"]["retention"] > group["lifetime_value"]["retention_base"]
