"""The JSON API's writes for integrations: people, relationships, buying-center roles, interactions.

Each route checks access as the matching form does (:mod:`graphcrm.web.access`)
and calls the same :class:`~graphcrm.graph.store.GraphStore` method, which
validates, checks the version and writes the audit entry in one statement.
The bodies are validated against the graph model's own rules
(:mod:`graphcrm.model`) before that, so the description shows them.

* A change of a record names the version it was made on: the ``If-Match``
  header (the ``ETag`` of the record: ``"4"``) or ``version`` in the body.
  Without either: 428.  On another version than the stored one: 412, with
  the record as stored (``current``) and the fields that differ
  (``changes``: field, theirs, yours).
* An interaction sent with ``external_id`` is logged once per id and
  ``source`` of the user's: sent again (a retried call), it answers the one
  logged (200) instead of logging another (201), also when the two copies
  come at the same moment (:meth:`~graphcrm.graph.store.GraphStore.log_interaction_once`:
  a unique constraint of the schema).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Blueprint, abort, request
from flask_login import current_user, login_required
from pydantic import BaseModel, ConfigDict, Field, create_model

from graphcrm import model
from graphcrm.errors import ValidationError
from graphcrm.web.access import require_account, require_line
from graphcrm.web.api import Record
from graphcrm.web.db import get_store
from graphcrm.web.forms import PersonForm
from graphcrm.web.openapi import answers, json_body, spec

bp = Blueprint("api_changes", __name__, url_prefix="/api/v1")

#: the relationships an integration adds between people, or from our team or a competitor to a person
LINE_TYPES = ("REPORTS_TO", "INFLUENCES", "KNOWS", "RELATIONSHIP")


def _fields(props_model: type[BaseModel], names, *, optional: bool) -> dict[str, Any]:
    """The fields ``names`` of a graph model (their rules with them), for an API model;
    ``optional``: each may be left out (an update), and set to null (removed) unless
    the graph model needs a value (a name, an influence)."""
    fields: dict[str, Any] = {}
    for name in names:
        info = props_model.model_fields[name]
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[name] = (annotation, None) if optional else (annotation, info)  # None: left out
    return fields


_EXAMPLE_PERSON = {"name": "韩雪 Han Xue", "title": "CIO", "department": "信息中心", "influence": 5,
                   "stance": "supporter", "email": "han.xue@metro.example.cn"}

NewPerson = create_model(
    "NewPerson", __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_PERSON]}),
    add_anyway=(bool, Field(False, description="save even when someone of this name works at the account")),
    **_fields(model.PersonProps, PersonForm.PROPERTIES, optional=False))

PersonChanges = create_model(
    "PersonChanges", __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"title": "CIO and deputy general manager", "stance": "champion"}]}),
    version=(int | None, Field(None, description="the version changed (else the If-Match header)")),
    **_fields(model.PersonProps, PersonForm.PROPERTIES, optional=True))


class NewLine(BaseModel):
    """A relationship between two people, or from our team member or a competitor to a person."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"type": "INFLUENCES", "start": "p-3f2a", "end": "p-9c1d", "strength": 4}]})

    type: Literal[LINE_TYPES]  # type: ignore[valid-type]
    start: str = Field(min_length=1, max_length=200)
    end: str = Field(min_length=1, max_length=200)
    strength: int | None = Field(None, ge=1, le=5, description="INFLUENCES, KNOWS, RELATIONSHIP: 1-5")
    since: str | None = Field(None, max_length=10, description="RELATIONSHIP: since when (YYYY-MM-DD)")


