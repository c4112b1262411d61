"""Search across the accounts and people the user may see."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from graphcrm.web.access import visible_account_ids
from graphcrm.web.db import get_store

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def search():
    """Accounts and people of the accounts the user may see, by name or title."""
    q = (request.args.get("q") or "").strip()
    results = get_store().search(q, accounts=visible_account_ids()) if q else {"accounts": [], "people": []}
    return render_template("search.html", q=q, results=results)
