"""The account page (stakeholder network and table) and its CSV export."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from graphcrm.web.auth import can_edit_account, require_account
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.network import network_data

bp = Blueprint("accounts", __name__)


def people_rows(G, account_id: str) -> list[dict]:
    rows = []
    for n, d in G.nodes(data=True):
        if d.get("label") != "Person" or not G.has_edge(n, account_id, "WORKS_AT"):
            continue
        ours = [
            {"name": G.nodes[u].get("display_name") or u, "strength": e.get("strength")}
            for u, _, e in G.in_edges(n, data=True)
            if e.get("type") == "RELATIONSHIP" and G.nodes[u].get("label") == "User"
        ]
        rows.append({**d, "ours": ours})
    rows.sort(key=lambda r: (-(r.get("influence") or 0), str(r.get("name") or "")))
    return rows


@bp.route("/accounts/<account_id>")
@login_required
def account(account_id: str):
    require_account("Account", account_id)
    store = get_store()
    reports = get_reports()
    G = reports.account_graph(account_id)
    report = reports.account_report(account_id)
    return render_template(
        "account.html",
        account=G.nodes[account_id],
        report=report,
        people=people_rows(G, account_id),
        network=network_data(G, account_id, None if current_user.sees_all
                             else store.member_accounts(current_user.id)),
        can_edit=can_edit_account(current_user, account_id),
    )


def _csv_cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/accounts/<account_id>/stakeholders.csv")
@login_required
def account_csv(account_id: str):
    require_account("Account", account_id)
    G = get_reports().account_graph(account_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "title", "department", "influence", "stance", "our_relationships"])
    for p in people_rows(G, account_id):
        ours = "; ".join(f"{r['name']} ({r['strength']})" for r in p["ours"])
        writer.writerow([_csv_cell(x) for x in (p["id"], p.get("name"), p.get("title"), p.get("department"),
                                                p.get("influence"), p.get("stance"), ours)])
    return Response(
        "\ufeff" + out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="stakeholders-{account_id}.csv"'},
    )
