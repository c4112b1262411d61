"""Personal API tokens on the web: the settings page where users make and
revoke theirs, the administrator's list of everyone's, and signing API
requests in with one (``Authorization: Bearer gcrm_...``).

The rules are in :mod:`graphcrm.tokens`.  A request to ``/api/`` that carries
a bearer token is the token's user's for that request only (no session is
made, the session cookie is not read), limited to the token's scope (a
``read`` token: GET only, else 403) and to ``API_RATE_LIMIT`` requests per
token (``GRAPHCRM_API_RATE_LIMIT``, default 120 per minute, counted in memory per
process by ``limits``, the library under Flask-Limiter: behind several server
processes a token may make that many in each; past it, 429 with ``Retry-After``), and needs
no CSRF token: a browser never sends one by itself.  Every other request
(pages, and the API with a session) needs the CSRF token on a write, as
before.  An unknown, revoked or deactivated user's token answers 401.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from wtforms import SelectField

from graphcrm import tokens
from graphcrm.web.admin import admin_only
from graphcrm.web.auth import User
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.forms import ConfirmForm, GraphForm, choices, save, text_field

bp = Blueprint("tokens", __name__)


class TokenForm(GraphForm):
    """A new token: what it is for, and its scope (not graph properties: :func:`graphcrm.tokens.create_token`)."""

    PROPERTIES = ("name", "scope")
    name = text_field(_l("What it is for"), tokens.NAME_MAX, needed=True)
    scope = SelectField(_l("Scope"), default="read", choices=choices([
        ("read", _l("read: see what you may see")),
        ("write", _l("write: also change what you may change"))]))


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def settings():
    """The user's API tokens; a POST makes one, shown on the answer this once."""
    form = TokenForm()
    made, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            made, _conflict = save(form, lambda props: tokens.create_token(get_store(), current_user.id,
                                                                           props["name"], props["scope"]))
        if made is not None:
            form, status = TokenForm(formdata=None), 201
    held = tokens.tokens_of(get_store().get("User", current_user.id))
    return render_template("settings/tokens.html", form=form, made=made, held=[tokens.shown(t) for t in held],
                           revoke=ConfirmForm()), status


@bp.route("/settings/tokens/<token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: str):
    """Revoke one of the user's own tokens (refused from the next request on)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoked = tokens.revoke_token(get_store(), current_user.id, token_id)
    flash(_("Token revoked: %(name)s.", name=revoked["name"]))
    return redirect(url_for("tokens.settings"))


@bp.route("/admin/tokens")
@admin_only
def admin_list():
    """Every user's API tokens (admin)."""
    return render_template("settings/admin_tokens.html", held=tokens.all_tokens(get_store()), revoke=ConfirmForm())


@bp.route("/admin/tokens/<user_id>/<token_id>/revoke", methods=["POST"])
@admin_only
def admin_revoke(user_id: str, token_id: str):
    """Revoke anyone's token (admin)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoked = tokens.revoke_token(get_store(), user_id, token_id)
    flash(_("Token revoked: %(name)s.", name=revoked["name"]))
    return redirect(url_for("tokens.admin_list"))


# -- signing API requests in -----------------------------------------------------------------------

def init_token_auth(app: Flask, csrf) -> None:
    """Sign ``/api/`` requests in with their bearer token, and check CSRF on every
    other write (instead of Flask-WTF's own check, which cannot tell them apart)."""
    app.config.setdefault("API_RATE_LIMIT", app.config["GRAPHCRM_SETTINGS"].api_rate_limit)
    app.extensions["graphcrm_api_limiter"] = MovingWindowRateLimiter(MemoryStorage())
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def sign_in_token_or_check_csrf():
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header[:7].lower() == "bearer ":
            _sign_in_token(header[7:].strip())
        elif app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect(apply_exemptions=True)


def _sign_in_token(token: str) -> None:
    """Make the token's user this request's, within its scope and rate, or abort (401, 403, 429)."""
    digest = tokens.token_hash(token)
    found = get_reports().get(("api token", digest), lambda: tokens.holder(get_store(), token))
    if found is None:
        abort(401)
    user, record = found
    g._login_user = User(user)  # Flask-Login's user of this request; no session is made
    g.api_token = record
    limit = parse(current_app.config["API_RATE_LIMIT"])
    limiter = current_app.extensions["graphcrm_api_limiter"]
    if not limiter.hit(limit, "api-token", record["id"]):
        reset = limiter.get_window_stats(limit, "api-token", record["id"]).reset_time
        g.retry_after = max(1, int(reset - time.time()))
        abort(429)
    if record["scope"] == "read" and request.method not in ("GET", "HEAD", "OPTIONS"):
        abort(403)
