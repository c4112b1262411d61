"""Security of the web app: headers and cookies, CSRF, markup and Cypher-like
text in every text field, login rate limit, sessions that end at once
(logout, password change, deactivation).  Against the real embedded database;
the data set is the one of the access matrix (tests/test_access.py)."""

from __future__ import annotations

import re

import pytest

from graphcrm.web import create_app
from graphcrm.web.network import STANCE_COLORS
from graphcrm.web.security import CONTENT_SECURITY_POLICY

from test_access import PASSWORD, access_app, login  # noqa: F401  (access_app: a fixture)


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
    """What the CSP would block: inline scripts, event handler attributes, style attributes."""
    c = access_app.test_client()
    login(c, "director")
    for url in ("/login", "/", "/accounts/acc-ours", "/opportunities/opp-ours", "/people/p-ours-cio",
                "/search?q=a"):
        page = text(c.get(url))
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
