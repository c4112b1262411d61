"""Flask test-client tests of the web app against the real embedded database."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

import pytest

from graphcrm.cache import ReportCache
from graphcrm.config import DEFAULT_SECRET_KEY
from graphcrm.errors import ConfigError, Conflict, StoreUnavailable, ValidationError
from graphcrm.web import create_app
from graphcrm.web.auth import safe_next
from graphcrm.web.db import get_store

from fixtures import PASSWORD, XSS, login, text

# -- app factory ---------------------------------------------------------------------------


def test_production_refuses_default_secret(web_settings):
    with pytest.raises(ConfigError):
        create_app({"PRODUCTION": True, "SETTINGS": dataclasses.replace(web_settings, secret_key=DEFAULT_SECRET_KEY)})
    assert create_app({"PRODUCTION": True, "SETTINGS": web_settings}).config["SECRET_KEY"] == "test-secret"


# -- login -------------------------------------------------------------------------------------


def test_login_page_and_login_ok(client, auth):
    assert client.get("/login").status_code == 200
    r = auth.login()
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert "My accounts" in text(client.get("/"))


def test_bad_login_same_message_for_unknown_user_and_wrong_password(client, auth):
    wrong = auth.login(password="not-the-password")
    unknown = auth.login(username="nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert "Unknown username or wrong password." in text(wrong)
    assert re.sub(r'value="[^"]*"', "", text(wrong)) == re.sub(r'value="[^"]*"', "", text(unknown))
    assert client.get("/").status_code == 302  # still anonymous


def test_login_required_redirects_to_login(client):
    r = client.get("/accounts/acc-east")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/accounts/acc-east"
    r = client.get("/api/accounts/acc-east")
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert r.get_json()["title"] == "Sign-in required" and r.headers["WWW-Authenticate"].startswith("Bearer")


def test_safe_next_redirect(client, auth):
    assert auth.login(next_url="/accounts/acc-east").headers["Location"] == "/accounts/acc-east"
    auth.logout()
    assert auth.login(next_url="https://evil.example/").headers["Location"] == "/"
    for bad in ("//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", ""):
        assert safe_next(bad) is None
    assert safe_next("/people/p-cio?x=1") == "/people/p-cio?x=1"


def test_logout(client, auth):
    auth.login()
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_csrf_rejects_post_without_token(web_settings, app):
    csrf_app = create_app({"TESTING": True, "SETTINGS": web_settings})
    csrf_app.extensions["graphcrm_store"] = app.extensions["graphcrm_store"]  # share the open store
    c = csrf_app.test_client()
    r = c.post("/login", data={"username": "lina", "password": PASSWORD})
    assert r.status_code == 400
    assert "security token" in text(r)
    # with the token from the form it works
    page = text(c.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = c.post("/login", data={"username": "lina", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    # and a logged-in POST to the interaction form without a token is rejected too
    r = c.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "2026-05-01T09:30"})
    assert r.status_code == 400


# -- access matrix ------------------------------------------------------------------------------

EAST_URLS = ["/accounts/acc-east", "/api/accounts/acc-east", "/opportunities/opp-east",
             "/api/opportunities/opp-east", "/people/p-cio"]
WEST_URLS = ["/accounts/acc-west", "/api/accounts/acc-west", "/opportunities/opp-west",
             "/api/opportunities/opp-west", "/people/p-west"]


@pytest.mark.parametrize(
    "username, east, west",
    [
        ("admin", 200, 200),
        ("director", 200, 200),
        ("lina", 200, 404),   # manager of east
        ("omar", 404, 200),   # manager of west
        ("bo", 200, 404),     # bid team of the east opportunity
        ("vera", 200, 404),   # viewer, member of east
    ],
)
def test_access_matrix(client, auth, username, east, west):
    auth.login(username)
    for url in EAST_URLS:
        assert client.get(url).status_code == east, (username, url)
    for url in WEST_URLS:
        r = client.get(url)
        assert r.status_code == west, (username, url)
        if west == 404:
            assert "Wes Secret" not in text(r) and "Westbank" not in text(r)


def test_dashboard_for_director_lists_every_account(client, auth):
    auth.login("director")
    page = text(client.get("/"))
    assert "Portfolio coverage" in page and "Open bids" in page and "Grid upgrade 2027" in page
    assert "Westbank Logistics" in page and "East Grid" in page


def test_manager_home_lists_only_own_accounts(client, auth):
    auth.login("omar")
    page = text(client.get("/"))
    assert "Westbank Logistics" in page and "East Grid" not in page


def test_search_is_filtered_by_access(client, auth):
    auth.login("omar")
    page = text(client.get("/search?q=e"))
    assert "Wes Secret" in page and "王强" not in page
    auth.logout()
    auth.login("director")
    page = text(client.get("/search?q=" + "王"))
    assert "王强" in page


def test_missing_account_is_404(client, auth):
    auth.login("admin")
    for url in ("/accounts/nope", "/api/accounts/nope", "/opportunities/nope", "/people/nope"):
        r = client.get(url)
        assert r.status_code == 404
        assert "Traceback" not in text(r)


# -- pages ----------------------------------------------------------------------------------------


def test_account_page_network_and_table(client, auth):
    auth.login("lina")
    r = client.get("/accounts/acc-east")
    page = text(r)
    assert "王强" in page and "Grid upgrade 2027" in page
    assert "/static/vis-network.min.js" in page and "/static/network.js" in page and "/static/table.js" in page
    assert "http://" not in page and "https://" not in page  # nothing from outside the origin
    data = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>',
                                page, re.S).group(1))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {"p-cio", "p-cfo", "p-xss", "user-lina", "comp-1"} <= set(nodes)
    assert nodes["p-cio"]["size"] > nodes["p-xss"]["size"]          # sized by influence
    assert nodes["p-cio"]["color"] != nodes["p-cfo"]["color"]       # colored by stance
    assert nodes["user-lina"]["shape"] == "box" and nodes["comp-1"]["shape"] == "triangle"
    kinds = {e["kind"] for e in data["edges"]}
    assert {"REPORTS_TO", "INFLUENCES", "RELATIONSHIP"} <= kinds
    # compact: the style of a kind is sent once, not with every edge
    assert kinds <= set(data["edge_styles"]) and not any("color" in e or "arrows" in e for e in data["edges"])
    assert nodes["p-cio"]["stance"] and nodes["p-cio"]["influence"] and "title" not in nodes["p-cio"]
    assert client.get("/static/vis-network.min.js").status_code == 200


def test_network_hides_people_of_accounts_the_user_cannot_see(client, auth):
    auth.login("lina")
    page = text(client.get("/accounts/acc-east"))
    assert "Wes Secret" not in page and "p-west" not in page
    auth.logout()
    auth.login("director")
    assert "Wes Secret" in text(client.get("/accounts/acc-east"))


def test_xss_name_is_escaped_everywhere(client, auth):
    auth.login("lina")
    for url in ("/accounts/acc-east", "/people/p-xss", "/opportunities/opp-east", "/search?q=img"):
        page = text(client.get(url))
        assert XSS not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page or "\\u003cimg src=x onerror=alert(1)\\u003e" in page, url


def test_stakeholder_csv(client, auth):
    auth.login("lina")
    r = client.get("/accounts/acc-east/stakeholders.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    body = r.get_data(as_text=True)
    assert "王强" in body and XSS in body and "lina (4)" in body
    assert client.get("/accounts/acc-west/stakeholders.csv").status_code == 404


def test_opportunity_page(client, auth):
    auth.login("bo")
    page = text(client.get("/opportunities/opp-east"))
    assert "Bid readiness" in page and "Actions" in page and "Warm paths" in page
    data = client.get("/api/opportunities/opp-east").get_json()
    assert data["opportunity"]["id"] == "opp-east"
    assert 0 <= data["readiness"]["score"] <= 100


def test_api_account(client, auth):
    auth.login("vera")
    data = client.get("/api/accounts/acc-east").get_json()
    assert data["kind"] == "account" and data["account"]["id"] == "acc-east"
    assert "password_hash" not in json.dumps(data)


def test_person_page(client, auth):
    auth.login("lina")
    page = text(client.get("/people/p-cio"))
    assert "Technical buyer" in page or "technical_buyer" in page
    assert "lina" in page  # who knows them
    assert "Warm paths" in page
    assert "Log an interaction" in page


def test_log_interaction(client, auth, app):
    auth.login("lina")
    r = client.post("/people/p-cfo", data={"kind": "meeting", "channel": "in_person", "at": "2026-05-01T09:30",
                                          "summary": "Budget review <b>ok</b>", "sentiment": "1"})
    assert r.status_code == 302
    page = text(client.get("/people/p-cfo"))
    assert "Interaction logged." in page
    assert "Budget review &lt;b&gt;ok&lt;/b&gt;" in page and "sentiment +1" in page
    with app.app_context():
        timeline = get_store().timeline("p-cfo")
    assert timeline and timeline[0]["props"]["kind"] == "meeting"


def test_log_interaction_bad_input_shows_field_error(client, auth, app):
    auth.login("lina")
    with app.app_context():
        before = len(get_store().timeline("p-cio"))
    r = client.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "yesterday-ish",
                                          "sentiment": "1"})
    assert r.status_code == 400
    assert "must be a date and time" in text(r)
    r = client.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "2026-05-01T09:30",
                                          "sentiment": "9"})
    assert r.status_code == 400
    assert "field-error" in text(r)
    with app.app_context():
        assert len(get_store().timeline("p-cio")) == before  # nothing half-saved


def test_read_only_roles_cannot_log_interactions(client, auth):
    for username in ("vera", "director"):
        auth.login(username)
        assert "Log an interaction" not in text(client.get("/people/p-cio"))
        r = client.post("/people/p-cio", data={"kind": "call", "channel": "phone", "at": "2026-05-01T09:30"})
        assert r.status_code == 404
        auth.logout()


# -- error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error, status, words",
    [
        (StoreUnavailable("connection refused"), 503, "Database unavailable"),
        (ValidationError("name", "must not be empty"), 400, "name: must not be empty"),
        (Conflict("Account 'acc-east' was changed by someone else"), 409, "changed by someone else"),
    ],
)
def test_domain_errors_become_clear_pages(client, auth, monkeypatch, error, status, words):
    auth.login("director")

    def boom(*args, **kwargs):
        raise error

    monkeypatch.setattr(ReportCache, "portfolio", boom)
    r = client.get("/")
    assert r.status_code == status
    assert words in text(r) and "Traceback" not in text(r)


# -- the demo portfolio ------------------------------------------------------------------------------


def test_demo_portfolio_pages_render(settings):
    from graphcrm.demo import DEMO_PASSWORD, load_demo

    demo_settings = dataclasses.replace(settings, graph_name=f"test-web-demo-{uuid.uuid4().hex[:10]}")
    demo_app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": demo_settings})
    with demo_app.app_context():
        store = get_store()
        load_demo(store)
        accounts = [a["id"] for a in store.list_nodes("Account")]
        opportunities = [o["id"] for o in store.list_nodes("Opportunity")]
        people = [p["id"] for p in store.list_nodes("Person", limit=20)]
    try:
        c = demo_app.test_client()
        assert login(c, "director", DEMO_PASSWORD).status_code == 302
        urls = ["/", "/search?q=江州"] + [f"/accounts/{a}" for a in accounts] + \
            [f"/opportunities/{o}" for o in opportunities] + [f"/people/{p}" for p in people]
        for url in urls:
            assert c.get(url).status_code == 200, url
        c = demo_app.test_client()
        assert login(c, "viewer", DEMO_PASSWORD).status_code == 302
        statuses = {c.get(f"/accounts/{a}").status_code for a in accounts}
        assert statuses == {200, 404}  # a viewer sees some accounts, not all
    finally:
        store.backend.drop()
        store.close()


# -- language ------------------------------------------------------------------------------------


def test_language_follows_browser_and_can_be_switched(client, auth):
    page = text(client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}))
    assert "登录" in page and 'lang="zh-Hans"' in page
    r = client.post("/login", data={"username": "lina", "password": "wrong-password"},
                    headers={"Accept-Language": "zh-CN"})
    assert "用户名不存在或密码错误。" in text(r)
    auth.login("lina")
    assert "Stakeholders" in text(client.get("/accounts/acc-east"))
    r = client.get("/lang/zh?next=/accounts/acc-east")
    assert r.status_code == 302 and r.headers["Location"] == "/accounts/acc-east"
    page = text(client.get("/accounts/acc-east"))
    assert "干系人" in page and "高价值" in page and "合作型" in page  # UI strings and enum labels
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    assert "Stakeholders" in text(client.get("/accounts/acc-east"))


def test_api_lists_only_the_accounts_the_user_may_see(client, auth):
    auth.login("vera")
    ids = [a["id"] for a in client.get("/api/accounts").get_json()]
    assert ids == ["acc-east"]
    auth.login("director")
    assert {"acc-east", "acc-west"} <= {a["id"] for a in client.get("/api/accounts").get_json()}


def test_api_portfolio_is_for_directors(client, auth):
    auth.login("vera")
    r = client.get("/api/portfolio")
    assert r.status_code == 403 and r.get_json()["error"] == "Not allowed"
    auth.login("director")
    data = client.get("/api/portfolio").get_json()
    assert data["kind"] == "portfolio"
    assert {a["id"] for a in data["accounts"]} >= {"acc-east", "acc-west"}


def test_api_errors_are_json(client, auth):
    auth.login("vera")
    r = client.get("/api/accounts/acc-west")
    assert r.status_code == 404 and r.get_json()["error"] == "Not found"


def test_every_analysis_code_has_words_in_both_languages(app):
    from flask_babel import force_locale

    from graphcrm.analysis.attention import ATTENTION_KINDS
    from graphcrm.analysis.coverage import FINDING_KINDS
    from graphcrm.analysis.paths import _VERB
    from graphcrm.analysis.readiness import LABELS
    from graphcrm.web import ANALYSIS_WORDS

    codes = set(FINDING_KINDS) | set(ATTENTION_KINDS) | set(LABELS) | set(_VERB.values()) | {"high", "medium", "low"}
    assert codes <= set(ANALYSIS_WORDS)
    with app.test_request_context(), force_locale("zh"):
        untranslated = [c for c in codes if not any("\u4e00" <= ch <= "\u9fff" for ch in str(ANALYSIS_WORDS[c]))]
    assert not untranslated
