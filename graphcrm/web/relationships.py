"""Relationship forms: our team's and competitors' relationships with a
stakeholder (RELATIONSHIP), the customer side (REPORTS_TO, INFLUENCES,
KNOWS), buying-center roles (ROLE_IN) and competitors' bids (COMPETES_FOR).

A relationship is addressed by ``/relationships/<type>/<start>/<end>``.  Who
may change it is decided by its anchor: the stakeholder (our and
competitors' relationships), the first stakeholder (customer side) or the
opportunity (roles, bids); the user must be able to edit the anchor's account.
"""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from graphcrm import model
from graphcrm.access import ANCHORS
from graphcrm.errors import ValidationError
from graphcrm.web.access import require_account
from graphcrm.web.db import get_store
from graphcrm.web.forms import (
    CompetitorRelationshipForm,
    OurRelationshipForm,
    PeerForm,
    RoleForm,
    choices,
    confirm_page,
    form_page,
)

bp = Blueprint("relationships", __name__)

PEER_TYPES = ("REPORTS_TO", "INFLUENCES", "KNOWS")
#: type -> (anchor label, anchor end, edit form or None when it has no properties)
EDITABLE = {
    "RELATIONSHIP": ("Person", "end", OurRelationshipForm),
    "REPORTS_TO": ("Person", "start", None),
    "INFLUENCES": ("Person", "start", PeerForm),
    "KNOWS": ("Person", "start", PeerForm),
    "ROLE_IN": ("Opportunity", "end", RoleForm),
    "COMPETES_FOR": ("Opportunity", "end", None),
}


def _page_of(label: str, node_id: str) -> str:
    if label == "Person":
        return url_for("people.person", person_id=node_id)
    return url_for("opportunities.opportunity", opportunity_id=node_id)


def _type_label(rel_type: str) -> str:
    return model.label_text(model.RELATIONSHIP_TYPES, rel_type, str(get_locale() or "en"))


def _people_choices(account_id: str, *, besides: str | None = None) -> list:
    """The account's people with title and department, so that two of one name can be told apart."""
    people = [p for p in get_store().people_of_account(account_id) if p["id"] != besides]
    return choices(sorted(((p["id"], " — ".join(x for x in (p["name"], p.get("title"), p.get("department")) if x))
                           for p in people), key=lambda pair: pair[1]))


@bp.route("/people/<person_id>/relationships/new/<kind>", methods=["GET", "POST"])
@login_required
def new_for_person(person_id: str, kind: str):
    """``kind``: ``ours`` (a colleague's relationship), ``competitor`` (a
    competitor's) or ``peer`` (REPORTS_TO / INFLUENCES / KNOWS another stakeholder)."""
    if kind not in ("ours", "competitor", "peer"):
        abort(404)
    account_id = require_account("Person", person_id, edit=True)
    store = get_store()
    person = store.get("Person", person_id)
    if kind == "peer":
        form = PeerForm()
        form.kind.choices = choices([(t, _type_label(t)) for t in PEER_TYPES])
        form.other.choices = _people_choices(account_id, besides=person_id)

        def write(props):
            if form.kind.data == "REPORTS_TO":
                props = {}
            return store.relate(form.kind.data, person_id, form.other.data, props, replace=False)

        title = _("New relationship between stakeholders")
    elif kind == "ours":
        form = OurRelationshipForm()
        form.other.choices = choices((u["id"], u.get("display_name") or u["username"])
                                     for u in store.list_nodes("User", limit=10000) if u.get("active", True))
        if request.method == "GET":
            form.other.data = current_user.id  # most often: the user's own relationship
        title = _("New relationship of our team")

        def write(props):
            return store.relate("RELATIONSHIP", form.other.data, person_id, props, replace=False)
    else:
        form = CompetitorRelationshipForm()
        form.other.choices = choices([("", "—"), *((c["id"], c["name"])
                                                   for c in store.list_nodes("Competitor", limit=10000))])
        title = _("New relationship of a competitor")

        def write(props):
            competitor_id = form.other.data
            if form.new_competitor.data:
                competitor_id = store.create("Competitor", {"name": form.new_competitor.data})["id"]
            elif not competitor_id:
                raise ValidationError("other", _("choose a competitor or enter a new name"))
            return store.relate("RELATIONSHIP", competitor_id, person_id, props, replace=False)

    back = _page_of("Person", person_id)
    return form_page(form, write, title=title, subject=person["name"], cancel=back, success=lambda r: back)


