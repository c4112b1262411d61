"""The scorecard per account manager (directors and admins, others 403): their
relationship work over a chosen period (graphcrm/analysis/scorecard.py), as a
page and as an .xlsx workbook.

The period is a preset (``?period=``: the last 30 or 90 days, this quarter,
this year, the last 12 months) or any ``?from=`` / ``?to=`` dates (both
included), which win over the preset (``period=dates`` says so in the form).  The scorecard is kept until the graph
changes (:class:`graphcrm.cache.ReportCache`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from graphcrm.analysis import DEFAULT_CADENCE, manager_scorecard
from graphcrm.errors import ValidationError
from graphcrm.transfer.sheets import SheetData, workbook_bytes
from graphcrm.web.audit import date_arg
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.transfer import XLSX

bp = Blueprint("scorecard", __name__)

#: the periods offered, by the code of ``?period=``
PERIODS = {
    "30d": _l("Last 30 days"),
    "90d": _l("Last 90 days"),
    "quarter": _l("This quarter"),
    "year": _l("This year"),
    "12m": _l("Last 12 months"),
}
DEFAULT_PERIOD = "90d"
#: ``?period=`` of a period given by its dates (``from``, ``to``)
CUSTOM = "dates"


def preset_period(code: str, today: date) -> tuple[date, date]:
    """The first and last day of a preset period ending today."""
    if code == "30d":
        return today - timedelta(days=29), today
    if code == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if code == "year":
        return date(today.year, 1, 1), today
    if code == "12m":
        return today - timedelta(days=364), today
    return today - timedelta(days=89), today


def requested_period() -> tuple[date, date, str]:
    """The period the request asks for: (first day, last day, preset code or "" for dates of one's own);
    a clear 400 for a date that is not one, or a period that ends before it starts."""
    code = request.args.get("period") or DEFAULT_PERIOD
    if code not in PERIODS and code != CUSTOM:
        raise ValidationError("period", _("must be one of: %(codes)s", codes=", ".join([*PERIODS, CUSTOM])))
    today = datetime.now(timezone.utc).date()
    since, until = date_arg("from"), date_arg("to")
    first, last = preset_period(code if code != CUSTOM else DEFAULT_PERIOD, today)
    if since is None and until is None:
        return first, last, code if code != CUSTOM else DEFAULT_PERIOD
    first, last = since or first, until or today
    if first > last:
        raise ValidationError("from", _("The period starts after it ends: choose a first day on or before the "
                                        "last."))
    return first, last, ""


def scorecard_of(first: date, last: date) -> dict:
    """:func:`graphcrm.analysis.manager_scorecard` of the whole portfolio over the period (kept until the
    graph changes): the portfolio report the dashboard shows, and our people's contacts from the longest
    cadence before the period on."""
    def compute():
        store = get_store()
        reach = datetime.combine(first - timedelta(days=max(DEFAULT_CADENCE.values())), time.min, timezone.utc)
        end = datetime.combine(last, time.max, timezone.utc)
        contacts = store.contacts_between(reach.isoformat(), end.isoformat())
        portfolio = get_reports().portfolio_report()
        return manager_scorecard(store.portfolio_graph(for_analysis=True), since=first, until=last,
                                 contacts=contacts, portfolio=portfolio)

    return get_reports().get(("scorecard", first.isoformat(), last.isoformat()), compute)


def _directors_only() -> None:
    if not current_user.sees_all:
        abort(403)


@bp.route("/scorecard")
@login_required
def scorecard():
    """The scorecard per account manager over the period asked for (directors and admins)."""
    _directors_only()
    first, last, code = requested_period()
    return render_template("scorecard/scorecard.html", card=scorecard_of(first, last), periods=PERIODS,
                           period=code, custom=CUSTOM, first=first, last=last)


#: the columns of the workbook's first sheet: (heading, value of a manager's card)
COLUMNS = (
    (_l("Account manager"), lambda c: c["name"]),
    (_l("Accounts"), lambda c: c["accounts"]),
    (_l("People"), lambda c: c["coverage"]["people"]),
    (_l("Coverage %"), lambda c: c["coverage"]["coverage_pct"]),
    (_l("Strongly covered %"), lambda c: c["coverage"]["strong_pct"]),
    (_l("Stale relationships"), lambda c: c["stale_relationships"]),
    (_l("Accounts that need attention"), lambda c: c["needs_attention"]),
    (_l("Contacts due"), lambda c: c["maintenance"]["due"]),
    (_l("Contacts done"), lambda c: c["maintenance"]["done"]),
    (_l("Done %"), lambda c: c["maintenance"]["done_pct"]),
    (_l("Open follow-ups"), lambda c: c["follow_ups"]["open"]),
    (_l("Overdue follow-ups"), lambda c: c["follow_ups"]["overdue"]),
    (_l("Oldest open follow-up (days)"), lambda c: c["follow_ups"]["oldest_days"]),
    (_l("Follow-ups opened in the period"), lambda c: c["follow_ups"]["opened"]),
    (_l("Answered of those"), lambda c: c["follow_ups"]["answered"]),
    (_l("Scores in the period"), lambda c: c["satisfaction"]["responses"]),
    (_l("NPS"), lambda c: c["satisfaction"]["nps"]),
    (_l("Latest satisfaction"), lambda c: (c["satisfaction"]["latest"] or {}).get("score")),
    (_l("Accounts falling"), lambda c: c["satisfaction"]["falling"]),
)
#: the columns of the second sheet, one row per manager and account
ACCOUNT_COLUMNS = (
    (_l("Account manager"), lambda c, a: c["name"]),
    (_l("Account"), lambda c, a: a["name"]),
    (_l("People"), lambda c, a: a["people"]),
    (_l("Coverage %"), lambda c, a: a["coverage"]),
    (_l("Stale relationships"), lambda c, a: a["stale_relationships"]),
    (_l("Needs attention"), lambda c, a: _("yes") if a["needs_attention"] else _("no")),
    (_l("Latest satisfaction"), lambda c, a: a["satisfaction"]["latest"]),
    (_l("NPS"), lambda c, a: a["satisfaction"]["nps"]),
    (_l("Trend"), lambda c, a: a["satisfaction"]["trend"] or ""),
    (_l("Scores in the period"), lambda c, a: a["satisfaction"]["responses"]),
)


@bp.route("/scorecard.xlsx")
@login_required
def scorecard_xlsx():
    """The scorecard as a workbook: a sheet of managers, a sheet of their accounts (directors and admins)."""
    _directors_only()
    first, last, _code = requested_period()
    card = scorecard_of(first, last)
    managers = [[str(h) for h, _v in COLUMNS]] + [[v(c) for _h, v in COLUMNS] for c in card["managers"]]
    accounts = [[str(h) for h, _v in ACCOUNT_COLUMNS]] + [
        [v(c, a) for _h, v in ACCOUNT_COLUMNS] for c in card["managers"] for a in c["account_rows"]]
    body = workbook_bytes({_("Scorecard"): SheetData(managers), _("Accounts"): SheetData(accounts)})
    name = f"scorecard-{card['since']}-{card['until']}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
