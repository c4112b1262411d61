"""What changed since a date: at an account (/accounts/<id>/changes), or
about one of its people or opportunities (/people/<id>/changes,
/opportunities/<id>/changes: the account's changes that concern them).

Pages of their own, so the cached page bodies (``web.reports.page_body``)
stay as they are.  Members of the account's team see them, admins and
directors every account's; anyone else gets 404, as for the record itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from graphcrm.errors import ValidationError
from graphcrm.history import about, account_changes, describe
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
    account = get_store().get("Account", account_id)
    return _changes_page(account_id, None, title=_("Changes at %(account)s", account=account["name"]),
                         back=(url_for("accounts.account", account_id=account_id), account["name"]))


@bp.route("/people/<person_id>/changes")
@login_required
def person_changes_page(person_id: str):
    """What changed about a stakeholder since ``?since=`` (default: a week ago)."""
    account_id = require_account("Person", person_id)
    person = get_store().get("Person", person_id)
    return _changes_page(account_id, person_id, title=_("Changes about %(name)s", name=person["name"]),
                         back=(url_for("people.person", person_id=person_id), person["name"]))


@bp.route("/opportunities/<opportunity_id>/changes")
@login_required
def opportunity_changes_page(opportunity_id: str):
    """What changed about a bid since ``?since=`` (default: a week ago)."""
    account_id = require_account("Opportunity", opportunity_id)
    opportunity = get_store().get("Opportunity", opportunity_id)
    return _changes_page(account_id, opportunity_id, title=_("Changes about %(name)s", name=opportunity["name"]),
                         back=(url_for("opportunities.opportunity", opportunity_id=opportunity_id),
                               opportunity["name"]))


def change_rows(history: dict, visible: set[str] | None) -> list[dict]:
    """The changes of ``history`` (GraphStore.account_history), newest first,
    each with its ``text`` in the current language; records of accounts not in
    ``visible`` (None: all are) are not named."""
    hidden = [] if visible is None else [
        node_id for node_id, accounts in history["elsewhere"].items() if not visible & set(accounts)]
    lang = str(get_locale() or "en")
    return [{**change, "text": describe(change, _, lang)} for change in account_changes(history, hidden)]


def _changes_page(account_id: str, subject_id: str | None, *, title: str, back: tuple[str, str]):
    """The changes of the account since ``?since=``, or those about ``subject_id``."""
    today = datetime.now(timezone.utc).date()
    since = since_date(request.args.get("since"), today)
    history = get_store().account_history(account_id, since.isoformat())
    if subject_id is not None:
        history = about(history, subject_id)
    rows = change_rows(history, visible_account_ids())
    presets = [(days, url_for(request.endpoint, **request.view_args, since=day), day)
               for days in PRESETS for day in [(today - timedelta(days=days)).isoformat()]]
    return render_template("history/changes.html", title=title, back=back, rows=rows,
                           since=since.isoformat(), today=today.isoformat(), presets=presets)
