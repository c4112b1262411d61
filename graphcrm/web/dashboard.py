"""The start page (the portfolio dashboard for directors and admins, else my
accounts) and my week (whom to contact)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, get_template_attribute, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from graphcrm import model
from graphcrm.analysis.portfolio import in_currency, portfolio_totals
from graphcrm.cache import Portfolio
from graphcrm.rates import load_rates
from graphcrm.web.access import visible_accounts
from graphcrm.web.db import get_reports
from graphcrm.web.history import dashboard_changes
from graphcrm.web.spreadsheets import dashboard_workbook
from graphcrm.web.tables import Filter, Query, Table, TableView, order_key, text_key, value_key
from graphcrm.web.transfer import XLSX
from graphcrm.web.week import days_to_close, today, week_of

bp = Blueprint("dashboard", __name__)

#: rows per page of the dashboard's tables
PAGE_SIZE = 50

#: the close-date windows the open bids may be filtered by: past its close date (still open),
#: closing within so many days from today, or without a close date
CLOSE_WINDOWS = ("past", "30", "90", "365", "none")


def closes_in(close_date: str | None, window: str) -> bool:
    """Whether a bid's close date falls in ``window`` (:data:`CLOSE_WINDOWS`), counted from today."""
    left = days_to_close(close_date, today())
    if window == "none" or left is None:
        return window == "none" and left is None
    return left < 0 if window == "past" else 0 <= left <= int(window)


#: open bids, least ready first
BIDS = Table(
    "bids",
    sort_keys={
        "name": text_key("name"), "account": text_key("account_name"), "owner": text_key("owner_name"),
        "close_date": value_key("close_date"), "stage": order_key("stage", list(model.STAGES)),
        "value": value_key("reporting_value"), "readiness": value_key("readiness"), "eb_access": value_key("eb_access"),
        "champion": value_key("champion"), "single_threaded": value_key("single_threaded"),
    },
    text_fields=("name", "account_name"),
    filters={"stage": Filter("stage", model.OPEN_STAGES), "owner": Filter("owner_id", pattern=r"[A-Za-z0-9_.:-]{1,80}"),
             "closing": Filter("close_date", CLOSE_WINDOWS, test=closes_in)},
    default_sort="readiness",
)
#: the directions of an account's satisfaction trend (graphcrm/analysis/satisfaction.py) one may filter by
SATISFACTION_TRENDS = ("falling", "steady", "rising")
#: accounts, those that need attention first (:func:`attention_first`)
ACCOUNTS = Table(
    "accounts",
    sort_keys={
        "name": text_key("name"), "segment": order_key("segment", list(model.SEGMENTS)),
        "tier": order_key("tier", list(model.TIERS)), "suggested_tier": order_key("suggested_tier", list(model.TIERS)),
        "annual_value": value_key("annual_value"), "people": value_key("people"), "coverage": value_key("coverage"),
        "strong_contacts": value_key("strong_contacts"), "departments_covered": value_key("departments_covered"),
        "stale_relationships": value_key("stale_relationships"), "value_at_risk": value_key("value_at_risk"),
        "satisfaction": value_key("satisfaction_latest"), "nps": value_key("nps"),
    },
    text_fields=("name",),
    filters={"attention": Filter("needs_attention"), "segment": Filter("segment", tuple(model.SEGMENTS)),
             "trend": Filter("satisfaction_trend", SATISFACTION_TRENDS)},
)


def coverage_pct(contacts: int, people: int) -> int | None:
    """Share of stakeholders someone on our team has a relationship with, in %."""
    return round(100 * contacts / people) if people else None


def attention_first(accounts: list[dict]) -> list[dict]:
    """Accounts that need attention (:mod:`graphcrm.analysis.attention`) first,
    then the others, each most value at risk first (amounts converted to the
    reporting currency), then by name; with the coverage in % and the
    satisfaction figures the table sorts and filters by."""
    rows = [{**a, "coverage": coverage_pct(a["contacts"], a["people"]),
             "satisfaction_latest": a["satisfaction"]["latest"], "satisfaction_trend": a["satisfaction"]["trend"],
             "nps": a["satisfaction"]["nps"]} for a in accounts]
    return sorted(rows, key=lambda a: (not a["needs_attention"], -(a["value_at_risk"] or 0), str(a["name"])))


def bids_with_reasons(opportunities: list[dict], accounts: list[dict]) -> list[dict]:
    """The open bids, each with ``attention``: the reasons its account needs
    attention (:mod:`graphcrm.analysis.attention`) that concern it, those
    about the bid itself and those about the whole account, not another bid's."""
    reasons = {a["id"]: a["attention"] for a in accounts}
    return [{**o, "attention": [r for r in reasons.get(o["account_id"], ())
                                if r.get("opportunity_id") in (None, o["id"])]} for o in opportunities]


def bid_owners(opportunities: list[dict]) -> list[dict]:
    """The owners of the open bids (``{id, name}``), by name: the choices of the owner filter."""
    owners = {o["owner_id"]: o["owner_name"] for o in opportunities if o.get("owner_id")}
    return [{"id": i, "name": n} for i, n in sorted(owners.items(), key=lambda item: (str(item[1]), item[0]))]


def converted(portfolio: Portfolio) -> dict:
    """The report's rows and totals in the reporting currency of the admin's
    rate table (:mod:`graphcrm.rates`), computed once per report and table."""
    rates = load_rates(current_app.config["GRAPHCRM_SETTINGS"].data_dir)
    key = (rates["currency"], tuple(sorted(rates["rates"].items())))

    def compute():
        accounts, opportunities = in_currency(portfolio.report["accounts"], portfolio.report["opportunities"], rates)
        return {"key": key, "accounts": accounts, "opportunities": opportunities,
                "totals": portfolio_totals(accounts, opportunities)}

    return portfolio.derived(("converted", key), compute)


