"""The merge pages (/people/<id>/merge, /accounts/<id>/merge) through the Flask
test client, against the real embedded database: the list and the preview, the merge, who may,
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


# -- two accounts (/accounts/<id>/merge) -------------------------------------------------------------


@pytest.fixture
def twin_accounts(app_store):
    """Two "Northwind 北风铁路" accounts, lina's team on both, omar's on the second only, bo (bid) on both;
    a "David Chen" at each."""
    tag = uuid.uuid4().hex[:6]
    keep, drop = f"acc-nw-{tag}", f"acc-nw2-{tag}"
    app_store.create("Account", {"name": "Northwind 北风铁路", "industry": "Rail"}, id=keep)
    app_store.create("Account", {"name": "northwind 北风铁路 ", "region": "North", "segment": "key"}, id=drop)
    for account_id, users in ((keep, ("user-lina", "user-bo")), (drop, ("user-lina", "user-bo", "user-omar"))):
        for user_id in users:
            app_store.relate("MEMBER_OF", user_id, account_id)
    app_store.create_person(keep, {"name": "David Chen", "title": "CTO"}, id=f"p-chen-{tag}")
    app_store.create_person(drop, {"name": "David Chen "}, id=f"p-chen2-{tag}")
    app_store.create_person(drop, {"name": "Mia Park"}, id=f"p-park-{tag}")
    app_store.create_opportunity(drop, {"name": "Line 3 signalling", "stage": "tender"}, id=f"opp-l3-{tag}")
    yield keep, drop, tag
    for account_id in (keep, drop):
        if app_store.find("Account", account_id):
            app_store.delete("Account", account_id)


def test_the_account_page_links_to_the_merge_page_for_managers_and_admins_only(app, twin_accounts):
    keep, _drop, _tag = twin_accounts
    for username in ("lina", "admin"):
        assert f"/accounts/{keep}/merge" in text(signed_in(app, username).get(f"/accounts/{keep}"))
    page = text(signed_in(app, "bo").get(f"/accounts/{keep}"))  # bo may edit the account, not merge it
    assert f"/accounts/{keep}/edit" in page and f"/accounts/{keep}/merge" not in page


def test_the_account_list_shows_the_same_name_first_and_only_accounts_the_user_may_change(app, twin_accounts):
    keep, drop, _tag = twin_accounts
    page = text(signed_in(app, "lina").get(f"/accounts/{keep}/merge"))
    assert page.index(drop) < page.index("acc-east") and "acc-west" not in page
    assert "same name" in page


def test_the_account_preview_then_the_merge_lands_on_the_survivor(app, app_store, twin_accounts):
    keep, drop, tag = twin_accounts
    c = signed_in(app, "lina")
    page = text(c.get(f"/accounts/{keep}/merge?with={drop}"))
    assert "Stakeholders" in page and "Team members" in page and "North" in page
    assert "stay two records after the merge: David Chen" in page
    values = form_values(page)
    assert values == {"other": drop, "this_version": "1", "other_version": "1"}
    r = c.post(f"/accounts/{keep}/merge", data={**values, "keep": keep})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/accounts/{keep}")
    landed = text(c.get(r.headers["Location"]))
    assert "Merged northwind 北风铁路" in landed and "shared by several stakeholders" in landed
    assert "Line 3 signalling" in landed and "Mia Park" in landed
    assert app_store.find("Account", drop) is None
    assert {p["id"] for p in app_store.people_of_account(keep)} == {f"p-chen-{tag}", f"p-chen2-{tag}", f"p-park-{tag}"}
    survivor = app_store.get("Account", keep)
    assert (survivor["industry"], survivor["region"], survivor["segment"]) == ("Rail", "North", "general")  # its own
    assert app_store.member_accounts("user-omar") >= {keep}
    assert app_store.audit_log(target=keep)[0][0]["merged_from"] == drop


@pytest.mark.parametrize("username", ["omar", "bo", "vera", "director"])
def test_who_may_not_change_both_accounts_or_is_no_manager_gets_404_and_nothing_changes(app, app_store,
                                                                                        twin_accounts, username):
    """omar manages the second account only, bo (bid) may change both but not merge, vera and the director change
    nothing."""
    keep, drop, _tag = twin_accounts
    c = signed_in(app, username)
    for first, second in ((keep, drop), (drop, keep)):
        assert c.get(f"/accounts/{first}/merge?with={second}").status_code == 404
        r = c.post(f"/accounts/{first}/merge", data={"other": second, "keep": first, "this_version": 1,
                                                     "other_version": 1})
        assert r.status_code == 404
    assert app_store.find("Account", drop) is not None and app_store.find("Account", keep) is not None


def test_an_account_the_manager_may_not_change_is_not_offered_and_answers_404(app, twin_accounts):
    keep, _drop, _tag = twin_accounts
    c = signed_in(app, "lina")
    assert c.get(f"/accounts/{keep}/merge?with=acc-west").status_code == 404
    assert c.get(f"/accounts/{keep}/merge?with={keep}").status_code == 404
    assert c.get("/accounts/acc-nobody/merge").status_code == 404


def test_a_stale_account_version_is_refused_on_the_page_with_the_current_values(app, app_store, twin_accounts):
    keep, drop, _tag = twin_accounts
    c = signed_in(app, "lina")
    values = form_values(text(c.get(f"/accounts/{keep}/merge?with={drop}")))
    app_store.update("Account", drop, {"industry": "Metro rail 城市轨道"}, version=1)
    r = c.post(f"/accounts/{keep}/merge", data={**values, "keep": drop})
    assert r.status_code == 409 and "changed by someone else" in text(r)
    assert "Metro rail 城市轨道" in text(r) and form_values(text(r))["other_version"] == "2"
    assert app_store.find("Account", drop) is not None and app_store.find("Account", keep) is not None


def test_the_account_merge_refuses_a_post_without_csrf_token(app, app_store, twin_accounts):
    keep, drop, _tag = twin_accounts
    csrf_app = create_app({"TESTING": True, "SETTINGS": app.config["GRAPHCRM_SETTINGS"]})
    csrf_app.extensions["graphcrm_store"] = app.extensions["graphcrm_store"]
    c = csrf_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(c.get("/login"))).group(1)
    assert c.post("/login", data={"username": "lina", "password": PASSWORD, "csrf_token": token}).status_code == 302
    page = text(c.get(f"/accounts/{keep}/merge?with={drop}"))
    values = {**form_values(page), "keep": keep}
    r = c.post(f"/accounts/{keep}/merge", data=values)
    assert r.status_code == 400 and "security token" in text(r)
    assert app_store.find("Account", drop) is not None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post(f"/accounts/{keep}/merge", data={**values, "csrf_token": token}).status_code == 302
    assert app_store.find("Account", drop) is None


def test_the_integrity_report_links_two_accounts_of_one_name_to_the_merge_page(app, twin_accounts):
    keep, drop, _tag = twin_accounts
    page = text(signed_in(app, "admin").get("/admin/integrity"))
    assert re.search(rf'/accounts/(?:{keep}/merge\?with={drop}|{drop}/merge\?with={keep})', page)
