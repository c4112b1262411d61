"""Security of the web app: headers and cookies, CSRF, markup and Cypher-like
text in every text field, login rate limit, sessions that end at once
(logout, password change, deactivation).  Against the real embedded database;
the data set is the one of the access matrix (tests/test_access.py)."""

from __future__ import annotations

import re
import uuid

import pytest

from graphcrm.web import create_app
from graphcrm.web.network import STANCE_COLORS
from graphcrm.web.security import CONTENT_SECURITY_POLICY

from fixtures import PASSWORD, ROUTES, TARGETS, fingerprint, login, targets_of


def text(response) -> str:
    return response.get_data(as_text=True)


# -- headers and cookies ------------------------------------------------------------------


def test_security_headers_on_every_page(access_app):
    c = access_app.test_client()
    login(c, "lina")
    for url in ("/login", "/", "/accounts/acc-ours", "/api/accounts/acc-ours", "/static/style.css", "/nope"):
        r = c.get(url)
        csp = r.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
        assert r.headers["X-Content-Type-Options"] == "nosniff", url
        assert r.headers["X-Frame-Options"] == "DENY", url
        assert r.headers["Referrer-Policy"] == "same-origin", url
        assert "camera=()" in r.headers["Permissions-Policy"], url
        assert "Strict-Transport-Security" not in r.headers  # development: no HTTPS forced


def test_no_inline_script_or_style_in_pages(access_app):
    """What the CSP would block: inline scripts, event handler attributes,
    style attributes, on every page of the route table (and the dashboard of a director)."""
    c, director = access_app.test_client(), access_app.test_client()
    login(c, "admin")
    login(director, "director")
    pages = [(url, c.get(url)) for url in (row.url.format(**TARGETS["ours"]) for (rule, method), row
                                          in ROUTES.items() if method == "GET")]
    pages.append(("/ (director)", director.get("/")))
    for url, r in pages:
        if r.mimetype != "text/html":
            continue
        page = text(r)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), url
        assert not re.search(r"<[^>]+\sstyle\s*=", page), url


def test_stance_colors_of_the_stylesheet_match_the_network(access_app):
    css = text(access_app.test_client().get("/static/style.css"))
    for stance, color in STANCE_COLORS.items():
        assert f".stance-{stance} {{ background: {color}; }}" in css


def test_session_cookie_flags(access_app):
    c = access_app.test_client()
    cookie = login(c, "lina").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_production_forces_https_and_secure_cookie(access_app):
    prod = create_app({"PRODUCTION": True, "SETTINGS": access_app.config["GRAPHCRM_SETTINGS"]})
    prod.extensions["graphcrm_store"] = access_app.extensions["graphcrm_store"]
    c = prod.test_client()
    r = c.get("/login")
    assert r.status_code == 302 and r.headers["Location"].startswith("https://")
    r = c.get("/login", base_url="https://localhost")
    assert r.status_code == 200 and "max-age=" in r.headers["Strict-Transport-Security"]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(r)).group(1)
    r = c.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
               data={"username": "lina", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert set(CONTENT_SECURITY_POLICY) <= {d.split()[0] for d in r.headers["Content-Security-Policy"].split("; ")}


def test_production_behind_a_tls_proxy_and_plain_http_for_benchmarks(access_app):
    settings = access_app.config["GRAPHCRM_SETTINGS"]
    prod = create_app({"PRODUCTION": True, "SETTINGS": settings})
    prod.extensions["graphcrm_store"] = access_app.extensions["graphcrm_store"]
    r = prod.test_client().get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "crm.example"})
    assert r.status_code == 200  # the proxy ended TLS: no redirect loop
    plain = create_app({"PRODUCTION": True, "HTTPS": False, "SETTINGS": settings})
    plain.extensions["graphcrm_store"] = access_app.extensions["graphcrm_store"]
    r = plain.test_client().get("/login")
    assert r.status_code == 200 and "Strict-Transport-Security" not in r.headers