class LineChanges(BaseModel):
    """New values of a relationship's properties (null removes one)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"strength": 5}]})

    version: int | None = Field(None, description="the version changed (else the If-Match header)")
    strength: int | None = Field(None, ge=1, le=5)
    since: str | None = Field(None, max_length=10)
    role: Literal[tuple(model.BUYING_ROLES)] | None = None  # type: ignore[valid-type]
    influence: int | None = Field(None, ge=1, le=5)
    stance: Literal[tuple(model.STANCES)] | None = None  # type: ignore[valid-type]


class NewRole(BaseModel):
    """A stakeholder's role in the opportunity's buying center."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"person_id": "p-3f2a", "role": "decision_maker", "influence": 5, "stance": "supporter"}]})

    person_id: str = Field(min_length=1, max_length=200)
    role: Literal[tuple(model.BUYING_ROLES)]  # type: ignore[valid-type]
    influence: int | None = Field(None, ge=1, le=5, description="in this deal (default: the person's)")
    stance: Literal[tuple(model.STANCES)] | None = None  # type: ignore[valid-type]


class Relationship(BaseModel):
    """A relationship as stored: its properties and version."""

    model_config = ConfigDict(extra="allow")

    version: int


#: what an integration may say of an interaction: the form's fields, the reason for a meeting with a
#: restricted person in a quiet period and a gift given (the store sets the compliance flags itself)
_INTERACTION_FIELDS = ("kind", "channel", "at", "summary", "sentiment", "satisfaction", "compliance_reason",
                       "gift_description", "gift_value", "gift_currency")

NewInteraction = create_model(
    "NewInteraction", __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "meeting", "channel": "in_person", "at": "2026-11-30T02:00:00Z", "summary": "评标前的技术澄清会",
        "person_ids": ["p-3f2a"], "external_id": "AAMkAGI2TG93AAA=", "source": "outlook"}]}),
    person_ids=(list[Annotated[str, Field(min_length=1, max_length=200)]],
                Field(min_length=1, max_length=50, description="the people met")),
    user_ids=(list[Annotated[str, Field(min_length=1, max_length=200)]] | None,
              Field(None, max_length=50, description="our team members there (default: the token's user)")),
    opportunity_id=(str | None, Field(None, max_length=200, description="the opportunity it was about")),
    external_id=(str | None, Field(None, min_length=1, max_length=200,
                                   description="the interaction's id in the sending system: sent again, "
                                               "the interaction is not logged twice")),
    source=(str, Field("api", pattern=r"^[A-Za-z0-9_.-]{1,40}$",
                       description="the sending system (external ids are unique per user and source)")),
    **_fields(model.InteractionProps, _INTERACTION_FIELDS, optional=False))


def _changeable_line(rel_type: str, start: str, end: str) -> None:
    """404 unless the API changes relationships of this type and the user may change this one."""
    if rel_type not in (*LINE_TYPES, "ROLE_IN"):
        abort(404)
    require_line(rel_type, start, end)


def expected_version(body_version: int | None) -> int:
    """The version a change was made on: ``If-Match`` (``"4"``), else the body's ``version``; none: 428."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        text = header.removeprefix("W/").strip('"')
        if not text.isdigit() or len(text) > 15:
            raise ValidationError("If-Match", 'must be the ETag of the record, such as "4"')
        return int(text)
    if body_version is None:
        abort(428)
    return body_version


def _changes(body: BaseModel) -> dict:
    """The properties a change sends (those left out stay; null removes)."""
    return {k: v for k, v in body.model_dump(exclude_unset=True).items() if k != "version"}


# -- people --------------------------------------------------------------------------------------

@bp.route("/accounts/<account_id>/people", methods=["POST"])
@login_required
@spec.validate(json=NewPerson, resp=answers(write=True, HTTP_201=Record), tags=["people"],
               before=json_body(lambda account_id: require_account("Account", account_id, edit=True)))
def create_person(account_id: str, json: NewPerson):
    """A new stakeholder of the account (refused while someone of the name works there, unless add_anyway)."""
    store = get_store()
    props = {k: v for k, v in json.model_dump(exclude={"add_anyway"}).items() if v is not None}
    same = store.same_name("Person", props["name"], account_id=account_id)
    if same and not json.add_anyway:
        raise ValidationError("name", f"{same[0]['name']} works at this account already ({same[0]['id']}): "
                                      "send add_anyway to add someone else of the same name")
    person = store.create_people(account_id, [(props, None)])[0]
    return {**person, "account_id": account_id}, 201, {"ETag": f'"{person["version"]}"'}


@bp.route("/people/<person_id>", methods=["PATCH"])
@login_required
@spec.validate(json=PersonChanges, resp=answers(update=True, HTTP_200=Record), tags=["people"],
               before=json_body(lambda person_id: require_account("Person", person_id, edit=True)))
def update_person(person_id: str, json: PersonChanges):
    """Change a person's properties, if nobody changed them since the version sent."""
    account_id = require_account("Person", person_id, edit=True)  # checked before the body: its account
    version = expected_version(json.version)
    changes = _changes(json)
    if not changes:
        raise ValidationError("body", "nothing to change")
    person = get_store().update("Person", person_id, changes, version=version)
    return {**person, "account_id": account_id}, 200, {"ETag": f'"{person["version"]}"'}