@bp.route("/opportunities/<opportunity_id>/roles/new", methods=["GET", "POST"])
@login_required
def new_role(opportunity_id: str):
    """A stakeholder of the account joins the buying center with a role."""
    account_id = require_account("Opportunity", opportunity_id, edit=True)
    store = get_store()
    form = RoleForm()
    form.other.choices = _people_choices(account_id)
    back = _page_of("Opportunity", opportunity_id)
    names = {choice.value: choice.label for choice in form.other.choices}
    return form_page(
        form, lambda props: store.relate("ROLE_IN", form.other.data, opportunity_id, props, replace=False),
        title=_("Add to the buying center"), subject=store.get("Opportunity", opportunity_id)["name"],
        cancel=back, success=lambda r: back,
        another=url_for("relationships.new_role", opportunity_id=opportunity_id),
        saved=lambda r: _("Saved: %(who)s in the buying center.", who=names.get(form.other.data, "")),
    )


def _anchor(rel_type: str, start: str, end: str) -> tuple[str, dict]:
    """The page to return to and the stored relationship, or 404 (unknown,
    not editable here, or not the user's: the user must be able to change
    the account of each end that anchors it and see the others, as
    graphcrm.access.ANCHORS says)."""
    if rel_type not in EDITABLE:
        abort(404)
    label, side, _form = EDITABLE[rel_type]
    anchor = end if side == "end" else start
    starts, ends = model.RELATIONSHIP_TYPES[rel_type][:2]
    edit, view = ANCHORS[rel_type]
    for which, node_id, labels in (("start", start, starts), ("end", end, ends)):
        if which in edit or which in view:
            if labels[0] in ("Account", "Person", "Opportunity"):
                require_account(labels[0], node_id, edit=which in edit)
    return _page_of(label, anchor), get_store().get_relationship(rel_type, start, end)


@bp.route("/relationships/<rel_type>/<start>/<end>/edit", methods=["GET", "POST"])
@login_required
def edit(rel_type: str, start: str, end: str):
    back, stored = _anchor(rel_type, start, end)
    form_class = EDITABLE[rel_type][2]
    if form_class is None:
        abort(404)
    form = form_class(editing=True)
    store = get_store()
    return form_page(
        form,
        lambda props: store.update_relationship(rel_type, start, end, props, version=form.version.data),
        title=_("Edit relationship"), subject=relationship_text(rel_type, start, end),
        cancel=back, success=lambda r: back, stored=stored,
    )


@bp.route("/relationships/<rel_type>/<start>/<end>/delete", methods=["GET", "POST"])
@login_required
def delete(rel_type: str, start: str, end: str):
    back, _stored = _anchor(rel_type, start, end)
    return confirm_page(
        lambda: get_store().unrelate(rel_type, start, end),
        title=_("Delete the relationship: %(what)s?", what=relationship_text(rel_type, start, end)),
        consequences=[], cancel=back, success=back,
    )


def relationship_text(rel_type: str, start: str, end: str) -> str:
    """"唐军 influences 韩雪": a relationship in words, in the UI language."""
    store = get_store()
    starts, ends = model.RELATIONSHIP_TYPES[rel_type][:2]
    names = []
    for node_id, labels in ((start, starts), (end, ends)):
        props = next((p for p in (store.find(label, node_id) for label in labels) if p), {})
        names.append(props.get("name") or props.get("display_name") or node_id)
    return f"{names[0]} {_type_label(rel_type)} {names[1]}"
