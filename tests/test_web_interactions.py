"""Interactions through the web: logging one with several people on both
sides about a bid, editing and deleting it from a timeline (version-checked,
audited), who may, and what the pages and the analysis show afterwards."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from graphcrm.analysis import maintenance_plan
from graphcrm.config import Settings
from graphcrm.web.db import get_store
from graphcrm.web.formats import local_moment

from fixtures import XSS, load_access_portfolio, login, text

AT = "2026-05-01T09:30:00+00:00"


@pytest.fixture
def store(app):
    """The app's store (no app context is kept open: requests must not share one, nor its ``g``)."""
    with app.app_context():
        return get_store()


def log(store, *, person_ids=("p-cio",), user_ids=("user-lina",), opportunity_id=None, summary="",
        kind="meeting") -> str:
    """A new interaction of the web tests' portfolio; its id."""
    interaction_id = f"int-{uuid.uuid4().hex[:8]}"
    store.log_interaction({"kind": kind, "at": AT, "summary": summary}, user_ids=list(user_ids),
                          person_ids=list(person_ids), opportunity_id=opportunity_id, id=interaction_id)
    return interaction_id


def edit_data(store, interaction_id: str, **changes) -> dict:
    """The edit form as loaded now, with ``changes``."""
    stored = store.get_interaction(interaction_id)
    shown = local_moment(stored["at"], Settings().zone).strftime("%Y-%m-%dT%H:%M")  # in the site's time zone
    data = {"kind": stored["kind"], "channel": stored["channel"], "at": shown,
            "summary": stored.get("summary", ""), "sentiment": str(stored.get("sentiment", 0)),
            "person_ids": stored["person_ids"], "user_ids": stored["user_ids"],
            "opportunity_id": stored["opportunity_id"] or "", "version": str(stored["version"])}
    return data | changes


def checked(page: str, name: str) -> set[str]:
    """The values of the ticked checkboxes ``name`` of a page."""
    return set(re.findall(rf'<input checked id="{name}-\d+" name="{name}" type="checkbox" value="([^"]+)"', page))


# -- logging --------------------------------------------------------------------------------------


def test_the_log_form_offers_the_accounts_people_our_active_users_and_its_bids(client, auth):
    auth.login("lina")
    page = text(client.get("/people/p-cio"))
    assert checked(page, "person_ids") == {"p-cio"} and checked(page, "user_ids") == {"user-lina"}
    assert 'id="person_ids-0" name="person_ids" type="checkbox" value="p-cio"' in page  # ticked: listed first
    assert 'id="user_ids-0" name="user_ids" type="checkbox" value="user-lina"' in page
    assert "Li Na CFO — CFO — Finance" in page and "王强 — CIO — IT" in page  # told apart by title, department
    assert 'value="user-bo"' in page and 'value="opp-east"' in page
    assert "Wes Secret" not in page and 'value="opp-west"' not in page  # another team's account
    assert "&lt;img src=x onerror=alert(1)&gt; — Engineer — IT" in page and XSS not in page
    assert '<fieldset class="checklist">' in page and "<legend>Their people</legend>" in page


def test_a_meeting_with_three_of_theirs_and_two_of_ours_about_a_bid_shows_on_each_timeline(client, auth, store):
    auth.login("lina")
    r = client.post("/people/p-cio", data={
        "kind": "meeting", "channel": "in_person", "at": "2026-05-01T17:30", "summary": "方案评审 <b>ok</b>",
        "sentiment": "1", "person_ids": ["p-cio", "p-cfo", "p-xss"], "user_ids": ["user-lina", "user-bo"],
        "opportunity_id": "opp-east"})
    assert r.status_code == 302
    logged = next(t for t in store.timeline("p-cfo") if t["props"]["summary"] == "方案评审 <b>ok</b>")
    stored = store.get_interaction(logged["props"]["id"])
    assert stored["person_ids"] == ["p-cfo", "p-cio", "p-xss"] and stored["user_ids"] == ["user-bo", "user-lina"]
    assert stored["opportunity_id"] == "opp-east" and stored["at"] == AT  # 17:30 in Shanghai is 09:30 UTC
    for person_id in ("p-cio", "p-cfo", "p-xss"):
        page = text(client.get(f"/people/{person_id}"))
        entry = re.search(r"<li><time(?:(?!</li>).)*方案评审", page, re.S).group(0)
        assert "Grid upgrade 2027" in entry and "bo" in entry, person_id
        assert f"/interactions/{stored['id']}/edit?person={person_id}" in page
        assert "方案评审 &lt;b&gt;ok&lt;/b&gt;" in page
    page = text(client.get("/people/p-cfo"))
    assert "with &lt;img src=x onerror=alert(1)&gt;, 王强" in page and XSS not in page


