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
  In development and tests nothing forces HTTPS.
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

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


def init_security(app: Flask) -> None:
    """Security headers and cookie flags for ``app`` (see the module docstring)."""
    production = bool(app.config.get("PRODUCTION"))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
    )
    Talisman(
        app,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=production,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        x_content_type_options=True,
    )