# -- login and sessions ------------------------------------------------------------------------


@pytest.fixture
def new_user(access_app):
    """A fresh manager of "ours" (the tests below change their user)."""
    from graphcrm.users import add_user
    from graphcrm.web.db import get_store

    with access_app.app_context():
        store = get_store()
        user = add_user(store, f"tmp-{uuid.uuid4().hex[:8]}", role="manager", password=PASSWORD)
        store.relate("MEMBER_OF", user["id"], "acc-ours")
    return user


def _store(app):
    return app.extensions["graphcrm_store"]


def test_login_rate_limit(access_app):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": access_app.config["GRAPHCRM_SETTINGS"],
                      "LOGIN_LIMIT_PER_USER": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "5 per minute"})
    app.extensions["graphcrm_store"] = _store(access_app)
    c = app.test_client()
    for _ in range(4):  # successful logins do not count
        assert login(c, "lina").status_code == 302
    for _ in range(3):
        assert login(c, "lina", "wrong-password").status_code == 401
    r = login(c, "lina")  # even the right password: this address + username is blocked
    assert r.status_code == 429 and "Too many failed sign-in attempts" in text(r)
    assert login(c, "LINA ").status_code == 429  # the same username, however typed
    assert login(c, "vera", "wrong-password").status_code == 401
    assert login(c, "nobody", "wrong-password").status_code == 401
    assert login(c, "vera").status_code == 429  # this address: 5 failures
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(other, "lina").status_code == 302  # another address is not blocked
    assert c.get("/login").status_code == 200  # only sign-in attempts are limited


def test_same_message_for_unknown_wrong_password_and_deactivated(access_app, new_user):
    from graphcrm.users import change_user

    c = access_app.test_client()
    change_user(_store(access_app), new_user["id"], {"active": False},
                version=_store(access_app).get("User", new_user["id"])["version"])
    pages = [text(login(c, *attempt)) for attempt in
             ((new_user["username"], PASSWORD), ("nobody-at-all", PASSWORD), ("lina", "wrong-password"))]
    assert all("Unknown username or wrong password." in p for p in pages)
    blank = [re.sub(r'value="[^"]*"', "", p) for p in pages]
    assert blank[0] == blank[1] == blank[2]


def test_login_starts_a_fresh_session(access_app):
    c = access_app.test_client()
    with c.session_transaction() as s:
        s["planted"] = "by someone else"
        s["lang"] = "zh"
    login(c, "lina")
    with c.session_transaction() as s:
        assert "planted" not in s and s["lang"] == "zh"
        assert s["_user_id"].startswith("user-lina|") and len(s["_user_id"]) > len("user-lina|") + 20


def _copy_session(app, source):
    thief = app.test_client()
    cookie = source.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_logout_ends_the_old_session_cookie_and_every_other_session(access_app, new_user):
    c, other_device = access_app.test_client(), access_app.test_client()
    login(c, new_user["username"])
    login(other_device, new_user["username"])
    stolen = _copy_session(access_app, c)
    assert stolen.get("/accounts/acc-ours").status_code == 200  # a copied cookie works while signed in
    assert c.post("/logout").status_code == 302
    for client in (c, stolen, other_device):
        r = client.get("/accounts/acc-ours")
        assert r.status_code == 302 and r.headers["Location"].startswith("/login")
        assert client.get("/api/accounts/acc-ours").status_code == 401
    assert login(c, new_user["username"]).status_code == 302  # signing in again works


def test_password_change_ends_sessions(access_app, new_user):
    from graphcrm.users import reset_password

    c = access_app.test_client()
    login(c, new_user["username"])
    reset_password(_store(access_app), new_user["id"], "another-horse-43",
                   version=_store(access_app).get("User", new_user["id"])["version"])
    assert c.get("/").status_code == 302
    assert login(c, new_user["username"]).status_code == 401
    assert login(c, new_user["username"], "another-horse-43").status_code == 302


