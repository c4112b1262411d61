"""The person page (roles in deals, who knows them, timeline, log an
interaction) and the stakeholder create / edit / delete forms."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from graphcrm.analysis import stakeholder_satisfaction
from graphcrm.analysis.compliance import restricted_people
from graphcrm.moves import mover_alerts
from graphcrm.web.access import can_edit_account, require_account, visible_account_ids, visible_accounts
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.forms import MoveForm, PersonForm, choices, confirm_page, edit_page, form_page, refuse_same_name, save
from graphcrm.web.interactions import InteractionForm, log_from_person_page, now_input, offer_for
from graphcrm.web.reports import account_graph, page_body, warm_paths_to

bp = Blueprint("people", __name__)


def _timeline(store, person_id: str) -> list[dict]:
    """The person's interactions, each with the other people it met
    (``others``: names) and whether the user may edit it (``can_edit``: every
    account it belongs to is theirs to edit); a person or an opportunity of an
    account the user may not see is left unnamed."""
    visible = visible_account_ids()
    entries = store.timeline(person_id)
    for t in entries:
        accounts = {account for _id, _name, account in t["people"]}
        if t.get("opportunity_id"):
            accounts.add(t["opportunity_account_id"])
            if visible is not None and t["opportunity_account_id"] not in visible:
                t["opportunity_id"] = t["opportunity_name"] = None
        t["others"] = sorted(name for other, name, account in t["people"]
                             if other != person_id and (visible is None or account in visible))
        t["can_edit"] = all(can_edit_account(current_user, a) for a in accounts)
    return entries


@bp.route("/people/<person_id>", methods=["GET", "POST"])
@login_required
def person(person_id: str):
    account_id = require_account("Person", person_id)
    store = get_store()
    can_edit = can_edit_account(current_user, account_id)
    form = InteractionForm()
    if can_edit:
        offer_for(form, {account_id}, ticked=[person_id, current_user.id])
    status = 200
    if request.method == "POST":
        if not can_edit:
            abort(404)
        if form.validate_on_submit():
            logged, _conflict = save(form, lambda values: log_from_person_page(values, person_id))
            if logged is not None:
                flash(_("Interaction logged."))
                return redirect(url_for("people.person", person_id=person_id))
        status = 400
    else:
        form.at.data, form.person_ids.data, form.user_ids.data = now_input(), [person_id], [current_user.id]

    G = account_graph(account_id)
    if person_id not in G:
        abort(404)
    links = page_body("_person_links.html", account_id, (person_id, can_edit),
                      lambda: person_links(G, account_id, person_id, can_edit))
    jobs = _employment(store, person_id)
    here = next((j for j in jobs if j["account_id"] == account_id), None)
    timeline = _timeline(store, person_id)
    if here is not None and not here["current"] and not (jobs[0]["current"] and jobs[0]["visible"]):
        # seen as a former employee: the interactions of their time here, not those of their new employer
        timeline = [t for t in timeline if here["until"] is None or t["props"]["at"][:10] <= here["until"]]
    return render_template(
        "person.html", person=G.nodes[person_id], account=G.nodes[account_id], account_id=account_id, links=links,
        timeline=timeline, form=form, can_edit=can_edit, jobs=jobs, here=here,
        restricted=quiet_period_of(G, person_id),
    ), status


def quiet_period_of(G, person_id: str) -> list[str]:
    """The names of the bids whose quiet period restricts the person now (none: they may be approached)."""
    found = restricted_people(G, datetime.now(timezone.utc)).get(person_id)
    return [str(G.nodes[o].get("name") or o) for o in found["opportunities"]] if found else []


def _employment(store, person_id: str) -> list[dict]:
    """Where the person works and worked (GraphStore.employment), each job with
    ``visible``: whether the user may see that account (else it goes unnamed),
    and a past one with ``roles``: the person's roles in its bids the user may see."""
    visible = visible_account_ids()
    jobs = [{**job, "visible": visible is None or job["account_id"] in visible}
            for job in store.employment(person_id)]
    if len(jobs) > 1 or (jobs and not jobs[0]["current"]):  # roles in the bids of the other accounts seen
        here = jobs[0]["account_id"] if jobs[0]["current"] else ""
        roles = [r for r in store.roles_elsewhere(person_id, here) if visible is None or r["account_id"] in visible]
        for job in jobs:
            job["roles"] = [r for r in roles if r["account_id"] == job["account_id"] and not job["current"]]
    return jobs


