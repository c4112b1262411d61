"""Interactions: the form that logs one (on the person page) or edits it,
the edit and delete pages reached from each entry of a timeline, and the
page that closes the follow-up of a customer's feedback by logging the
interaction that answered it ("Close with an interaction"), and the page that
gives the follow-up to someone else on the account's team or another due date.

An interaction belongs to the accounts of the people it was with and of the
opportunity it was about (:data:`graphcrm.access.ANCHORS`).  One rule on
every path: a user logs, edits or deletes an interaction only if they may
edit every one of those accounts, and the form offers only the people and
opportunities of such accounts (another account's person sent anyway is
not one of the choices: the form is refused).  Our side is any active user.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms import ValidationError as FieldError
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from graphcrm import model
from graphcrm.analysis.messages import N_
from graphcrm.compliance import ComplianceRefused
from graphcrm.errors import Conflict, ValidationError
from graphcrm.web.access import can_edit_account
from graphcrm.web.db import get_store
from graphcrm.web.formats import local_moment, moment_text, site_zone, utc_from_local, zone_name
from graphcrm.web.forms import (
    DayField,
    GraphForm,
    SmallIntegerField,
    Versioned,
    amount_field,
    at_most,
    between,
    choices,
    confirm_page,
    form_page,
    pattern,
    required,
    text_field,
)

bp = Blueprint("interactions", __name__)

#: the fields of InteractionForm that are not properties of the Interaction node
LINKS = ("person_ids", "user_ids", "opportunity_id")


class MomentField(StringField):
    """A moment typed in the site's time zone as ``2026-05-01T17:30`` (what
    ``<input type="datetime-local">`` sends; an offset may follow); its data
    is the ISO timestamp in UTC as the store keeps it
    (``2026-05-01T09:30:00+00:00`` for 17:30 in Asia/Shanghai), and it shows
    a stored moment in the site's time zone again (graphcrm/web/formats.py)."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        try:
            # a moment at the edge of the calendar (0001-01-01T00:00 in UTC+8) overflows in the conversion
            self.data = utc_from_local(datetime.fromisoformat(text), site_zone())
        except (ValueError, OverflowError):
            raise ValueError(_("%(field)s must be a date and time, such as 2026-05-01T17:30.",
                               field=str(self.label.text))) from None

    def _value(self) -> str:
        if self.process_errors and self.raw_data:
            return self.raw_data[0]  # what was typed, to be corrected
        return local_moment(self.data, site_zone()).strftime("%Y-%m-%dT%H:%M") if self.data else ""


class ChecklistField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes: usable with the
    keyboard (Tab, Space) and readable on a phone, unlike ``<select multiple>``."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def now_input() -> str:
    """The current moment, to the minute, as the "when" field stores it (UTC)."""
    return datetime.now(timezone.utc).replace(second=0, microsecond=0).isoformat()


#: the label of the "when" field: the site's time zone named in the UI language ("When (China Time)")
WHEN = LazyString(lambda: _("When (%(zone)s)", zone=zone_name()))


class InteractionForm(Versioned, GraphForm):
    """An interaction: what, when, with whom on both sides, about which bid."""

    PROPERTIES = ("kind", "channel", "at", "person_ids", "user_ids", "opportunity_id", "summary", "sentiment",
                  "satisfaction", "compliance_reason", "gift_description", "gift_value", "gift_currency")
    ENUMS = {"kind": model.INTERACTION_KINDS, "channel": model.CHANNELS}
    CREATE_ONLY = ()
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    channel = SelectField(_l("Channel"), validators=[DataRequired()])
    at = MomentField(WHEN, validators=[required(WHEN, typed=True), at_most(WHEN, 40)],
                     render_kw={"type": "datetime-local"})
    person_ids = ChecklistField(_l("Their people"))  # no Optional(): it would skip validate_person_ids
    user_ids = ChecklistField(_l("Our people"))
    opportunity_id = SelectField(_l("About the opportunity"), validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)])
    sentiment = SmallIntegerField(_l("Sentiment (-2 to +2)"), default=0,
                                  validators=[Optional(), between(_l("Sentiment (-2 to +2)"), -2, 2)])
    satisfaction = SmallIntegerField(_l("Satisfaction (0 to 10, customer feedback)"),
                                     validators=[Optional(), between(_l("Satisfaction"), 0, 10)])
    compliance_reason = text_field(_l("Reason (a formal clarification meeting in a quiet period)"))
    gift_description = text_field(_l("Gift or hospitality"))
    gift_value = amount_field(_l("Gift value"))
    gift_currency = StringField(_l("Gift currency"), validators=[Optional(), pattern(
        _l("Gift currency"), r"^[A-Z]{3}$", N_("%(field)s must be a three-letter currency code, such as CNY or USD."))])

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        self.editing = editing

    def offer(self, people: list[dict], users: list[dict], opportunities: list[dict], *,
              ticked: Iterable[str] = ()) -> None:
        """The choices: ``people`` with title and department (two of one name
        told apart), the active ``users``, and ``opportunities`` or none; in
        the two lists of checkboxes, those of ``ticked`` (ids) come first, so
        that who is on the interaction shows without scrolling."""
        first = set(ticked)

        def listed(pairs):
            return choices(sorted(pairs, key=lambda pair: (pair[0] not in first, pair[1])))

        self.person_ids.choices = listed(
            (p["id"], " — ".join(x for x in (p["name"], p.get("title"), p.get("department")) if x)) for p in people)
        self.user_ids.choices = listed(
            (u["id"], u.get("display_name") or u["username"]) for u in users if u.get("active", True))
        self.opportunity_id.choices = choices([("", "—"), *sorted(((o["id"], o["name"]) for o in opportunities),
                                                                 key=lambda pair: pair[1])])

    # an edit names both sides; the person page fills in its person and the user (log_props)
    def validate_person_ids(self, field):
        if self.editing and not field.data:
            raise FieldError(_("Choose at least one of their people."))

    def validate_user_ids(self, field):
        if self.editing and not field.data:
            raise FieldError(_("Choose at least one of our people."))

    def validate_satisfaction(self, field):
        if field.data is not None and self.kind.data != "feedback":
            raise FieldError(_("Only customer feedback carries a satisfaction score: choose the kind Customer "
                               "feedback, or leave the score empty."))


