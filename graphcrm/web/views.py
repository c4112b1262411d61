"""Pages and JSON endpoints.  Thin: the store loads, the analysis answers."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from pyvis.network import Network
from wtforms.fields.choices import SelectChoice
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from graphcrm import model
from graphcrm.analysis import account_report, opportunity_report, portfolio_report, warm_paths
from graphcrm.errors import ValidationError
from graphcrm.web.auth import can_edit_account, can_view_account, require_account
from graphcrm.web.db import get_store

bp = Blueprint("views", __name__)

STANCE_COLORS = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#bdbdbd",
    "skeptic": "#fc8d59",
    "opponent": "#d73027",
}
EDGE_STYLES = {
    "REPORTS_TO": {"color": "#555555", "dashes": False, "width": 2},
    "INFLUENCES": {"color": "#8e44ad", "dashes": [6, 4], "width": 2},
    "RELATIONSHIP": {"color": "#2c7fb8", "dashes": False, "width": 1},
    "KNOWS": {"color": "#999999", "dashes": [2, 4], "width": 1},
}
NETWORK_NODE_LABELS = ("Person", "User", "Competitor")


@bp.app_template_filter("label")
def label_filter(value, vocabulary: str):
    return model.label_text(getattr(model, vocabulary), value, str(get_locale() or "en"))


@bp.app_context_processor
def inject_helpers():
    return {"STANCE_COLORS": STANCE_COLORS}


# -- helpers ---------------------------------------------------------------------------


def _now_local_input() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")


def visible_accounts() -> list[dict]:
    store = get_store()
    accounts = store.list("Account", limit=100000)
    if current_user.sees_all:
        return accounts
    mine = store.member_accounts(current_user.id)
    return [a for a in accounts if a["id"] in mine]


def _employer(G, person_id: str) -> str | None:
    for _, v, e in G.out_edges(person_id, data=True):
        if e.get("type") == "WORKS_AT":
            return v
    return None


def network_data(G, account_id: str, visible: set[str] | None = None) -> dict:
    """Nodes and edges of the stakeholder network, built with pyvis, as plain
    data for vis-network (rendered by static/network.js, not pyvis's template).

    People of other accounts (acquaintances across accounts) appear only when
    ``visible`` (the account ids the user may see; None: all) holds their account.
    """
    net = Network(directed=True)  # pyvis drops a node's color when it has a group: no groups
    for n, d in G.nodes(data=True):
        label = d.get("label")
        if label not in NETWORK_NODE_LABELS:
            continue
        if label == "Person":
            employer = _employer(G, n)
            if employer != account_id and visible is not None and employer not in visible:
                continue
            influence = int(d.get("influence") or 1)
            stance = d.get("stance") or "neutral"
            title = "\n".join(
                x for x in (
                    str(d.get("name") or n), d.get("title") or "", d.get("department") or "",
                    f"{model.label_text(model.STANCES, stance)} · influence {influence}",
                ) if x
            )
            net.add_node(n, label=str(d.get("name") or n), title=title, shape="dot",
                         color=STANCE_COLORS.get(stance, "#bdbdbd"), size=10 + 5 * influence)
        elif label == "User":
            net.add_node(n, label=str(d.get("display_name") or d.get("username") or n),
                         title=f"{d.get('display_name') or n}\n{model.label_text(model.USER_ROLES, d.get('role'))}",
                         shape="box", color="#4a90d9")
        else:
            net.add_node(n, label=str(d.get("name") or n), title=f"Competitor: {d.get('name') or n}",
                         shape="triangle", color="#7f0000", size=18)
    ids = {node["id"] for node in net.nodes}
    for u, v, d in G.edges(data=True):
        kind = d.get("type")
        if kind not in EDGE_STYLES or u not in ids or v not in ids:
            continue
        style = EDGE_STYLES[kind]
        title = kind if d.get("strength") is None else f"{kind} (strength {d.get('strength')})"
        net.add_edge(u, v, title=title, color=style["color"], dashes=style["dashes"], width=style["width"],
                     kind=kind, arrows="to")
    return {"nodes": net.nodes, "edges": net.edges}


def _people_rows(G, account_id: str) -> list[dict]:
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


# -- pages -----------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    if current_user.sees_all:
        report = portfolio_report(get_store().portfolio_graph())
        return render_template("dashboard.html", report=report)
    return render_template("my_accounts.html", accounts=visible_accounts())


@bp.route("/accounts/<account_id>")
@login_required
def account(account_id: str):
    require_account("Account", account_id)
    store = get_store()
    G = store.account_graph(account_id)
    report = account_report(G, account_id)
    return render_template(
        "account.html",
        account=G.nodes[account_id],
        report=report,
        people=_people_rows(G, account_id),
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
    G = get_store().account_graph(account_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "title", "department", "influence", "stance", "our_relationships"])
    for p in _people_rows(G, account_id):
        ours = "; ".join(f"{r['name']} ({r['strength']})" for r in p["ours"])
        writer.writerow([_csv_cell(x) for x in (p["id"], p.get("name"), p.get("title"), p.get("department"),
                                                p.get("influence"), p.get("stance"), ours)])
    return Response(
        "\ufeff" + out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="stakeholders-{account_id}.csv"'},
    )


@bp.route("/opportunities/<opportunity_id>")
@login_required
def opportunity(opportunity_id: str):
    account_id = require_account("Opportunity", opportunity_id)
    G = get_store().opportunity_graph(opportunity_id)
    report = opportunity_report(G, opportunity_id)
    return render_template("opportunity.html", report=report, account_id=account_id)


class InteractionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v[0]) for k, v in model.INTERACTION_KINDS.items()],
                       validators=[DataRequired()])
    channel = SelectField(_l("Channel"), choices=[SelectChoice(k, v[0]) for k, v in model.CHANNELS.items()],
                          validators=[DataRequired()])
    at = StringField(_l("When (UTC, YYYY-MM-DDTHH:MM)"), validators=[DataRequired(), Length(max=40)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)])
    sentiment = IntegerField(_l("Sentiment (-2..+2)"), default=0,
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
                return redirect(url_for("views.person", person_id=person_id))
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


# -- JSON API ----------------------------------------------------------------------------


@bp.route("/api/accounts/<account_id>")
@login_required
def api_account(account_id: str):
    require_account("Account", account_id)
    return jsonify(account_report(get_store().account_graph(account_id), account_id))


@bp.route("/api/opportunities/<opportunity_id>")
@login_required
def api_opportunity(opportunity_id: str):
    require_account("Opportunity", opportunity_id)
    return jsonify(opportunity_report(get_store().opportunity_graph(opportunity_id), opportunity_id))
