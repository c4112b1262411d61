"""Values the databases cannot store as they are, or XML cannot hold, are
refused by name on the way in (graphcrm/model.py), on every path to the
store; an interaction cannot be dated in the future."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from graphcrm.demo import demo_portfolio
from graphcrm.errors import ValidationError
from graphcrm.model import INTERACTION_LEEWAY, storable, validate_node, validate_relationship

BEYOND_64_BITS = 10**30


# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    (BEYOND_64_BITS, "whole number between -9223372036854775808 and 9223372036854775807"),
    (-(2**63) - 1, "whole number between"),
    (float("nan"), "finite number, not nan"),
    (float("inf"), "finite number, not inf"),
])
def test_numbers_the_database_cannot_hold_are_refused_by_the_store_with_the_field_named(any_store, value, message):
    with pytest.raises(ValidationError, match=message) as refused:
        any_store.create("Account", {"name": "华东电网", "annual_value": value})
    assert refused.value.field == "annual_value"
    with pytest.raises(ValidationError, match=message) as refused:
        any_store.create("Person", {"name": "王强", "seniority": value})
    assert refused.value.field == "seniority"
    assert any_store.is_empty()


@pytest.mark.parametrize("value, message", [(BEYOND_64_BITS, "whole number between"), (float("nan"), "finite")])
def test_a_bulk_write_without_the_model_still_refuses_numbers_it_cannot_store(any_store, value, message):
    """bulk_merge(validate=False) skips the model's rules, not what the database
    can hold: 10**30 was written as 9223372036854775807, NaN broke the statement."""
    with pytest.raises(ValidationError, match=message) as refused:
        any_store.bulk_merge([("Account", {"id": "acc-1", "name": "a", "annual_value": value})], validate=False)
    assert refused.value.field == "annual_value"
    any_store.bulk_merge([("Account", {"id": "acc-1", "name": "a"}), ("Account", {"id": "acc-2", "name": "b"})])
    with pytest.raises(ValidationError, match=message) as refused:
        any_store.bulk_merge([], [("PART_OF", "acc-1", "acc-2", {"weight": value})], validate=False)
    assert refused.value.field == "weight"
    assert any_store.count("Account") == 2 and any_store.find("Account", "acc-1").get("annual_value") is None


def test_the_largest_64_bit_numbers_are_stored_as_they_are():
    assert storable("n", 2**63 - 1) == 2**63 - 1 and storable("n", -(2**63)) == -(2**63)
    assert storable("x", 1e308) == 1e308 and storable("flag", True) is True


def test_a_map_is_not_a_property_value():
    with pytest.raises(ValidationError, match="not a map") as refused:
        validate_node("Person", {"name": "王强", "title": {"zh": "总工"}})
    assert refused.value.field == "title"
    with pytest.raises(ValidationError, match="not a map"):
        validate_relationship("KNOWS", {"strength": {"value": 3}})


# -- text XML cannot hold -----------------------------------------------------------------


@pytest.mark.parametrize("name, message", [
    ("\uffff", "U\\+FFFF, a character XML"),
    ("王\ufffe强", "U\\+FFFE, a character XML"),
    ("x\ud800", "lone surrogate \\(U\\+D800\\)"),
    ("\udfff王", "lone surrogate \\(U\\+DFFF\\)"),
])
def test_a_name_with_a_character_xml_cannot_hold_is_refused(store, name, message):
    """A person named "\\uffff" made the GraphML and GEXF exports unreadable."""
    store.create("Account", {"name": "华东电网"}, id="acc-1")
    with pytest.raises(ValidationError, match=message) as refused:
        store.create_person("acc-1", {"name": name})
    assert refused.value.field == "name"
    with pytest.raises(ValidationError, match=message) as refused:
        store.create("Account", {"name": "ok", "industry": "x", "region": name})
    assert refused.value.field == "region"
    assert store.count("Person") == 0


@pytest.mark.parametrize("field", ["notes", "email", "phone"])
def test_other_text_fields_refuse_characters_xml_cannot_hold(field):
    with pytest.raises(ValidationError, match="U\\+FFFF") as refused:
        validate_node("Person", {"name": "王强", field: "a\uffff@b"})
    assert refused.value.field == field


def test_long_text_still_drops_control_characters_and_keeps_line_breaks():
    clean = validate_node("Person", {"name": "王强", "notes": "a\x00b\x07\r\nc\td"})
    assert clean["notes"] == "ab\r\nc\td"


def test_a_password_hash_with_a_nul_is_refused_by_the_model():
    with pytest.raises(ValidationError, match="control characters") as refused:
        validate_node("User", {"username": "lina", "display_name": "Lina", "password_hash": "scrypt\x00x"})
    assert refused.value.field == "password_hash"


# -- interactions in the future --------------------------------------------------------------


@pytest.fixture
def met(store):
    store.create("Account", {"name": "华东电网"}, id="acc-1")
    store.create("User", {"username": "lina", "display_name": "Lina"}, id="u-lina")
    store.create_person("acc-1", {"name": "王强"}, id="p-wang")
    store.relate("RELATIONSHIP", "u-lina", "p-wang", {"strength": 3})
    return store


def _log(store, at: str) -> dict:
    return store.log_interaction({"kind": "meeting", "at": at, "summary": "预算"}, user_ids=["u-lina"],
                                 person_ids=["p-wang"])


def test_an_interaction_in_2199_is_refused_and_the_recency_stays(met):
    """Dated 2199, it pinned last_contact_at: later interactions could not lower it."""
    _log(met, "2026-10-01T08:00:00+00:00")
    with pytest.raises(ValidationError, match="more than a day in the future") as refused:
        _log(met, "2199-01-01T00:00:00+00:00")
    assert refused.value.field == "at"
    assert met.count("Interaction") == 1
    assert met.get_relationship("RELATIONSHIP", "u-lina", "p-wang")["last_contact_at"] == "2026-10-01T08:00:00+00:00"


def test_an_interaction_may_be_dated_up_to_a_day_ahead_of_the_clock(met):
    now = datetime.now(timezone.utc)
    _log(met, (now + INTERACTION_LEEWAY - timedelta(minutes=5)).isoformat())
    _log(met, (now - timedelta(hours=2)).replace(tzinfo=None).isoformat())  # no time zone: UTC
    with pytest.raises(ValidationError, match="future"):
        _log(met, (now + INTERACTION_LEEWAY + timedelta(minutes=5)).isoformat())
    with pytest.raises(ValidationError, match="future"):  # a date alone is midnight (UTC)
        _log(met, (now + timedelta(days=2)).date().isoformat())
    assert met.count("Interaction") == 2


def test_an_interaction_in_the_future_is_refused_when_imported_or_edited_too(met):
    with pytest.raises(ValidationError, match="future"):
        met.bulk_merge([("Interaction", {"id": "int-x", "kind": "call", "at": "2199-01-01T00:00:00"})])
    logged = _log(met, "2026-10-01T08:00:00+00:00")
    with pytest.raises(ValidationError, match="future"):
        met.update("Interaction", logged["id"], {"at": "2199-01-01T00:00:00"}, version=logged["version"])


def test_the_demo_dates_no_interaction_and_no_last_contact_in_the_future():
    """A guard rather than a regression test: the demo counts days back from today."""
    nodes, rels = demo_portfolio(date.today())
    interactions = [props for label, props in nodes if label == "Interaction"]
    contacts = [props["last_contact_at"] for rel_type, _, _, props in rels if "last_contact_at" in props]
    assert interactions and contacts and max(contacts) == max(props["at"] for props in interactions)
    for props in interactions:
        validate_node("Interaction", props)
