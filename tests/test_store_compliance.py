"""Tender compliance in the store, on every backend (``any_store``): a quiet period refuses an
interaction with a restricted person and writes nothing, an allowed one is flagged, gifts add
up to a limit, and every decision is in the audit log."""

from __future__ import annotations

import json

import pytest

from graphcrm.compliance import ComplianceRefused, Policy
from graphcrm.errors import ValidationError

AT = "2026-04-01T08:00:00+00:00"


def tender_account(store, *, stage="tender", **quiet) -> None:
    """华东电网 (acc-1) with a bid in ``stage``; 王强 (p-wang) sits on its evaluation
    committee, Emily Chen (p-emily) does not; our user Li Wei (u-li)."""
    store.create("Account", {"name": "华东电网"}, id="acc-1")
    store.create_opportunity("acc-1", {"name": "智能电表招标", "stage": stage, **quiet}, id="opp-1")
    store.create_person("acc-1", {"name": "王强", "compliance_role": "evaluation_committee"}, id="p-wang")
    store.create_person("acc-1", {"name": "Emily Chen"}, id="p-emily")
    store.create("User", {"username": "li", "display_name": "Li Wei", "role": "bid"}, id="u-li")


def actions(store) -> list[str]:
    entries, _total = store.audit_log(limit=200)
    return [e["action"] for e in entries]


def test_a_meeting_with_a_committee_member_in_the_quiet_period_is_refused_and_writes_nothing(any_store):
    s = any_store
    tender_account(s)
    before = s.stats()
    with pytest.raises(ComplianceRefused) as refused:
        s.log_interaction({"kind": "meeting", "at": AT, "summary": "饭局"}, user_ids=["u-li"],
                          person_ids=["p-emily", "p-wang"])
    assert refused.value.field == "kind" and "王强" in refused.value.message
    assert s.stats() == before
    assert s.timeline("p-emily") == [] and s.timeline("p-wang") == []
    [entry] = [e for e in s.audit_log(limit=200)[0] if e["action"] == "compliance_refused"]
    assert json.loads(entry["after"])["person_ids"] == ["p-emily", "p-wang"]


def test_a_clarification_meeting_needs_a_reason_and_is_then_flagged_and_audited(any_store):
    s = any_store
    tender_account(s)
    with pytest.raises(ValidationError) as refused:
        s.log_interaction({"kind": "clarification", "at": AT}, user_ids=["u-li"], person_ids=["p-wang"])
    assert refused.value.field == "compliance_reason"
    logged = s.log_interaction({"kind": "clarification", "at": AT, "compliance_reason": "招标文件澄清会（公开）",
                                "quiet_period_flag": False}, user_ids=["u-li"], person_ids=["p-wang"])
    assert logged["quiet_period_flag"] is True
    assert actions(s).count("compliance_allowed") == 1 and actions(s).count("compliance_refused") == 1


def test_outside_the_quiet_period_and_with_other_people_nothing_is_refused(any_store):
    s = any_store
    tender_account(s, stage="pre_bid")
    s.log_interaction({"kind": "meeting", "at": AT}, user_ids=["u-li"], person_ids=["p-wang"])
    s.create_opportunity("acc-1", {"name": "二期", "stage": "lead", "quiet_start": "2026-03-01",
                                   "quiet_end": "2026-03-31"}, id="opp-2")
    with pytest.raises(ComplianceRefused):
        s.log_interaction({"kind": "call", "at": "2026-03-15T08:00:00+00:00"}, user_ids=["u-li"],
                          person_ids=["p-wang"])
    s.log_interaction({"kind": "call", "at": AT}, user_ids=["u-li"], person_ids=["p-wang"])
    s.log_interaction({"kind": "call", "at": "2026-03-15T08:00:00+00:00"}, user_ids=["u-li"],
                      person_ids=["p-emily"])
    assert len(s.timeline("p-wang")) == 2 and "quiet_period_flag" not in s.timeline("p-wang")[0]["props"]


def test_an_edit_that_brings_a_restricted_person_into_the_quiet_period_is_refused(any_store):
    s = any_store
    tender_account(s)
    logged = s.log_interaction({"kind": "meeting", "at": AT}, user_ids=["u-li"], person_ids=["p-emily"])
    with pytest.raises(ComplianceRefused):
        s.update_interaction(logged["id"], {"summary": "加上王强"}, user_ids=["u-li"],
                             person_ids=["p-emily", "p-wang"], opportunity_id=None, version=logged["version"])
    assert s.get_interaction(logged["id"])["person_ids"] == ["p-emily"]


def test_gifts_over_the_annual_limit_are_saved_flagged_and_audited(any_store):
    s = any_store
    tender_account(s, stage="won")
    s.policy = lambda: Policy(gift_limit=500.0)
    first = s.log_interaction({"kind": "visit", "at": AT, "gift_description": "茶叶", "gift_value": 300,
                               "gift_currency": "CNY"}, user_ids=["u-li"], person_ids=["p-emily"])
    assert "gift_limit_flag" not in first
    second = s.log_interaction({"kind": "event", "at": "2026-05-01T08:00:00+00:00", "gift_description": "Dinner",
                                "gift_value": 40, "gift_currency": "USD"}, user_ids=["u-li"], person_ids=["p-emily"])
    assert second["gift_limit_flag"] is True
    [entry] = [e for e in s.audit_log(limit=200)[0] if e["action"] == "gift_limit_exceeded"]
    assert json.loads(entry["after"])["people"][0]["total"] == 584.0
    edited = s.update_interaction(second["id"], {"gift_value": 10}, user_ids=["u-li"], person_ids=["p-emily"],
                                  opportunity_id=None, version=second["version"])
    assert "gift_limit_flag" not in edited
    [row] = [r for r in s.compliance_report("2026-01-01", "2027-01-01") if r["props"]["id"] == second["id"]]
    assert row["people"] == [["p-emily", "Emily Chen", None, "acc-1", "华东电网"]] and row["users"] == ["Li Wei"]


def test_a_quiet_period_that_ends_before_it_starts_is_refused(any_store):
    s = any_store
    tender_account(s)
    with pytest.raises(ValidationError) as refused:
        s.create_opportunity("acc-1", {"name": "三期", "quiet_start": "2026-05-01", "quiet_end": "2026-04-01"})
    assert refused.value.field == "quiet_end" and "2026-05-01" in refused.value.message


def test_the_gift_limit_is_read_from_the_environment_and_reaches_the_store(settings):
    from dataclasses import replace

    from graphcrm.config import Settings
    from graphcrm.errors import ConfigError
    from graphcrm.graph import open_store

    assert Settings.from_env({}).gift_limit == 500.0
    assert Settings.from_env({"GRAPHCRM_GIFT_LIMIT": "800"}).gift_limit == 800.0
    assert Settings.from_env({"GRAPHCRM_GIFT_LIMIT": "off"}).gift_limit is None
    for bad in ("-1", "lots", "inf"):
        with pytest.raises(ConfigError, match="GRAPHCRM_GIFT_LIMIT"):
            Settings.from_env({"GRAPHCRM_GIFT_LIMIT": bad})
    store = open_store(replace(settings, gift_limit=120.0))
    try:
        assert store.policy().gift_limit == 120.0 and store.policy().rates["currency"] == "CNY"
    finally:
        store.close()
