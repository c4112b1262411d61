"""Signing in and out, and the signed-in User.

Sessions: the session cookie names the user and carries the user's
``session_token`` (stored on the User node).  Signing out, a password change
or a deactivation gives the user a new token, so every session made before
ends at its next request; a deactivated user is refused at once.  Signing in
starts from an empty session.  Logins are rate-limited (web/security.py).

Who may see and change what: graphcrm/access.py (the rules) and
graphcrm/web/access.py (applied to the signed-in user).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from graphcrm.access import SEE_ALL
from graphcrm.model import SECRET_PROPERTIES
from graphcrm.users import authenticate, end_sessions, session_token
from graphcrm.web.db import get_reports, get_store

bp = Blueprint("auth", __name__)

BAD_LOGIN = _l("Unknown username or wrong password.")


class User(UserMixin):
    def __init__(self, props: dict):
        self.props = {k: v for k, v in props.items() if k not in SECRET_PROPERTIES}
        self.id = props["id"]
        self._session_id = f"{props['id']}|{props.get('session_token') or ''}"
        self.username = props.get("username", "")
        self.display_name = props.get("display_name") or self.username
        self.role = props.get("role", "viewer")
        self.active = props.get("active", True)

    def get_id(self) -> str:
        """What the session cookie holds: the user id and the session token."""
        return self._session_id

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def sees_all(self) -> bool:
        return self.role in SEE_ALL


def load_user(session_id: str) -> User | None:
    """The user of a session, if it is still valid: the user exists, is
    active, and the session carries the user's current token."""
    user_id, _, token = session_id.rpartition("|")
    # every request asks: kept until the graph changes (a new token or deactivation is a write)
    props = get_reports().get(("user", user_id), lambda: get_store().find("User", user_id)) if user_id else None
    if props is None or not props.get("active", True):
        return None
    if not token or not hmac.compare_digest(token, props.get("session_token") or ""):
        return None
    return User(props)


def safe_next(target: str | None) -> str | None:
    """Only a relative path on this site (no scheme, no host, no //)."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        props = authenticate(get_store(), form.username.data, form.password.data)
        if props is None:
            error = str(BAD_LOGIN)
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session: nothing from before the login carries over
            if lang:
                session["lang"] = lang
            login_user(User({**props, "session_token": session_token(get_store(), props)}))
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: this and every other session of the user ends."""
    end_sessions(get_store(), current_user.id)
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the UI language (en or zh) and go back to a page of this site."""
    from graphcrm.web import LANGUAGES

    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
