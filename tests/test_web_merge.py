"""The merge page (/people/<id>/merge) through the Flask test client, against
the real embedded database: the list and the preview, the merge, who may,
CSRF, a stale version and a refused merge shown on the page."""

from __future__ import annotations

import re
import uuid

import pytest

from graphcrm.web import create_app

from fixtures import PASSWORD, signed_in, text


@pytest.fixture
def twins(app_store):
    """Two "王建国" at East Grid: one our CIO's manager's peer with a role, one with our relationship."""
    tag = uuid.uuid4().hex[:6]
    keep, drop = f"p-wjg-{tag}", f"p-wjg2-{tag}"
    app_store.create_person("acc-east", {"name": "王建国", "title": "总经理", "influence": 5}, id=keep)
    app_store.create_person("acc-east", {"name": "王建国 ", "department": "运营部", "phone": "+86 21 0000 8888"},
                            id=drop)
    app_store.relate("ROLE_IN", drop, "opp-east", {"role": "decision_maker"})
    app_store.relate("RELATIONSHIP", "user-lina", drop, {"strength": 3})
    yield keep, drop
    for person_id in (keep, drop):
        if app_store.find("Person", person_id):
            app_store.delete("Person", person_id)


def form_values(page: str) -> dict:
    return dict(re.findall(r'name="(other|this_version|other_version)" type="hidden" value="([^"]*)"', page)
                + re.findall(r'type="hidden" name="(other|this_version|other_version)" value="([^"]*)"', page))


def test_the_person_page_links_to_the_merge_page_for_editors_only(app, twins):
    keep, _drop = twins
    assert f"/people/{keep}/merge" in text(signed_in(app, "lina").get(f"/people/{keep}"))
    assert f"/people/{keep}/merge" not in text(signed_in(app, "vera").get(f"/people/{keep}"))


def test_the_page_lists_the_accounts_people_of_the_same_name_first(app, twins):
    keep, drop = twins
    page = text(signed_in(app, "lina").get(f"/people/{keep}/merge"))
    assert page.index(drop) < page.index("p-cio") and "Wes Secret" not in page
    assert "运营部" in page


def test_the_preview_then_the_merge_lands_on_the_survivor(app, app_store, twins):
    keep, drop = twins
    c = signed_in(app, "lina")
    page = text(c.get(f"/people/{keep}/merge?with={drop}"))
    assert "+86 21 0000 8888" in page and "总经理" in page and "Roles in deals" in page
    values = form_values(page)
    assert values == {"other": drop, "this_version": "1", "other_version": "1"}
    r = c.post(f"/people/{keep}/merge?with={drop}", data={**values, "keep": keep})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/people/{keep}")
    landed = text(c.get(r.headers["Location"]))
    assert "Merged 王建国" in landed and drop in landed
    assert app_store.find("Person", drop) is None
    survivor = app_store.get("Person", keep)
    assert (survivor["title"], survivor["department"], survivor["phone"]) == ("总经理", "运营部", "+86 21 0000 8888")
    assert app_store.get_relationship("ROLE_IN", keep, "opp-east")["role"] == "decision_maker"
    assert app_store.get_relationship("RELATIONSHIP", "user-lina", keep)["strength"] == 3
    assert app_store.audit_log(target=keep)[0][0]["merged_from"] == drop


def test_keeping_the_other_record_merges_this_one_into_it(app, app_store, twins):
    keep, drop = twins
    c = signed_in(app, "lina")
    values = form_values(text(c.get(f"/people/{keep}/merge?with={drop}")))
    r = c.post(f"/people/{keep}/merge", data={**values, "keep": drop})
    assert r.headers["Location"].endswith(f"/people/{drop}")
    assert app_store.find("Person", keep) is None and app_store.get("Person", drop)["title"] == "总经理"


@pytest.mark.parametrize("username", ["omar", "vera", "director"])
def test_who_may_not_edit_the_account_gets_404_and_nothing_changes(app, app_store, twins, username):
    keep, drop = twins
    c = signed_in(app, username)
    assert c.get(f"/people/{keep}/merge?with={drop}").status_code == 404
    r = c.post(f"/people/{keep}/merge", data={"other": drop, "keep": keep, "this_version": 1, "other_version": 1})
    assert r.status_code == 404 and app_store.find("Person", drop) is not None


def test_a_missing_person_or_one_of_another_account_is_404(app, twins):
    keep, _drop = twins
    c = signed_in(app, "admin")
    assert c.get("/people/p-nobody/merge").status_code == 404
    assert c.get(f"/people/{keep}/merge?with=p-nobody").status_code == 404
    assert c.get(f"/people/{keep}/merge?with=p-west").status_code == 404


def test_a_stale_version_is_refused_on_the_page_with_the_current_values(app, app_store, twins):
    keep, drop = twins
    c = signed_in(app, "lina")
    values = form_values(text(c.get(f"/people/{keep}/merge?with={drop}")))
    app_store.update("Person", drop, {"email": "wang.jg@eastgrid.example.cn"}, version=1)
    r = c.post(f"/people/{keep}/merge", data={**values, "keep": keep})
    assert r.status_code == 409 and "changed by someone else" in text(r)
    assert "wang.jg@eastgrid.example.cn" in text(r) and form_values(text(r))["other_version"] == "2"
    assert app_store.find("Person", drop) is not None


def test_a_second_manager_is_refused_on_the_page(app, app_store, twins):
    keep, drop = twins
    app_store.relate("REPORTS_TO", keep, "p-cio")
    app_store.relate("REPORTS_TO", drop, "p-cfo")
    c = signed_in(app, "lina")
    values = form_values(text(c.get(f"/people/{keep}/merge?with={drop}")))
    r = c.post(f"/people/{keep}/merge", data={**values, "keep": keep})
    assert r.status_code == 400 and "one formal manager per person" in text(r)
    assert app_store.find("Person", drop) is not None


def test_the_merge_refuses_a_post_without_csrf_token(app, app_store, twins):
    keep, drop = twins
    csrf_app = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    csrf_app.extensions["graphcrm_store"] = app.extensions["graphcrm_store"]
    c = csrf_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(c.get("/login"))).group(1)
    assert c.post("/login", data={"username": "lina", "password": PASSWORD, "csrf_token": token}).status_code == 302
    page = text(c.get(f"/people/{keep}/merge?with={drop}"))
    values = {**form_values(page), "keep": keep}
    r = c.post(f"/people/{keep}/merge", data=values)
    assert r.status_code == 400 and "security token" in text(r)
    assert app_store.find("Person", drop) is not None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post(f"/people/{keep}/merge", data={**values, "csrf_token": token}).status_code == 302


def test_the_integrity_report_links_two_of_one_name_to_the_merge_page(app, twins):
    keep, drop = twins
    page = text(signed_in(app, "admin").get("/admin/integrity"))
    assert re.search(rf'/people/(?:{keep}/merge\?with={drop}|{drop}/merge\?with={keep})', page)
