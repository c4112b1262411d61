"""The create / edit / delete forms through the Flask test client, against the
real embedded database: access per role, CSRF, validation next to the field,
404s, nothing half-saved, and optimistic concurrency between two colleagues."""

from __future__ import annotations

import re
import uuid
from html import unescape

import pytest

from graphcrm.web import create_app
from graphcrm.web.db import get_store

from fixtures import PASSWORD, XSS, signed_in, text


def unique(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def counts(app_store):
    return app_store.stats()["nodes"], app_store.stats()["relationships"]


# -- who sees and may submit the forms -----------------------------------------------------------

EAST_FORMS = [
    "/accounts/acc-east/edit", "/accounts/acc-east/delete", "/accounts/acc-east/people/new",
    "/people/p-cio/edit", "/people/p-cio/delete", "/accounts/acc-east/opportunities/new",
    "/opportunities/opp-east/edit", "/opportunities/opp-east/delete", "/opportunities/opp-east/competitors/new",
    "/opportunities/opp-east/roles/new", "/people/p-cio/relationships/new/ours",
    "/people/p-cio/relationships/new/peer", "/people/p-cio/relationships/new/competitor",
    "/relationships/RELATIONSHIP/user-lina/p-cio/edit", "/relationships/RELATIONSHIP/user-lina/p-cio/delete",
    "/relationships/INFLUENCES/p-cio/p-cfo/edit", "/relationships/REPORTS_TO/p-xss/p-cio/delete",
    "/relationships/ROLE_IN/p-cio/opp-east/edit", "/relationships/COMPETES_FOR/comp-1/opp-east/delete",
    "/competitors/comp-1/edit", "/competitors/comp-1/delete",
]


@pytest.mark.parametrize(
    "username, status",
    [("admin", 200), ("lina", 200), ("bo", 200), ("omar", 404), ("director", 404), ("vera", 404)],
)
def test_edit_forms_only_for_who_may_edit_the_account(app, username, status):
    c = signed_in(app, username)
    for url in EAST_FORMS:
        assert c.get(url).status_code == status, (username, url)
    # a refused POST changes nothing
    if status == 404:
        r = c.post("/accounts/acc-east/edit", data={"name": "Hijacked", "segment": "key", "tier": "service",
                                                    "lifecycle": "active", "version": "1"})
        assert r.status_code == 404
        assert "Hijacked" not in text(signed_in(app, "admin").get("/accounts/acc-east"))


@pytest.mark.parametrize("username, shown", [("lina", True), ("vera", False), ("director", False)])
def test_edit_links_only_for_editors(app, username, shown):
    c = signed_in(app, username)
    for url, link in (("/accounts/acc-east", "/accounts/acc-east/edit"), ("/people/p-cio", "/people/p-cio/edit"),
                      ("/opportunities/opp-east", "/opportunities/opp-east/edit")):
        assert (link in text(c.get(url))) is shown, (username, url)


def test_new_account_for_admin_and_managers_only(app, app_store):
    for username in ("director", "bo", "vera"):
        c = signed_in(app, username)
        assert c.get("/accounts/new").status_code == 404
        assert "/accounts/new" not in text(c.get("/"))
    c = signed_in(app, "omar")
    assert "/accounts/new" in text(c.get("/"))
    name = unique("深圳地铁 Shenzhen Metro")
    r = c.post("/accounts/new", data={"name": name, "segment": "key", "tier": "service", "lifecycle": "prospect",
                                      "annual_value": "2500000"})
    assert r.status_code == 302
    account_id = r.headers["Location"].rsplit("/", 1)[1]
    assert app_store.get("Account", account_id)["annual_value"] == 2_500_000
    assert account_id in app_store.member_accounts("user-omar")  # the manager joins the team
    assert c.get(r.headers["Location"]).status_code == 200


def test_missing_records_are_404(app):
    c = signed_in(app, "admin")
    for url in ("/accounts/nope/edit", "/accounts/nope/delete", "/accounts/nope/people/new", "/people/nope/edit",
                "/people/nope/delete", "/opportunities/nope/edit", "/opportunities/nope/roles/new",
                "/competitors/nope/edit", "/relationships/KNOWS/p-cio/p-cfo/edit",
                "/relationships/WORKS_AT/p-cio/acc-east/delete", "/relationships/LIKES/p-cio/p-cfo/edit",
                "/people/p-cio/relationships/new/enemy", "/relationships/REPORTS_TO/p-xss/p-cio/edit"):
        r = c.get(url)
        assert r.status_code == 404, url
        assert "Traceback" not in text(r)


def test_forms_reject_a_post_without_csrf_token(app):
    csrf_app = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    csrf_app.extensions["graphcrm_store"] = app.extensions["graphcrm_store"]
    c = csrf_app.test_client()
    page = text(c.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}).status_code == 302
    with csrf_app.app_context():
        before = counts(get_store())
        user_before = get_store().get("User", "user-vera")
    data = {"name": "No Token", "influence": "3", "stance": "neutral", "version": "1", "other": "p-cfo",
            "role": "coach", "strength": "3", "kind": "KNOWS", "segment": "key", "tier": "service",
            "lifecycle": "active", "stage": "lead", "currency": "CNY", "username": "notoken",
            "display_name": "No Token", "password": "long-enough-1"}
    for url in ["/accounts/new", "/admin/users/new", "/admin/users/user-vera/edit",
                "/admin/users/user-vera/password", *EAST_FORMS]:
        r = c.post(url, data=data)
        assert r.status_code == 400 and "security token" in text(r), url
    with csrf_app.app_context():
        assert counts(get_store()) == before and get_store().get("User", "user-vera") == user_before
    # the rendered form carries its token, and posting it works
    page = text(c.get("/accounts/acc-east/people/new"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = c.post("/accounts/acc-east/people/new",
               data={"name": "With Token", "influence": "3", "stance": "neutral", "csrf_token": token})
    assert r.status_code == 302
    assert c.post(r.headers["Location"] + "/delete", data={"csrf_token": token, "confirm": "yes"}).status_code == 302


# -- validation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "influence": "3", "stance": "neutral"}, "name", "Name is required."),
        ({"name": "x" * 300, "influence": "3", "stance": "neutral"}, "name",
         "Name can be at most 200 characters long."),
        ({"name": "Ok", "influence": "9", "stance": "neutral"}, "influence", "Not a valid choice"),
        ({"name": "Ok", "influence": "3", "stance": "friendly"}, "stance", "Not a valid choice"),
        ({"name": "Ok", "influence": "3", "stance": "neutral", "email": "not-an-email"}, "email",
         "Email must be an e-mail address, such as name@example.com."),
        ({"name": "Ok", "influence": "3", "stance": "neutral", "phone": "call me"}, "phone",
         "Phone may hold digits, spaces and + - ( ) . only."),
        ({"name": "bell\x07", "influence": "3", "stance": "neutral"}, "name", "control characters"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(app, app_store, data, field, message):
    c = signed_in(app)
    before = counts(app_store)
    r = c.post("/accounts/acc-east/people/new", data=data)
    assert r.status_code == 400
    page = text(r)
    next_to_field = page[page.find(f'id="{field}"'):]
    next_to_field = next_to_field[:next_to_field.find("<label")]  # up to the next field
    assert re.search(rf'<span class="field-error">[^<]*{re.escape(message)}', next_to_field), next_to_field
    assert counts(app_store) == before


def test_opportunity_bad_date_and_currency(app, app_store):
    c = signed_in(app)
    before = counts(app_store)
    r = c.post("/accounts/acc-east/opportunities/new",
               data={"name": "Bad", "stage": "lead", "currency": "yuan", "close_date": "2027-02-30"})
    assert r.status_code == 400
    assert text(r).count('class="field-error"') == 2
    assert counts(app_store) == before


def test_validation_messages_name_the_field_and_what_it_takes_in_chinese(app, app_store):
    c = signed_in(app)
    c.get("/lang/zh")
    before = counts(app_store)
    page = unescape(text(c.post("/accounts/new", data={"name": "", "annual_value": "1e16", "potential_value": "many",
                                                       "segment": "general", "tier": "service",
                                                       "lifecycle": "active"})))
    assert "名称为必填项。" in page
    assert "年度价值须为 0 到 1,000,000,000,000,000 之间的数字。" in page
    assert "潜在价值须为数字，例如 4800000。" in page
    page = unescape(text(c.post("/accounts/acc-east/opportunities/new",
                                data={"name": "Bad", "stage": "lead", "currency": "yuan", "close_date": "2027-02-30"})))
    assert "币种须为三位字母的币种代码，例如 CNY 或 USD。" in page and "预计成交日期须为日期，例如 2027-03-31。" in page
    for generic in ("无效的输入", "数值大小必须介于", "该字段是必填字段", "Invalid input", "Not a valid"):
        assert generic not in page, generic
    assert counts(app_store) == before


def test_a_ten_megabyte_name_is_refused_cleanly(app, app_store):
    c = signed_in(app)
    before = counts(app_store)
    # past the request limit (8 MB): 413 before the form is read
    r = c.post("/people/p-cio/edit", data={"name": "x" * 10_000_000, "influence": "5", "stance": "supporter",
                                          "version": "1"})
    assert r.status_code == 413 and "Request too large" in text(r)
    # within it: the field's length error
    r = c.post("/people/p-cio/edit", data={"name": "x" * 1_000_000, "influence": "5", "stance": "supporter",
                                          "version": "1"})
    assert r.status_code == 400 and "Name can be at most 200 characters long." in text(r)
    assert counts(app_store) == before and app_store.get("Person", "p-cio")["name"] == "王强"


# -- create, edit, delete -------------------------------------------------------------------------------


def test_person_life_cycle_through_the_forms(app, app_store):
    c = signed_in(app)
    r = c.post("/accounts/acc-east/people/new",
               data={"name": XSS + " 张敏", "title": "副处长", "department": "Finance", "influence": "4",
                     "stance": "supporter", "email": "zm@example.cn", "phone": "+86 10 1234 5678"})
    assert r.status_code == 302
    person_id = r.headers["Location"].rsplit("/", 1)[1]
    assert app_store.account_of("Person", person_id) == "acc-east"
    page = text(c.get(r.headers["Location"]))
    assert "Saved &lt;img src=x onerror=alert(1)&gt; 张敏." in page and XSS not in page  # named, as text

    form = text(c.get(f"/people/{person_id}/edit"))
    assert _version_in(form) == "1" and '<option selected value="4">' in form
    r = c.post(f"/people/{person_id}/edit", data={"name": "张敏", "title": "", "department": "Finance",
                                                  "influence": "5", "stance": "champion", "version": "1"})
    assert r.status_code == 302
    stored = app_store.get("Person", person_id)
    assert stored["influence"] == 5 and stored["stance"] == "champion" and "title" not in stored
    assert stored["version"] == 2

    confirm = c.get(f"/people/{person_id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in text(confirm)
    assert app_store.find("Person", person_id)  # asking deletes nothing
    r = c.post(f"/people/{person_id}/delete", data={"confirm": "yes"})
    assert r.status_code == 302 and r.headers["Location"] == "/accounts/acc-east"
    assert app_store.find("Person", person_id) is None


def test_account_edit_and_delete_leave_nothing_dangling(app, app_store):
    c = signed_in(app, "admin")
    r = c.post("/accounts/new", data={"name": "Temporary 临时", "segment": "general", "tier": "transactional",
                                      "lifecycle": "prospect"})
    account_id = r.headers["Location"].rsplit("/", 1)[1]
    before = counts(app_store)
    r = c.post(f"/accounts/{account_id}/people/new", data={"name": "Tmp Person", "influence": "3",
                                                           "stance": "neutral"})
    person_id = r.headers["Location"].rsplit("/", 1)[1]
    r = c.post(f"/accounts/{account_id}/opportunities/new", data={"name": "Tmp bid", "stage": "qualify",
                                                                  "currency": "CNY", "value": "1000"})
    opp_id = r.headers["Location"].rsplit("/", 1)[1]
    assert c.post(f"/opportunities/{opp_id}/roles/new",
                  data={"other": person_id, "role": "economic_buyer", "influence": "", "stance": ""}).status_code == 302
    assert c.post(f"/people/{person_id}", data={"kind": "call", "channel": "phone",
                                                "at": "2026-05-01T09:30"}).status_code == 302
    r = c.post(f"/accounts/{account_id}/edit", data={"name": "Temporary 临时", "segment": "key", "tier": "service",
                                                    "lifecycle": "active", "version": "1"})
    assert r.status_code == 302 and app_store.get("Account", account_id)["segment"] == "key"
    page = text(c.get(f"/accounts/{account_id}/delete"))
    assert "1 stakeholder" in page and "1 opportunity" in page
    assert c.post(f"/accounts/{account_id}/delete", data={"confirm": "yes"}).status_code == 302
    nodes, rels = counts(app_store)
    assert (nodes, rels) == (before[0] | {"Account": before[0]["Account"] - 1}, before[1])
    assert app_store.find("Opportunity", opp_id) is None and app_store.find("Person", person_id) is None


def test_opportunity_forms(app, app_store):
    c = signed_in(app, "bo")  # bid team member of the east opportunity may edit its account
    r = c.post("/accounts/acc-east/opportunities/new",
               data={"name": "Substation monitoring 变电站监测", "stage": "pre_bid", "value": "3200000",
                     "currency": "CNY", "close_date": "2027-06-30", "decision_criteria": "TCO <b>first</b>"})
    assert r.status_code == 302
    opp_id = r.headers["Location"].rsplit("/", 1)[1]
    stored = app_store.get("Opportunity", opp_id)
    assert stored["close_date"] == "2027-06-30" and stored["value"] == 3_200_000
    form = text(c.get(f"/opportunities/{opp_id}/edit"))
    assert 'value="2027-06-30"' in form and "TCO &lt;b&gt;first&lt;/b&gt;" in form
    r = c.post(f"/opportunities/{opp_id}/edit", data={"name": "Substation monitoring 变电站监测", "stage": "tender",
                                                      "currency": "CNY", "close_date": "", "version": "1"})
    assert r.status_code == 302
    stored = app_store.get("Opportunity", opp_id)
    assert stored["stage"] == "tender" and "close_date" not in stored and "value" not in stored
    assert c.post(f"/opportunities/{opp_id}/delete", data={"confirm": "yes"}).status_code == 302
    assert app_store.find("Opportunity", opp_id) is None


def test_buying_center_roles(app, app_store):
    c = signed_in(app)
    r = c.post("/accounts/acc-east/opportunities/new", data={"name": "Roles bid", "stage": "lead", "currency": "CNY"})
    opp_id = r.headers["Location"].rsplit("/", 1)[1]
    form = text(c.get(f"/opportunities/{opp_id}/roles/new"))
    assert "Economic buyer" in form and "p-cfo" in form and "p-west" not in form
    r = c.post(f"/opportunities/{opp_id}/roles/new",
               data={"other": "p-cfo", "role": "economic_buyer", "influence": "5", "stance": "skeptic"})
    assert r.status_code == 302
    assert app_store.get_relationship("ROLE_IN", "p-cfo", opp_id)["influence"] == 5
    # adding the same person again does not overwrite
    r = c.post(f"/opportunities/{opp_id}/roles/new", data={"other": "p-cfo", "role": "blocker"})
    assert r.status_code == 400 and "exists already" in text(r)
    assert app_store.get_relationship("ROLE_IN", "p-cfo", opp_id)["role"] == "economic_buyer"
    # a person of another account is not a choice
    r = c.post(f"/opportunities/{opp_id}/roles/new", data={"other": "p-west", "role": "coach"})
    assert r.status_code == 400
    r = c.post(f"/relationships/ROLE_IN/p-cfo/{opp_id}/edit",
               data={"role": "economic_buyer", "influence": "", "stance": "supporter", "version": "1"})
    assert r.status_code == 302
    role = app_store.get_relationship("ROLE_IN", "p-cfo", opp_id)
    assert role["stance"] == "supporter" and role.get("influence") is None and role["version"] == 2
    assert "Economic buyer" in text(c.get(f"/opportunities/{opp_id}"))
    assert c.post(f"/relationships/ROLE_IN/p-cfo/{opp_id}/delete", data={"confirm": "yes"}).status_code == 302
    assert app_store.stats()["relationships"]["ROLE_IN"] == 3  # the three of the fixture


def test_our_team_and_competitor_relationships(app, app_store):
    c = signed_in(app)
    form = text(c.get("/people/p-cfo/relationships/new/ours"))
    assert "user-lina" in form and "user-bo" in form
    r = c.post("/people/p-cfo/relationships/new/ours", data={"other": "user-bo", "strength": "2",
                                                              "since": "2025-03-01"})
    assert r.status_code == 302
    rel = app_store.get_relationship("RELATIONSHIP", "user-bo", "p-cfo")
    assert rel["strength"] == 2 and rel["since"] == "2025-03-01"
    r = c.post("/people/p-cfo/relationships/new/ours", data={"other": "user-ghost", "strength": "2"})
    assert r.status_code == 400
    r = c.post("/relationships/RELATIONSHIP/user-bo/p-cfo/edit", data={"strength": "4", "since": "2025-03-01",
                                                                       "version": "1"})
    assert r.status_code == 302 and app_store.get_relationship("RELATIONSHIP", "user-bo", "p-cfo")["strength"] == 4
    assert c.post("/relationships/RELATIONSHIP/user-bo/p-cfo/delete", data={"confirm": "yes"}).status_code == 302

    r = c.post("/people/p-cio/relationships/new/competitor", data={"other": "comp-1", "strength": "3"})
    assert r.status_code == 302
    assert app_store.get_relationship("RELATIONSHIP", "comp-1", "p-cio")["strength"] == 3
    assert c.post("/relationships/RELATIONSHIP/comp-1/p-cio/delete", data={"confirm": "yes"}).status_code == 302


def test_customer_side_relationships(app, app_store):
    c = signed_in(app)
    form = text(c.get("/people/p-cfo/relationships/new/peer"))
    assert "Reports to" in form or "reports to" in form
    r = c.post("/people/p-cfo/relationships/new/peer", data={"kind": "KNOWS", "other": "p-xss", "strength": "2"})
    assert r.status_code == 302 and app_store.get_relationship("KNOWS", "p-cfo", "p-xss")["strength"] == 2
    r = c.post("/people/p-cfo/relationships/new/peer", data={"kind": "REPORTS_TO", "other": "p-cio",
                                                             "strength": "3"})
    assert r.status_code == 302
    assert "strength" not in app_store.get_relationship("REPORTS_TO", "p-cfo", "p-cio")
    page = text(c.get("/people/p-cfo"))
    assert "/relationships/REPORTS_TO/p-cfo/p-cio/delete" in page and "/relationships/KNOWS/p-cfo/p-xss/edit" in page
    r = c.post("/people/p-cfo/relationships/new/peer", data={"kind": "LIKES", "other": "p-cio", "strength": "3"})
    assert r.status_code == 400
    r = c.post("/people/p-cfo/relationships/new/peer", data={"kind": "KNOWS", "other": "p-cfo", "strength": "3"})
    assert r.status_code == 400  # not oneself: not among the choices
    r = c.post("/relationships/KNOWS/p-cfo/p-xss/edit", data={"strength": "9", "version": "1"})
    assert r.status_code == 400 and "field-error" in text(r)
    for rel in ("KNOWS/p-cfo/p-xss", "REPORTS_TO/p-cfo/p-cio"):
        assert c.post(f"/relationships/{rel}/delete", data={"confirm": "yes"}).status_code == 302
    assert app_store.stats()["relationships"]["REPORTS_TO"] == 1


def test_competitors(app, app_store):
    c = signed_in(app)
    r = c.post("/opportunities/opp-east/competitors/new", data={"other": "", "name": ""})
    assert r.status_code == 400 and "choose a competitor" in text(r)
    r = c.post("/opportunities/opp-east/competitors/new", data={"other": "", "name": "华信智能 Huaxin"})
    assert r.status_code == 302
    huaxin = next(x for x in app_store.list_nodes("Competitor") if x["name"] == "华信智能 Huaxin")
    assert app_store.competitor_accounts(huaxin["id"]) == {"acc-east"}
    r = c.post("/opportunities/opp-east/competitors/new", data={"other": "comp-1", "name": ""})
    assert r.status_code == 400 and "exists already" in text(r)
    r = c.post(f"/competitors/{huaxin['id']}/edit", data={"name": "Huaxin Intelligent", "version": "1"})
    assert r.status_code == 302 and app_store.get("Competitor", huaxin["id"])["name"] == "Huaxin Intelligent"
    assert signed_in(app, "omar").get(f"/competitors/{huaxin['id']}/edit").status_code == 404
    assert c.get(f"/competitors/{huaxin['id']}/delete").status_code == 200
    assert c.post(f"/competitors/{huaxin['id']}/delete", data={"confirm": "yes"}).status_code == 302
    assert app_store.find("Competitor", huaxin["id"]) is None


# -- two colleagues, one record (optimistic concurrency) -------------------------------------------------


def _version_in(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_second_save_of_the_same_person_is_refused_and_shows_the_difference(app, app_store):
    person_id = app_store.create_person("acc-east", {"name": "陈静", "title": "Engineer", "stance": "neutral"})["id"]
    lina, admin = signed_in(app, "lina"), signed_in(app, "admin")
    lina_version = _version_in(text(lina.get(f"/people/{person_id}/edit")))
    admin_version = _version_in(text(admin.get(f"/people/{person_id}/edit")))
    assert lina_version == admin_version == "1"

    r = admin.post(f"/people/{person_id}/edit", data={"name": "陈静", "title": "Chief Engineer", "influence": "3",
                                                      "stance": "supporter", "version": admin_version})
    assert r.status_code == 302
    r = lina.post(f"/people/{person_id}/edit", data={"name": "陈静", "title": "Engineer", "influence": "4",
                                                     "stance": "skeptic", "version": lina_version})
    assert r.status_code == 409
    page = text(r)
    assert "Someone else saved this record" in page
    rows = dict((m[0], m[1:]) for m in re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page))
    assert rows["Title"] == ("Chief Engineer", "Engineer")
    assert rows["Stance"] == ("Supporter", "Skeptic") and rows["Influence (1-5)"] == ("3", "4")
    assert "Name" not in rows  # unchanged fields are not listed
    stored = app_store.get("Person", person_id)
    assert stored["title"] == "Chief Engineer" and stored["stance"] == "supporter" and stored["version"] == 2
    # the form keeps lina's values and now carries the stored version: saving again is deliberate
    assert _version_in(page) == "2" and '<option selected value="skeptic">' in page
    r = lina.post(f"/people/{person_id}/edit", data={"name": "陈静", "title": "Engineer", "influence": "4",
                                                     "stance": "skeptic", "version": "2"})
    assert r.status_code == 302 and app_store.get("Person", person_id)["stance"] == "skeptic"


def test_second_save_of_the_same_relationship_is_refused(app, app_store):
    app_store.relate("INFLUENCES", "p-xss", "p-cfo", {"strength": 2})
    lina, bo = signed_in(app, "lina"), signed_in(app, "bo")
    url = "/relationships/INFLUENCES/p-xss/p-cfo/edit"
    version = _version_in(text(lina.get(url)))
    assert _version_in(text(bo.get(url))) == version
    assert bo.post(url, data={"strength": "5", "version": version}).status_code == 302
    r = lina.post(url, data={"strength": "1", "version": version})
    assert r.status_code == 409
    assert re.search(r"<tr><td>Strength \(1-5\)</td><td>5</td><td>1</td></tr>", text(r))
    assert app_store.get_relationship("INFLUENCES", "p-xss", "p-cfo")["strength"] == 5
    app_store.unrelate("INFLUENCES", "p-xss", "p-cfo")


def test_second_save_of_the_same_opportunity_is_refused(app, app_store):
    opp = app_store.create_opportunity("acc-east", {"name": "Concurrent bid", "stage": "qualify"})
    lina, bo = signed_in(app, "lina"), signed_in(app, "bo")
    url = f"/opportunities/{opp['id']}/edit"
    version = _version_in(text(lina.get(url)))
    data = {"name": "Concurrent bid", "currency": "CNY", "version": version}
    assert bo.post(url, data={**data, "stage": "tender"}).status_code == 302
    r = lina.post(url, data={**data, "stage": "lost"})
    assert r.status_code == 409 and re.search(r"<td>Stage</td><td>Tender</td><td>Lost</td>", text(r))
    assert app_store.get("Opportunity", opp["id"])["stage"] == "tender"
    app_store.delete("Opportunity", opp["id"])


def test_editing_a_deleted_record_is_404(app, app_store):
    person_id = app_store.create_person("acc-east", {"name": "Short-lived"})["id"]
    c = signed_in(app)
    version = _version_in(text(c.get(f"/people/{person_id}/edit")))
    app_store.delete("Person", person_id)
    r = c.post(f"/people/{person_id}/edit", data={"name": "Back", "influence": "3", "stance": "neutral",
                                                  "version": version})
    assert r.status_code == 404 and app_store.find("Person", person_id) is None


def test_an_edit_without_the_version_it_was_opened_with_says_so(app, app_store):
    before = app_store.get("Person", "p-cio")
    c = signed_in(app)
    for version in ("", "最新", "9" * 40):
        r = c.post("/people/p-cio/edit", data={"name": "王强 Wang Qiang", "influence": "3", "stance": "neutral",
                                                 "version": version})
        assert r.status_code == 400 and "reload the page, then edit again" in text(r)
    assert app_store.get("Person", "p-cio") == before


def test_relationships_to_people_at_hidden_accounts_stay_hidden(app):
    """The CIO knows a person at another account (fixture): lina, who may edit
    the CIO's account but not see the other one, neither sees nor edits that tie."""
    lina = signed_in(app, "lina")
    assert "Wes Secret" not in text(lina.get("/people/p-cio"))
    for url in ("/relationships/KNOWS/p-cio/p-west/edit", "/relationships/KNOWS/p-cio/p-west/delete"):
        r = lina.get(url)
        assert r.status_code == 404 and "Wes Secret" not in text(r)
    assert lina.post("/relationships/KNOWS/p-cio/p-west/delete").status_code == 404
    admin = signed_in(app, "admin")
    assert "Wes Secret" in text(admin.get("/people/p-cio"))
    assert admin.get("/relationships/KNOWS/p-cio/p-west/edit").status_code == 200


def test_a_new_person_comes_with_their_manager_and_influencers_and_the_next_form(app, app_store):
    """The form offers the account's people with title and department; the
    person, their REPORTS_TO and INFLUENCES lines are saved together, and
    "Save and add another" comes back to an empty form."""
    c = signed_in(app)
    form = text(c.get("/accounts/acc-east/people/new"))
    assert '<option value="p-cio">王强 — CIO — IT</option>' in form
    assert "Save and add another" in form
    r = c.post("/accounts/acc-east/people/new",
               data={"name": "孙丽", "title": "采购专员", "influence": "2", "stance": "neutral",
                     "reports_to": "p-cfo", "influenced_by": ["p-cio", "p-cfo"], "another": "y"})
    assert r.status_code == 302 and r.headers["Location"] == "/accounts/acc-east/people/new"
    assert "Saved 孙丽." in text(c.get(r.headers["Location"]))
    (sun,) = app_store.same_name("Person", "孙丽", account_id="acc-east")
    assert app_store.outgoing("Person:REPORTS_TO:Person", [sun["id"]]) == [(sun["id"], "p-cfo")]
    assert {s for s, _e in app_store.relationships_between(
        "Person:INFLUENCES:Person", [("p-cio", sun["id"]), ("p-cfo", sun["id"])])} == {"p-cio", "p-cfo"}
    app_store.delete("Person", sun["id"])


def test_our_relationship_defaults_to_me_and_a_competitor_is_created_where_its_tie_is_added(app, app_store):
    c = signed_in(app)
    form = text(c.get("/people/p-cfo/relationships/new/ours"))
    assert '<option selected value="user-lina">' in form
    r = c.post("/people/p-cfo/relationships/new/competitor",
               data={"other": "", "new_competitor": "东方数科", "strength": "4"})
    assert r.status_code == 302
    (tie,) = [c for c in app_store.list_nodes("Competitor") if c["name"] == "东方数科"]
    assert app_store.get_relationship("RELATIONSHIP", tie["id"], "p-cfo")["strength"] == 4
    refused = c.post("/people/p-cfo/relationships/new/competitor", data={"other": "", "strength": "3"})
    assert refused.status_code == 400 and "choose a competitor or enter a new name" in text(refused)
    app_store.delete("Competitor", tie["id"])
