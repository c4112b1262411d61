"""Imports: the Salesforce fixtures in tests/data/salesforce/ (BOM, header
case, 15/18-character ids, quoted newlines, a ReportsTo cycle, an orphan
contact, an unknown role, Chinese names, no AccountContactRelation.csv) and
the GraphCRM CSV templates, on the real embedded database."""

from __future__ import annotations

import doctest
import json
import shutil
from pathlib import Path

import pytest

from graphcrm.cli import main
from graphcrm.errors import ValidationError
from graphcrm.transfer import salesforce
from graphcrm.transfer.salesforce import Mapping, normalise_id, person_name, read_salesforce
from graphcrm.transfer.templates import read_templates, readme, template_files
from graphcrm.users import add_user

from fixtures import A1, A2, A3, EMILY, FIXTURES, LI, WANG

ZHANG, LIU, ZHAO, SUN, WES = ("sf-0035g00000ZmMinAAF", "sf-0035g00000LyYngAAF", "sf-0035g00000ZlLeiAAF",
                              "sf-0035g00000SlfRfAAJ", "sf-0035g00000WesScAAJ")
O1, O2, O3 = "sf-0065g00000GrUpgAAF", "sf-0065g00000WhWmsAAF", "sf-0065g00000SbMonAAF"
LINA, CHEN = "sf-0055g00000LinaWAAR", "sf-0055g00000ChenWAAR"

EXPECTED_WARNINGS = [
    ("Account.csv", 4, "Type 'Channel Partner / Reseller' has no lifecycle mapping"),
    ("Contact.csv", 8, "ReportsToId 0035g00000ZmMin would close a REPORTS_TO cycle"),
    ("Contact.csv", 9, "AccountId 0015g00000NoAcc not found; contact left out"),
    ("Contact.csv", 10, "ReportsToId 0035g00000SlfRfAAJ points to the row itself; REPORTS_TO not stored"),
    ("Contact.csv", 11, "deleted in Salesforce (IsDeleted); left out"),
    ("OpportunityContactRole.csv", 4, "Role 'Coach (informal)' is not a known contact role"),
    ("OpportunityContactRole.csv", 5, "ContactId 0035g00000OrPhn not found; ROLE_IN not stored"),
]


def edges(any_store, rel_type):
    G = any_store.portfolio_graph()
    return sorted((u, v) for u, v, k in G.edges(keys=True) if k == rel_type)


def versions(any_store):
    G = any_store.portfolio_graph()
    return (sorted((n, d["version"], d["updated_at"]) for n, d in G.nodes(data=True)),
            sorted((u, v, k, d["version"]) for u, v, k, d in G.edges(keys=True, data=True)))