# -- relationships and roles -----------------------------------------------------------------------

@bp.route("/relationships", methods=["POST"])
@login_required
@spec.validate(json=NewLine, resp=answers(write=True, HTTP_201=Relationship), tags=["relationships"],
               before=json_body())
def create_relationship(json: NewLine):
    """A relationship between two people, or from our team member or a competitor to a person (409 if it exists)."""
    require_line(json.type, json.start, json.end)
    props = json.model_dump(exclude={"type", "start", "end"}, exclude_none=True)
    return get_store().relate(json.type, json.start, json.end, props, replace=False), 201


@bp.route("/opportunities/<opportunity_id>/roles", methods=["POST"])
@login_required
@spec.validate(json=NewRole, resp=answers(write=True, HTTP_201=Relationship), tags=["relationships"],
               before=json_body(lambda opportunity_id: require_account("Opportunity", opportunity_id, edit=True)))
def create_role(opportunity_id: str, json: NewRole):
    """A stakeholder's role in the opportunity's buying center (409 if they have one: change it instead)."""
    require_line("ROLE_IN", json.person_id, opportunity_id)
    props = json.model_dump(exclude={"person_id"}, exclude_none=True)
    return get_store().relate("ROLE_IN", json.person_id, opportunity_id, props, replace=False), 201


@bp.route("/relationships/<rel_type>/<start>/<end>", methods=["PATCH"])
@login_required
@spec.validate(json=LineChanges, resp=answers(update=True, HTTP_200=Relationship), tags=["relationships"],
               before=json_body(_changeable_line))
def update_relationship(rel_type: str, start: str, end: str, json: LineChanges):
    """Change a relationship's properties (a role's too: ROLE_IN/<person>/<opportunity>), if nobody changed
    them since the version sent."""
    version = expected_version(json.version)
    changes = _changes(json)
    if not changes:
        raise ValidationError("body", "nothing to change")
    return get_store().update_relationship(rel_type, start, end, changes, version=version)


# -- interactions --------------------------------------------------------------------------------

@bp.route("/interactions", methods=["POST"])
@login_required
@spec.validate(json=NewInteraction, resp=answers(write=True, HTTP_200=Record, HTTP_201=Record),
               tags=["interactions"], before=json_body())
def log_interaction(json: NewInteraction):
    """Log a meeting, call, message or feedback with people of accounts the user may change; with
    external_id, once: sent again, the interaction logged the first time (200)."""
    for person_id in json.person_ids:
        require_account("Person", person_id, edit=True)
    if json.opportunity_id:
        require_account("Opportunity", json.opportunity_id, edit=True)
    store = get_store()
    props = json.model_dump(include=set(_INTERACTION_FIELDS), exclude_none=True)
    links: dict[str, Any] = dict(user_ids=json.user_ids or [current_user.id],
                                 person_ids=list(dict.fromkeys(json.person_ids)), opportunity_id=json.opportunity_id)
    if json.external_id:
        source = f"{current_user.username}/{json.source}"
        logged, new = store.log_interaction_once(source, json.external_id, props, **links)
        return logged, 201 if new else 200
    return store.get_interaction(store.log_interaction(props, **links)["id"]), 201
