"""The start page: the portfolio dashboard (director, admin) or my accounts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from graphcrm.web.db import get_reports, get_store

bp = Blueprint("dashboard", __name__)


def visible_accounts() -> list[dict]:
    store = get_store()
    accounts = store.list("Account", limit=100000)
    if current_user.sees_all:
        return accounts
    mine = store.member_accounts(current_user.id)
    return [a for a in accounts if a["id"] in mine]



@bp.route("/")
@login_required
def index():
    if current_user.sees_all:
        reports = get_reports()
        # the tables (thousands of rows at scale) are the same for every
        # director and admin: rendered once per change of the graph and language
        tables = reports.get(("dashboard tables", str(get_locale())), lambda: Markup(
            render_template("_dashboard_tables.html", report=reports.portfolio_report())))
        return render_template("dashboard.html", report=reports.portfolio_report(), tables=tables)
    return render_template("my_accounts.html", accounts=visible_accounts())