def copy_fixtures(tmp_path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(FIXTURES, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- ids and names ------------------------------------------------------------------------


def test_salesforce_ids_normalise_to_one_18_character_form():
    assert doctest.testmod(salesforce).failed == 0
    assert normalise_id("0015g00000EgRdA") == normalise_id("0015G00000EGRDAAAV") == "0015g00000EgRdAAAV"
    assert normalise_id("0015g00000EgRdAAAV") == "0015g00000EgRdAAAV"
    assert normalise_id("") is None and normalise_id("000000000000000AAA") is None
    for bad in ("0015g00000EgRd", "0015g00000EgRdA!!", "0015g00000EgRdAAA9", "x" * 40):
        with pytest.raises(ValueError, match="not a Salesforce id"):
            normalise_id(bad)


def test_person_names_chinese_family_name_first():
    assert person_name("强", "王") == "王强"
    assert person_name("Emily", "Chen") == "Emily Chen"
    assert person_name(None, "Orphan") == "Orphan"
    assert person_name(None, None) is None


# -- the Salesforce fixtures ---------------------------------------------------------------


def test_salesforce_export_gives_the_expected_graph_and_report(any_store):
    report = read_salesforce(FIXTURES).apply(any_store)
    assert report.applied and report.ok
    assert [(p.file, p.line) for p in report.problems] == [(f, n) for f, n, _ in EXPECTED_WARNINGS]
    for problem, (_, _, text) in zip(report.problems, EXPECTED_WARNINGS, strict=True):
        assert problem.level == "warning" and text in problem.message
    assert report.nodes == {
        "User": {"create": 2, "update": 0, "unchanged": 0},
        "Account": {"create": 3, "update": 0, "unchanged": 0},
        "Person": {"create": 8, "update": 0, "unchanged": 0},
        "Opportunity": {"create": 3, "update": 0, "unchanged": 0},
    }
    assert {t: c["create"] for t, c in report.relationships.items()} == {
        "MEMBER_OF": 4, "PART_OF": 1, "WORKS_AT": 8, "REPORTS_TO": 4, "FOR": 3, "ROLE_IN": 3,
    }

    east = any_store.get("Account", A1)
    assert (east["name"], east["industry"], east["region"], east["lifecycle"], east["annual_value"]) == (
        "华东电网有限公司", "Utilities", "Shanghai", "active", 1.2e7)
    assert east["source_id"] == "0015g00000EgRdAAAV"
    west = any_store.get("Account", A3)
    assert west["name"] == "Westbank Logistics, Inc." and west["lifecycle"] == "prospect"  # unmapped type: default
    assert any_store.get("Account", A2)["region"] == "China"  # BillingCountry when BillingState is empty
    wang = any_store.get("Person", WANG)
    assert (wang["name"], wang["title"], wang["department"], wang["phone"]) == (
        "王强", "CIO", "信息中心", "+86 21 5555 0101")
    assert any_store.get("Person", LI)["phone"] == "+86 139 0000 0202"  # MobilePhone when Phone is empty
    assert any_store.get("Person", EMILY)["notes"] == (
        'Met at CIIE 2025, Shanghai.\nPrefers WeChat; decides on "grid edge" pilots.')
    assert any_store.find("Person", "sf-0035g00000OrPhnAAF") is None  # orphan
    assert any_store.find("Person", "sf-0035g00000DelTdAAJ") is None  # deleted
    chen = any_store.get("User", CHEN)
    assert (chen["username"], chen["role"], chen["title"]) == ("chen.wei@example.com", "viewer", "售前工程师")
    assert "password_hash" not in chen
    opps = {o: any_store.get("Opportunity", o) for o in (O1, O2, O3)}
    assert [(o["stage"], o.get("value"), o["currency"]) for o in opps.values()] == [
        ("tender", 8e6, "CNY"), ("qualify", None, "USD"), ("won", 1.2e6, "CNY")]

    assert edges(any_store, "PART_OF") == [(A2, A1)]
    assert edges(any_store, "REPORTS_TO") == sorted([(LI, WANG), (EMILY, WANG), (ZHANG, LIU), (LIU, ZHAO)])
    assert sorted(p["id"] for p in any_store.people_of_account(A2)) == sorted([ZHANG, LIU, ZHAO, SUN])
    assert edges(any_store, "ROLE_IN") == sorted([(WANG, O1), (LI, O1), (WES, O2)])
    assert any_store.get_relationship("ROLE_IN", LI, O1)["role"] == "economic_buyer"
    assert any_store.get_relationship("ROLE_IN", WANG, O1)["role"] == "technical_buyer"
    assert edges(any_store, "MEMBER_OF") == sorted([(LINA, A1), (LINA, A2), (CHEN, A1), (CHEN, A3)])
    assert any_store.get_relationship("MEMBER_OF", LINA, A2)["team_role"] == "Account owner"
    assert any_store.get_relationship("MEMBER_OF", CHEN, A1)["team_role"] == "Sales Engineer"
    assert any_store.member_accounts(CHEN) == {A1, A3}


def test_user_display_name_from_first_and_last_name(any_store):
    read_salesforce(FIXTURES).apply(any_store)
    assert any_store.get("User", CHEN)["display_name"] == "陈伟"
    assert any_store.get("User", LINA)["display_name"] == "Lina Wang"


def test_importing_twice_changes_nothing(any_store):
    read_salesforce(FIXTURES).apply(any_store)
    before = versions(any_store)
    again = read_salesforce(FIXTURES).apply(any_store)
    assert again.applied
    assert all(c["create"] == c["update"] == 0 for c in [*again.nodes.values(), *again.relationships.values()])
    assert versions(any_store) == before


def test_dry_run_writes_nothing(any_store):
    report = read_salesforce(FIXTURES).resolve(any_store)
    assert report.nodes["Person"]["create"] == 8 and not report.applied
    assert any_store.is_empty()


def test_newer_export_updates_by_source_id_and_keeps_our_own_fields(any_store, tmp_path):
    read_salesforce(FIXTURES).apply(any_store)
    wang = any_store.get("Person", WANG)
    any_store.update("Person", WANG, {"stance": "champion", "influence": 5}, version=wang["version"])
    newer = copy_fixtures(tmp_path)
    replace_in(newer / "Contact.csv", "王,强,先生,CIO,", "王,强,先生,CIO & CDO,")
    replace_in(newer / "Opportunity.csv", "Grid upgrade 2027,Proposal/Price Quote",
               "Grid upgrade 2027,Negotiation/Review")
    report = read_salesforce(newer).apply(any_store)
    assert report.nodes["Person"] == {"create": 0, "update": 1, "unchanged": 7}
    assert report.nodes["Opportunity"] == {"create": 0, "update": 1, "unchanged": 2}
    wang = any_store.get("Person", WANG)
    assert (wang["title"], wang["stance"], wang["influence"], wang["version"]) == ("CIO & CDO", "champion", 5, 3)
    assert any_store.get("Opportunity", O1)["stage"] == "evaluation"
    # emptied cells remove the properties, and only those
    replace_in(newer / "Contact.csv", "CIO & CDO,信息中心,,wang.qiang@ecgrid.example.cn,+86 21 5555 0101,",
               "CIO & CDO,信息中心,,,,")
    before = any_store.get("Person", WANG)
    assert read_salesforce(newer).apply(any_store).nodes["Person"]["update"] == 1
    after = any_store.get("Person", WANG)
    assert after == {**{k: v for k, v in before.items() if k not in ("email", "phone")},
                     "version": before["version"] + 1, "updated_at": after["updated_at"]}


def test_newer_export_replaces_what_single_valued_fields_no_longer_name(any_store, tmp_path):
    read_salesforce(FIXTURES).apply(any_store)
    any_store.create_person(A1, {"name": "Manual Entry 手工"}, id="p-manual")
    any_store.relate("REPORTS_TO", "p-manual", WANG)  # not from Salesforce: left alone
    newer = copy_fixtures(tmp_path)
    replace_in(newer / "Contact.csv", "Finance,0035g00000WqCio,", "Finance,0035g00000EmChn,")  # 李娜 → Emily
    replace_in(newer / "Account.csv", "苏州分公司,0015g00000EgRdA,", "苏州分公司,,")  # no parent any more
    replace_in(newer / "Opportunity.csv", "0065g00000SbMonAAF,0015g00000EgRdA,", "0065g00000SbMonAAF,0015g00000WbLgx,")
    report = read_salesforce(newer).apply(any_store)
    assert report.relationships["REPORTS_TO"] == {"create": 1, "update": 0, "unchanged": 3, "delete": 1}
    assert report.relationships["PART_OF"] == {"create": 0, "update": 0, "unchanged": 0, "delete": 1}
    assert report.relationships["FOR"] == {"create": 1, "update": 0, "unchanged": 2, "delete": 1}
    assert "delete" in report.text()
    assert edges(any_store, "REPORTS_TO") == sorted([(LI, EMILY), (EMILY, WANG), (ZHANG, LIU), (LIU, ZHAO),
                                                 ("p-manual", WANG)])
    assert edges(any_store, "PART_OF") == []
    assert any_store.account_of("Opportunity", O3) == A3
    assert read_salesforce(newer).apply(any_store).relationships["REPORTS_TO"]["delete"] == 0


@pytest.mark.parametrize("file, old, new, message", [
    ("Contact.csv", "li.na@ecgrid.example.cn", "li.na at ecgrid", "Contact.csv line 3: email:"),
    ("Account.csv", "1.2E7", "lots", "Account.csv line 2: AnnualRevenue: 'lots' is not a number"),
    ("Opportunity.csv", "2027-03-01", "2027-13-01", "Opportunity.csv line 2: close_date:"),
    ("Contact.csv", "0035g00000LyYng,,,,,", "0035g00000LyYng!,,,,,", "Contact.csv line 6: ReportsToId:"),
    ("Contact.csv", "Board liaison", "x" * 300, "Contact.csv line 8: title:"),
    ("Contact.csv", "Secret,Wes,", "Secret,Wes,\"", "Contact.csv line 12: cannot be read as CSV"),
    ("Contact.csv", "Deputy GM,", "Deputy GM,,,,,,,,,,,,", "Contact.csv line 6: has 25 fields but the header names 14"),
    ("Account.csv", "ID,NAME,", "IDENT,NAME,", "Account.csv line 1: column id missing"),
])
def test_a_bad_row_means_nothing_is_written(any_store, tmp_path, file, old, new, message):
    export = copy_fixtures(tmp_path)
    replace_in(export / file, old, new)
    report = read_salesforce(export).apply(any_store)
    assert not report.ok and not report.applied
    assert any(str(p).startswith(message) for p in report.errors), [str(p) for p in report.errors]
    assert any_store.is_empty()


def test_a_huge_name_is_an_error_not_a_crash(any_store, tmp_path):
    export = copy_fixtures(tmp_path)
    replace_in(export / "Account.csv", "华东电网有限公司", "华" * 2_000_000)
    report = read_salesforce(export).apply(any_store)
    assert [str(p) for p in report.errors] == [
        "Account.csv line 2: cannot be read as CSV (field larger than field limit (1000000))"]
    assert any_store.is_empty()


def test_html_in_a_name_is_kept_as_text(any_store, tmp_path):
    export = copy_fixtures(tmp_path)
    replace_in(export / "Contact.csv", "Secret,Wes", "Secret,<script>alert(1)</script>")
    read_salesforce(export).apply(any_store)
    assert any_store.get("Person", WES)["name"] == "<script>alert(1)</script> Secret"


def test_contacts_alone_attach_to_accounts_imported_before(any_store, tmp_path):
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    shutil.copy(FIXTURES / "Account.csv", accounts)
    read_salesforce(accounts).apply(any_store)
    contacts = tmp_path / "contacts"
    contacts.mkdir()
    shutil.copy(FIXTURES / "Contact.csv", contacts / "contact.csv")  # file names in any case too
    report = read_salesforce(contacts).apply(any_store)
    assert report.nodes["Person"]["create"] == 8
    assert any_store.account_of("Person", WANG) == A1


def test_a_user_whose_username_is_taken_is_that_user(any_store):
    lina = add_user(any_store, "lina.wang@example.com", role="manager", password="long-enough-1", id="u-lina")
    report = read_salesforce(FIXTURES).apply(any_store)
    assert report.nodes["User"] == {"create": 1, "update": 1, "unchanged": 0}
    assert any_store.find("User", LINA) is None
    stored = any_store.get("User", "u-lina")
    assert stored["role"] == "manager" and stored["password_hash"] == lina["password_hash"]
    assert stored["source_id"] == "0055g00000LinaWAAR"
    assert any_store.member_accounts("u-lina") == {A1, A2}


def test_mapping_file_changes_stages_and_roles(any_store, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"stages": {"Proposal/Price Quote": "submitted"},
                                   "roles": {"Coach (informal)": "coach"}}))
    report = read_salesforce(FIXTURES, Mapping.from_file(mapping)).apply(any_store)
    assert any_store.get("Opportunity", O1)["stage"] == "submitted"
    assert any_store.get_relationship("ROLE_IN", EMILY, O1)["role"] == "coach"
    assert not any("Coach" in p.message for p in report.problems)
    mapping.write_text(json.dumps({"stages": {"Closed Won": "champagne"}}))
    with pytest.raises(ValidationError, match="champagne"):
        Mapping.from_file(mapping)
    mapping.write_text("{not json")
    with pytest.raises(ValidationError, match="JSON"):
        Mapping.from_file(mapping)


