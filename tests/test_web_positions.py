"""The team's positions on the account map (POST /api/accounts/<id>/map/positions,
graphcrm/web/mapedit.py) through the test client: who may save them, what
everyone who sees the map then gets, what is refused (and never a 500).  The
data set is the access matrix's (tests/fixtures.py): lina (manager), bo (bid,
through the opportunity) and vera (viewer) are on the team of "acc-ours",
omar (manager) on "acc-theirs", whose Secret Sun (p-theirs) knows 王强 of
"acc-ours": on the admin's map of "acc-ours", not on lina's."""

from __future__ import annotations

import json
import re

import pytest

from graphcrm.model import MAP_POSITIONS_MAX
from graphcrm.web import create_app

from fixtures import PASSWORD, assert_problem, fingerprint, signed_in, text

URL = "/api/accounts/acc-ours/map/positions"


def post(client, body) -> tuple[int, dict]:
    r = client.post(URL, json=body)
    return r.status_code, r.get_json()


def saved_layout(client) -> dict:
    return client.get("/api/accounts/acc-ours/map").get_json()["saved_layout"]



def test_a_member_saves_positions_and_everyone_who_sees_the_map_gets_them(app_and_store):
    app, store = app_and_store
    places = {"p-ours-cio": [100, -50.25], "p-ours-cfo": [220, 80], "user-lina": [0, 0]}
    status, body = post(signed_in(app, "lina"), {"positions": places, "version": 0})
    assert status == 200, body
    assert body["saved"] == "Positions saved: 3 on the map, for everyone who sees it."
    expected = {"positions": {"p-ours-cio": [100.0, -50.2], "p-ours-cfo": [220.0, 80.0], "user-lina": [0.0, 0.0]},
                "version": 1}
    assert body["layout"] == expected
    for username in ("vera", "bo", "director", "admin"):
        assert saved_layout(signed_in(app, username)) == expected, username
    page = text(signed_in(app, "vera").get("/accounts/acc-ours"))
    data = json.loads(re.search(r'id="network-data">(.*?)</script>', page, re.S).group(1))
    assert data["saved_layout"] == expected and 'id="map-positions"' not in page
    assert store.get("Account", "acc-ours")["version"] == 1  # the account's own version is left alone
    entry = store.audit_log(target="acc-ours")[0][0]
    assert (entry["action"], entry["actor"]) == ("layout", "lina")


def test_places_of_nodes_the_user_may_not_see_are_kept_and_never_shown_to_them(app_and_store):
    app, store = app_and_store
    admin, lina = signed_in(app, "admin"), signed_in(app, "lina")
    assert post(admin, {"positions": {"p-theirs": [5, 5], "p-ours-cio": [1, 1]}, "version": 0})[0] == 200
    assert "p-theirs" not in lina.get("/api/accounts/acc-ours/map").get_data(as_text=True)
    assert "p-theirs" not in text(lina.get("/accounts/acc-ours"))
    status, body = post(lina, {"positions": {"p-ours-cio": [9, 9], "p-theirs": [7, 7], "p-nowhere": [3, 3]},
                               "version": 1})
    assert status == 200 and body["layout"] == {"positions": {"p-ours-cio": [9.0, 9.0]}, "version": 2}
    assert body["saved"].startswith("Positions saved: 1 ")
    assert store.map_layout("acc-ours")["positions"] == {"p-theirs": [5.0, 5.0], "p-ours-cio": [9.0, 9.0]}
    assert saved_layout(admin)["positions"]["p-theirs"] == [5.0, 5.0]


def test_a_stale_save_gets_409_with_the_layout_stored_as_the_user_may_see_it(app_and_store):
    app, store = app_and_store
    admin, lina = signed_in(app, "admin"), signed_in(app, "lina")
    assert post(admin, {"positions": {"p-theirs": [5, 5], "p-ours-cio": [1, 1]}, "version": 0})[0] == 200
    status, body = post(lina, {"positions": {"p-ours-cio": [2, 2]}, "version": 0})
    assert status == 409
    assert_problem(body)
    assert body["current"] == {"positions": {"p-ours-cio": [1.0, 1.0]}, "version": 1}
    assert store.map_layout("acc-ours")["positions"]["p-ours-cio"] == [1.0, 1.0]
    assert post(lina, {"positions": {"p-ours-cio": [2, 2]}, "version": 1})[0] == 200  # again: deliberate


