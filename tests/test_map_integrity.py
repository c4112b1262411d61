"""The map refuses what cannot be true and asks before a likely duplicate:
no reports-to cycle and one formal manager per person wherever a line can be
made (store, forms, imports), a second record of one name flagged before it
is saved, and an integrity report (``graphcrm db check``, /admin/integrity)
of what a database made before these rules holds."""

from __future__ import annotations

import json

import pytest

from graphcrm.cli import main
from graphcrm.errors import ValidationError
from graphcrm.graph import open_store
from graphcrm.graph.statements import relationship_key
from graphcrm.transfer.templates import read_templates
from graphcrm.users import add_user

from fixtures import PASSWORD, signed_in, text

REPORTS_TO = relationship_key("Person", "REPORTS_TO", "Person")


def _org(store) -> None:
    """Northwind's chart: the buyer reports to the CFO, the CFO to the CEO."""
    store.create("Account", {"name": "Northwind Rail Authority"}, id="acc-nw")
    for person_id, name, title in (("p-ceo", "王建国", "CEO"), ("p-cfo", "David Chen", "CFO"),
                                   ("p-buyer", "Procurement Li", "Procurement Director")):
        store.create_person("acc-nw", {"name": name, "title": title}, id=person_id)
    store.relate("REPORTS_TO", "p-cfo", "p-ceo")
    store.relate("REPORTS_TO", "p-buyer", "p-cfo")


def test_a_reports_to_cycle_is_refused_naming_the_chain(any_store):
    _org(any_store)
    with pytest.raises(ValidationError) as refused:
        any_store.relate("REPORTS_TO", "p-ceo", "p-buyer")
    assert refused.value.field == "end"
    assert "王建国 → Procurement Li → David Chen → 王建国" in refused.value.message
    assert any_store.outgoing(REPORTS_TO, ["p-ceo"]) == []


def test_two_people_reporting_to_each_other_are_refused(any_store):
    _org(any_store)
    with pytest.raises(ValidationError, match="cycle"):
        any_store.relate("REPORTS_TO", "p-ceo", "p-cfo")
    assert any_store.outgoing(REPORTS_TO, ["p-ceo"]) == []


def test_one_formal_manager_per_person(any_store):
    _org(any_store)
    with pytest.raises(ValidationError, match="Procurement Li reports to David Chen already"):
        any_store.relate("REPORTS_TO", "p-buyer", "p-ceo")
    any_store.relate("REPORTS_TO", "p-buyer", "p-cfo")  # the same line again changes nothing
    assert any_store.outgoing(REPORTS_TO, ["p-buyer"]) == [("p-buyer", "p-cfo")]
    any_store.unrelate("REPORTS_TO", "p-buyer", "p-cfo")
    any_store.relate("REPORTS_TO", "p-buyer", "p-ceo")  # a new manager once the old line is gone
    assert any_store.outgoing(REPORTS_TO, ["p-buyer"]) == [("p-buyer", "p-ceo")]


def test_the_form_shows_the_refusal_next_to_the_field(web_app):
    with web_app() as (app, store):
        _org(store)
        add_user(store, "admin", role="admin", password=PASSWORD)
        c = signed_in(app, "admin")
        r = c.post("/people/p-ceo/relationships/new/peer",
                   data={"kind": "REPORTS_TO", "other": "p-buyer", "strength": "3"})
        assert r.status_code == 400
        assert "this would close a reports-to cycle: 王建国 → Procurement Li → David Chen → 王建国" in text(r)
        assert "Saved." not in text(r)


def test_an_import_leaves_out_a_second_manager_and_says_so(store, tmp_path):
    _org(store)
    (tmp_path / "reports_to.csv").write_text("start,end\np-buyer,p-ceo\n", encoding="utf-8")
    report = read_templates(tmp_path).apply(store)
    assert [str(p) for p in report.warnings] == [
        "reports_to.csv line 2: start p-buyer reports to p-cfo already (one formal manager per person); "
        "REPORTS_TO not stored"]
    assert store.outgoing(REPORTS_TO, ["p-buyer"]) == [("p-buyer", "p-cfo")]


