"""The OpenAPI description of the JSON API, made from the routes themselves (SpecTree).

Every ``/api/`` route is decorated with :data:`spec`'s ``validate``: the
pydantic models of its query, body and answers are what the description
says, and what a request is checked against before the view runs.  The
description is served at ``/api/openapi.json`` (OpenAPI 3.1; ``web/api.py``),
to anyone: it holds no data.

A request the models refuse is a :class:`~graphcrm.errors.ValidationError`
naming the first field at fault (a route with a body checks access first:
:func:`json_body`), answered as every other error of the API:
a problem details object (RFC 9457, ``application/problem+json``, see
:class:`Problem`) made in one place, ``_error_page`` in ``web/__init__.py``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spectree import Response, SpecTree

from graphcrm import __version__
from graphcrm.errors import ValidationError

#: the media type of an error's body (RFC 9457)
PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """What went wrong (RFC 9457), with the field at fault when there is one."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "about:blank", "title": "Invalid input", "status": 400, "detail": "email: must be an e-mail address",
        "field": "email", "error": "Invalid input", "message": "email: must be an e-mail address"}]})

    type: str = Field("about:blank", description="always about:blank: the status and title say it all")
    title: str = Field(description="the kind of problem, in the user's language")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what exactly is wrong, naming the field")
    field: str | None = Field(None, description="the field at fault (a dotted path in the body or query)")
    error: str = Field(description="the title again (for the map's script)")
    message: str = Field(description="the detail again (for the map's script)")
    current: dict[str, Any] | None = Field(None, description="409, 412: the record as stored now")
    changes: list[dict[str, Any]] | None = Field(
        None, description="412: each field whose stored value differs from the one sent: field, theirs, yours")


def _refuse_invalid(req, resp, req_validation_error, instance, model_adapter) -> None:
    """Before a view: a request its models refuse is a ValidationError naming
    the first field at fault (answered 400 by the app's error handler)."""
    if req_validation_error is not None:
        errors = req_validation_error.errors()
        problems = {_field_path(e["loc"]) or "body": e["msg"] for e in errors}
        field = next(iter(problems))
        raise ValidationError(field, problems[field], problems=problems)


def _field_path(loc: tuple) -> str:
    """The field an error's ``loc`` names, dotted (``person_ids.0``), without the
    member of a union pydantic tried (``updated_since.datetime``: ``updated_since``).
    The API's bodies and queries are flat: a field, then item numbers."""
    parts = [str(part) for i, part in enumerate(loc) if i == 0 or isinstance(part, int)]
    return ".".join(parts)


def json_body(check=None):
    """The ``before`` of a route that takes a JSON body: ``check(**path
    parameters)`` first (who may change what the path names: 404 before any
    word about the body, as the forms), then the body (a form where JSON is
    expected, or what the models refuse: 400)."""

    def before(req, resp, req_validation_error, instance, model_adapter) -> None:
        if check is not None:
            check(**req.view_args)
        if req.mimetype != "application/json":
            raise ValidationError("body", "send a JSON object (Content-Type: application/json)")
        _refuse_invalid(req, resp, req_validation_error, instance, model_adapter)

    return before


class GraphCRMSpec(SpecTree):
    """SpecTree whose description says errors are ``application/problem+json``."""

    def _generate_spec(self) -> dict[str, Any]:
        described = super()._generate_spec()
        for operations in described["paths"].values():
            for operation in operations.values():
                for code, answer in operation["responses"].items():
                    if int(code) >= 400 and "application/json" in answer.get("content", {}):
                        answer["content"] = {PROBLEM_JSON: answer["content"]["application/json"]}
        return described


spec = GraphCRMSpec(
    "flask", mode="strict", page_templates={},
    title="GraphCRM API", version=__version__, openapi_version="3.1.0",
    description=("Read the reports, keep stakeholders, relationships, buying-center roles and interactions "
                 "in step with other systems. Authenticate with a personal API token "
                 "(`Authorization: Bearer gcrm_...`, made on the Settings page) or a signed-in session. "
                 "Errors are problem details (RFC 9457). See the API guide in the documentation."),
    security_schemes=[
        {"name": "token", "data": {"type": "http", "scheme": "bearer", "bearer_format": "gcrm_...",
                                   "description": "a personal API token (read or write scope)"}},
        {"name": "session", "data": {"type": "apiKey", "name": "session", "field_in": "cookie",
                                     "description": "a signed-in session (writes also need X-CSRFToken)"}},
    ],
    security=[{"token": []}, {"session": []}],
    before=_refuse_invalid, validation_error_status=400, validation_error_model=Problem,
    naming_strategy=lambda model: model.__name__, nested_naming_strategy=lambda _parent, child: child,
)

#: the errors every API route may answer
READ_ERRORS = {"HTTP_401": Problem, "HTTP_403": Problem, "HTTP_404": Problem, "HTTP_429": Problem}
#: the errors of a write: also 409 (exists already, or changed meanwhile)
WRITE_ERRORS = {**READ_ERRORS, "HTTP_409": Problem}
#: the errors of an update with a version: also 412 (the version is not the stored one) and 428 (none given)
UPDATE_ERRORS = {**WRITE_ERRORS, "HTTP_412": Problem, "HTTP_428": Problem}


def answers(*, write: bool = False, update: bool = False, **codes) -> Response:
    """The answers of a route: ``codes`` (``HTTP_200=Model``) and the errors it may give."""
    errors = UPDATE_ERRORS if update else WRITE_ERRORS if write else READ_ERRORS
    return Response(**errors, **codes)