def offer_for(form: InteractionForm, accounts, *, ticked: Iterable[str] = ()) -> None:
    """Offer in ``form`` the people and opportunities of ``accounts`` and our
    active users, those of ``ticked`` first (see :meth:`InteractionForm.offer`)."""
    store = get_store()
    form.offer(people=[p for a in sorted(accounts) for p in store.people_of_account(a)],
               users=store.list_nodes("User", limit=10000),
               opportunities=[o for a in sorted(accounts) for o in store.opportunities_of_account(a)],
               ticked=ticked)


def split(props: dict) -> tuple[dict, dict]:
    """The form's values as (the node's properties, its people and opportunity)."""
    links = {k: props.get(k) for k in LINKS}
    links["person_ids"], links["user_ids"] = list(links["person_ids"] or []), list(links["user_ids"] or [])
    return {k: v for k, v in props.items() if k not in LINKS}, links


def log_from_person_page(values: dict, person_id: str):
    """The write of the person page's form (``values``: its properties): the
    interaction with the people and our colleagues ticked; nobody ticked on a
    side: that page's person, the signed-in user."""
    props, links = split(values)
    links["person_ids"] = links["person_ids"] or [person_id]
    links["user_ids"] = links["user_ids"] or [current_user.id]
    return compliant(lambda: get_store().log_interaction({k: v for k, v in props.items() if v is not None}, **links))


def compliant(write):
    """``write()`` (a write of an interaction) with the compliance decision
    (graphcrm/compliance.py) in the user's language: a refusal on the field
    it names, nothing saved; a gift over the annual limit or a meeting in a
    quiet period saved and said (a flashed warning)."""
    try:
        saved = write()
    except ComplianceRefused as refused:
        raise ValidationError(refused.field, _(refused.template, **refused.params)) from None
    if saved.get("gift_limit_flag"):
        flash(_("Warning: the gifts and hospitality recorded for these people this year exceed the annual limit. "
                "The interaction is flagged on the compliance report."), "warning")
    if saved.get("quiet_period_flag"):
        flash(_("Logged in a quiet period with its reason: the interaction is flagged on the compliance report."),
              "warning")
    return saved


def _editable(interaction_id: str) -> tuple[dict, set[str]]:
    """The interaction as stored and its accounts, or 404 when there is none
    or the user may not edit every account it belongs to."""
    store = get_store()
    stored = store.find_interaction(interaction_id)
    accounts = store.node_accounts([interaction_id]).get(interaction_id, set()) if stored else set()
    if not stored or not accounts or not all(can_edit_account(current_user, a) for a in accounts):
        abort(404)
    return stored, accounts


def _back(stored: dict) -> str:
    """The person page the user came from (``?person=``), else the first person met."""
    person_id = request.args.get("person")
    if person_id not in stored["person_ids"]:
        person_id = stored["person_ids"][0]
    return url_for("people.person", person_id=person_id)


def describe(stored: dict) -> str:
    """"Meeting · 2026-05-01 17:30": an interaction in words, in the UI language and the site's time zone."""
    kind = model.label_text(model.INTERACTION_KINDS, stored["kind"], str(get_locale() or "en"))
    return f"{kind} · {moment_text(stored['at'], site_zone())}"


@bp.route("/interactions/<interaction_id>/edit", methods=["GET", "POST"])
@login_required
def edit(interaction_id: str):
    """Edit an interaction: what, when, the people on both sides, the opportunity (version-checked)."""
    stored, accounts = _editable(interaction_id)
    form = InteractionForm(editing=True)
    offer_for(form, accounts, ticked=[*stored["person_ids"], *stored["user_ids"]])
    back = _back(stored)

    def write(values):
        props, links = split(values)
        return compliant(lambda: get_store().update_interaction(interaction_id, props, **links,
                                                                version=form.version.data))

    return form_page(form, write, title=_("Edit interaction"), subject=describe(stored), cancel=back,
                     success=lambda _i: back, stored=stored, saved=lambda _i: _("Interaction saved."))


