"""The compliance report for directors and admins (``/compliance``): of one calendar year, every
gift and hospitality recorded and every interaction flagged by the tender-compliance rule
(graphcrm/compliance.py), who, when, what, value and flags, and each person's gifts against
the annual limit; exportable as .xlsx (``/compliance.xlsx``) and CSV (``/compliance.csv``).

Other roles get 403: the report spans every account.  An export is recorded in the audit log.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from graphcrm import model
from graphcrm.analysis.money import in_reporting
from graphcrm.transfer.sheets import SheetData, workbook_bytes
from graphcrm.transfer.templates import cell_text
from graphcrm.web.db import get_store
from graphcrm.web.formats import moment_text, site_zone
from graphcrm.web.transfer import XLSX

bp = Blueprint("compliance", __name__)


def _year() -> int:
    """The year asked for (``?year=2026``; default: this year), or 400 naming what is wrong."""
    text = request.args.get("year", "").strip()
    if not text:
        return date.today().year
    if not (text.isdigit() and 1900 <= int(text) <= 2200):
        abort(400, description=_("The year must be a year such as %(year)s.", year=date.today().year))
    return int(text)


def _directors_only() -> None:
    if not current_user.sees_all:
        abort(403)


def report_of(year: int) -> dict:
    """The year's rows (``interactions``: one per interaction, newest first) and
    ``people`` (each person given gifts: their total in the reporting
    currency, over the limit or not), with the ``limit`` and ``currency``."""
    policy = get_store().policy()
    lang = str(get_locale() or "en")
    rows, totals = [], {}
    for row in get_store().compliance_report(f"{year:04d}-01-01", f"{year + 1:04d}-01-01"):
        props = row["props"]
        people = [{"id": p[0], "name": p[1], "role": model.label_text(model.COMPLIANCE_ROLES, p[2], lang),
                   "account_id": p[3], "account": p[4]} for p in row["people"]]
        rows.append({"id": props["id"], "at": props["at"], "kind": props["kind"], "people": people,
                     "users": sorted(row["users"]), "summary": props.get("summary") or "",
                     "gift": props.get("gift_description") or "", "value": props.get("gift_value"),
                     "currency": props.get("gift_currency") or "CNY", "reason": props.get("compliance_reason") or "",
                     "quiet_period": bool(props.get("quiet_period_flag")),
                     "gift_limit": bool(props.get("gift_limit_flag"))})
        if props.get("gift_value"):
            value = in_reporting(props["gift_value"], props.get("gift_currency"), policy.rates) or 0.0
            for p in people:
                totals.setdefault(p["id"], {**p, "total": 0.0, "gifts": 0})
                totals[p["id"]]["total"] += value
                totals[p["id"]]["gifts"] += 1
    people = sorted(totals.values(), key=lambda p: (-p["total"], p["name"] or ""))
    for p in people:
        p["over"] = policy.gift_limit is not None and p["total"] > policy.gift_limit
    return {"year": year, "interactions": rows, "people": people, "limit": policy.gift_limit,
            "currency": policy.rates["currency"]}


@bp.route("/compliance")
@login_required
def compliance():
    """The compliance report of a year (directors and admins)."""
    _directors_only()
    year = _year()
    return render_template("compliance/report.html", report=report_of(year),
                           years=range(date.today().year, date.today().year - 5, -1))


def _table(report: dict) -> list[list]:
    """The report's interactions as rows of cells, a header first, in the user's language; text
    a spreadsheet could run as a formula is written as text (:func:`graphcrm.transfer.templates.cell_text`)."""
    lang = str(get_locale() or "en")
    rows: list[list] = [[_("When"), _("Kind"), _("Who"), _("Compliance role"), _("Account"), _("Our people"),
                         _("What"), _("Value"), _("Currency"), _("Flags"), _("Reason")]]
    for r in report["interactions"]:
        rows.append([
            moment_text(r["at"], site_zone()), model.label_text(model.INTERACTION_KINDS, r["kind"], lang),
            "\n".join(p["name"] or p["id"] for p in r["people"]), "\n".join(p["role"] for p in r["people"]),
            "\n".join(dict.fromkeys(p["account"] or "" for p in r["people"])), "\n".join(r["users"]),
            r["gift"] or r["summary"], r["value"], r["currency"] if r["value"] else "", _flags(r), r["reason"],
        ])
    return [[cell_text(v) if isinstance(v, str) else v for v in row] for row in rows]


def _flags(row: dict) -> str:
    return "\n".join(text for flagged, text in ((row["quiet_period"], _("quiet period")),
                                                 (row["gift_limit"], _("over the gift limit"))) if flagged)


def _exported(year: int, what: str) -> str:
    """Record the export in the audit log; the file's name."""
    get_store().record_event("export", "compliance", str(year), {"format": what})
    return f"graphcrm-compliance-{year}.{what}"


@bp.route("/compliance.xlsx")
@login_required
def compliance_xlsx():
    """The compliance report of a year as an .xlsx workbook (directors and admins)."""
    _directors_only()
    year = _year()
    body = workbook_bytes({_("Compliance %(year)s", year=year): SheetData(_table(report_of(year)))})
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{_exported(year, "xlsx")}"'})


@bp.route("/compliance.csv")
@login_required
def compliance_csv():
    """The compliance report of a year as CSV, UTF-8 with a byte-order mark (directors and admins)."""
    _directors_only()
    year = _year()
    out = io.StringIO()
    csv.writer(out).writerows(_table(report_of(year)))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_exported(year, "csv")}"'})

