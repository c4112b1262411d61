"""Editing on the map: the JSON routes behind the side panel of the account network and the power map.

``static/network.js`` changes people and lines through these routes without a
page load, then redraws the map from its ``/map`` route.  Each write checks
access as the matching form does (:mod:`graphcrm.web.access`; a relationship
by its anchors, :data:`graphcrm.access.ANCHORS`, as
``graphcrm/web/relationships.py`` does), goes through the same
:class:`~graphcrm.graph.store.GraphStore` method as the form (validation,
version check, audit log) and needs the CSRF token (the ``X-CSRFToken``
header).  Bodies are JSON objects::

    GET  /api/accounts/<id>/map                         the account network (network_data)
    GET  /api/opportunities/<id>/map                    the power map (power_map_data)
    POST /api/people/<id>                               {"changes": {"stance": ...}, "version": 3}
    POST /api/accounts/<id>/people                      {"person": {"name": ...}, "reports_to": id,
                                                         "add_anyway": false}
    POST /api/people/<id>/competitor-ties               {"competitor": id or "new_competitor": name,
                                                         "strength": 4}
    POST /api/relationships/<type>/<start>/<end>/new    {"props": {"strength": 4}}
    POST /api/relationships/<type>/<start>/<end>        {"changes": {"role": ...}, "version": 1}
    POST /api/relationships/<type>/<start>/<end>/delete {}
    POST /api/accounts/<id>/map/positions               {"positions": {node id: [x, y]}, "version": 2}
                                                        ("positions": null: the automatic layout again)

A change answers 200 with ``saved``, a sentence in the user's language naming
what was saved, and the stored record.  A refusal is the app's JSON error
(``web/__init__.py``): ``{"error", "message"[, "field"]}`` with 400 (invalid
input, no CSRF token), 404 (not there, or not the user's to change) or 409
(saved by someone else in between, or a relationship that exists already),
which here also holds the stored values as ``current``.

The positions of an account map's nodes are kept for everyone who sees the
map (:meth:`~graphcrm.graph.store.GraphStore.save_map_positions`), only when
a user says so ("Save positions"; dragging alone changes nothing for the
others), by a user who may change the account.  What they send replaces the
places of the nodes their map shows; the places others saved for nodes this
user may not see are kept, and those of nodes no longer on the map dropped.
The answer, and the ``current`` layout of a 409, hold the places of the
nodes the user's map shows only.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from pydantic import BaseModel, ConfigDict

from graphcrm import model
from graphcrm.errors import Conflict, ValidationError
from graphcrm.web import _error_page
from graphcrm.web.access import require_account, require_line
from graphcrm.web.api import Report
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.network import map_node_ids, network_data, power_map_data
from graphcrm.web.openapi import answers, spec
from graphcrm.web.relationships import relationship_text
from graphcrm.web.reports import account_graph, opportunity_graph, opportunity_report

bp = Blueprint("mapedit", __name__, url_prefix="/api")

#: the person's properties the side panel changes, with their names in sentences
PERSON_FIELDS = {"title": _l("title"), "department": _l("department"), "influence": _l("influence"),
                 "stance": _l("stance"), "compliance_role": _l("compliance role")}
#: what a new person may be given (as on the person form, less the notes)
NEW_PERSON_FIELDS = ("name", "title", "department", "influence", "stance", "compliance_role", "email", "phone")
#: the relationships the map draws or edits, with the properties it may set (as their forms)
LINE_FIELDS = {"REPORTS_TO": (), "INFLUENCES": ("strength",), "KNOWS": ("strength",),
               "RELATIONSHIP": ("strength", "since"), "ROLE_IN": ("role", "influence", "stance")}
#: the largest body the positions route reads: model.MAP_POSITIONS_MAX positions of long ids fit
POSITIONS_MAX_BYTES = 1024 * 1024


# -- the bodies, as the API's description shows them (the routes check them by hand, below) -----------

class MapBody(BaseModel):
    """What a change on the map sends (see the module's docstring for each route's)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"changes": {"stance": "supporter"}, "version": 3}]})


class MapSaved(BaseModel):
    """A change saved: a sentence in the user's language saying what, and the record as stored."""

    model_config = ConfigDict(extra="allow")

    saved: str


#: what the spec says of every change on the map (documented, checked by hand)
MAP_CHANGE = dict(json=MapBody, resp=answers(write=True, HTTP_200=MapSaved), tags=["map"], skip_validation=True)


@bp.errorhandler(Conflict)
def conflict(e: Conflict):
    """The app's 409, with the stored values (``current``) the panel shows beside the user's."""
    body, code = _error_page(409, _l("Changed by someone else"), str(e))
    body["current"] = e.current
    return body, code


# -- reading the map ---------------------------------------------------------------------------