def test_sessions_do_not_touch_the_users_version(access_app, new_user):
    """Signing in and out renews the session token without a new version of
    the user, so an admin's open edit form of that user stays valid; a first
    token stays when a second sign-in races for it."""
    store = _store(access_app)
    c = access_app.test_client()
    login(c, new_user["username"])
    first = store.get("User", new_user["id"])
    assert first["version"] == new_user["version"] and first["session_token"]
    assert store.set_session_token(new_user["id"], "a-rival-token", replace=False) == first["session_token"]
    c.post("/logout")
    after = store.get("User", new_user["id"])
    assert after["version"] == new_user["version"] and after["session_token"] != first["session_token"]


def test_deactivated_user_is_refused_at_once(access_app, new_user):
    from graphcrm.users import change_user

    c = access_app.test_client()
    login(c, new_user["username"])
    assert c.get("/accounts/acc-ours").status_code == 200
    stolen = _copy_session(access_app, c)
    change_user(_store(access_app), new_user["id"], {"active": False},
                version=_store(access_app).get("User", new_user["id"])["version"])
    assert c.get("/accounts/acc-ours").status_code == 302
    assert c.get("/api/accounts/acc-ours").status_code == 401
    assert login(c, new_user["username"]).status_code == 401
    change_user(_store(access_app), new_user["id"], {"active": True},
                version=_store(access_app).get("User", new_user["id"])["version"])
    assert stolen.get("/accounts/acc-ours").status_code == 302  # reactivation does not revive old sessions
    assert login(c, new_user["username"]).status_code == 302


def test_user_secrets_never_reach_pages_or_json(access_app):
    c = access_app.test_client()
    login(c, "admin")
    login(access_app.test_client(), "lina")
    users = {u["username"]: u for u in _store(access_app).list_nodes("User")}
    secrets = [users[n][k] for n in ("admin", "lina") for k in ("password_hash", "session_token")]
    for url in ("/", "/admin/users", "/admin/users/user-lina/edit", "/accounts/acc-ours",
                "/accounts/acc-ours/stakeholders.csv", "/opportunities/opp-ours",
                "/people/p-ours-cfo", "/search?q=a", "/api/accounts/acc-ours", "/api/opportunities/opp-ours"):
        body = text(c.get(url))
        for secret in secrets:
            assert secret not in body, url
        assert "password_hash" not in body and "session_token" not in body, url


# -- CSRF ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csrf_client(access_app):
    """A client of the app with CSRF protection on, signed in as admin (who may post everywhere)."""
    app = create_app({"TESTING": True, "SETTINGS": access_app.config["GRAPHCRM_SETTINGS"]})
    app.extensions["graphcrm_store"] = _store(access_app)
    c = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(c.get("/login"))).group(1)
    assert c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}).status_code == 302
    return c


def test_every_post_route_refuses_a_request_without_csrf_token(access_app, csrf_client):
    """Every write of a session (POST, and the API's PATCH); a request with an API token needs none (test_api)."""
    store = _store(access_app)
    posts = [(rule, method, row) for (rule, method), row in ROUTES.items() if method != "GET"]
    assert posts
    before = fingerprint(store)
    ours = targets_of(store)["ours"]  # TARGETS with the change an undo undoes
    for rule, method, row in posts:
        url = row.url.format(**ours)
        for token in (None, "forged-token"):
            data = dict(row.data or {}) | ({"csrf_token": token} if token else {})
            r = csrf_client.open(url, method=method, data=data)
            assert r.status_code == 400 and "security token" in text(r), (rule, method, token)
    assert fingerprint(store) == before
    assert csrf_client.get("/accounts/acc-ours").status_code == 200  # logout without a token did not sign out


# -- markup and Cypher-like text in every text field -------------------------------------------------

XSS = '</script><img src=x onerror=alert(1)>"\'><svg onload=alert(2)>'
CYPHER = "'}) MATCH (n) DETACH DELETE n //"

