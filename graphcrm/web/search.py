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
    q = (request.args.get("q") or "").strip()
    results = get_store().search(q) if q else {"accounts": [], "people": []}
    visible = visible_account_ids()
    if visible is not None:
        results = {
            "accounts": [a for a in results["accounts"] if a["id"] in visible],
            "people": [p for p in results["people"] if p.get("account_id") in visible],
        }
    return render_template("search.html", q=q, results=results)