@bp.route("/interactions/<interaction_id>/delete", methods=["GET", "POST"])
@login_required
def delete(interaction_id: str):
    """Delete an interaction (the recency it gave our relationships stays)."""
    stored, _accounts = _editable(interaction_id)
    back = _back(stored)
    return confirm_page(
        lambda: get_store().delete_interaction(interaction_id),
        title=_("Delete the interaction: %(what)s?", what=describe(stored)),
        consequences=[], cancel=back, success=back,
    )


#: the summary of the interaction that answers a feedback: required
WHAT_WAS_DONE = _l("What was done to answer the feedback")


class AnswerForm(InteractionForm):
    """The interaction that answers a customer's feedback: what was done must be said."""

    summary = TextAreaField(WHAT_WAS_DONE, validators=[required(WHAT_WAS_DONE), Length(max=4000)])


def _open_follow_up(interaction_id: str) -> tuple[dict, set[str], str]:
    """A feedback whose follow-up is open and the user may edit, its accounts and the page to
    go back to: 404 when it has no follow-up; back to that page when it is closed already."""
    stored, accounts = _editable(interaction_id)
    if not stored.get("follow_up_owner"):
        abort(404)
    back = _back(stored)
    if stored.get("follow_up_closed_by"):
        flash(_("This follow-up is closed already."))
        abort(redirect(back))
    return stored, accounts, back


@bp.route("/interactions/<interaction_id>/close", methods=["GET", "POST"])
@login_required
def close_follow_up(interaction_id: str):
    """Close the follow-up of a customer's feedback with the interaction that
    answered it (who may edit the feedback's accounts; else 404)."""
    stored, accounts, back = _open_follow_up(interaction_id)
    form = AnswerForm()
    offer_for(form, accounts, ticked=[*stored["person_ids"], current_user.id])
    if request.method == "GET":
        form.kind.data, form.channel.data, form.at.data = "call", "phone", now_input()
        form.person_ids.data, form.user_ids.data = stored["person_ids"], [current_user.id]
        form.opportunity_id.data = stored.get("opportunity_id") or ""

    def write(values):
        props, links = split(values)
        links["person_ids"] = links["person_ids"] or stored["person_ids"]
        links["user_ids"] = links["user_ids"] or [current_user.id]
        try:
            return compliant(lambda: get_store().close_follow_up(
                interaction_id, {k: v for k, v in props.items() if v is not None}, **links))
        except Conflict:  # closed by someone else since the page was opened: said on the form, nothing saved
            raise ValidationError("follow_up", _("Someone closed this follow-up in the meantime: nothing was "
                                                 "saved.")) from None

    said = f" · {stored['satisfaction']}/10" if stored.get("satisfaction") is not None else ""
    return form_page(form, write, title=_("Close the follow-up with an interaction"),
                     subject=f"{describe(stored)}{said} · {stored.get('summary') or ''}", cancel=back,
                     success=lambda _i: back, saved=lambda _i: _("Follow-up closed."))


#: the fields of the follow-up form
OWNER, DUE = _l("Who answers it"), _l("Due")


class FollowUpForm(Versioned, GraphForm):
    """Who answers a customer's feedback, and by when."""

    PROPERTIES = ("follow_up_owner", "follow_up_due")
    follow_up_owner = SelectField(OWNER, validators=[required(OWNER)])
    follow_up_due = DayField(DUE, validators=[required(DUE, typed=True)], render_kw={"type": "date"})

    def validate_follow_up_due(self, field):
        if field.data and field.data < datetime.now(timezone.utc).date():
            raise FieldError(_("The due date cannot be in the past: choose today or a later day."))


@bp.route("/interactions/<interaction_id>/follow-up", methods=["GET", "POST"])
@login_required
def follow_up(interaction_id: str):
    """Give the open follow-up of a customer's feedback to someone else on the
    account's team, or another due date (who may edit the feedback's accounts;
    else 404); version-checked and audited like every edit."""
    stored, _accounts, back = _open_follow_up(interaction_id)
    store = get_store()
    form = FollowUpForm(editing=True)
    owners = [(u["id"], u.get("display_name") or u["username"]) for u in store.follow_up_owners(interaction_id)]
    if stored["follow_up_owner"] not in dict(owners):  # who has it now, though no longer on the team
        current = store.find("User", stored["follow_up_owner"]) or {}
        owners.insert(0, (stored["follow_up_owner"], current.get("display_name") or stored["follow_up_owner"]))
    form.follow_up_owner.choices = choices(owners)

    def write(values):
        return store.reassign_follow_up(interaction_id, owner=values["follow_up_owner"],
                                        due=values["follow_up_due"], version=form.version.data)

    said = f" · {stored['satisfaction']}/10" if stored.get("satisfaction") is not None else ""
    return form_page(form, write, title=_("Reassign the follow-up or change its due date"),
                     subject=f"{describe(stored)}{said} · {stored.get('summary') or ''}", cancel=back,
                     success=lambda _i: back, stored=stored, saved=lambda _i: _("Follow-up saved."))