def test_an_empty_folder_is_an_error(any_store, tmp_path):
    report = read_salesforce(tmp_path).apply(any_store)
    assert "no Salesforce object file" in str(report.errors[0])


# -- the CSV templates -------------------------------------------------------------------------


def write_csv(path: Path, text: str, encoding="utf-8") -> None:
    path.write_text(text.strip() + "\n", encoding=encoding)


#: the report's line for a file not in UTF-8 whose encoding was detected
DETECTED = ("read as {} (detected); if its text looks wrong, give the file's encoding with --encoding "
            "or save it as CSV UTF-8")
#: a people.csv saved by Excel on a German Windows (Windows-1252)
GERMAN_PEOPLE = """
id,name,title,department,notes
p-js,Jürgen Schäfer,Geschäftsführer,Geschäftsleitung,Grüße aus Köln
p-mm,Martina Müller,Einkäuferin,Beschaffung,"Bevorzugt E-Mail; Rückruf nur vormittags"
p-ho,Heinz Öztürk,Leiter IT,IT,Maßnahmen für 2026 geplant
"""
#: too short to tell GBK from Big5, Korean or Arabic Windows: each reads it as other letters
AMBIGUOUS_PEOPLE = "id,name\np-wq,王强\n"


def test_templates_have_english_and_chinese_headers_and_a_readme():
    en, zh = template_files("en"), template_files("zh")
    assert en["accounts.csv"].startswith("\ufeffid,name,industry,region,segment,tier,lifecycle,annual_value")
    assert zh["accounts.csv"].startswith("\ufeff编号,名称,行业,地区,客户分级,关系层级,生命周期阶段,年度价值")
    assert zh["role_in.csv"].startswith("\ufeff起点,终点,角色,影响力,立场")
    assert zh["people.csv"].startswith("\ufeff编号,姓名,职务")  # a person's name; an account's is 名称
    assert "password_hash" not in en["users.csv"]
    text = readme()
    assert "segment" in text and "strategic (高价值)" in text and "role_in.csv" in text


