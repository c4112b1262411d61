"""The person page: roles in deals, who knows them, timeline, log an interaction."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from graphcrm import model
from graphcrm.analysis import warm_paths
from graphcrm.errors import ValidationError
from graphcrm.web.auth import can_edit_account, require_account
from graphcrm.web.db import get_store
from graphcrm.web.fields import SmallIntegerField

bp = Blueprint("people", __name__)


def _now_local_input() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")


class InteractionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v[0]) for k, v in model.INTERACTION_KINDS.items()],
                       validators=[DataRequired()])
    channel = SelectField(_l("Channel"), choices=[SelectChoice(k, v[0]) for k, v in model.CHANNELS.items()],
                          validators=[DataRequired()])
    at = StringField(_l("When (UTC, YYYY-MM-DDTHH:MM)"), validators=[DataRequired(), Length(max=40)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)])
    sentiment = SmallIntegerField(_l("Sentiment (-2..+2)"), default=0,
                             validators=[Optional(), NumberRange(min=-2, max=2)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = str(get_locale() or "en")
        self.kind.choices = [SelectChoice(k, model.label_text(model.INTERACTION_KINDS, k, lang))
                             for k in model.INTERACTION_KINDS]
        self.channel.choices = [SelectChoice(k, model.label_text(model.CHANNELS, k, lang)) for k in model.CHANNELS]


def _at_value(text: str) -> str:
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError("at", _("must be a date and time like 2026-05-01T09:30")) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.isoformat()


@bp.route("/people/<person_id>", methods=["GET", "POST"])
@login_required
def person(person_id: str):
    account_id = require_account("Person", person_id)
    store = get_store()
    can_edit = can_edit_account(current_user, account_id)
    form = InteractionForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            abort(404)
        if form.validate_on_submit():
            try:
                store.log_interaction(
                    {"kind": form.kind.data, "channel": form.channel.data, "at": _at_value(form.at.data),
                     "summary": form.summary.data or "", "sentiment": form.sentiment.data or 0},
                    user_ids=[current_user.id], person_ids=[person_id],
                )
            except ValidationError as e:
                target = getattr(form, e.field, None) or form.summary
                target.errors = list(target.errors) + [e.message]
            else:
                flash(_("Interaction logged."))
                return redirect(url_for("people.person", person_id=person_id))
        status = 400
    elif not form.at.data:
        form.at.data = _now_local_input()

    G = store.account_graph(account_id)
    if person_id not in G:
        abort(404)
    props = G.nodes[person_id]
    roles = [
        {"opportunity_id": v, "opportunity": G.nodes[v].get("name") or v, **e}
        for _, v, e in G.out_edges(person_id, data=True) if e.get("type") == "ROLE_IN"
    ]
    knowers = [
        {"name": G.nodes[u].get("display_name") or G.nodes[u].get("name") or u,
         "kind": G.nodes[u].get("label"), **e}
        for u, _, e in G.in_edges(person_id, data=True) if e.get("type") in ("RELATIONSHIP", "KNOWS")
    ]
    return render_template(
        "person.html", person=props, account=G.nodes[account_id], account_id=account_id, roles=roles,
        knowers=knowers, timeline=store.timeline(person_id), form=form, can_edit=can_edit,
        paths=warm_paths(G, person_id, k=3),
    ), status
