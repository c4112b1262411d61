"""The account page (stakeholder network and table), its CSV export, and
the account create / edit / delete forms."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from graphcrm.web.access import (
    can_create_accounts,
    can_edit_account,
    can_merge_accounts,
    can_view_account,
    require_account,
)
from graphcrm.web.db import get_store
from graphcrm.web.forms import AccountForm, confirm_page, edit_page, form_page, refuse_same_name
from graphcrm.web.network import network_data
from graphcrm.web.reports import account_coverage, account_graph, page_body

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
    G = account_graph(account_id)
    can_edit = can_edit_account(current_user, account_id)
    can_merge = can_merge_accounts(current_user, account_id)
    def context() -> dict:
        report = account_coverage(account_id)
        return dict(account=G.nodes[account_id], report=report, people=people_rows(G, account_id),
                    voices={v["id"]: v for v in report["satisfaction"]["people"]},
                    network=network_data(G), can_edit=can_edit, can_merge=can_merge)

    body = page_body("_account_body.html", account_id, (can_edit, can_merge), context)
    return render_template("account.html", account=G.nodes[account_id], body=body)


def _csv_cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/accounts/<account_id>/stakeholders.csv")
@login_required
def account_csv(account_id: str):
    require_account("Account", account_id)
    G = account_graph(account_id)
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


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required
def new_account():
    """A new account; a manager who creates one joins its team."""
    if not can_create_accounts(current_user):
        abort(404)
    member = None if current_user.role == "admin" else current_user.id
    form = AccountForm()

    def write(props):
        refuse_same_name(form, get_store().same_name("Account", props["name"]),
                         lambda a: url_for("accounts.account", account_id=a["id"])
                         if can_view_account(current_user, a["id"]) else None)
        return get_store().create_account(props, member_id=member)

    return form_page(
        form, write,
        title=_("New account"), cancel=url_for("dashboard.index"),
        success=lambda a: url_for("accounts.account", account_id=a["id"]),
    )


@bp.route("/accounts/<account_id>/edit", methods=["GET", "POST"])
@login_required
def edit_account(account_id: str):
    require_account("Account", account_id, edit=True)
    return edit_page("Account", account_id, AccountForm(editing=True), title=_("Edit account"),
                     back=url_for("accounts.account", account_id=account_id))


@bp.route("/accounts/<account_id>/delete", methods=["GET", "POST"])
@login_required
def delete_account(account_id: str):
    require_account("Account", account_id, edit=True)
    store = get_store()
    account = store.get("Account", account_id)
    people = len(store.people_of_account(account_id))
    opportunities = len(store.opportunities_of_account(account_id))
    return confirm_page(
        lambda: store.delete("Account", account_id),
        title=_("Delete the account %(name)s?", name=account["name"]),
        consequences=[
            ngettext("%(num)d stakeholder", "%(num)d stakeholders", people),
            ngettext("%(num)d opportunity", "%(num)d opportunities", opportunities),
            _("the interactions with these stakeholders only"),
        ],
        cancel=url_for("accounts.account", account_id=account_id),
        success=url_for("dashboard.index"),
    )