def test_csv_templates_import_with_chinese_aliases_and_labels(any_store, tmp_path):
    write_csv(tmp_path / "accounts.csv", """
编号,名称,客户分级,Annual Value,Lifecycle
acc-sz,深圳市住房和建设局,高价值,12000000,Active
""")
    write_csv(tmp_path / "people.csv", """
ID,姓名,职务,影响力,态度,Notes,Favourite Colour
p-zhang,张敏,副处长,4,支持者,"'=HYPERLINK(""x"")",blue
p-li,Li Lei,Engineer,2,skeptic,,
""", encoding="gb18030")
    write_csv(tmp_path / "works_at.csv", "start,end,since\np-zhang,acc-sz,2019-03-01\np-li,acc-sz,\n")
    write_csv(tmp_path / "reports_to.csv", "起点,终点\np-li,p-zhang\np-zhang,p-li\np-li,p-nobody\n")
    report = read_templates(tmp_path).apply(any_store)
    assert report.applied, report.text()
    assert [str(p) for p in report.problems] == [
        f"people.csv: {DETECTED.format('gb18030')}",
        "people.csv line 1: column 'favourite colour' is not a property of Person; ignored",
        "reports_to.csv line 3: end p-li would close a REPORTS_TO cycle (p-zhang → p-li → p-zhang); not stored",
        "reports_to.csv line 4: end p-nobody not found; REPORTS_TO not stored",
    ]
    account = any_store.get("Account", "acc-sz")
    assert (account["segment"], account["lifecycle"], account["annual_value"]) == ("strategic", "active", 1.2e7)
    zhang = any_store.get("Person", "p-zhang")
    assert (zhang["influence"], zhang["stance"], zhang["notes"]) == (4, "supporter", '=HYPERLINK("x")')
    assert any_store.get_relationship("WORKS_AT", "p-zhang", "acc-sz")["since"] == "2019-03-01"
    assert edges(any_store, "REPORTS_TO") == [("p-li", "p-zhang")]


