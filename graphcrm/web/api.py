"""The JSON API: the same reports the pages show, under the same access rules."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required

from graphcrm.web.access import require_account, visible_accounts
from graphcrm.web.db import get_reports
from graphcrm.web.reports import account_report, opportunity_report

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/accounts")
@login_required
def api_accounts():
    """The accounts the user may see: id, name, segment, tier, values."""
    return jsonify(sorted(visible_accounts(), key=lambda a: str(a.get("name") or a["id"])))


@bp.route("/portfolio")
@login_required
def api_portfolio():
    """The portfolio coverage report (directors and admins, as the dashboard)."""
    if not current_user.sees_all:
        abort(403)
    return jsonify(get_reports().portfolio_report())


@bp.route("/accounts/<account_id>")
@login_required
def api_account(account_id: str):
    require_account("Account", account_id)
    return jsonify(account_report(account_id))


@bp.route("/opportunities/<opportunity_id>")
@login_required
def api_opportunity(opportunity_id: str):
    require_account("Opportunity", opportunity_id)
    return jsonify(opportunity_report(opportunity_id))
