"""The JSON API: the same reports the pages show, under the same access rules."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import login_required

from graphcrm.analysis import account_report, opportunity_report
from graphcrm.web.auth import account_graph, opportunity_graph, require_account

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/accounts/<account_id>")
@login_required
def api_account(account_id: str):
    require_account("Account", account_id)
    return jsonify(account_report(account_graph(account_id), account_id))


@bp.route("/opportunities/<opportunity_id>")
@login_required
def api_opportunity(opportunity_id: str):
    require_account("Opportunity", opportunity_id)
    return jsonify(opportunity_report(opportunity_graph(opportunity_id), opportunity_id))
