"""Stakeholders of an account from a list pasted from Excel or WPS, or a sheet of an .xlsx file: preview, fix, save all.

The page is its own state: the preview shows every row as it will be saved,
as fields the user can correct, with each problem next to its cell
(graphcrm/transfer/paste.py); "Check again" reads the corrected grid, and
"Save" writes every row in one statement, or nothing while a row has a
problem.  After the save the user is back on the account, its map drawn with
the new org chart, told what was saved.
"""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from graphcrm import model
from graphcrm.transfer.paste import COLUMNS, parse_table, plan_people
from graphcrm.transfer.sheets import SheetProblem, Workbook
from graphcrm.web.access import require_account
from graphcrm.web.db import get_store

bp = Blueprint("paste", __name__)

#: a paste may hold a cell far longer than any form field: it is read, then
#: named as a problem of its row and column (not a 413 for the whole page)
MAX_PASTE_BYTES = 16 * 1024 * 1024


def _rows_of_grid(form) -> tuple[list[list[str]], frozenset[int], dict[int, str]]:
    """The rows of the grid the preview showed, as the user corrected them
    (removed rows left out), with the header row first; and the rows to add
    anyway and the managers picked, renumbered like the rows."""
    rows, add_anyway, managers = [list(COLUMNS)], set(), {}
    count = min(int(form.get("rows", "0") or 0) if form.get("rows", "").isdigit() else 0, 1000)
    for n in range(1, count + 1):
        if form.get(f"r{n}-remove"):
            continue
        rows.append([form.get(f"r{n}-{column}", "") for column in COLUMNS])
        if form.get(f"r{n}-add-anyway"):
            add_anyway.add(len(rows) - 1)
        if form.get(f"r{n}-manager-id"):
            managers[len(rows) - 1] = form[f"r{n}-manager-id"]
    return rows, frozenset(add_anyway), managers


def _rows_of_upload(upload) -> list[list[str]]:
    """The rows of the first sheet of an uploaded .xlsx workbook, as text
    (graphcrm/transfer/sheets.py); ValueError naming what is wrong with it."""
    try:
        with Workbook(io.BytesIO(upload.read()), name=upload.filename, max_unpacked=8 * MAX_PASTE_BYTES) as book:
            return [cells for _line, cells in book.rows(book.sheet_names[0])]
    except SheetProblem as exc:
        raise ValueError(f"{upload.filename} {_(exc.template, **exc.params)}") from None


@bp.route("/accounts/<account_id>/people/paste", methods=["GET", "POST"])
@login_required
def paste_people(account_id: str):
    """Add stakeholders from a pasted list or an .xlsx sheet: preview, correct, save in one go."""
    require_account("Account", account_id, edit=True)
    request.max_content_length = MAX_PASTE_BYTES
    request.max_form_memory_size = MAX_PASTE_BYTES
    store = get_store()
    account = store.get("Account", account_id)
    csrf = FlaskForm()
    if request.method == "GET":
        return render_template("paste.html", account=account, plan=None, csrf=csrf, error=None)
    if not csrf.validate_on_submit():
        return render_template("paste.html", account=account, plan=None, csrf=csrf,
                               error=_("The form expired: paste the list again.")), 400
    form = request.form
    add_anyway, managers = frozenset(), {}
    try:
        if form.get("text", "").strip():
            rows = parse_table(form["text"])
        elif request.files.get("sheet") and request.files["sheet"].filename:
            rows = _rows_of_upload(request.files["sheet"])
        else:
            rows, add_anyway, managers = _rows_of_grid(form)
    except ValueError as exc:
        return render_template("paste.html", account=account, plan=None, csrf=csrf, error=str(exc)), 400
    plan = plan_people(rows, store.people_of_account(account_id), add_anyway=add_anyway, managers=managers)
    if form.get("action") == "save" and plan.ok:
        saved = store.create_people(account_id, [(row.props, row.manager_id) for row in plan.rows])
        flash(ngettext("Saved %(num)d stakeholder: %(names)s.", "Saved %(num)d stakeholders: %(names)s.",
                       len(saved), names=", ".join(p["name"] for p in saved)))
        return redirect(url_for("accounts.account", account_id=account_id) + "#network")
    return render_template("paste.html", account=account, plan=plan, csrf=csrf, error=None,
                           labels=_column_labels(), problem_text=_problem_text), 200 if plan.ok else 400


def _problem_text(row, column: str) -> str:
    """The problem of a cell in the user's language; a list of allowed values
    (a tuple parameter: stances, compliance roles) in their labels."""
    if column not in row.texts:
        return row.problems[column]
    template, params = row.texts[column]
    lang = str(get_locale() or "en")
    labels = {k: ("、" if lang.startswith("zh") else ", ").join(model.label_text(_vocabulary(value), v, lang)
                                                                 for v in value)
              for k, value in params.items() if isinstance(value, tuple)}
    return _(template, **{**params, **labels})


def _vocabulary(values: tuple) -> dict:
    """The enumeration ``values`` are the values of (stances or compliance roles)."""
    return model.COMPLIANCE_ROLES if set(values) <= set(model.COMPLIANCE_ROLES) else model.STANCES


def _column_labels() -> dict[str, str]:
    return {"name": _("Name"), "title": _("Title"), "department": _("Department"), "manager": _("Reports to"),
            "email": _("Email"), "phone": _("Phone"), "influence": _("Influence"), "stance": _("Stance"),
            "compliance_role": _("Compliance role")}