def test_a_second_person_of_one_name_at_the_account_is_flagged_with_a_link(web_app):
    with web_app() as (app, store):
        _org(store)
        add_user(store, "admin", role="admin", password=PASSWORD)
        c = signed_in(app, "admin")
        r = c.post("/accounts/acc-nw/people/new", data={"name": "david chen ", "influence": "3", "stance": "neutral"})
        assert r.status_code == 400
        page = text(r)
        assert "David Chen is here already" in page and 'href="/people/p-cfo"' in page and "CFO" in page
        assert len(store.people_of_account("acc-nw")) == 3  # nothing saved
        r = c.post("/accounts/acc-nw/people/new",
                   data={"name": "David Chen", "influence": "3", "stance": "neutral", "add_anyway": "y"})
        assert r.status_code == 302
        assert len(store.same_name("Person", "David Chen", account_id="acc-nw")) == 2


def test_a_second_account_of_one_name_is_flagged_without_another_teams_details(web_app):
    with web_app() as (app, store):
        store.create("Account", {"name": "Northwind Rail Authority", "region": "华东", "industry": "Rail"},
                     id="acc-nw")
        add_user(store, "lina", role="manager", password=PASSWORD)
        add_user(store, "admin", role="admin", password=PASSWORD)
        r = signed_in(app, "lina").post("/accounts/new", data={"name": "Northwind Rail Authority",
                                                               "segment": "general", "tier": "transactional",
                                                               "lifecycle": "prospect"})
        page = text(r)
        assert r.status_code == 400 and "Northwind Rail Authority is here already" in page
        assert "on another team&#39;s list" in page or "on another team's list" in page
        assert "/accounts/acc-nw" not in page and "华东" not in page
        r = signed_in(app, "admin").post("/accounts/new", data={"name": "northwind rail authority",
                                                                "segment": "general", "tier": "transactional",
                                                                "lifecycle": "prospect"})
        assert 'href="/accounts/acc-nw"' in text(r) and "华东" in text(r)


def _legacy(store) -> None:
    """What a database made before the rules holds: written in bulk, past relate()."""
    _org(store)
    store.create_person("acc-nw", {"name": "david chen"}, id="p-cfo-2")
    store.create("Account", {"name": "NORTHWIND RAIL AUTHORITY"}, id="acc-nw-2")
    store.merge_batches({}, {REPORTS_TO: [{"start": "p-ceo", "end": "p-buyer", "props": {}},
                                          {"start": "p-cfo-2", "end": "p-ceo", "props": {}},
                                          {"start": "p-cfo-2", "end": "p-buyer", "props": {}}]})


def test_the_integrity_report_lists_what_an_older_database_holds(any_store):
    _legacy(any_store)
    found = {(p["problem"], p["id"]) for p in any_store.map_problems()}
    assert ("person with more than one manager", "p-cfo-2") in found
    assert {("reports-to cycle", p) for p in ("p-ceo", "p-cfo", "p-buyer")} <= found
    assert ("people of one name at one account", "p-cfo p-cfo-2") in {
        (problem, " ".join(sorted(ids.split()))) for problem, ids in found}
    assert "accounts of one name" in {problem for problem, _ids in found}


def test_db_check_and_the_admin_page_report_it(runner, web_app):
    with open_store(runner.settings) as store:
        clean = runner.invoke(main, ["db", "check"])
        assert clean.exit_code == 0 and "0 problem(s)" in clean.output
        _legacy(store)
    result = runner.invoke(main, ["db", "check", "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert {"person with more than one manager", "reports-to cycle", "people of one name at one account",
            "accounts of one name"} <= {p["problem"] for p in problems}
    with web_app() as (app, store):
        _legacy(store)
        add_user(store, "admin", role="admin", password=PASSWORD)
        page = text(signed_in(app, "admin").get("/admin/integrity"))
        assert "Stakeholder with more than one manager" in page and 'href="/people/p-cfo-2"' in page
        assert "In a reports-to cycle" in page and "Accounts of one name" in page
