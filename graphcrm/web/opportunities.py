"""The opportunity page: readiness, coverage gaps, warm paths."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from graphcrm.web.auth import require_account
from graphcrm.web.db import get_reports

bp = Blueprint("opportunities", __name__)


@bp.route("/opportunities/<opportunity_id>")
@login_required
def opportunity(opportunity_id: str):
    account_id = require_account("Opportunity", opportunity_id)
    report = get_reports().opportunity_report(opportunity_id)
    return render_template("opportunity.html", report=report, account_id=account_id)
