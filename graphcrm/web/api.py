"""The JSON API: the same reports the pages show, under the same access rules."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import login_required

from graphcrm.web.auth import require_account
from graphcrm.web.db import get_reports

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/accounts/<account_id>")
@login_required
def api_account(account_id: str):
    require_account("Account", account_id)
    return jsonify(get_reports().account_report(account_id))


@bp.route("/opportunities/<opportunity_id>")
@login_required
def api_opportunity(opportunity_id: str):
    require_account("Opportunity", opportunity_id)
    return jsonify(get_reports().opportunity_report(opportunity_id))
