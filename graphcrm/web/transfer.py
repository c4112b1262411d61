"""Import (upload, preview, apply), the templates (CSV or .xlsx), exports of an account or
opportunity view, and the admin's "forget this person" action.

Who may do what:

* import: admins (everything) and key-account managers (each row passes the
  rule of graphcrm/access.py, as on the forms: only records of accounts they
  may edit; the accounts they create are put on their team; never users);
* templates: every signed-in user (they hold no data);
* export of an account or opportunity view: whoever may see the account
  (404 otherwise, as everywhere);
* forget: admins.

An upload is kept under ``<data dir>/uploads/<token>/`` between the preview
and the apply (the token is in the uploader's session only), bounded and
expired by graphcrm/web/uploads.py, and removed after the apply.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from graphcrm.access import IMPORTERS
from graphcrm.transfer.export import FORMATS, MEDIA, record_export, render, without_pii, zip_files
from graphcrm.transfer.forget import forget
from graphcrm.transfer.salesforce import read_salesforce
from graphcrm.transfer.templates import read_templates, template_files, template_workbook
from graphcrm.web import uploads
from graphcrm.web.access import actor, require_account
from graphcrm.web.db import get_store
from graphcrm.web.reports import account_graph

bp = Blueprint("transfer", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.record_once
def _expire_old_uploads(state) -> None:
    """Uploads left by an earlier run of the app are removed when it starts."""
    uploads.expire(Path(state.app.config["GRAPHCRM_SETTINGS"].data_dir) / "uploads")



class UploadForm(FlaskForm):
    kind = SelectField(_l("Format"), choices=[SelectChoice("salesforce", _l("Salesforce export")),
                                              SelectChoice("csv", _l("GraphCRM templates (CSV or .xlsx)"))],
                       validators=[DataRequired()])
    files = MultipleFileField(_l("CSV or .xlsx files, or one .zip"))


class ApplyForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class ForgetForm(FlaskForm):
    confirm = BooleanField(_l("I understand that this cannot be undone"), validators=[DataRequired()])


def _require_importer() -> None:
    if current_user.role not in IMPORTERS:
        abort(404)


def _uploads_root() -> Path:
    return Path(current_app.config["GRAPHCRM_SETTINGS"].data_dir) / "uploads"


def _min_free() -> int:
    return int(current_app.config.get("GRAPHCRM_MIN_FREE_BYTES", uploads.MIN_FREE))


def _upload_dir(token: str) -> Path:
    if not token or not token.isalnum():
        abort(404)
    return _uploads_root() / token


def _save_upload(files) -> Path:
    """Keep the uploaded files under a new token (graphcrm/web/uploads.py)."""
    target = _upload_dir(secrets.token_hex(16))
    uploads.save(files, target, min_free=_min_free())
    previous = session.get("import_token")
    if previous:  # one pending upload per session: a new one replaces it
        shutil.rmtree(_upload_dir(previous), ignore_errors=True)
    session["import_token"] = target.name
    return target


def _plan(kind: str, folder: Path):
    store = get_store()
    plan = read_salesforce(folder) if kind == "salesforce" else read_templates(folder)
    plan.resolve(store, actor=actor())
    return plan


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    _require_importer()
    form = UploadForm()
    if request.method == "POST":
        if form.validate_on_submit():
            files = [f for f in form.files.data or [] if f and f.filename]
            if not files:
                form.files.errors = [_("choose the CSV files of the export, or one zip file")]
            else:
                try:
                    folder = _save_upload(files)
                except uploads.UploadRefused as refusal:
                    form.files.errors = [str(refusal)]
                else:
                    session["import_kind"] = form.kind.data
                    plan = _plan(form.kind.data, folder)
                    return render_template("import.html", form=form, report=plan.report,
                                           apply_form=ApplyForm(token=folder.name)), 200
        return render_template("import.html", form=form, report=None, apply_form=None), 400
    return render_template("import.html", form=form, report=None, apply_form=None)


@bp.route("/import/apply", methods=["POST"])
@login_required
def apply():
    _require_importer()
    form = ApplyForm()
    if not form.validate_on_submit() or form.token.data != session.get("import_token"):
        abort(404)
    folder = _upload_dir(form.token.data)
    if not folder.is_dir():
        abort(404)
    plan = _plan(session.get("import_kind", "salesforce"), folder)
    try:
        uploads.check_free_space(_uploads_root(), min_free=_min_free())
    except uploads.UploadRefused as refusal:
        flash(str(refusal))
        return render_template("import.html", form=UploadForm(), report=plan.report, apply_form=None), 507
    report = plan.apply(get_store())
    if report.applied:
        shutil.rmtree(folder, ignore_errors=True)
        session.pop("import_token", None)
        flash(_("Import applied."))
    status = 200 if report.applied else 400
    return render_template("import.html", form=UploadForm(), report=report, apply_form=None), status


@bp.route("/import/templates.zip")
@login_required
def templates_zip():
    """The empty CSV templates and their README, headed in English or Chinese (``?lang=``)."""
    lang = "zh" if request.args.get("lang", "").startswith("zh") else "en"
    return Response(zip_files(template_files(lang)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="graphcrm-templates-{lang}.zip"'})


@bp.route("/import/templates.xlsx")
@login_required
def templates_xlsx():
    """The empty templates as one workbook: a sheet per template, bilingual headers, drop-downs, a README sheet."""
    return Response(template_workbook(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="graphcrm-templates.xlsx"'})


def _export(account_id: str, fmt: str, *, label: str, target: str) -> Response:
    """The account view as the user may see it (people of accounts they may
    not see left out), in ``fmt``, recorded in the audit log."""
    if fmt not in FORMATS:
        abort(404)
    G = account_graph(account_id)
    if request.args.get("no_pii"):
        without_pii(G)
    if label == "Opportunity":
        G.graph.update(kind="opportunity", opportunity_id=target)
    body = render(G, fmt)
    record_export(get_store(), G, fmt, label=label, target=target)
    suffix, media = MEDIA[fmt]
    return Response(body, mimetype=media,
                    headers={"Content-Disposition": f'attachment; filename="{label.lower()}-{target}{suffix}"'})


@bp.route("/accounts/<account_id>/export/<fmt>")
@login_required
def export_account(account_id: str, fmt: str):
    require_account("Account", account_id)
    return _export(account_id, fmt, label="Account", target=account_id)


@bp.route("/opportunities/<opportunity_id>/export/<fmt>")
@login_required
def export_opportunity(opportunity_id: str, fmt: str):
    account_id = require_account("Opportunity", opportunity_id)
    return _export(account_id, fmt, label="Opportunity", target=opportunity_id)


@bp.route("/people/<person_id>/forget", methods=["GET", "POST"])
@login_required
def forget_person(person_id: str):
    if current_user.role != "admin":
        abort(403)
    person = get_store().find("Person", person_id)
    if person is None:
        abort(404)
    form = ForgetForm()
    if form.validate_on_submit():
        forget(get_store(), person_id, by=current_user.username)
        flash(_("The personal data of this person was erased."))
        account_id = get_store().account_of("Person", person_id)
        return redirect(url_for("people.person", person_id=person_id) if account_id else url_for("dashboard.index"))
    return render_template("forget.html", person=person, form=form), 400 if request.method == "POST" else 200
