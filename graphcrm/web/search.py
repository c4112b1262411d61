"""Search across the accounts and people the user may see."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from graphcrm.web.db import get_store

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def search():
    q = (request.args.get("q") or "").strip()
    results = get_store().search(q) if q else {"accounts": [], "people": []}
    if not current_user.sees_all:
        mine = get_store().member_accounts(current_user.id)
        results = {
            "accounts": [a for a in results["accounts"] if a["id"] in mine],
            "people": [p for p in results["people"] if p.get("account_id") in mine],
        }
    return render_template("search.html", q=q, results=results)