def test_a_windows_1252_file_imports_correctly_with_its_encoding_reported(any_store, tmp_path):
    write_csv(tmp_path / "people.csv", GERMAN_PEOPLE, encoding="cp1252")
    report = read_templates(tmp_path).apply(any_store)
    assert report.applied and [str(p) for p in report.problems] == [f"people.csv: {DETECTED.format('cp1252')}"]
    jurgen = any_store.get("Person", "p-js")
    assert (jurgen["name"], jurgen["title"], jurgen["notes"]) == ("Jürgen Schäfer", "Geschäftsführer", "Grüße aus Köln")
    assert any_store.get("Person", "p-ho")["notes"] == "Maßnahmen für 2026 geplant"


def test_a_file_that_could_be_in_several_encodings_is_refused_with_a_message(any_store, tmp_path):
    write_csv(tmp_path / "people.csv", AMBIGUOUS_PEOPLE, encoding="gbk")
    write_csv(tmp_path / "accounts.csv", "id,name\nacc-1,Acme\n")
    report = read_templates(tmp_path).apply(any_store)
    assert not report.applied and len(report.errors) == 1, report.text()
    message = str(report.errors[0])  # which other encodings tie depends on charset-normalizer's measures
    assert message.startswith("people.csv: could be in gb18030, ") and message.endswith(
        ", which read it differently; give the file's encoding with --encoding (e.g. --encoding gb18030) "
        "or save it as CSV UTF-8")
    assert any_store.is_empty()


