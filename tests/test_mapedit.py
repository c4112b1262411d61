"""Editing on the map (graphcrm/web/mapedit.py) through the test client: the
side panel's JSON routes check access as the forms do, need the CSRF token,
validate, refuse stale versions with the stored values, and write the audit
log.  The data set is the access matrix's (tests/fixtures.py): lina
(manager), bo (bid, through the opportunity) and vera (viewer) are on the team
of "acc-ours", omar (manager) on "acc-theirs"; Anna Berg reports to 王强."""

from __future__ import annotations

import re

import pytest

from graphcrm.web import create_app

from fixtures import PASSWORD, XSS, assert_problem, fingerprint, signed_in, text


def post(client, url: str, body) -> tuple[int, dict]:
    r = client.post(url, json=body)
    return r.status_code, r.get_json()



# -- people -----------------------------------------------------------------------------------------


def test_a_member_changes_a_person_s_stance_and_the_audit_log_says_who(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    status, body = post(lina, "/api/people/p-ours-cfo",
                        {"changes": {"stance": "champion", "influence": 5, "title": " Finance chief "}, "version": 1})
    assert status == 200, body
    person = store.get("Person", "p-ours-cfo")
    assert (person["stance"], person["influence"], person["title"], person["version"]) == \
        ("champion", 5, "Finance chief", 2)
    assert body["person"]["version"] == 2
    assert "Anna Berg" in body["saved"] and "Advocate" in body["saved"] and "Finance chief" in body["saved"]
    entries, _ = store.audit_log(target="p-ours-cfo")
    assert entries[0]["action"] == "update" and entries[0]["actor"] == "lina"
    # the map the page draws again has it: shape and colour of a champion, the new version
    data = lina.get("/api/accounts/acc-ours/map").get_json()
    node = next(n for n in data["nodes"] if n["id"] == "p-ours-cfo")
    assert (node["shape"], node["color"], node["version"], node["job"]) == ("star", "#1a9850", 2, "Finance chief")
    power = lina.get("/api/opportunities/opp-ours/map").get_json()
    assert next(n for n in power["nodes"] if n["id"] == "p-ours-cfo")["stance"] == "champion"


def test_a_stale_version_is_refused_with_the_current_values(app_and_store):
    app, store = app_and_store
    lina, bo = signed_in(app, "lina"), signed_in(app, "bo")
    assert post(bo, "/api/people/p-ours-cio", {"changes": {"stance": "skeptic"}, "version": 1})[0] == 200
    status, body = post(lina, "/api/people/p-ours-cio", {"changes": {"stance": "champion"}, "version": 1})
    assert status == 409
    assert_problem(body)
    assert body["current"]["stance"] == "skeptic" and body["current"]["version"] == 2
    assert store.get("Person", "p-ours-cio")["stance"] == "skeptic"
    # saving again with the stored version is a deliberate overwrite
    assert post(lina, "/api/people/p-ours-cio", {"changes": {"stance": "champion"}, "version": 2})[0] == 200


@pytest.mark.parametrize("changes, version, field", [
    ({"stance": "maybe"}, 1, "stance"),
    ({"influence": 9}, 1, "influence"),
    ({"influence": None}, 1, "influence"),
    ({"notes": "not from the panel"}, 1, "notes"),
    ({}, 1, "changes"),
    ({"stance": "champion"}, None, "version"),
    ({"stance": "champion"}, "1", "version"),
])
def test_invalid_changes_are_refused_as_json_naming_the_field(app_and_store, changes, version, field):
    app, store = app_and_store
    before = fingerprint(store)
    status, body = post(signed_in(app, "lina"), "/api/people/p-ours-cfo", {"changes": changes, "version": version})
    assert status == 400
    assert_problem(body, field)
    assert fingerprint(store) == before


def test_a_body_that_is_not_a_json_object_is_refused(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    for r in (lina.post("/api/people/p-ours-cfo", data={"changes": "stance"}),
              lina.post("/api/people/p-ours-cfo", json=["stance", "champion"]),
              lina.post("/api/relationships/KNOWS/p-ours-cio/p-ours-cfo/delete", data="{}")):
        assert r.status_code == 400
        assert_problem(r.get_json(), "body")


def test_a_person_added_on_the_map_with_their_manager(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    status, body = post(lina, "/api/accounts/acc-ours/people",
                        {"person": {"name": XSS, "title": "CTO", "stance": "supporter", "influence": 4},
                         "reports_to": "p-ours-cio"})
    assert status == 200, body
    new_id = body["person"]["id"]
    assert store.get_relationship("REPORTS_TO", new_id, "p-ours-cio") is not None
    assert XSS in body["saved"]  # text for the status line, which writes it as text
    node = next(n for n in lina.get("/api/accounts/acc-ours/map").get_json()["nodes"] if n["id"] == new_id)
    assert node["label"] == XSS and node["level"] == 1
    # the same name again: refused until the user says it is someone else
    again = {"person": {"name": XSS}, "reports_to": ""}
    status, body = post(lina, "/api/accounts/acc-ours/people", again)
    assert status == 400
    assert_problem(body, "add_anyway")
    assert post(lina, "/api/accounts/acc-ours/people", {**again, "add_anyway": True})[0] == 200


@pytest.mark.parametrize("body, field", [
    ({"person": {"name": ""}}, "name"),
    ({"person": {"name": "Ok", "stance": "maybe"}}, "stance"),
    ({"person": {"name": "Ok", "erased_by": "me"}}, "erased_by"),
    ({"person": "Ok"}, "name"),
])
def test_a_new_person_is_validated_as_on_the_form(app_and_store, body, field):
    app, store = app_and_store
    before = fingerprint(store)
    status, answer = post(signed_in(app, "lina"), "/api/accounts/acc-ours/people", body)
    assert status == 400
    assert_problem(answer, field)
    assert fingerprint(store) == before


def test_a_new_person_cannot_report_to_someone_of_a_team_the_user_is_not_on(app_and_store):
    app, store = app_and_store
    before = fingerprint(store)
    status, _body = post(signed_in(app, "lina"), "/api/accounts/acc-ours/people",
                         {"person": {"name": "Newcomer"}, "reports_to": "p-theirs"})
    assert status == 404
    assert fingerprint(store) == before


# -- lines --------------------------------------------------------------------------------------------


def test_a_line_is_added_changed_and_removed_through_the_store(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    url = "/api/relationships/INFLUENCES/p-ours-cfo/p-ours-cio"
    status, body = post(lina, url + "/new", {"props": {"strength": 4}})
    assert status == 200, body
    assert body["saved"] == "Saved: Anna Berg influences 王强 (strength 4)."
    status, body = post(lina, url + "/new", {"props": {"strength": 2}})
    assert status == 409 and body["current"]["strength"] == 4  # exists already: not overwritten
    status, body = post(lina, url, {"changes": {"strength": 5}, "version": 1})
    assert status == 200 and body["relationship"]["strength"] == 5
    status, body = post(lina, url, {"changes": {"strength": 1}, "version": 1})
    assert status == 409 and body["current"]["strength"] == 5 and body["current"]["version"] == 2
    status, body = post(lina, url + "/delete", {})
    assert status == 200 and body["saved"].startswith("Removed: Anna Berg influences 王强")
    status, body = post(lina, url + "/delete", {})
    assert status == 404
    assert_problem(body)
    entries = store.audit_log(target="p-ours-cfo->p-ours-cio", actor="lina")[0]
    assert [(e["action"], e["target_label"]) for e in entries] == [
        ("unrelate", "INFLUENCES"), ("update", "INFLUENCES"), ("relate", "INFLUENCES")]  # the refusals wrote nothing


def test_a_reports_to_cycle_is_refused_with_the_chain_named(app_and_store):
    app, store = app_and_store
    before = fingerprint(store)
    lina = signed_in(app, "lina")
    status, body = post(lina, "/api/relationships/REPORTS_TO/p-ours-cio/p-ours-cfo/new", {})
    assert status == 400
    assert_problem(body, "end")
    assert "cycle" in body["message"] and "王强 → Anna Berg → 王强" in body["message"]
    status, body = post(lina, "/api/accounts/acc-ours/people", {"person": {"name": "Third"}})
    third = body["person"]["id"]
    status, body = post(lina, f"/api/relationships/REPORTS_TO/p-ours-cfo/{third}/new", {})
    assert status == 400 and "reports to 王强 already" in body["message"]  # one formal manager
    assert fingerprint(store)["relationships"] == {**before["relationships"],
                                                   "WORKS_AT": before["relationships"]["WORKS_AT"] + 1}


def test_lines_take_only_the_properties_their_form_offers(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    status, body = post(lina, "/api/relationships/RELATIONSHIP/user-lina/p-ours-cfo",
                        {"changes": {"last_contact_at": "2026-01-01T00:00:00+00:00"}, "version": 1})
    assert status == 400
    assert_problem(body, "last_contact_at")
    status, body = post(lina, "/api/relationships/KNOWS/p-ours-cio/p-ours-cfo/new", {"props": {"strength": 7}})
    assert status == 400
    assert_problem(body, "strength")


def test_our_relationship_and_a_competitor_s_tie_from_the_panel(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    status, body = post(lina, "/api/relationships/RELATIONSHIP/user-lina/p-ours-cio/new", {"props": {"strength": 4}})
    assert status == 200 and "has a relationship with 王强 (strength 4)" in body["saved"]
    status, body = post(lina, "/api/people/p-ours-cio/competitor-ties", {"new_competitor": "华信科技", "strength": 5})
    assert status == 200, body
    assert store.get_relationship("RELATIONSHIP", body["competitor_id"], "p-ours-cio")["strength"] == 5
    status, body = post(lina, "/api/people/p-ours-cfo/competitor-ties", {"competitor": "comp-1", "strength": 2})
    assert status == 200 and body["saved"] == "Saved: RivalCorp has a relationship with Anna Berg (strength 2)."
    before = fingerprint(store)
    for tie, want, field in (({"strength": 3}, 400, "competitor"),
                             ({"competitor": "comp-404", "strength": 3}, 404, None),
                             ({"new_competitor": "Orphan Ltd", "strength": 0}, 400, "strength")):
        status, body = post(lina, "/api/people/p-ours-cio/competitor-ties", tie)
        assert status == want
        assert_problem(body, field)
    assert fingerprint(store) == before  # an invalid strength creates no competitor either
    power = lina.get("/api/opportunities/opp-ours/map").get_json()
    assert {(t["from"], t["to"], t["strength"]) for t in power["ties"]} >= {("user-lina", "p-ours-cio", 4),
                                                                          ("comp-1", "p-ours-cfo", 2)}
    assert {"id": "comp-1", "name": "RivalCorp"} in power["competitors"]


def test_a_buying_center_role_is_added_changed_and_removed_on_the_power_map(app_and_store):
    app, store = app_and_store
    bo = signed_in(app, "bo")  # on the opportunity's team only
    status, body = post(bo, "/api/relationships/ROLE_IN/p-ours-cfo/opp-ours",
                        {"changes": {"role": "champion", "stance": "champion", "influence": None}, "version": 1})
    assert status == 200, body
    node = next(n for n in bo.get("/api/opportunities/opp-ours/map").get_json()["nodes"] if n["id"] == "p-ours-cfo")
    assert node["role"] == {"role": "champion", "stance": "champion", "influence": None, "version": 2}
    assert node["shape"] == "star" and node["stance"] == "skeptic"  # drawn by the stance in the deal
    status, body = post(bo, "/api/relationships/ROLE_IN/p-ours-cfo/opp-ours", {"changes": {"role": None},
                                                                               "version": 2})
    assert status == 400
    assert_problem(body, "role")
    assert post(bo, "/api/relationships/ROLE_IN/p-ours-cfo/opp-ours/delete", {})[0] == 200
    assert post(bo, "/api/relationships/ROLE_IN/p-ours-cfo/opp-ours/new", {"props": {"role": "coach"}})[0] == 200
    assert store.get_relationship("ROLE_IN", "p-ours-cfo", "opp-ours")["role"] == "coach"


# -- who may ----------------------------------------------------------------------------------------

#: every change of the panel, on the team "acc-ours"
CHANGES = [
    ("/api/people/p-ours-cio", {"changes": {"stance": "opponent"}, "version": 1}),
    ("/api/accounts/acc-ours/people", {"person": {"name": "Intruder"}}),
    ("/api/people/p-ours-cio/competitor-ties", {"competitor": "comp-1", "strength": 5}),
    ("/api/relationships/INFLUENCES/p-ours-cio/p-ours-cfo/new", {"props": {"strength": 5}}),
    ("/api/relationships/RELATIONSHIP/user-lina/p-ours-cfo", {"changes": {"strength": 5}, "version": 1}),
    ("/api/relationships/REPORTS_TO/p-ours-cfo/p-ours-cio/delete", {}),
    ("/api/relationships/ROLE_IN/p-ours-cio/opp-ours/delete", {}),
]


@pytest.mark.parametrize("username", ["vera", "omar", "director"])
def test_who_may_not_edit_the_account_gets_404_and_nothing_is_written(app_and_store, username):
    """A viewer, a manager of another team and a director: 404, as the forms answer them."""
    app, store = app_and_store
    client = signed_in(app, username)
    before = fingerprint(store)
    for url, body in CHANGES:
        status, answer = post(client, url, body)
        assert status == 404, (username, url, status)
        assert_problem(answer)
    assert fingerprint(store) == before


def test_a_line_into_an_account_the_user_may_not_see_is_404(app_and_store):
    """ANCHORS: a KNOWS line is changed by the first person's team and needs the other visible."""
    app, store = app_and_store
    before = fingerprint(store)
    lina = signed_in(app, "lina")
    assert post(lina, "/api/relationships/KNOWS/p-ours-cio/p-theirs/new", {"props": {"strength": 2}})[0] == 404
    assert post(lina, "/api/relationships/KNOWS/p-theirs/p-ours-cio/delete", {})[0] == 404  # theirs anchors it
    assert post(lina, "/api/relationships/ROLE_IN/p-theirs/opp-ours/new", {"props": {"role": "coach"}})[0] == 404
    assert fingerprint(store) == before


def test_kinds_the_map_does_not_edit_are_404(app_and_store):
    app, store = app_and_store
    admin = signed_in(app, "admin")
    for url in ("/api/relationships/MEMBER_OF/user-lina/acc-ours/delete",
                "/api/relationships/WORKS_AT/p-ours-cio/acc-ours/delete",
                "/api/relationships/NOPE/p-ours-cio/p-ours-cfo/new"):
        status, body = post(admin, url, {})
        assert status == 404, url
        assert_problem(body)


def test_signed_out_requests_get_401(app_and_store):
    app, _store = app_and_store
    for url, body in CHANGES:
        assert app.test_client().post(url, json=body).status_code == 401


def test_the_csrf_token_of_the_page_is_required_in_the_header(app_and_store):
    app, store = app_and_store
    guarded = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    guarded.extensions["graphcrm_store"] = store
    client = guarded.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(client.get("/login"))).group(1)
    signed = client.post("/login", data={"username": "lina", "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302
    page = text(client.get("/accounts/acc-ours"))
    token = re.search(r'id="map-session" hidden data-csrf-token="([^"]+)"', page).group(1)
    change = {"changes": {"stance": "champion"}, "version": 1}
    before = fingerprint(store)
    for headers in ({}, {"X-CSRFToken": "forged"}):
        r = client.post("/api/people/p-ours-cfo", json=change, headers=headers)
        assert r.status_code == 400 and "security token" in r.get_json()["message"]
    assert fingerprint(store) == before
    assert client.post("/api/people/p-ours-cfo", json=change, headers={"X-CSRFToken": token}).status_code == 200


# -- the pages ---------------------------------------------------------------------------------------


def test_the_side_panel_is_on_the_pages_of_those_who_may_edit_only(app_and_store):
    app, _store = app_and_store
    for username, shown in (("lina", True), ("bo", True), ("vera", False), ("director", False)):
        client = signed_in(app, username)
        for url in ("/accounts/acc-ours", "/opportunities/opp-ours"):
            page = text(client.get(url))
            assert ('id="map-edit"' in page) is shown, (username, url)
            assert 'id="map-session"' in page
    page = text(signed_in(app, "lina").get("/opportunities/opp-ours"))
    assert 'id="map-add-role"' in page and 'data-opportunity="opp-ours"' in page
    client = signed_in(app, "lina")
    client.get("/lang/zh")
    page = text(client.get("/accounts/acc-ours"))
    for words in ("在图上编辑", "画一条线", "添加一个人", "添加到图中"):
        assert words in page, words