def test_nobody_ticked_logs_with_the_pages_person_and_the_signed_in_user(client, auth, store):
    auth.login("bo")
    r = client.post("/people/p-cfo", data={"kind": "call", "channel": "phone", "at": "2026-05-02T10:00",
                                           "summary": "no one ticked"})
    assert r.status_code == 302
    logged = next(t for t in store.timeline("p-cfo") if t["props"]["summary"] == "no one ticked")
    stored = store.get_interaction(logged["props"]["id"])
    assert stored["person_ids"] == ["p-cfo"] and stored["user_ids"] == ["user-bo"]


def test_the_log_form_refuses_another_teams_person_or_bid(client, auth, store):
    auth.login("lina")
    before = store.stats()["nodes"]["Interaction"]
    for extra in ({"person_ids": ["p-cio", "p-west"]}, {"opportunity_id": "opp-west"}):
        r = client.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "2026-05-01T09:30",
                                               "user_ids": ["user-lina"], **extra})
        assert r.status_code == 400 and "valid choice" in text(r), extra
    assert store.stats()["nodes"]["Interaction"] == before


# -- editing and deleting --------------------------------------------------------------------------


def test_the_edit_form_shows_the_interaction_as_stored(client, auth, store):
    interaction_id = log(store, person_ids=["p-cio", "p-cfo"], opportunity_id="opp-east", summary="<script>x")
    auth.login("lina")
    page = text(client.get(f"/interactions/{interaction_id}/edit?person=p-cfo"))
    assert checked(page, "person_ids") == {"p-cio", "p-cfo"} and checked(page, "user_ids") == {"user-lina"}
    assert '<option selected value="opp-east">' in page
    assert 'value="2026-05-01T17:30"' in page and "&lt;script&gt;x</textarea>" in page  # in Shanghai time
    assert "When (China Time)" in page and "UTC" not in page
    assert 'href="/people/p-cfo">Cancel' in page


def test_an_edit_changes_the_people_on_both_sides_and_the_bid_and_is_audited(client, auth, store):
    interaction_id = log(store, person_ids=["p-cio", "p-cfo"], opportunity_id="opp-east")
    auth.login("lina")
    r = client.post(f"/interactions/{interaction_id}/edit?person=p-cio", data=edit_data(
        store, interaction_id, kind="visit", summary="second visit", person_ids=["p-cio", "p-xss"],
        user_ids=["user-bo"], opportunity_id=""))
    assert r.status_code == 302 and r.headers["Location"].endswith("/people/p-cio")
    stored = store.get_interaction(interaction_id)
    assert (stored["kind"], stored["summary"], stored["version"]) == ("visit", "second visit", 2)
    assert stored["person_ids"] == ["p-cio", "p-xss"] and stored["user_ids"] == ["user-bo"]
    assert stored["opportunity_id"] is None
    assert "Interaction saved." in text(client.get("/people/p-cio"))
    assert interaction_id not in text(client.get("/people/p-cfo"))
    assert f"/interactions/{interaction_id}/edit" in text(client.get("/people/p-xss"))
    entry = store.audit_log(target=interaction_id)[0][0]
    assert entry["actor"] == "lina" and entry["action"] == "update"
    assert json.loads(entry["before"])["person_ids"] == ["p-cfo", "p-cio"]
    assert json.loads(entry["after"])["user_ids"] == ["user-bo"]


def test_an_edit_needs_someone_on_each_side(client, auth, store):
    interaction_id = log(store)
    auth.login("lina")
    data = edit_data(store, interaction_id)
    del data["person_ids"], data["user_ids"]
    r = client.post(f"/interactions/{interaction_id}/edit", data=data)
    assert r.status_code == 400
    assert "Choose at least one of their people." in text(r) and "Choose at least one of our people." in text(r)
    assert store.get_interaction(interaction_id)["version"] == 1


def test_a_stale_edit_is_refused_showing_what_changed(client, auth, store):
    interaction_id = log(store, person_ids=["p-cio"])
    loaded = edit_data(store, interaction_id)
    auth.login("lina")
    first = client.post(f"/interactions/{interaction_id}/edit",
                        data=loaded | {"person_ids": ["p-cio", "p-cfo"], "summary": "theirs"})
    assert first.status_code == 302
    r = client.post(f"/interactions/{interaction_id}/edit", data=loaded | {"summary": "mine"})
    assert r.status_code == 409
    page = text(r)
    assert "Someone else saved this record" in page
    conflict = page[page.index('id="conflict"'):page.index("</table>")]
    assert "Their people" in conflict and "Li Na CFO — CFO — Finance, 王强 — CIO — IT" in conflict
    assert "theirs" in conflict and "mine" in conflict
    assert 'name="version" type="hidden" value="2"' in page  # saving again is a deliberate choice
    assert store.get_interaction(interaction_id)["summary"] == "theirs"


