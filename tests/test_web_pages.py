"""Pages beyond the forms: the opportunity power map with its what-if
control, my week, the users admin page, the dashboard chart, and the
network's PNG export and large-network settings."""

from __future__ import annotations

import html
import json
import re

import pytest

from fixtures import XSS, load_web_portfolio, login, signed_in, text


def json_block(page: str, block_id: str):
    block = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


# -- the opportunity power map ------------------------------------------------------------------


def test_power_map_is_the_buying_center_over_the_org_chart(app):
    c = signed_in(app, "bo")
    page = text(c.get("/opportunities/opp-east"))
    data = json_block(page, "network-data")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"p-cio", "p-cfo", "p-xss"}
    assert nodes["p-xss"]["level"] == nodes["p-cio"]["level"] + 1  # the engineer reports to the CIO
    assert "Technical buyer" in nodes["p-cio"]["label"] and nodes["p-cio"]["borderWidth"] == 4  # lina (4)
    assert nodes["p-cfo"]["borderWidth"] == 1  # only the competitor knows the CFO well
    kinds = {(e["from"], e["to"], e["kind"]) for e in data["edges"]}
    assert kinds == {("p-xss", "p-cio", "REPORTS_TO"), ("p-cio", "p-cfo", "INFLUENCES")}
    assert 'data-layout="hierarchical"' in page and "/static/network.js" in page
    assert XSS not in page
    for words in ("Power map", "Actions (coverage gaps)", "Bid readiness", "Warm paths", "Stance outlook",
                  "Pretend this person leaves"):
        assert words in page, words


def test_what_if_shows_the_difference_in_gaps_and_readiness(app):
    c = signed_in(app, "vera")  # read-only roles may ask too: nothing is written
    page = text(c.get("/opportunities/opp-east?leaves=user-lina"))
    assert re.search(r"Without lina, readiness goes from \d+ to \d+ \(-\d+ points\)", page), page[-3000:]
    section = page[page.index('id="what-if"'):]
    assert "New gaps" in section and "<option value=\"user-lina\" selected>" in section
    assert "Multi-threading" in section or "Economic buyer access" in section  # components by their labels
    page = text(c.get("/opportunities/opp-east?leaves=p-cfo"))
    assert "Without Li Na CFO" in page


def test_what_if_refuses_people_outside_the_deal(app):
    c = signed_in(app, "lina")
    for who in ("p-west", "nobody", "acc-east"):
        r = c.get(f"/opportunities/opp-east?leaves={who}")
        assert r.status_code == 400 and "leaves" in text(r) and "Wes Secret" not in text(r)
    assert signed_in(app, "omar").get("/opportunities/opp-east?leaves=p-cfo").status_code == 404


# -- my week ---------------------------------------------------------------------------------------


def test_my_week_lists_my_overdue_contacts(app, app_store):
    long_ago = "2024-01-01T00:00:00+00:00"
    app_store.relate("RELATIONSHIP", "user-omar", "p-west", {"strength": 4, "last_contact_at": long_ago})
    app_store.relate("RELATIONSHIP", "user-omar", "p-cfo", {"strength": 3, "last_contact_at": long_ago})
    try:
        page = text(signed_in(app, "omar").get("/my-week"))
        assert "Wes Secret" in page and "2024-01-01" in page
        assert "Li Na CFO" not in page  # a contact at an account omar may not see stays hidden
        page = text(signed_in(app, "lina").get("/my-week"))
        assert "Wes Secret" not in page
    finally:
        app_store.unrelate("RELATIONSHIP", "user-omar", "p-west")
        app_store.unrelate("RELATIONSHIP", "user-omar", "p-cfo")


@pytest.mark.parametrize("username", ["admin", "director", "lina", "bo", "vera"])
def test_my_week_for_every_role(app, username):
    r = signed_in(app, username).get("/my-week")
    assert r.status_code == 200 and "My week" in text(r)


def test_my_week_needs_login(app):
    assert app.test_client().get("/my-week").status_code == 302


# -- users admin ------------------------------------------------------------------------------------

ADMIN_URLS = ["/admin/users", "/admin/users/new", "/admin/users/user-vera/edit", "/admin/users/user-vera/password"]


@pytest.mark.parametrize("username, status", [("admin", 200), ("director", 403), ("lina", 403), ("bo", 403),
                                              ("vera", 403)])
def test_users_admin_is_admin_only(app, username, status):
    c = signed_in(app, username)
    for url in ADMIN_URLS:
        assert c.get(url).status_code == status, (username, url)
    assert ("/admin/users" in text(c.get("/my-week"))) is (status == 200)
    if status == 403:
        r = c.post("/admin/users/new", data={"username": "intruder", "display_name": "x", "role": "admin",
                                             "password": "long-enough-1"})
        assert r.status_code == 403


