"""The audit log page (admins only): who changed what and when, by name (the
records and the users, not only their ids), with filters (a user, a target
id or label, a person's, account's or opportunity's name, dates) and paging;
each change with its undo (web/undo.py) or why it cannot be undone.  No
route writes an entry or changes one.

The module also makes the signed-in user the actor of every write a
request makes (:func:`record_signed_in_user`).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Flask, abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from graphcrm import audit, model
from graphcrm.errors import ValidationError
from graphcrm.web.db import get_store
from graphcrm.web.undo import offer

bp = Blueprint("audit", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _web_actor() -> tuple[str, str]:
    """Who writes: the signed-in user, through the web or with an API token (via ``token:<id>``)."""
    if current_user.is_authenticated:
        token = g.get("api_token")
        return current_user.username, f"token:{token['id']}" if token else "web"
    return "anonymous", "web"


def record_signed_in_user(app: Flask) -> None:
    """Writes made while handling a request are recorded as the signed-in user's."""

    @app.before_request
    def act_as_signed_in_user():
        g.audit_token = audit.set_actor(_web_actor)

    @app.teardown_request
    def stop_acting(exc):
        token = g.pop("audit_token", None)
        if token is not None:
            audit.reset_actor(token)


def date_arg(name: str) -> date | None:
    """The date of the query parameter ``name`` (None: not given); a clear 400 for one that is not a date."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(name, _("must be a date like 2026-05-01")) from None
    if not 1900 <= value.year <= 2200:
        raise ValidationError(name, _("year must be between 1900 and 2200"))
    return value


def _named(change: dict, names: dict[str, str]) -> dict:
    """A changed field with the ids it holds (``account_id``...) shown by name, the id after it."""
    if not change["field"].endswith("_id"):
        return change
    return {**change, **{side: f"{names[v]} ({v})" for side in ("before", "after")
                         if isinstance(v := change[side], str) and v in names}}


@bp.route("/audit")
@login_required
def audit_log():
    if current_user.role != "admin":
        abort(403)
    since, until = date_arg("from"), date_arg("to")
    try:
        page = max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        raise ValidationError("page", _("must be a whole number")) from None
    filters = {"user": request.args.get("user", "").strip()[:200],
               "target": request.args.get("target", "").strip()[:200],
               "name": request.args.get("name", "").strip()[:200]}
    store = get_store()
    entries, total = store.audit_log(
        actor=filters["user"], target=filters["target"], name=filters["name"],
        since=since.isoformat() if since else None,
        until=(until + timedelta(days=1)).isoformat() if until else None,  # the "to" day included
        skip=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
    )
    named = store.audit_names(entries)
    rows = [{**entry, "changes": [_named(c, named["names"]) for c in audit.changes(entry)], "undo": offer(entry),
             "target_names": [named["names"].get(i) for i in entry["target_id"].split("->")],
             "actor_name": named["users"].get(entry["actor"])} for entry in entries]
    return render_template(
        "audit.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        filters={**filters, "from": since.isoformat() if since else "", "to": until.isoformat() if until else ""},
        actions=model.AUDIT_ACTIONS,
    )