def coverage_by_segment(accounts: list[dict], lang: str) -> list[dict]:
    """Per segment: accounts, stakeholders, and the % we know / know well (strength 4+)."""
    out = []
    for segment in model.SEGMENTS:
        rows = [a for a in accounts if a["segment"] == segment]
        people = sum(a["people"] for a in rows)
        out.append({
            "segment": segment, "label": model.label_text(model.SEGMENTS, segment, lang), "accounts": len(rows),
            "people": people, "coverage": coverage_pct(sum(a["contacts"] for a in rows), people) or 0,
            "strong": coverage_pct(sum(a["strong_contacts"] for a in rows), people) or 0,
        })
    return out


@bp.route("/")
@login_required
def index():
    """The portfolio dashboard for those who see every account, else my accounts."""
    if current_user.sees_all:
        bids_query, accounts_query = BIDS.query(request.args), ACCOUNTS.query(request.args)  # 400 before any work
        # at scale a report takes seconds: after a write the last one is shown while a new one is computed
        portfolio, refreshing = get_reports().portfolio(stale_ok=True)
        report = portfolio.report
        lang = str(get_locale() or "en")
        money = converted(portfolio)
        bids, bid_rows = _page_of(portfolio, money, BIDS, bids_query, "bid_row", lang)
        accounts, account_rows = _page_of(portfolio, money, ACCOUNTS, accounts_query, "account_row", lang)
        return render_template("dashboard.html", report=report, totals=money["totals"], refreshing=refreshing,
                               bids=bids, bid_rows=bid_rows,
                               owners=portfolio.derived(("bid owners",), lambda: bid_owners(report["opportunities"])),
                               accounts=accounts, account_rows=account_rows,
                               segments=portfolio.derived(("segments", lang),
                                                          lambda: coverage_by_segment(report["accounts"], lang)),
                               changes=dashboard_changes())
    return render_template("my_accounts.html", accounts=visible_accounts())


def _rows_of(table: Table, money: dict) -> list[dict]:
    """The rows of one of the dashboard's tables, in the amounts of ``money`` (:func:`converted`)."""
    if table is BIDS:
        return bids_with_reasons(money["opportunities"], money["accounts"])
    return attention_first(money["accounts"])


def _sorted(portfolio: Portfolio, money: dict, table: Table, query: Query) -> list[dict]:
    """Every row of ``table`` in the order ``query`` asks for, kept per portfolio report, rate table and order."""
    return portfolio.derived(("dashboard rows", money["key"], table.name, query.sort, query.desc),
                             lambda: table.sort(_rows_of(table, money), query.sort, query.desc))


def _page_of(portfolio: Portfolio, money: dict, table: Table, query: Query, row_macro: str,
             lang: str) -> tuple[TableView, list[Markup]]:
    """The page of ``table`` that ``query`` asks for, and its rows as HTML.

    The table has thousands of rows at scale, the same for every director
    and admin: for each portfolio report the rows sorted by each column and
    direction are kept (:func:`_sorted`), and each row is rendered once per
    language (by the ``row_macro`` of _dashboard_rows.html) when a page
    first shows it; a request filters, slices and puts the HTML of its page
    together.  (All 6,000 rows of scale L at once took half a second.)
    """
    view = table.show(_sorted(portfolio, money, table, query), query, PAGE_SIZE)
    render = get_template_attribute("_dashboard_rows.html", row_macro)
    html: dict = portfolio.derived(("dashboard row html", money["key"], table.name, lang), dict)
    # two requests may render the same row at once: both get the same HTML
    return view, [html.get(r["id"]) or html.setdefault(r["id"], render(r)) for r in view.rows]


#: the dashboard's tables one may download (web/spreadsheets.py names their columns)
EXPORTS = {"bids": BIDS, "accounts": ACCOUNTS}


@bp.route("/dashboard/<table>.xlsx")
@login_required
def export(table: str):
    """A dashboard table (bids or accounts) as an .xlsx workbook, filtered and
    sorted as the page shows it, every page of it, in the user's language
    (directors and admins, as the dashboard; others 403)."""
    if not current_user.sees_all:
        abort(403)
    if table not in EXPORTS:
        abort(404)
    query = EXPORTS[table].query(request.args)
    portfolio, _refreshing = get_reports().portfolio(stale_ok=True)
    rows = [r for r in _sorted(portfolio, converted(portfolio), EXPORTS[table], query)
            if EXPORTS[table].matches(r, query)]
    name = f"graphcrm-{table}-{today().isoformat()}.xlsx"
    return Response(dashboard_workbook(table, rows), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.app_template_global()
def url_with(_anchor: str | None = None, **changes) -> str:
    """This page's URL with the query parameters in ``changes`` set (None:
    removed) and the others kept, e.g. ``url_with(bids_page=2)``."""
    args = request.args.to_dict()
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return request.path + (f"?{urlencode(args)}" if args else "") + (f"#{_anchor}" if _anchor else "")


@bp.route("/my-week")
@login_required
def my_week():
    """The maintenance plan of the signed-in user: relationships due for a
    contact within seven days, most urgent first, each with the value of its
    open deals in the reporting currency; the follow-ups of customer feedback
    they must answer and the key stakeholders to ask for feedback (all only
    at accounts the user may see: :func:`graphcrm.web.week.week_of`)."""
    return render_template("my_week.html", **week_of(current_user))