def person_links(G, account_id: str, person_id: str, can_edit: bool) -> dict:
    """What _person_links.html shows: the person's satisfaction, roles in
    deals, who knows them, their reporting and influence lines, and warm paths to them."""
    roles = [
        {"opportunity_id": v, "opportunity": G.nodes[v].get("name") or v, **e}
        for _, v, e in G.out_edges(person_id, data=True) if e.get("type") == "ROLE_IN"
    ]
    # account_graph() has left out people at accounts the user may not see
    knowers = [
        {"name": G.nodes[u].get("display_name") or G.nodes[u].get("name") or u,
         "kind": G.nodes[u].get("label"), "start": u, **e}
        for u, _, e in G.in_edges(person_id, data=True) if e.get("type") in ("RELATIONSHIP", "KNOWS")
    ]
    links = [
        {"start": u, "end": v, "other": G.nodes[v if u == person_id else u].get("name"), **e}
        for u, v, e in [*G.out_edges(person_id, data=True), *G.in_edges(person_id, data=True)]
        if e.get("type") in ("REPORTS_TO", "INFLUENCES") or (e.get("type") == "KNOWS" and u == person_id)
    ]
    return dict(person=G.nodes[person_id], roles=roles, knowers=knowers, links=links, can_edit=can_edit,
                paths=warm_paths_to(account_id, person_id), satisfaction=stakeholder_satisfaction(G, person_id))


@bp.route("/accounts/<account_id>/people/new", methods=["GET", "POST"])
@login_required
def new_person(account_id: str):
    """A new stakeholder with their manager and who influences them, saved together."""
    require_account("Account", account_id, edit=True)
    store = get_store()
    form = PersonForm()
    form.offer_colleagues(store.people_of_account(account_id))

    def write(props):
        refuse_same_name(form, store.same_name("Person", props["name"], account_id=account_id),
                         lambda p: url_for("people.person", person_id=p["id"]))
        return store.create_people(account_id, [(props, form.reports_to.data or None, form.influenced_by.data)])[0]

    return form_page(
        form, write,
        title=_("New stakeholder"), subject=store.get("Account", account_id)["name"],
        cancel=url_for("accounts.account", account_id=account_id),
        success=lambda p: url_for("people.person", person_id=p["id"]),
        another=url_for("people.new_person", account_id=account_id),
        saved=lambda p: _("Saved %(name)s.", name=p["name"]),
    )


@bp.route("/people/<person_id>/edit", methods=["GET", "POST"])
@login_required
def edit_person(person_id: str):
    require_account("Person", person_id, edit=True)
    return edit_page("Person", person_id, PersonForm(editing=True), title=_("Edit stakeholder"),
                     back=url_for("people.person", person_id=person_id))


@bp.route("/people/<person_id>/delete", methods=["GET", "POST"])
@login_required
def delete_person(person_id: str):
    account_id = require_account("Person", person_id, edit=True)
    store = get_store()
    person = store.get("Person", person_id)
    interactions = len(store.timeline(person_id, limit=100000))
    return confirm_page(
        lambda: store.delete("Person", person_id),
        title=_("Delete the stakeholder %(name)s?", name=person["name"]),
        consequences=[
            _("their roles in deals and every relationship with them"),
            ngettext("of the %(num)d interaction logged with them, any that met nobody else",
                     "of the %(num)d interactions logged with them, those that met nobody else", interactions),
        ],
        cancel=url_for("people.person", person_id=person_id),
        success=url_for("accounts.account", account_id=account_id),
    )


@bp.route("/people/<person_id>/move", methods=["GET", "POST"])
@login_required
def move_person(person_id: str):
    """Record that a stakeholder left their account ("left the company"), or
    moved to another account the user may change; their roles, interactions
    and our relationships stay with them."""
    require_account("Person", person_id, edit=True)
    store = get_store()
    person = store.get("Person", person_id)
    current = next((j["account_id"] for j in store.employment(person_id) if j["current"]), None)
    form = MoveForm(editing=True)
    targets = [(a["id"], a["name"]) for a in visible_accounts()
               if a["id"] != current and can_edit_account(current_user, a["id"])]
    unknown = [("", _("Not known (left the company)"))] if current else []
    form.to_account_id.choices = choices(unknown + sorted(targets, key=lambda t: t[1]))
    back = url_for("people.person", person_id=person_id)
    return form_page(
        form, lambda props: store.move_person(person_id, version=form.version.data, on=props["on"],
                                              to_account_id=props["to_account_id"], title=props["title"]),
        title=_("%(name)s left or moved", name=person["name"]), subject=person.get("title"),
        cancel=back, success=lambda _person: back, stored=person,
    )


@bp.app_template_global()
def moved_people(user=None) -> list[dict]:
    """The alerts about stakeholders who moved (:func:`graphcrm.moves.mover_alerts`)
    for ``user`` (default: the signed-in one), at the accounts they may see: My
    week and the dashboard show them (_moves.html), the weekly digest too."""
    rows = get_reports().get(("former employees",), get_store().former_employees)
    return mover_alerts(rows, visible_account_ids(user), datetime.now(timezone.utc).date())
