"""Login, logout, the logged-in User, and account-level access rules.

Roles: admin and director see every account (director read-only);
manager and bid read and edit the accounts they are MEMBER_OF (directly or
through a bid); viewer reads where member.  A forbidden account answers 404,
never its data.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from graphcrm.users import authenticate
from graphcrm.web.db import get_store

bp = Blueprint("auth", __name__)

SEE_ALL = ("admin", "director")
EDITORS = ("manager", "bid")
BAD_LOGIN = _l("Unknown username or wrong password.")


class User(UserMixin):
    def __init__(self, props: dict):
        self.props = {k: v for k, v in props.items() if k != "password_hash"}
        self.id = props["id"]
        self.username = props.get("username", "")
        self.display_name = props.get("display_name") or self.username
        self.role = props.get("role", "viewer")
        self.active = props.get("active", True)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def sees_all(self) -> bool:
        return self.role in SEE_ALL

    def member_accounts(self) -> set[str]:
        return get_store().member_accounts(self.id)


def load_user(user_id: str) -> User | None:
    props = get_store().find("User", user_id)
    if props is None or not props.get("active", True):
        return None
    return User(props)


def can_view_account(user, account_id: str | None) -> bool:
    if account_id is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role in SEE_ALL:
        return True
    return account_id in get_store().member_accounts(user.id)


def can_edit_account(user, account_id: str | None) -> bool:
    if account_id is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    if user.role in EDITORS:
        return account_id in get_store().member_accounts(user.id)
    return False


def can_create_accounts(user) -> bool:
    """Admins and key-account managers open new accounts."""
    return getattr(user, "is_authenticated", False) and user.role in ("admin", "manager")


def require_account(label: str, node_id: str, *, edit: bool = False) -> str:
    """The account id ``label``/``node_id`` belongs to, or abort 404 when it
    does not exist or the current user may not see (or edit) it."""
    account_id = get_store().account_of(label, node_id)
    allowed = can_edit_account if edit else can_view_account
    if account_id is None or not allowed(current_user, account_id):
        abort(404)
    return account_id


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
            login_user(User(props))
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
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
