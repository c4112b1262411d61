"""Merging duplicate records: the pages that merge two stakeholders of one
account (:meth:`graphcrm.graph.store.GraphStore.merge_people`) or two
accounts (:meth:`~graphcrm.graph.store.GraphStore.merge_accounts`) into one.

The rule is the store's, said on the page: the record kept keeps its values,
its empty ones are filled from the other, every line of the other (roles,
relationships, interactions; an account's stakeholders, opportunities and
team) moves to it, and the other is deleted.  Merging two accounts does not
merge their people: two of one name stay two records at the survivor, and
the page says so before and after (the integrity report lists them, with the
people's merge link).  Both pages go the same way (:func:`_merge_page`):
pick the other record, compare the two side by side, choose the one to keep,
confirm; a stale version answers 409 with the current values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import HiddenInput

from graphcrm import model
from graphcrm.errors import Conflict, ValidationError
from graphcrm.web.access import can_merge_accounts, require_account, visible_accounts
from graphcrm.web.db import get_store
from graphcrm.web.forms import AccountForm, PersonForm

bp = Blueprint("merge", __name__)

#: what the preview counts, by the relationship types that make it up
PERSON_COUNTS = (
    (_l("Relationships"), ("REPORTS_TO", "INFLUENCES", "KNOWS", "RELATIONSHIP")),
    (_l("Roles in deals"), ("ROLE_IN",)),
    (_l("Interactions"), ("WITH",)),
)
ACCOUNT_COUNTS = (
    (_l("Stakeholders"), ("WORKS_AT",)),
    (_l("Opportunities"), ("FOR",)),
    (_l("Team members"), ("MEMBER_OF",)),
    (_l("Parent and units"), ("PART_OF",)),
)


class MergeForm(FlaskForm):
    """Which of the two records to keep, and the versions both were shown at."""

    keep = RadioField(_l("Keep"), validators=[DataRequired()])
    other = HiddenField(validators=[DataRequired()])
    this_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    other_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _name_key(record: dict) -> str:
    return str(record.get("name") or "").strip().casefold()


def _same_name_first(record: dict, others: list[dict]) -> list[dict]:
    """``others`` but ``record``, those of its name first, then by name."""
    key = _name_key(record)
    others = [o for o in others if o["id"] != record["id"]]
    return sorted(others, key=lambda o: (_name_key(o) != key, str(o.get("name") or ""), o["id"]))


def _described(record: dict, fields: tuple[str, ...]) -> str:
    return " · ".join(str(x) for x in (*(record.get(f) for f in ("name", *fields)), record["id"]) if x)


def _person_described(p: dict) -> str:
    return _described(p, ("title", "department"))


def _account_described(a: dict) -> str:
    return _described(a, ("industry", "region"))


def _preview(form_class, counts: tuple, lines: list[dict], record: dict, other: dict) -> dict:
    """The two side by side: each property either has (enumerations by their
    label), whether they differ, and how many lines of each kind they have."""
    labels = form_class(formdata=None, editing=True, meta={"csrf": False})
    lang = str(get_locale() or "en")

    def shown(name: str, value):
        vocabulary = form_class.ENUMS.get(name)
        return model.label_text(vocabulary, value, lang) if vocabulary and value else ("" if value is None else value)

    fields = [{"label": labels.field_label(name), "values": [shown(name, r.get(name)) for r in (record, other)],
               "differs": record.get(name) != other.get(name)}
              for name in form_class.PROPERTIES
              if record.get(name) not in (None, "") or other.get(name) not in (None, "")]
    numbers = [(label, [sum(n.get(t, 0) for t in types) for n in lines]) for label, types in counts]
    return {"fields": fields, "counts": numbers}


def _merge_page(template: str, label: str, record: dict, others: list[dict], merge: Callable[..., dict], *,
                described: Callable[[dict], str], preview: Callable[[dict, dict], dict],
                landing: Callable[[str], str], after: Callable[[dict], None] = lambda kept: None):
    """The steps both merge pages share: the list of ``others`` to pick from
    (no ``with`` yet), the preview, and on POST the merge of the one not
    kept into the one kept (``merge``, a GraphStore method), landing on
    ``landing(kept_id)`` after ``after(kept)`` (more to flash).  A refused
    merge shows why (400); a stale version shows the current values (409)."""
    store = get_store()
    other_id = request.form.get("other") or request.args.get("with")
    if not other_id:
        status = 400 if request.method == "POST" else 200  # a merge sent without the other record
        return render_template(template, record=record, others=others, other=None), status
    other = next((o for o in others if o["id"] == other_id), None)
    if other is None:
        abort(404)
    form = MergeForm()
    form.keep.choices = [(r["id"], described(r)) for r in (record, other)]
    problem, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            versions = {record["id"]: form.this_version.data, other_id: form.other_version.data}
            keep_id = form.keep.data
            drop = other if keep_id == record["id"] else record
            try:
                kept = merge(keep_id, drop["id"], keep_version=versions[keep_id], drop_version=versions[drop["id"]])
            except ValidationError as e:
                problem = e.message
            except Conflict:
                problem, status = _("One of the two was changed by someone else meanwhile: "
                                    "check the values below and merge again."), 409
                record, other = store.get(label, record["id"]), store.get(label, other_id)
            else:
                flash(_("Merged %(dropped)s into %(kept)s: the one record keeps both histories.",
                        dropped=described(drop), kept=described(kept)))
                after(kept)
                return redirect(landing(keep_id))
    if request.method == "GET" or status == 409:  # the versions shown now (a 409: the current ones)
        shown = {"keep": form.keep.data or record["id"], "other": other_id,
                 "this_version": record["version"], "other_version": other["version"]}
        for name, value in shown.items():
            form[name].data, form[name].raw_data = value, None
    return render_template(template, record=record, others=others, other=other, form=form, problem=problem,
                           **preview(record, other)), status


@bp.route("/people/<person_id>/merge", methods=["GET", "POST"])
@login_required
def people(person_id: str):
    """Merge a stakeholder with another of their account: pick the other, compare, confirm."""
    account_id = require_account("Person", person_id, edit=True)
    store = get_store()
    person = store.get("Person", person_id)
    others = _same_name_first(person, store.people_of_account(account_id))

    def preview(p: dict, other: dict) -> dict:
        lines = [store.lines_of("Person", p["id"]), store.lines_of("Person", other["id"])]
        return _preview(PersonForm, PERSON_COUNTS, lines, p, other)

    return _merge_page("merge_people.html", "Person", person, others, store.merge_people, described=_person_described,
                       preview=preview, landing=lambda kept_id: url_for("people.person", person_id=kept_id))


def namesakes(store, account_ids: list[str]) -> list[str]:
    """The names two or more of these accounts' people share (in any case), sorted:
    after a merge of the accounts, the people to look at."""
    people = [p for a in account_ids for p in store.people_of_account(a)]
    counts = Counter(_name_key(p) for p in people)
    return sorted({p["name"].strip() for p in people if counts[_name_key(p)] > 1})


@bp.route("/accounts/<account_id>/merge", methods=["GET", "POST"])
@login_required
def accounts(account_id: str):
    """Merge an account with a duplicate: pick the other, compare, confirm (admins and managers of both)."""
    require_account("Account", account_id, edit=True)
    if not can_merge_accounts(current_user, account_id):
        abort(404)
    store = get_store()
    account = store.get("Account", account_id)
    mergeable = [a for a in visible_accounts() if can_merge_accounts(current_user, a["id"])]
    others = _same_name_first(account, mergeable)

    def preview(a: dict, other: dict) -> dict:
        lines = [store.lines_of("Account", a["id"]), store.lines_of("Account", other["id"])]
        return {**_preview(AccountForm, ACCOUNT_COUNTS, lines, a, other),
                "namesakes": namesakes(store, [a["id"], other["id"]])}

    def after(kept: dict) -> None:
        shared = namesakes(store, [kept["id"]])
        if shared:
            flash(ngettext("%(num)d name is now shared by several stakeholders of the account (%(names)s): "
                           "merge them from the person page if they are one person.",
                           "%(num)d names are now shared by several stakeholders of the account (%(names)s): "
                           "merge them from the person page if they are one person.",
                           len(shared), names=", ".join(shared)))

    return _merge_page("merge_accounts.html", "Account", account, others, store.merge_accounts,
                       described=_account_described, preview=preview, after=after,
                       landing=lambda kept_id: url_for("accounts.account", account_id=kept_id))
