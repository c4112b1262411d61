"""The start page (the portfolio dashboard for directors and admins, else my
accounts) and my week (whom to contact)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from graphcrm.analysis import maintenance_plan, portfolio_report
from graphcrm.web.db import get_store

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
        report = portfolio_report(get_store().portfolio_graph())
        return render_template("dashboard.html", report=report)
    return render_template("my_accounts.html", accounts=visible_accounts())


@bp.route("/my-week")
@login_required
def my_week():
    """The maintenance plan of the signed-in user: relationships due for a
    contact within seven days, most urgent first (only at accounts the user
    may see)."""
    store = get_store()
    plan = maintenance_plan(store.portfolio_graph(), owner=current_user.id, horizon_days=7)
    due = [c for owner in plan["owners"] for c in owner["due"]]
    if not current_user.sees_all:
        mine = store.member_accounts(current_user.id)
        due = [c for c in due if c["account"] and c["account"]["id"] in mine]
    return render_template("my_week.html", plan=plan, due=due)