#: the required properties of each label, beside the text under test
BASE = {"Account": {"name": "base"}, "Person": {"name": "base"}, "Opportunity": {"name": "base"},
        "Competitor": {"name": "base"}, "User": {"username": "base", "display_name": "base"},
        "Interaction": {"kind": "meeting", "at": "2026-05-01T09:30:00+00:00"}}


def text_fields(label: str, payload: str) -> list[str]:
    """Every property of ``label`` that accepts ``payload`` as free text."""
    from graphcrm.errors import ValidationError
    from graphcrm.model import NODE_MODELS, SECRET_PROPERTIES, validate_node

    fields = []
    for field in NODE_MODELS[label].model_fields:
        if field in SECRET_PROPERTIES:
            continue
        try:
            clean = validate_node(label, {**BASE[label], field: payload})
        except ValidationError:
            continue
        if clean.get(field) == payload:
            fields.append(field)
    return fields


def _hostile(label: str, payload: str) -> dict:
    return {**BASE[label], **{f: payload for f in text_fields(label, payload)}}


def load_hostile_account(store, key: str, payload: str) -> dict:
    """An account whose every text (account, people, opportunity, competitor,
    our user, team role, interaction, a feedback with its follow-up) is ``payload``."""
    ids = {k: f"{k}-{key}" for k in ("account", "person", "boss", "opportunity", "competitor", "user", "interaction",
                                     "feedback")}
    store.create("Account", _hostile("Account", payload), id=ids["account"])
    store.create_person(ids["account"], {**_hostile("Person", payload), "influence": 5}, id=ids["person"])
    store.create_person(ids["account"], _hostile("Person", payload), id=ids["boss"])
    store.relate("REPORTS_TO", ids["person"], ids["boss"])
    store.create_opportunity(ids["account"], _hostile("Opportunity", payload), id=ids["opportunity"])
    store.relate("ROLE_IN", ids["person"], ids["opportunity"], {"role": "decision_maker"})
    store.create("Competitor", _hostile("Competitor", payload), id=ids["competitor"])
    store.relate("COMPETES_FOR", ids["competitor"], ids["opportunity"])
    store.relate("RELATIONSHIP", ids["competitor"], ids["person"], {"strength": 4})
    store.create("User", {**_hostile("User", payload), "username": f"hostile-{key}", "role": "manager"},
                 id=ids["user"])
    store.relate("MEMBER_OF", ids["user"], ids["account"], {"team_role": payload})
    store.relate("MEMBER_OF", "user-lina", ids["account"], {"team_role": payload})
    store.relate("RELATIONSHIP", ids["user"], ids["boss"], {"strength": 2})
    store.log_interaction(_hostile("Interaction", payload), user_ids=[ids["user"]], person_ids=[ids["person"]],
                          opportunity_id=ids["opportunity"], id=ids["interaction"])
    # a follow-up; an integration's id is unique per source, so the second one's differs
    store.log_interaction({**_hostile("Interaction", payload), "kind": "feedback", "satisfaction": 3,
                           "external_id": f"{payload} 2"},
                          user_ids=[ids["user"]], person_ids=[ids["person"]], id=ids["feedback"])
    return ids


def _pages(client, ids: dict, query: str):
    """Every GET page of the route table, on the given account."""
    targets = {"account": ids["account"], "opportunity": ids["opportunity"], "person": ids["person"],
               "competitor": ids["competitor"], "relationship": f"RELATIONSHIP/{ids['user']}/{ids['boss']}",
               "interaction": ids["interaction"], "feedback": ids["feedback"]}
    for (_rule, method), row in ROUTES.items():
        if method == "GET" and row.access != "public":
            url = row.url.format(**targets).replace("?q=e", "?q=" + query)
            yield url, client.get(url)