def test_reset_gives_everyone_the_automatic_layout_again(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    assert post(lina, {"positions": {"p-ours-cio": [1, 1]}, "version": 0})[0] == 200
    status, body = post(lina, {"positions": None, "version": 1})
    assert status == 200 and body["saved"].startswith("Layout reset") and body["layout"]["positions"] == {}
    assert saved_layout(signed_in(app, "vera")) == {"positions": {}, "version": 2}
    assert store.audit_log(target="acc-ours")[0][0]["action"] == "layout"


@pytest.mark.parametrize("body, field", [
    ({"positions": {"p-ours-cio": ["1", 2]}, "version": 0}, "map_positions"),
    ({"positions": {"p-ours-cio": [True, 2]}, "version": 0}, "map_positions"),
    ({"positions": {"p-ours-cio": [1, None]}, "version": 0}, "map_positions"),
    ({"positions": {"p-ours-cio": [[1], 2]}, "version": 0}, "map_positions"),
    ({"positions": {"p-ours-cio": [1e300, 2]}, "version": 0}, "map_positions"),
    ({"positions": {"p-ours-cio": {"x": 1, "y": 2}}, "version": 0}, "map_positions"),
    ({"positions": [[1, 2]], "version": 0}, "map_positions"),
    ({"positions": "here", "version": 0}, "map_positions"),
    ({"positions": {f"p-{i}": [i, i] for i in range(MAP_POSITIONS_MAX + 1)}, "version": 0}, "map_positions"),
    ({"positions": {"p-ours-cio": [1, 2]}}, "version"),
    ({"positions": {"p-ours-cio": [1, 2]}, "version": "0"}, "version"),
    ({"version": 0}, "positions"),
])
def test_positions_that_are_not_numbers_or_too_many_are_refused_as_json_naming_the_field(app_and_store, body,
                                                                                          field):
    app, store = app_and_store
    before = fingerprint(store)
    status, answer = post(signed_in(app, "lina"), body)
    assert status == 400, answer
    assert_problem(answer, field)
    assert fingerprint(store) == before and store.map_layout("acc-ours")["version"] == 0


def test_not_a_number_in_the_json_text_and_a_body_that_is_not_json_are_400(app_and_store):
    app, store = app_and_store
    lina = signed_in(app, "lina")
    for data in ('{"positions": {"p-ours-cio": [NaN, 1]}, "version": 0}',
                 '{"positions": {"p-ours-cio": [Infinity, 1]}, "version": 0}', "positions=1", "[1, 2]"):
        r = lina.post(URL, data=data, content_type="application/json")
        assert r.status_code == 400, data
        assert_problem(r.get_json())
    assert store.map_layout("acc-ours")["version"] == 0


def test_a_body_too_large_is_refused_with_a_message_never_a_500(app_and_store):
    """2 MB: more than the positions of any map need (400); 10 MB: more than any request may be (413)."""
    app, store = app_and_store
    lina = signed_in(app, "lina")
    big = {"positions": {"p-ours-cio": [1, 2]}, "version": 0, "padding": "x" * 2_000_000}
    r = lina.post(URL, json=big)
    assert r.status_code == 400 and "bytes" in r.get_json()["message"]
    r = lina.post(URL, data=b"{" + b" " * 10_000_000 + b"}", content_type="application/json")
    assert r.status_code in (400, 413) and r.get_json()["message"]
    guarded, client = _with_csrf(app, store)
    token = re.search(r'data-csrf-token="([^"]+)"', text(client.get("/accounts/acc-ours"))).group(1)
    r = client.post(URL, data=b"{" + b" " * 10_000_000 + b"}", content_type="application/json",
                    headers={"X-CSRFToken": token})
    assert r.status_code == 413 and "larger than 8 MB" in r.get_json()["message"]
    assert store.map_layout("acc-ours")["version"] == 0


@pytest.mark.parametrize("username", ["vera", "omar", "director"])
def test_who_may_not_edit_the_account_gets_404_and_nothing_is_written(app_and_store, username):
    app, store = app_and_store
    before = fingerprint(store)
    status, body = post(signed_in(app, username), {"positions": {"p-ours-cio": [1, 1]}, "version": 0})
    assert status == 404
    assert_problem(body)
    assert fingerprint(store) == before and store.map_layout("acc-ours")["version"] == 0


def test_a_bid_team_member_may_save_and_a_signed_out_request_gets_401(app_and_store):
    app, _store = app_and_store
    assert post(signed_in(app, "bo"), {"positions": {"p-ours-cio": [1, 1]}, "version": 0})[0] == 200
    assert app.test_client().post(URL, json={"positions": None, "version": 1}).status_code == 401


def _with_csrf(app, store):
    """The app with CSRF protection on, and a client of it signed in as lina."""
    guarded = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    guarded.extensions["graphcrm_store"] = store
    client = guarded.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(client.get("/login"))).group(1)
    assert client.post("/login", data={"username": "lina", "password": PASSWORD, "csrf_token": token}).status_code \
        == 302
    return guarded, client


def test_the_csrf_token_of_the_page_is_required_in_the_header(app_and_store):
    app, store = app_and_store
    _guarded, client = _with_csrf(app, store)
    token = re.search(r'data-csrf-token="([^"]+)"', text(client.get("/accounts/acc-ours"))).group(1)
    body = {"positions": {"p-ours-cio": [1, 1]}, "version": 0}
    for headers in ({}, {"X-CSRFToken": "forged"}):
        r = client.post(URL, json=body, headers=headers)
        assert r.status_code == 400 and "security token" in r.get_json()["message"]
    assert store.map_layout("acc-ours")["version"] == 0
    assert client.post(URL, json=body, headers={"X-CSRFToken": token}).status_code == 200


def test_the_buttons_are_on_the_account_page_of_those_who_may_edit_only(app_and_store):
    app, _store = app_and_store
    for username, shown in (("lina", True), ("bo", True), ("vera", False), ("director", False)):
        page = text(signed_in(app, username).get("/accounts/acc-ours"))
        assert ('id="map-positions-save"' in page) is shown, username
        assert ('data-url="/api/accounts/acc-ours/map/positions"' in page) is shown, username
    assert 'id="map-positions"' not in text(signed_in(app, "lina").get("/opportunities/opp-ours"))
    lina = signed_in(app, "lina")
    lina.get("/lang/zh")
    page = text(lina.get("/accounts/acc-ours"))
    for words in ("保存位置", "重置布局"):
        assert words in page, words
