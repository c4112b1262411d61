"""The opportunity page: readiness, coverage gaps, warm paths."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from graphcrm.analysis import opportunity_report
from graphcrm.web.auth import opportunity_graph, require_account

bp = Blueprint("opportunities", __name__)


@bp.route("/opportunities/<opportunity_id>")
@login_required
def opportunity(opportunity_id: str):
    account_id = require_account("Opportunity", opportunity_id)
    G = opportunity_graph(opportunity_id)
    report = opportunity_report(G, opportunity_id)
    return render_template("opportunity.html", report=report, account_id=account_id)