def test_users_admin_add_change_role_deactivate_reset_password(app, app_store):
    c = signed_in(app, "admin")
    page = text(c.get("/admin/users"))
    assert "lina" in page and "Key-account manager" in page and "password_hash" not in page and "scrypt" not in page
    r = c.post("/admin/users/new", data={"username": "zhou.min", "display_name": "周敏", "role": "bid",
                                         "password": "short"})
    assert r.status_code == 400 and "field-error" in text(r) and app_store.user_by_username("zhou.min") is None
    r = c.post("/admin/users/new", data={"username": "lina", "display_name": "Another", "role": "bid",
                                         "password": "long-enough-1"})
    assert r.status_code == 400 and "exists already" in text(r)
    r = c.post("/admin/users/new", data={"username": "zhou.min", "display_name": "周敏", "role": "bid",
                                         "password": "long-enough-1"})
    assert r.status_code == 302
    zhou = app.test_client()
    assert zhou.post("/login", data={"username": "zhou.min", "password": "long-enough-1"}).status_code == 302
    user = app_store.user_by_username("zhou.min")  # signing in stores a session token (a new version)

    r = c.post(f"/admin/users/{user['id']}/edit", data={"display_name": "周敏", "role": "manager", "active": "y",
                                                       "version": str(user["version"])})
    assert r.status_code == 302 and app_store.get("User", user["id"])["role"] == "manager"
    version = app_store.get("User", user["id"])["version"]
    r = c.post(f"/admin/users/{user['id']}/password", data={"password": "new-password-2", "version": str(version)})
    assert r.status_code == 302
    assert login(app.test_client(), "zhou.min", "long-enough-1").status_code == 401
    assert login(app.test_client(), "zhou.min", "new-password-2").status_code == 302
    # deactivation: the open session is refused at once
    version = app_store.get("User", user["id"])["version"]
    r = c.post(f"/admin/users/{user['id']}/edit", data={"display_name": "周敏", "role": "manager",
                                                       "version": str(version)})
    assert r.status_code == 302 and app_store.get("User", user["id"])["active"] is False
    assert zhou.get("/my-week").status_code == 302
    assert "deactivated" in text(c.get("/admin/users"))


def test_admin_cannot_lock_themselves_out(app, app_store):
    c = signed_in(app, "admin")
    version = app_store.get("User", "user-admin")["version"]
    r = c.post("/admin/users/user-admin/edit", data={"display_name": "admin", "role": "viewer", "active": "y",
                                                    "version": str(version)})
    assert r.status_code == 400 and "your own administrator access" in text(r)
    assert app_store.get("User", "user-admin")["role"] == "admin"


def test_stale_password_reset_shows_no_password(app, app_store):
    c = signed_in(app, "admin")
    version = app_store.get("User", "user-vera")["version"]
    app_store.update("User", "user-vera", {"display_name": "Vera V."}, version=version)
    r = c.post("/admin/users/user-vera/password", data={"password": "secret-password-9", "version": str(version)})
    assert r.status_code == 409 and "secret-password-9" not in text(r)
    assert login(app.test_client(), "vera", "secret-password-9").status_code == 401


def test_missing_user_is_404(app):
    c = signed_in(app, "admin")
    assert c.get("/admin/users/user-nobody/edit").status_code == 404
    assert c.get("/admin/users/user-nobody/password").status_code == 404


# -- dashboard -------------------------------------------------------------------------------------


def test_dashboard_accounts_needing_attention_first_and_coverage_by_segment(app, app_store):
    acc = app_store.create("Account", {"name": "Zeta Risky 风险客户", "segment": "strategic", "lifecycle": "at_risk"})
    try:
        page = text(signed_in(app, "director").get("/"))
        table = page[page.index('id="accounts"'):]
        # recorded at risk: needs attention (the order is pinned in test_web_dashboard.py)
        zeta = table[table.rindex("<tr", 0, table.index("Zeta Risky")):]
        assert zeta.startswith('<tr class="needs-attention">')
        assert "The account team recorded Zeta Risky 风险客户 as at risk." in html.unescape(table)
        segments = {s["segment"]: s for s in json_block(page, "segment-chart-data")}
        assert set(segments) == {"strategic", "key", "growth", "general"}
        # east (strategic): 3 people, lina knows the CIO; the competitor's tie does not count
        assert segments["strategic"]["people"] == 3 and segments["strategic"]["coverage"] == 33
        assert segments["strategic"]["accounts"] == 2 and segments["growth"]["coverage"] == 0
        assert "/static/chart.js" in page
    finally:
        app_store.delete("Account", acc["id"])


@pytest.mark.parametrize("url", ["/", "/my-week", "/accounts/acc-east", "/opportunities/opp-east",
                                 "/opportunities/opp-east?leaves=p-cio", "/people/p-cio", "/people/p-cio/edit",
                                 "/admin/users", "/accounts/acc-east/delete"])
def test_pages_load_nothing_from_outside_and_run_no_inline_script(app, url):
    page = text(signed_in(app, "admin").get(url))
    assert "http://" not in page and "https://" not in page.replace('"http://www.w3.org', "")
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", page), url  # no inline event handlers