@pytest.mark.parametrize("key, payload", [("xss", XSS), ("cypher", CYPHER)])
def test_hostile_text_in_every_field_is_shown_as_text(access_app, key, payload):
    from markupsafe import escape

    store = _store(access_app)
    assert {"name", "industry", "region"} <= set(text_fields("Account", payload))
    assert {"name", "title", "department", "notes"} <= set(text_fields("Person", payload))
    ids = load_hostile_account(store, key, payload)
    admin, c = access_app.test_client(), access_app.test_client()
    login(admin, "admin")  # every page: the portfolio and the audit log too
    login(c, "lina")  # on the account's team: may log interactions
    counts = store.stats()
    seen = 0
    for url, r in _pages(admin, ids, payload[:12]):
        assert r.status_code == 200, url
        if r.mimetype == "text/html":
            body = text(r)
            assert payload not in body, url  # never as markup
            seen += str(escape(payload)) in body or payload.replace("<", "\\u003c") in body
        else:  # JSON, CSV, exports: data, never rendered by the browser as a page
            assert r.mimetype != "text/html" and r.headers["X-Content-Type-Options"] == "nosniff", url
    assert seen >= 5  # shown (escaped) on the dashboard, search, account, opportunity and person pages
    for url, r in _pages(c, ids, payload[:12]):  # and so for a manager, where allowed
        assert r.status_code in (200, 403) and (r.mimetype != "text/html" or payload not in text(r)), url
    # logged through the form, searched for: stored and shown verbatim, nothing else touched
    r = c.post(f"/people/{ids['boss']}", data={"kind": "call", "channel": "phone", "at": "2026-06-01T10:00",
                                               "summary": payload, "sentiment": "0"})
    assert r.status_code == 302
    assert store.timeline(ids["boss"])[0]["props"]["summary"] == payload
    assert str(escape(payload)) in text(c.get(f"/people/{ids['boss']}"))
    assert c.get("/search", query_string={"q": payload}).status_code == 200
    assert store.find("Person", ids["person"])["name"] == payload
    after = store.stats()
    assert after["nodes"]["Interaction"] == counts["nodes"]["Interaction"] + 1
    assert {k: v for k, v in after["nodes"].items() if k != "Interaction"} == \
        {k: v for k, v in counts["nodes"].items() if k != "Interaction"}


def test_cypher_like_username_at_login_is_just_a_wrong_login(access_app):
    c = access_app.test_client()
    before = _store(access_app).stats()
    r = login(c, CYPHER, CYPHER)
    assert r.status_code == 401 and "Unknown username or wrong password." in text(r)
    assert _store(access_app).stats() == before


def _serve_prod(settings, port: int, trusted_proxy: str):
    """``graphcrm serve --prod`` (waitress) in a process of its own; stop it with .terminate()."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "GRAPHCRM_DATA_DIR": str(settings.data_dir), "GRAPHCRM_GRAPH": settings.graph_name,
           "GRAPHCRM_SECRET_KEY": "proxy-test-secret", "GRAPHCRM_TRUSTED_PROXY": trusted_proxy}
    return subprocess.Popen([sys.executable, "-m", "graphcrm.cli", "serve", "--prod", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _get(port: int, headers: dict, timeout: float = 60.0):
    import http.client
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login", headers=headers)
            r = conn.getresponse()
            r.read()
            return r.status, r.getheader("Location")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("trusted_proxy, behind_proxy", [("127.0.0.1", 200), ("10.9.9.9", 302)])
def test_waitress_believes_only_the_trusted_proxy(access_app, trusted_proxy, behind_proxy):
    """serve --prod: a request the trusted TLS proxy forwards is served (no
    redirect loop); the same header from anybody else is ignored."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = _serve_prod(access_app.config["GRAPHCRM_SETTINGS"], port, trusted_proxy)
    try:
        status, location = _get(port, {})
        assert status == 302 and location.startswith("https://")  # plain HTTP: to HTTPS
        assert _get(port, {"X-Forwarded-Proto": "https"})[0] == behind_proxy
    finally:
        process.terminate()
        process.wait(timeout=30)
