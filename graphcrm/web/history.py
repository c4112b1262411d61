"""What changed at an account since a date: /accounts/<id>/changes.

A page of its own, so the cached account body (``web.reports.page_body``)
stays as it is.  Members of the account's team see it, admins and directors
every account's; anyone else gets 404, as for the account itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from graphcrm.errors import ValidationError
from graphcrm.history import account_changes, describe
from graphcrm.web.access import require_account, visible_account_ids
from graphcrm.web.db import get_store

bp = Blueprint("history", __name__)

#: the preset periods, in days back from today (the first is the default)
PRESETS = (7, 30)


def since_date(text: str | None, today: date) -> date:
    """The date ``since`` asks for (default: a week before ``today``); ValidationError
    for a malformed date or one after ``today``."""
    text = (text or "").strip()
    if not text:
        return today - timedelta(days=PRESETS[0])
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValidationError("since", _("must be a date like 2026-05-01")) from None
    if value > today:
        raise ValidationError("since", _("must not be in the future"))
    if value.year < 1900:
        raise ValidationError("since", _("year must be between 1900 and 2200"))
    return value


@bp.route("/accounts/<account_id>/changes")
@login_required
def account_changes_page(account_id: str):
    """What changed at the account since ``?since=YYYY-MM-DD`` (default: a week ago)."""
    require_account("Account", account_id)
    today = datetime.now(timezone.utc).date()
    since = since_date(request.args.get("since"), today)
    store = get_store()
    history = store.account_history(account_id, since.isoformat())
    visible = visible_account_ids()
    hidden = [] if visible is None else [
        node_id for node_id, accounts in history["elsewhere"].items() if not visible & set(accounts)]
    changes = account_changes(history, hidden)
    lang = str(get_locale() or "en")
    rows = [{**change, "text": describe(change, _, lang)} for change in changes]
    presets = [(days, (today - timedelta(days=days)).isoformat()) for days in PRESETS]
    return render_template("history/account_changes.html", account=store.get("Account", account_id), rows=rows,
                           since=since.isoformat(), today=today.isoformat(), presets=presets)