# -- Chinese -------------------------------------------------------------------------------------


def test_new_pages_and_forms_in_chinese(app, app_store):
    c = signed_in(app, "admin")
    c.get("/lang/zh")
    pages = {
        "/people/p-cio/edit": ["编辑干系人", "姓名", "影响力（1-5）", "立场", "保存", "取消", "拥护者"],
        "/accounts/acc-east/edit": ["名称", "客户分级"],  # an account's name is 名称, a person's 姓名
        "/opportunities/opp-east/edit": ["名称", "预计成交日期"],
        "/opportunities/opp-east/roles/new": ["加入采购决策团队", "采购决策角色", "经济决策者"],
        "/people/p-cio/relationships/new/peer": ["汇报给", "影响", "认识"],
        "/opportunities/opp-east?leaves=user-lina": ["权力地图", "假设此人离开", "投标准备度将从", "立场走势"],
        "/my-week": ["本周待办"],
        "/admin/users": ["用户", "大客户经理", "重置密码"],
        "/": ["按客户分级的覆盖率", "客户（需关注的在前）", "高价值"],
        "/accounts/acc-east/delete": ["同时删除：", "3 名干系人", "此操作无法撤销。"],
    }
    for url, words in pages.items():
        page = text(c.get(url))
        for w in words:
            assert w in page, (url, w)
    for url in ("/accounts/acc-east/edit", "/opportunities/opp-east/edit"):
        assert "姓名" not in text(c.get(url)), url
    version = app_store.get("Person", "p-xss")["version"]
    app_store.update("Person", "p-xss", {"title": "Senior Engineer"}, version=version)
    r = c.post("/people/p-xss/edit", data={"name": XSS, "title": "Engineer", "influence": "2", "stance": "champion",
                                          "version": str(version)})
    assert r.status_code == 409 and "其他人已保存了修改" in text(r) and "对方（已保存）" in text(r)
    assert "<td>职务</td><td>Senior Engineer</td><td>Engineer</td>" in text(r)


# -- page bodies kept until the graph changes (web.reports.page_body) ---------------------------------


def test_kept_page_bodies_follow_writes_and_the_language(web_app):
    with web_app() as (app, app_store):
        load_web_portfolio(app_store)
        c = signed_in(app, "lina")
        pages = ("/accounts/acc-east", "/opportunities/opp-east", "/people/p-cio")
        for path in pages:
            assert "赵敏" not in text(c.get(path))
        app_store.create_person("acc-east", {"name": "赵敏 Zhao Min", "stance": "champion"}, id="p-new")
        app_store.relate("ROLE_IN", "p-new", "opp-east", {"role": "user_buyer"})
        app_store.relate("KNOWS", "p-new", "p-cio", {"strength": 3})
        for path in pages:
            assert "赵敏 Zhao Min" in text(c.get(path)), path
        c.get("/lang/zh")
        assert "干系人" in text(c.get("/accounts/acc-east"))
        assert "权力地图" in text(c.get("/opportunities/opp-east"))
        assert "谁认识此人" in text(c.get("/people/p-cio"))
        c.get("/lang/en")
        assert "Who knows them" in text(c.get("/people/p-cio"))


def test_kept_page_bodies_are_per_view_and_edit_right(web_app):
    with web_app() as (app, app_store):
        load_web_portfolio(app_store)
        director = text(signed_in(app, "director").get("/accounts/acc-east"))  # sees every account
        assert "Wes Secret" in director and "Edit account" not in director  # read-only
        lina = text(signed_in(app, "lina").get("/accounts/acc-east"))  # not on the west account's team
        assert "Wes Secret" not in lina and "Edit account" in lina
        assert "Wes Secret" not in text(signed_in(app, "lina").get("/people/p-cio"))
        vera = text(signed_in(app, "vera").get("/accounts/acc-east"))
        assert "Wes Secret" not in vera and "Edit account" not in vera


def test_a_page_view_reads_the_change_stamp_once(web_app, monkeypatch):
    with web_app() as (app, app_store):
        load_web_portfolio(app_store)
        reads = []
        stamp = app_store.backend.change_stamp
        monkeypatch.setattr(app_store.backend, "change_stamp", lambda: reads.append(1) or stamp())
        c = signed_in(app, "lina")
        for path in ("/", "/accounts/acc-east", "/opportunities/opp-east", "/people/p-cio"):
            reads.clear()
            assert c.get(path).status_code == 200
            assert len(reads) == 1, path
        # a POST reads it afresh: what it wrote shows on the page it leads to
        r = c.post("/people/p-cio", data={"kind": "meeting", "channel": "onsite", "at": "2026-11-20T10:00",
                                          "summary": "讨论 tender scope", "sentiment": "1"}, follow_redirects=True)
        assert "讨论 tender scope" in text(r)
