"""The start page (the portfolio dashboard for directors and admins, else my
accounts) and my week (whom to contact)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from graphcrm import model
from graphcrm.analysis import maintenance_plan
from graphcrm.web.auth import visible_account_ids, visible_accounts
from graphcrm.web.db import get_reports, get_store

bp = Blueprint("dashboard", __name__)


def coverage_pct(contacts: int, people: int) -> int | None:
    """Share of stakeholders someone on our team has a relationship with, in %."""
    return round(100 * contacts / people) if people else None


def at_risk_first(accounts: list[dict]) -> list[dict]:
    """Accounts at risk (lifecycle "at risk" or open value our coverage does
    not secure) first, most value at risk first; then the rest by name."""
    def risky(a):
        return a["lifecycle"] == "at_risk" or (a["value_at_risk"] or 0) > 0

    rows = [{**a, "at_risk": risky(a), "coverage": coverage_pct(a["contacts"], a["people"])} for a in accounts]
    return sorted(rows, key=lambda a: (not a["at_risk"], -(a["value_at_risk"] or 0) if a["at_risk"] else 0,
                                       str(a["name"])))


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
    if current_user.sees_all:
        reports = get_reports()
        report = reports.portfolio_report()
        lang = str(get_locale() or "en")
        # the tables (thousands of rows at scale) are the same for every
        # director and admin: rendered once per change of the graph and language
        tables = reports.get(("dashboard tables", lang), lambda: Markup(render_template(
            "_dashboard_tables.html", report=report, accounts=at_risk_first(report["accounts"]))))
        return render_template("dashboard.html", report=report, tables=tables,
                               segments=coverage_by_segment(report["accounts"], lang))
    return render_template("my_accounts.html", accounts=visible_accounts())


@bp.route("/my-week")
@login_required
def my_week():
    """The maintenance plan of the signed-in user: relationships due for a
    contact within seven days, most urgent first (only at accounts the user
    may see)."""
    store = get_store()
    plan = maintenance_plan(store.owner_graph(current_user.id), owner=current_user.id, horizon_days=7)
    due = [c for owner in plan["owners"] for c in owner["due"]]
    visible = visible_account_ids()
    if visible is not None:
        due = [c for c in due if c["account"] and c["account"]["id"] in visible]
    return render_template("my_week.html", plan=plan, due=due)
