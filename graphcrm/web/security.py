"""HTTP security of the web app: headers and cookies (Flask-Talisman).

* Content-Security-Policy: everything from the app's own origin only;
  no inline scripts or ``style`` attributes (scripts and styles are static
  files; data for scripts travels in ``<script type="application/json">``
  blocks, which are never executed), no plugins, no framing, forms post
  only to the app itself.
* The usual headers: ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``, a
  restrictive ``Permissions-Policy``.
* The session cookie is HttpOnly and SameSite=Lax always, and Secure in
  production (``PRODUCTION``: ``graphcrm serve --prod``), where plain-HTTP
  requests are also redirected to HTTPS and HSTS is sent.  Behind a reverse
  proxy that ends TLS, the proxy must send ``X-Forwarded-Proto: https``.
  In development and tests nothing forces HTTPS; nor does
  ``serve --prod --plain-http`` (``HTTPS=False``: benchmarks on loopback).

Login attempts are rate-limited (Flask-Limiter, in-memory storage: one
counter set per process): failed attempts per client address and username
(``LOGIN_LIMIT_PER_USER``, default 5 per minute) and per client address
(``LOGIN_LIMIT_PER_ADDRESS``, default 30 per minute).  Past a limit, the login
answers 429 until the window has passed.  The address is the connecting one
(behind a reverse proxy: the proxy's).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "interest-cohort": "()",
}


LOGIN_LIMITS = {"LOGIN_LIMIT_PER_USER": "5 per minute", "LOGIN_LIMIT_PER_ADDRESS": "30 per minute"}


def init_security(app: Flask) -> None:
    """Security headers, cookie flags and login rate limits for ``app`` (see
    the module docstring); call it once the blueprints are registered."""
    _headers(app)
    _limit_logins(app)


def _address_and_username() -> str:
    username = (request.form.get("username") or "").strip().lower()[:200]
    return f"{get_remote_address()}|{username}"


def _failed(response) -> bool:
    return response.status_code == 401


def _limit_logins(app: Flask) -> None:
    for key, default in LOGIN_LIMITS.items():
        app.config.setdefault(key, default)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[])
    view = app.view_functions["auth.login"]
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_USER"], key_func=_address_and_username,
                         methods=["POST"], deduct_when=_failed)(view)
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
                         methods=["POST"], deduct_when=_failed)(view)
    app.view_functions["auth.login"] = view


def _headers(app: Flask) -> None:
    # HTTPS: production unless told otherwise (serve --prod --plain-http)
    https = bool(app.config.get("HTTPS", app.config.get("PRODUCTION")))
    if https:
        # behind the TLS-terminating proxy: trust its X-Forwarded-For / -Proto / -Host (one hop)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
    )
    Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        x_content_type_options=True,
    )