@pytest.mark.parametrize("file, text, message", [
    ("accounts.csv", "id,name,segment\nacc-1,Acme,platinum\n", "accounts.csv line 2: segment: unknown value; allowed:"),
    ("accounts.csv", "name\nAcme\n", "accounts.csv line 1: column id missing"),
    ("accounts.csv", "id,name\nbad id!,Acme\n", "accounts.csv line 2: id: must be"),
    ("role_in.csv", "start,end,role\np-1,,coach\n", "role_in.csv line 2: end: required"),
    ("knows.csv", "start,end,strength\np-ok,p-ok2,9\n", "knows.csv line 2: strength: Input should be less than"),
    ("role_in.csv", "start,end,role\np-ok,o-1,kingmaker\n", "role_in.csv line 2: role: unknown value; allowed:"),
])
def test_bad_template_rows_write_nothing(any_store, tmp_path, file, text, message):
    """A value error in a node or a relationship row is an error: nothing is written."""
    write_csv(tmp_path / "people.csv", "id,name\np-ok,Fine Person\np-ok2,韩雪\n")
    write_csv(tmp_path / file, text)
    report = read_templates(tmp_path).apply(any_store)
    assert not report.applied
    assert any(str(p).startswith(message) for p in report.errors), report.text()
    assert any_store.is_empty()


def test_a_reports_to_row_that_closes_a_cycle_with_the_stored_org_chart_is_left_out(any_store, tmp_path):
    """p-b → p-a goes in with a warning when p-a → p-b (through p-c) is already stored."""
    write_csv(tmp_path / "people.csv", "id,name\np-a,David Chen\np-b,韩雪\np-c,孔繁宇\n")
    write_csv(tmp_path / "reports_to.csv", "start,end\np-a,p-c\np-c,p-b\n")
    assert read_templates(tmp_path).apply(any_store).ok
    (tmp_path / "people.csv").unlink()
    write_csv(tmp_path / "reports_to.csv", "start,end\np-b,p-a\n")
    report = read_templates(tmp_path).apply(any_store)
    assert [str(p) for p in report.warnings] == [
        "reports_to.csv line 2: end p-a would close a REPORTS_TO cycle (p-b → p-a → p-c → p-b); not stored"]
    assert sorted(edges(any_store, "REPORTS_TO")) == [("p-a", "p-c"), ("p-c", "p-b")]