@bp.route("/accounts/<account_id>/map")
@login_required
@spec.validate(resp=answers(HTTP_200=Report), tags=["map"])
def account_map(account_id: str):
    """The account network as the account page draws it."""
    require_account("Account", account_id)
    return jsonify(network_data(account_graph(account_id)))


@bp.route("/opportunities/<opportunity_id>/map")
@login_required
@spec.validate(resp=answers(HTTP_200=Report), tags=["map"])
def opportunity_map(opportunity_id: str):
    """The power map as the opportunity page draws it."""
    require_account("Opportunity", opportunity_id)
    center = opportunity_report(opportunity_id)["buying_center"]
    return jsonify(power_map_data(opportunity_graph(opportunity_id), opportunity_id, center,
                                  str(get_locale() or "en")))


# -- the team's layout of the account map -------------------------------------------------------

@bp.route("/accounts/<account_id>/map/positions", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def save_positions(account_id: str):
    """Keep the places of the account map's nodes for everyone who sees the map
    (``positions`` null: the automatic layout again), if nobody saved since ``version``."""
    require_account("Account", account_id, edit=True)
    if (request.content_length or 0) > POSITIONS_MAX_BYTES:
        raise ValidationError("positions", _("%(size)d bytes is more than the positions of a map need "
                                             "(at most %(max)d)", size=request.content_length,
                                             max=POSITIONS_MAX_BYTES))
    body = _body()
    version = _version(body)
    if "positions" not in body:
        raise ValidationError("positions", _("send the positions, or null for the automatic layout"))
    shown = set(map_node_ids(account_graph(account_id)))
    store = get_store()
    try:
        if body["positions"] is None:
            layout = store.save_map_positions(account_id, None, version=version)
            saved = _("Layout reset: the map is laid out automatically again, for everyone.")
        else:
            sent = {n: place for n, place in model.map_positions(body["positions"]).items() if n in shown}
            layout = store.save_map_positions(account_id, _unseen_places(account_id, shown) | sent, version=version)
            saved = ngettext("Positions saved: %(num)d on the map, for everyone who sees it.",
                             "Positions saved: %(num)d on the map, for everyone who sees it.", len(sent))
    except Conflict as e:
        raise Conflict(str(e), current=_shown_layout(e.current, shown)) from None
    return {"saved": saved, "layout": _shown_layout(layout, shown)}


def _unseen_places(account_id: str, shown: set[str]) -> dict:
    """The saved places of the nodes of the account map the user's map does not show (kept by a save)."""
    everyone = set(map_node_ids(get_reports().account_graph(account_id)))
    stored = get_store().map_layout(account_id)["positions"]
    return {n: place for n, place in stored.items() if n in everyone and n not in shown}


def _shown_layout(layout: dict, shown: set[str]) -> dict:
    """A map layout with the places of the nodes of ``shown`` only."""
    return {"positions": {n: p for n, p in layout["positions"].items() if n in shown}, "version": layout["version"]}


# -- people ------------------------------------------------------------------------------------

@bp.route("/people/<person_id>", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def update_person(person_id: str):
    """Change a person's title, department, influence, stance or compliance role, if nobody saved since ``version``."""
    require_account("Person", person_id, edit=True)
    body = _body()
    changes = _changes(body, PERSON_FIELDS)
    for key in ("influence", "stance"):
        if key in changes and changes[key] is None:
            raise ValidationError(key, _("choose a value"))
    person = get_store().update("Person", person_id, changes, version=_version(body))
    what = _("%(first)s, %(rest)s", first="", rest="").join(
        _("%(field)s %(value)s", field=PERSON_FIELDS[k], value=_shown("Person", k, person.get(k)))
        for k in changes)
    return {"saved": _("Saved: %(name)s — %(what)s.", name=person["name"], what=what), "person": person}


@bp.route("/accounts/<account_id>/people", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def new_person(account_id: str):
    """A new stakeholder of the account, with their manager if given, saved together."""
    require_account("Account", account_id, edit=True)
    body = _body()
    person = body.get("person")
    if not isinstance(person, dict):
        raise ValidationError("name", _("enter a name"))
    props = {k: v for k, v in _blank_to_none(person).items() if v is not None}
    for key in props:
        if key not in NEW_PERSON_FIELDS:
            raise ValidationError(str(key), _("cannot be changed here"))
    manager = body.get("reports_to") or None
    if manager is not None:
        require_account("Person", str(manager))  # REPORTS_TO: the manager's account must be visible
    store = get_store()
    same = store.same_name("Person", str(props.get("name") or ""), account_id=account_id)
    if same and not body.get("add_anyway"):
        raise ValidationError("add_anyway", _("%(name)s is here already: tick “Add anyway” to save someone else "
                                              "of the same name.", name=same[0]["name"]))
    created = store.create_people(account_id, [(props, manager)])[0]
    return {"saved": _("Saved: %(name)s, on the map.", name=created["name"]), "person": created}


@bp.route("/people/<person_id>/competitor-ties", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def competitor_tie(person_id: str):
    """A competitor's relationship with the person: a competitor already known, or a new one by name."""
    require_account("Person", person_id, edit=True)
    body = _body()
    props = model.validate_relationship("RELATIONSHIP", {"strength": body.get("strength")})
    store = get_store()
    name = str(body.get("new_competitor") or "").strip()
    if name:
        competitor_id = store.create("Competitor", {"name": name})["id"]
    elif body.get("competitor"):
        competitor_id = store.get("Competitor", str(body["competitor"]))["id"]
    else:
        raise ValidationError("competitor", _("choose a competitor or enter a new name"))
    stored = store.relate("RELATIONSHIP", competitor_id, person_id, props, replace=False)
    return {"saved": _("Saved: %(what)s.", what=_line_text("RELATIONSHIP", competitor_id, person_id, stored)),
            "relationship": stored, "competitor_id": competitor_id}


# -- relationships -----------------------------------------------------------------------------

@bp.route("/relationships/<rel_type>/<start>/<end>/new", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def new_line(rel_type: str, start: str, end: str):
    """A new relationship drawn or picked on the map (one that exists already: 409)."""
    _require_line(rel_type, start, end)
    props = _changes(_body(), LINE_FIELDS[rel_type], key="props", empty=True)
    stored = get_store().relate(rel_type, start, end, {k: v for k, v in props.items() if v is not None},
                                replace=False)
    return {"saved": _("Saved: %(what)s.", what=_line_text(rel_type, start, end, stored)), "relationship": stored}


@bp.route("/relationships/<rel_type>/<start>/<end>", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def update_line(rel_type: str, start: str, end: str):
    """Change a relationship's properties (strength, role...), if nobody saved since ``version``."""
    _require_line(rel_type, start, end)
    body = _body()
    changes = _changes(body, LINE_FIELDS[rel_type])
    stored = get_store().update_relationship(rel_type, start, end, changes, version=_version(body))
    return {"saved": _("Saved: %(what)s.", what=_line_text(rel_type, start, end, stored)), "relationship": stored}


@bp.route("/relationships/<rel_type>/<start>/<end>/delete", methods=["POST"])
@login_required
@spec.validate(**MAP_CHANGE)
def delete_line(rel_type: str, start: str, end: str):
    """Remove a relationship from the map."""
    _require_line(rel_type, start, end)
    _body()  # a JSON request, as every change of this blueprint
    what = _line_text(rel_type, start, end, {})
    get_store().unrelate(rel_type, start, end)
    return {"saved": _("Removed: %(what)s.", what=what)}


def _require_line(rel_type: str, start: str, end: str) -> None:
    """404 unless the map edits this type and the user may change the account
    of each end that anchors it and see the others (as the forms,
    graphcrm/web/relationships.py ``_anchor``)."""
    if rel_type not in LINE_FIELDS:
        abort(404)
    require_line(rel_type, start, end)


# -- the request and the answer ----------------------------------------------------------------

def _body() -> dict:
    """The request's JSON object, or 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("body", _("send a JSON object (Content-Type: application/json)"))
    return body


def _version(body: dict) -> int:
    """The version the map was drawn with."""
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError("version", _("say which version you edited: reload the page, then edit again"))
    return version


def _changes(body: dict, allowed, *, key: str = "changes", empty: bool = False) -> dict:
    """``body[key]``, properties of the ``allowed`` ones only (``empty``: it
    may be missing or empty); an emptied text is removed (None)."""
    changes = body.get(key, {} if empty else None)
    if not isinstance(changes, dict) or not (changes or empty):
        raise ValidationError(key, _("nothing to save"))
    for key in changes:
        if key not in allowed:
            raise ValidationError(str(key), _("cannot be changed here"))
    return _blank_to_none(changes)


def _blank_to_none(values: dict) -> dict:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}


def _shown(label_or_type: str, field: str, value) -> str:
    """A stored value as the page shows it (an enumeration by its label)."""
    if value is None:
        return "—"
    vocabulary = {"stance": model.STANCES, "role": model.BUYING_ROLES,
                  "compliance_role": model.COMPLIANCE_ROLES}.get(field)
    return model.label_text(vocabulary, value, str(get_locale() or "en")) if vocabulary else str(value)


def _line_text(rel_type: str, start: str, end: str, props: dict) -> str:
    """"唐军 influences 韩雪 (strength 4)": a relationship in words, with its role and strength."""
    text = relationship_text(rel_type, start, end)
    details = [_shown(rel_type, "role", props["role"])] if props.get("role") else []
    if props.get("strength") is not None:
        details.append(_("strength %(n)s", n=props["strength"]))
    return f"{text} ({', '.join(details)})" if details else text
