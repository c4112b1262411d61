"""The start page: the portfolio dashboard (director, admin) or my accounts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

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
        report = get_reports().portfolio_report()
        return render_template("dashboard.html", report=report)
    return render_template("my_accounts.html", accounts=visible_accounts())