# -- the command line ------------------------------------------------------------------------------


def test_cli_import_dry_run_then_apply(runner):
    dry = runner.invoke(main, ["import", "salesforce", str(FIXTURES), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["dry_run"] and not report["applied"] and report["nodes"]["Person"]["create"] == 8
    assert json.loads(runner.invoke(main, ["db", "status", "--json"]).output)["nodes"]["Person"] == 0
    applied = runner.invoke(main, ["import", "salesforce", str(FIXTURES)])
    assert applied.exit_code == 0, applied.output
    assert "applied" in applied.output and "Contact.csv line 9: AccountId 0015g00000NoAcc not found" in applied.output
    assert json.loads(runner.invoke(main, ["db", "status", "--json"]).output)["nodes"]["Person"] == 8


def test_cli_import_with_a_mapping_file(runner, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"roles": {"Coach (informal)": "coach"}}), encoding="utf-8")
    result = runner.invoke(main, ["import", "salesforce", str(FIXTURES), "--mapping", str(mapping), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the progress bar goes to stderr
    assert report["applied"] and report["relationships"]["ROLE_IN"]["create"] == 4
    bad = runner.invoke(main, ["import", "salesforce", str(FIXTURES), "--mapping", str(FIXTURES / "User.csv")])
    assert bad.exit_code == 1 and "mapping" in bad.output and "Traceback" not in bad.output


def test_cli_import_with_errors_exits_1_and_writes_nothing(runner, tmp_path):
    write_csv(tmp_path / "accounts.csv", "id,name,tier\nacc-1,Acme,golden\n")
    result = runner.invoke(main, ["import", "csv", str(tmp_path)])
    assert result.exit_code == 1 and "accounts.csv line 2: tier: unknown value" in result.output
    assert "Traceback" not in result.output
    assert json.loads(runner.invoke(main, ["db", "status", "--json"]).output)["nodes"]["Account"] == 0



def test_cli_import_reads_files_not_in_utf8_in_the_encoding_given(runner, tmp_path):
    gbk, utf8 = tmp_path / "gbk", tmp_path / "utf8"
    gbk.mkdir(), utf8.mkdir()
    write_csv(gbk / "people.csv", AMBIGUOUS_PEOPLE, encoding="gbk")
    write_csv(gbk / "works_at.csv", "start,end\n")  # UTF-8 (ASCII): read as UTF-8 whatever --encoding says
    result = runner.invoke(main, ["import", "csv", str(gbk), "--encoding", "GBK", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["applied"] and report["problems"] == [
        {"level": "warning", "file": "people.csv", "line": None, "message": "read as gbk (--encoding)"}]
    write_csv(utf8 / "people.csv", AMBIGUOUS_PEOPLE)
    same = json.loads(runner.invoke(main, ["import", "csv", str(utf8), "--dry-run", "--json"]).stdout)
    assert same["nodes"]["Person"] == {"create": 0, "update": 0, "unchanged": 1}  # 王强, as in UTF-8
    unknown = runner.invoke(main, ["import", "csv", str(gbk), "--encoding", "klingon"])
    assert unknown.exit_code == 2 and "unknown encoding 'klingon'" in unknown.output


def test_cli_import_of_a_salesforce_export_in_gb18030_with_the_encoding_given(runner, tmp_path):
    export = copy_fixtures(tmp_path)
    chinese = []
    for path in sorted(export.iterdir()):
        text = path.read_text(encoding="utf-8-sig")
        path.write_text(text, encoding="gb18030", newline="")
        if not text.isascii():
            chinese.append(path.name)
    result = runner.invoke(main, ["import", "salesforce", str(export), "--encoding", "gb18030", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert chinese and [p["file"] for p in report["problems"] if p["message"] == "read as gb18030 (--encoding)"
                        ] == chinese
    assert report["nodes"]["Person"]["create"] == 8
