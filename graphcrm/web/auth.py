"""Login, logout, the logged-in User, and account-level access rules.

Sessions: the session cookie names the user and carries the user's
``session_token`` (stored on the User node).  Signing out, a password change
or a deactivation gives the user a new token, so every session made before
ends at its next request; a deactivated user is refused at once.  Signing in
starts from an empty session.  Logins are rate-limited (web/security.py).

Roles: admin and director see every account (director read-only);
manager and bid read and edit the accounts they are MEMBER_OF (directly or
through a bid); viewer reads where member.  A forbidden account answers 404,
never its data.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Hashable
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from graphcrm.model import SECRET_PROPERTIES
from graphcrm.users import authenticate, end_sessions, session_token
from graphcrm.web.db import get_reports, get_store

bp = Blueprint("auth", __name__)

SEE_ALL = ("admin", "director")
EDITORS = ("manager", "bid")
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


def member_accounts(user_id: str) -> set[str]:
    """The accounts a user is on the team of (kept until the graph changes; read-only)."""
    return get_reports().get(("member accounts", user_id), lambda: get_store().member_accounts(user_id))


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


def can_view_account(user, account_id: str | None) -> bool:
    if account_id is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role in SEE_ALL:
        return True
    return account_id in member_accounts(user.id)


def can_edit_account(user, account_id: str | None) -> bool:
    if account_id is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    if user.role in EDITORS:
        return account_id in member_accounts(user.id)
    return False


def can_create_accounts(user) -> bool:
    """Admins and key-account managers open new accounts."""
    return getattr(user, "is_authenticated", False) and user.role in ("admin", "manager")


def require_account(label: str, node_id: str, *, edit: bool = False) -> str:
    """The account id ``label``/``node_id`` belongs to, or abort 404 when it
    does not exist or the current user may not see (or edit) it."""
    account_id = get_reports().get(("account of", label, node_id), lambda: get_store().account_of(label, node_id))
    allowed = can_edit_account if edit else can_view_account
    if account_id is None or not allowed(current_user, account_id):
        abort(404)
    return account_id


def visible_account_ids() -> set[str] | None:
    """The accounts the current user may see; None: every account."""
    if current_user.sees_all:
        return None
    return member_accounts(current_user.id)


def visible_accounts() -> list[dict]:
    """The accounts the current user may see, as stored."""
    visible = visible_account_ids()
    accounts = get_store().list("Account", limit=100_000)
    return accounts if visible is None else [a for a in accounts if a["id"] in visible]


def _account_of_node(G, n: str) -> str | None:
    label = G.nodes[n].get("label")
    if label == "Account":
        return n
    rel_type = {"Person": "WORKS_AT", "Opportunity": "FOR"}.get(label)
    if rel_type is None:
        return None
    return next((v for _, v, t in G.out_edges(n, keys=True) if t == rel_type), "")


def visible_graph(G, visible: set[str] | None):
    """``G`` without the accounts not in ``visible`` (None: all are) and their
    people and opportunities (an account graph reaches into other accounts
    through KNOWS / INFLUENCES / REPORTS_TO / PART_OF edges).  Our users,
    competitors and interactions stay.  ``G`` itself is never changed."""
    if visible is None:
        return G
    hidden = {n for n in G if (a := _account_of_node(G, n)) is not None and a not in visible}
    return G.subgraph(set(G) - hidden).copy() if hidden else G


def _view() -> dict:
    """The current user's view for :class:`graphcrm.cache.ReportCache`."""
    visible = visible_account_ids()
    if visible is None:
        return {}
    return {"view": lambda G: visible_graph(G, visible), "view_key": frozenset(visible)}


def account_graph(account_id: str):
    """The account graph of a visible account, as the current user may see it
    (cached until the graph changes: read-only)."""
    return get_reports().account_graph(account_id, **_view())


def opportunity_graph(opportunity_id: str):
    """The opportunity graph of a visible opportunity, as the current user may see it (read-only)."""
    return get_reports().opportunity_graph(opportunity_id, **_view())


def account_report(account_id: str) -> dict:
    """The account report over what the current user may see (cached)."""
    return get_reports().account_report(account_id, **_view())


def account_coverage(account_id: str) -> dict:
    """The account's bids and their gaps over what the current user may see (cached)."""
    return get_reports().account_coverage(account_id, **_view())


def warm_paths_to(account_id: str, person_id: str) -> list[dict]:
    """The three best introduction paths to a person of a visible account,
    over what the current user may see (cached)."""
    return get_reports().warm_paths(account_id, person_id, k=3, **_view())


def opportunity_report(opportunity_id: str) -> dict:
    """The opportunity report over what the current user may see (cached)."""
    return get_reports().opportunity_report(opportunity_id, **_view())


def page_body(template: str, account_id: str, key: Hashable, context: Callable[[], dict]) -> Markup:
    """``template`` rendered with ``context()`` (drawn from the account graph
    of ``account_id`` only), kept as long as the results about that account
    (:meth:`graphcrm.cache.ReportCache.for_account`) for the current user's
    view and language.  ``key`` names everything else the body shows (the
    record, whether the user may edit it, ...); the template must not read
    the request or the session (no CSRF token).

    With the analysis cached, rendering was most of an account or
    opportunity page's time (bench/run, scale L: about 5 of 6 ms).
    """
    lang = str(get_locale() or "en")
    return get_reports().for_account(account_id, ("page body", template, _view().get("view_key"), lang, key),
                                     lambda: Markup(render_template(template, **context())))


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