def test_deleting_an_interaction_keeps_the_people_and_the_recency(client, auth, store):
    interaction_id = log(store, person_ids=["p-cfo"], user_ids=["user-bo"])
    auth.login("lina")
    page = text(client.get(f"/interactions/{interaction_id}/delete?person=p-cfo"))
    assert "Delete the interaction: Meeting · 2026-05-01 17:30?" in page
    r = client.post(f"/interactions/{interaction_id}/delete?person=p-cfo", data={"confirm": "yes"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/people/p-cfo")
    assert store.find_interaction(interaction_id) is None
    assert store.get_relationship("RELATIONSHIP", "user-bo", "p-cfo")["last_contact_at"] >= AT
    assert store.audit_log(target=interaction_id)[0][0]["action"] == "delete"


def test_a_missing_interaction_is_404(client, auth):
    auth.login("admin")
    for url in ("/interactions/int-missing/edit", "/interactions/int-missing/delete"):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"confirm": "yes"}).status_code == 404


def test_another_teams_manager_gets_404_and_cannot_add_people_they_may_not_edit(client, auth, store):
    interaction_id = log(store, person_ids=["p-cio"])
    auth.login("omar")  # manager of West
    for url in (f"/interactions/{interaction_id}/edit", f"/interactions/{interaction_id}/delete"):
        assert client.get(url).status_code == 404
        assert client.post(url, data=edit_data(store, interaction_id, confirm="yes")).status_code == 404
    auth.logout()
    auth.login("lina")  # manager of East: West's people are not hers to add
    r = client.post(f"/interactions/{interaction_id}/edit",
                    data=edit_data(store, interaction_id, person_ids=["p-cio", "p-west"]))
    assert r.status_code == 400 and "is not a valid choice" in text(r)
    assert store.get_interaction(interaction_id)["person_ids"] == ["p-cio"]
    auth.logout()
    for username in ("vera", "director"):  # they see it, and may not change it
        auth.login(username)
        assert f"/interactions/{interaction_id}/edit" not in text(client.get("/people/p-cio"))
        assert client.get(f"/interactions/{interaction_id}/edit").status_code == 404
        auth.logout()


def test_an_interaction_across_two_teams_is_edited_only_by_who_may_edit_both(web_app):
    with web_app() as (app, store):
        load_access_portfolio(store)
        for username, status in (("lina", 404), ("omar", 404), ("admin", 200)):
            c = app.test_client()
            login(c, username)
            assert c.get("/interactions/int-theirs/edit").status_code == status, username
        c = app.test_client()
        login(c, "lina")
        page = text(c.get("/people/p-ours-cio"))
        assert "joint visit" in page and "/interactions/int-theirs/" not in page
        assert "Secret Sun" not in page and "Hidden Deal" not in page
        assert "/interactions/int-ours/edit" in text(c.get("/people/p-ours-cfo"))


# -- what the pages and the analysis see after an edit --------------------------------------------


def test_after_an_edit_the_cached_pages_and_the_maintenance_plan_see_the_new_people(client, auth, store):
    interaction_id = log(store, person_ids=["p-cio"], user_ids=["user-lina"])
    auth.login("lina")
    before = text(client.get("/people/p-cfo"))  # its page body is cached from now on
    knows = re.compile(r"<li>vera — [^<]*last contact 2026-05-01")
    assert not knows.search(before)
    r = client.post(f"/interactions/{interaction_id}/edit",
                    data=edit_data(store, interaction_id, person_ids=["p-cfo"], user_ids=["user-vera"]))
    assert r.status_code == 302
    after = text(client.get("/people/p-cfo"))  # vera's relationship, made by the edit
    assert knows.search(after)
    plan = maintenance_plan(store.owner_graph("user-vera"), owner="user-vera", min_strength=1)
    due = {c["person"]["id"]: c for owner in plan["owners"] for c in owner["due"]}
    assert due["p-cfo"]["last_contact"] == AT and "p-cio" not in due


def test_the_person_page_and_edit_form_in_chinese(client, auth, store):
    interaction_id = log(store, person_ids=["p-cio", "p-cfo"], opportunity_id="opp-east")
    auth.login("lina")
    client.get("/lang/zh?next=/")
    page = text(client.get("/people/p-cio"))
    assert "<legend>对方人员</legend>" in page and "<legend>我方人员</legend>" in page
    form = text(client.get(f"/interactions/{interaction_id}/edit"))
    assert "编辑互动" in form and "王强 — CIO — IT" in form and "相关商机" in form
