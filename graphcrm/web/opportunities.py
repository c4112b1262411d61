"""The opportunity page (the power map: buying center over the org chart,
readiness, coverage gaps, warm paths, stance outlook, what-if) and the
opportunity and competitor create / edit / delete forms."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from graphcrm.analysis import what_if
from graphcrm.errors import ValidationError
from graphcrm.web.access import can_edit_account, require_account
from graphcrm.web.asof import opportunity_gates
from graphcrm.web.auth import safe_next
from graphcrm.web.db import get_store
from graphcrm.web.forms import (
    CompetesForForm,
    CompetitorForm,
    OpportunityForm,
    choices,
    confirm_page,
    edit_page,
    form_page,
)
from graphcrm.web.network import power_map_data
from graphcrm.web.reports import opportunity_graph, opportunity_report, page_body

bp = Blueprint("opportunities", __name__)


def departure_choices(report: dict) -> list[tuple[str, str]]:
    """Who can be pretended gone: the buying center, then our people who
    hold a relationship in it."""
    people = [(m["id"], m["name"]) for m in report["buying_center"]]
    ours = {r["id"]: r["name"] for m in report["buying_center"] for r in m["our_relationships"]}
    return people + sorted(ours.items(), key=lambda kv: str(kv[1]))


@bp.route("/opportunities/<opportunity_id>")
@login_required
def opportunity(opportunity_id: str):
    """The power map: buying center over the org chart, gaps as actions,
    readiness, warm paths, stance outlook and ``?leaves=<id>`` (what if this
    person left)."""
    account_id = require_account("Opportunity", opportunity_id)
    G = opportunity_graph(opportunity_id)
    report = opportunity_report(opportunity_id)
    departures = departure_choices(report)
    leaves = request.args.get("leaves") or None
    if leaves is not None and leaves not in dict(departures):
        raise ValidationError("leaves", _("choose a person of this buying center or of our team"))
    can_edit = can_edit_account(current_user, account_id)
    body = page_body("_opportunity_body.html", account_id, (opportunity_id, can_edit, leaves), lambda: dict(
        report=report, account_id=account_id, can_edit=can_edit,
        power_map=power_map_data(G, opportunity_id, report["buying_center"], str(get_locale() or "en")),
        departure_choices=departures, leaves=leaves,
        scenario=what_if(G, opportunity_id, leaves) if leaves else None,
        gates=opportunity_gates(opportunity_id, account_id)))
    return render_template("opportunity.html", opportunity=report["opportunity"], body=body)


@bp.route("/accounts/<account_id>/opportunities/new", methods=["GET", "POST"])
@login_required
def new_opportunity(account_id: str):
    require_account("Account", account_id, edit=True)
    store = get_store()
    return form_page(
        OpportunityForm(), lambda props: store.create_opportunity(account_id, props),
        title=_("New opportunity"), subject=store.get("Account", account_id)["name"],
        cancel=url_for("accounts.account", account_id=account_id),
        success=lambda o: url_for("opportunities.opportunity", opportunity_id=o["id"]),
    )


@bp.route("/opportunities/<opportunity_id>/edit", methods=["GET", "POST"])
@login_required
def edit_opportunity(opportunity_id: str):
    require_account("Opportunity", opportunity_id, edit=True)
    return edit_page("Opportunity", opportunity_id, OpportunityForm(editing=True), title=_("Edit opportunity"),
                     back=url_for("opportunities.opportunity", opportunity_id=opportunity_id))


@bp.route("/opportunities/<opportunity_id>/delete", methods=["GET", "POST"])
@login_required
def delete_opportunity(opportunity_id: str):
    account_id = require_account("Opportunity", opportunity_id, edit=True)
    store = get_store()
    return confirm_page(
        lambda: store.delete("Opportunity", opportunity_id),
        title=_("Delete the opportunity %(name)s?", name=store.get("Opportunity", opportunity_id)["name"]),
        consequences=[_("its buying-center roles, competitors' bids and team memberships "
                        "(the people and interactions stay)")],
        cancel=url_for("opportunities.opportunity", opportunity_id=opportunity_id),
        success=url_for("accounts.account", account_id=account_id),
    )


@bp.route("/opportunities/<opportunity_id>/competitors/new", methods=["GET", "POST"])
@login_required
def new_competitor(opportunity_id: str):
    """A competitor for this bid: one already known, or a new one by name."""
    require_account("Opportunity", opportunity_id, edit=True)
    store = get_store()
    form = CompetesForForm()
    known = [(c["id"], c["name"]) for c in store.list_nodes("Competitor", limit=10000)]
    form.other.choices = choices([("", "—")] + known)

    def write(props):
        if form.other.data:
            return store.relate("COMPETES_FOR", form.other.data, opportunity_id, replace=False)
        if not props["name"]:
            raise ValidationError("name", _("choose a competitor or enter a new name"))
        return store.create_competitor(opportunity_id, props)

    back = url_for("opportunities.opportunity", opportunity_id=opportunity_id)
    return form_page(form, write, title=_("Add a competitor"), cancel=back, success=lambda c: back,
                     subject=store.get("Opportunity", opportunity_id)["name"])


def require_competitor(competitor_id: str, *, every: bool) -> dict:
    """The competitor, or 404 unless the user may edit an account it competes
    at (``every``: all of them, to delete it)."""
    store = get_store()
    competitor = store.find("Competitor", competitor_id)
    accounts = store.competitor_accounts(competitor_id) if competitor else set()
    editable = [can_edit_account(current_user, a) for a in accounts]
    allowed = current_user.role == "admin" or (editable and (all(editable) if every else any(editable)))
    if competitor is None or not allowed:
        abort(404)
    return competitor


@bp.route("/competitors/<competitor_id>/edit", methods=["GET", "POST"])
@login_required
def edit_competitor(competitor_id: str):
    stored = require_competitor(competitor_id, every=False)
    return edit_page("Competitor", competitor_id, CompetitorForm(editing=True), title=_("Edit competitor"),
                     back=safe_next(request.args.get("next")) or url_for("dashboard.index"), stored=stored)


@bp.route("/competitors/<competitor_id>/delete", methods=["GET", "POST"])
@login_required
def delete_competitor(competitor_id: str):
    competitor = require_competitor(competitor_id, every=True)
    back = safe_next(request.args.get("next")) or url_for("dashboard.index")
    return confirm_page(
        lambda: get_store().delete("Competitor", competitor_id),
        title=_("Delete the competitor %(name)s?", name=competitor["name"]),
        consequences=[_("its bids and its relationships with stakeholders")],
        cancel=back, success=url_for("dashboard.index"),
    )
