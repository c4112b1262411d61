"""The dashboard's tables as .xlsx workbooks (``/dashboard/<table>.xlsx``):
the columns of each, headed and worded in the user's language, written by
:func:`graphcrm.transfer.sheets.workbook_bytes` as the import templates are.

Amounts are numbers (a spreadsheet sums them), with their currency in a
column of its own; dates are ISO text (2026-05-01); the reasons a bid or an
account needs attention are one cell, a reason a line.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from graphcrm import model
from graphcrm.transfer.sheets import SheetData, workbook_bytes
from graphcrm.web import say_text


def _said(row: dict, field: str) -> str:
    """An analysis sentence of ``row`` in the user's language."""
    return say_text(row["texts"][field], row[field]) if row.get(field) else ""


def _reasons(row: dict) -> str:
    return "\n".join(say_text(r["texts"]["message"], r["message"]) for r in row["attention"])


def _label(vocabulary: dict, field: str) -> Callable[[dict], str]:
    return lambda row: model.label_text(vocabulary, row.get(field), str(get_locale() or "en"))


def _yes_no(field: str) -> Callable[[dict], str]:
    return lambda row: _("yes") if row.get(field) else _("no")


def _field(name: str) -> Callable[[dict], object]:
    return lambda row: row.get(name)


#: per table, its columns: (heading, the cell of a row)
COLUMNS: dict[str, list[tuple[object, Callable[[dict], object]]]] = {
    "bids": [
        (_l("Opportunity"), _field("name")), (_l("Account"), _field("account_name")),
        (_l("Owner"), _field("owner_name")), (_l("Close date"), _field("close_date")),
        (_l("Stage"), _label(model.STAGES, "stage")), (_l("Value"), _field("value")),
        (_l("Currency"), _field("currency")), (_l("Readiness"), _field("readiness")),
        (_l("Economic buyer access"), _yes_no("eb_access")), (_l("Champion"), _yes_no("champion")),
        (_l("Single-threaded"), _yes_no("single_threaded")),
        (_l("Next best action"), lambda row: _said(row, "next_best_action")),
        (_l("Why it needs attention"), _reasons),
    ],
    "accounts": [
        (_l("Account"), _field("name")), (_l("Segment"), _label(model.SEGMENTS, "segment")),
        (_l("Tier"), _label(model.TIERS, "tier")), (_l("Suggested tier"), _label(model.TIERS, "suggested_tier")),
        (_l("Annual value"), _field("annual_value")), (_l("People"), _field("people")),
        (_l("Coverage (%)"), _field("coverage")), (_l("Strong contacts"), _field("strong_contacts")),
        (_l("Departments covered"), _field("departments_covered")), (_l("Stale"), _field("stale_relationships")),
        (_l("Value at risk"), _field("value_at_risk")), (_l("Currency"), _field("currency")),
        (_l("Satisfaction"), _field("satisfaction_latest")), (_l("NPS"), _field("nps")),
        (_l("Why it needs attention"), _reasons),
    ],
}


def dashboard_workbook(table: str, rows: list[dict]) -> bytes:
    """The rows of the dashboard's ``table`` (bids or accounts) as an .xlsx workbook of one sheet."""
    columns = COLUMNS[table]
    header = [str(heading) for heading, _cell in columns]
    return workbook_bytes({table: SheetData([header, *([cell(row) for _heading, cell in columns] for row in rows)])})
