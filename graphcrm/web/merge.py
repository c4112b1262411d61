"""Merging duplicate records: the page that merges two stakeholders of one
account into one (:meth:`graphcrm.graph.store.GraphStore.merge_people`).

The rule is the store's, said on the page: the person kept keeps their
values, their empty ones are filled from the other, every line of the other
(roles, relationships, interactions) moves to them, and the other is deleted.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import HiddenInput

from graphcrm.errors import Conflict, ValidationError
from graphcrm.web.access import require_account
from graphcrm.web.db import get_store
from graphcrm.web.forms import PersonForm

bp = Blueprint("merge", __name__)

#: what the preview counts, by the relationship types that make it up
COUNTS = (
    (_l("Relationships"), ("REPORTS_TO", "INFLUENCES", "KNOWS", "RELATIONSHIP")),
    (_l("Roles in deals"), ("ROLE_IN",)),
    (_l("Interactions"), ("WITH",)),
)


class MergeForm(FlaskForm):
    """Which of the two people to keep, and the versions both were shown at."""

    keep = RadioField(_l("Keep"), validators=[DataRequired()])
    other = HiddenField(validators=[DataRequired()])
    this_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    other_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _others(store, account_id: str, person: dict) -> list[dict]:
    """The other people of the account, those of the person's name first, then by name."""
    key = person["name"].strip().casefold()
    others = [p for p in store.people_of_account(account_id) if p["id"] != person["id"]]
    return sorted(others, key=lambda p: (p["name"].strip().casefold() != key, p["name"], p["id"]))


def _described(p: dict) -> str:
    return " · ".join(str(x) for x in (p["name"], p.get("title"), p.get("department"), p["id"]) if x)


def _preview(store, person: dict, other: dict) -> dict:
    """The two side by side: each property either has, and how many lines of each kind."""
    labels = PersonForm(formdata=None, editing=True, meta={"csrf": False})
    fields = [(labels.field_label(name), name) for name in PersonForm.PROPERTIES
              if person.get(name) not in (None, "") or other.get(name) not in (None, "")]
    lines = [store.person_lines(person["id"]), store.person_lines(other["id"])]
    counts = [(label, [sum(n.get(t, 0) for t in types) for n in lines]) for label, types in COUNTS]
    return {"fields": fields, "counts": counts}


@bp.route("/people/<person_id>/merge", methods=["GET", "POST"])
@login_required
def people(person_id: str):
    """Merge a stakeholder with another of their account: pick the other, compare, confirm."""
    account_id = require_account("Person", person_id, edit=True)
    store = get_store()
    person = store.get("Person", person_id)
    others = _others(store, account_id, person)
    other_id = request.form.get("other") or request.args.get("with")
    if not other_id:
        status = 400 if request.method == "POST" else 200  # a merge sent without the other person
        return render_template("merge_people.html", person=person, others=others, other=None), status
    if other_id not in {p["id"] for p in others}:
        abort(404)
    require_account("Person", other_id, edit=True)
    other = store.get("Person", other_id)
    form = MergeForm()
    form.keep.choices = [(p["id"], _described(p)) for p in (person, other)]
    problem, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            versions = {person_id: form.this_version.data, other_id: form.other_version.data}
            keep_id = form.keep.data
            drop = other if keep_id == person_id else person
            try:
                kept = store.merge_people(keep_id, drop["id"], keep_version=versions[keep_id],
                                          drop_version=versions[drop["id"]])
            except ValidationError as e:
                problem = e.message
            except Conflict:
                problem, status = _("One of the two was changed by someone else meanwhile: "
                                    "check the values below and merge again."), 409
                person, other = store.get("Person", person_id), store.get("Person", other_id)
            else:
                flash(_("Merged %(dropped)s into %(kept)s: the one record keeps both histories.",
                        dropped=_described(drop), kept=_described(kept)))
                return redirect(url_for("people.person", person_id=keep_id))
    if request.method == "GET" or status == 409:  # the versions shown now (a 409: the current ones)
        shown = {"keep": form.keep.data or person_id, "other": other_id,
                 "this_version": person["version"], "other_version": other["version"]}
        for name, value in shown.items():
            form[name].data, form[name].raw_data = value, None
    return render_template("merge_people.html", person=person, others=others, other=other, form=form,
                           problem=problem, **_preview(store, person, other)), status
