"""The JSON API's reads: the reports the pages show, and lists of what changed, under the same access rules.

Every route here answers GET (a read-scope token is enough) and is described
in ``/api/openapi.json`` (:mod:`graphcrm.web.openapi`).  The lists
(``/api/v1/accounts``, ``/api/v1/people``, ``/api/v1/opportunities``,
``/api/v1/interactions``) page through the records the user
may see, in the order they changed: ``updated_since`` (a moment, or a day)
keeps those changed then or later, ``page`` and ``per_page`` (at most
:data:`PER_PAGE_MAX`) pick a page, ``next_page`` says whether there is another.
A record carries its ``version``; ``/api/v1/people/<id>`` answers it as the
``ETag`` too, for the ``If-Match`` of a change (``graphcrm/web/api_changes.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required
from pydantic import BaseModel, ConfigDict, Field, RootModel

from graphcrm.web.access import require_account, visible_account_ids, visible_accounts
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.openapi import answers, spec
from graphcrm.web.reports import account_report, opportunity_report

bp = Blueprint("api", __name__, url_prefix="/api")

#: the largest page of a list
PER_PAGE_MAX = 500


class Report(RootModel[dict[str, Any]]):
    """A report as the page shows it (see the analysis reference)."""


class Records(RootModel[list[dict[str, Any]]]):
    """Records as stored."""


class Record(BaseModel):
    """A record as stored: its id, version and properties."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "id": "p-3f2a", "version": 4, "name": "韩雪 Han Xue", "title": "CIO", "influence": 5, "stance": "supporter",
        "account_id": "acc-metro", "updated_at": "2026-11-30T08:15:00+00:00"}]})

    id: str
    version: int


class Page(BaseModel):
    """A page of a list, in the order the records changed."""

    items: list[Record]
    page: int = Field(description="this page's number, from 1")
    per_page: int
    next_page: int | None = Field(description="the number of the next page; null: this is the last")


class ListQuery(BaseModel):
    """Which records of a list: changed since when, which page."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"updated_since": "2026-11-01T00:00:00Z", "page": 1, "per_page": 100}]})

    updated_since: datetime | date | None = Field(
        None, description="only records changed at this moment or later (a day: from its start, UTC)")
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(100, ge=1, le=PER_PAGE_MAX)


class PeopleQuery(ListQuery):
    account_id: str | None = Field(None, max_length=200, description="the people of this account only")


class OpportunitiesQuery(ListQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"updated_since": "2026-11-01T00:00:00Z", "account_id": "acc-metro", "page": 1, "per_page": 100}]})

    account_id: str | None = Field(None, max_length=200, description="the opportunities of this account only")


class InteractionsQuery(ListQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"updated_since": "2026-11-01", "account_id": "acc-metro", "page": 1, "per_page": 100}]})

    account_id: str | None = Field(
        None, max_length=200, description="the interactions with people of this account or about its bids only")


class Interaction(Record):
    """An interaction as stored, with who of ours attended, who it was with and the opportunity it was about."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "id": "int-7b21", "version": 1, "kind": "meeting", "channel": "in_person", "at": "2026-11-30T02:00:00+00:00",
        "summary": "评标前的技术澄清会", "sentiment": 1, "user_ids": ["u-lina"], "person_ids": ["p-3f2a"],
        "opportunity_id": "opp-metro-erp", "external_id": "AAMkAGI2TG93AAA=", "external_source": "lina/outlook",
        "external_key": '["lina/outlook", "AAMkAGI2TG93AAA="]', "updated_at": "2026-11-30T08:15:00+00:00"}]})

    user_ids: list[str]
    person_ids: list[str]
    opportunity_id: str | None


class InteractionPage(Page):
    """A page of interactions, in the order they changed."""

    items: list[Interaction]  # type: ignore[assignment]


def since_text(moment: datetime | date | None) -> str:
    """``updated_since`` as the stored ``updated_at`` texts compare (UTC, to the second)."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def page_of(rows: list[dict], query: ListQuery) -> dict:
    """The page ``rows`` (up to one more than a page, to tell whether another follows) make."""
    more = len(rows) > query.per_page
    return {"items": rows[:query.per_page], "page": query.page, "per_page": query.per_page,
            "next_page": query.page + 1 if more else None}


@bp.route("/openapi.json")
def openapi_description():
    """The API's OpenAPI description (public: it holds no data)."""
    return spec.spec


# -- reports -------------------------------------------------------------------------------------

@bp.route("/accounts")
@login_required
@spec.validate(resp=answers(HTTP_200=Records), tags=["reports"])
def api_accounts():
    """The accounts the user may see: id, name, segment, tier, values."""
    return sorted(visible_accounts(), key=lambda a: str(a.get("name") or a["id"]))


@bp.route("/portfolio")
@login_required
@spec.validate(resp=answers(HTTP_200=Report), tags=["reports"])
def api_portfolio():
    """The portfolio coverage report (directors and admins, as the dashboard)."""
    if not current_user.sees_all:
        abort(403)
    return get_reports().portfolio_report()


@bp.route("/accounts/<account_id>")
@login_required
@spec.validate(resp=answers(HTTP_200=Report), tags=["reports"])
def api_account(account_id: str):
    """The account report: stakeholders, coverage, findings."""
    require_account("Account", account_id)
    return account_report(account_id)


@bp.route("/opportunities/<opportunity_id>")
@login_required
@spec.validate(resp=answers(HTTP_200=Report), tags=["reports"])
def api_opportunity(opportunity_id: str):
    """The opportunity report: buying center, readiness, gaps, warm paths."""
    require_account("Opportunity", opportunity_id)
    return opportunity_report(opportunity_id)


# -- lists for integrations ----------------------------------------------------------------------

@bp.route("/v1/accounts")
@login_required
@spec.validate(query=ListQuery, resp=answers(HTTP_200=Page), tags=["lists"])
def list_accounts(query: ListQuery):
    """A page of the accounts the user may see, in the order they changed."""
    since = since_text(query.updated_since)
    changed = sorted((a for a in visible_accounts() if str(a.get("updated_at") or "") >= since),
                     key=lambda a: (str(a.get("updated_at") or ""), a["id"]))
    start = (query.page - 1) * query.per_page
    return page_of(changed[start:start + query.per_page + 1], query)


@bp.route("/v1/people")
@login_required
@spec.validate(query=PeopleQuery, resp=answers(HTTP_200=Page), tags=["lists"])
def list_people(query: PeopleQuery):
    """A page of the people of the accounts the user may see (or of one of them), in the order they changed."""
    return _records_page("Person", query)


@bp.route("/v1/opportunities")
@login_required
@spec.validate(query=OpportunitiesQuery, resp=answers(HTTP_200=Page), tags=["lists"])
def list_opportunities(query: OpportunitiesQuery):
    """A page of the opportunities of the accounts the user may see (or of one of them), in the order they
    changed."""
    return _records_page("Opportunity", query)


def _records_page(label: str, query: PeopleQuery | OpportunitiesQuery) -> dict:
    """A page of the people or opportunities of the accounts the user may see, or of ``query.account_id``."""
    accounts = visible_account_ids()
    if query.account_id is not None:
        accounts = {require_account("Account", query.account_id)}
    rows = get_store().records_changed_since(label, since_text(query.updated_since), accounts=accounts,
                                             skip=(query.page - 1) * query.per_page, limit=query.per_page + 1)
    return page_of(rows, query)


@bp.route("/v1/interactions")
@login_required
@spec.validate(query=InteractionsQuery, resp=answers(HTTP_200=InteractionPage), tags=["lists"])
def list_interactions(query: InteractionsQuery):
    """A page of the interactions the user may see (every account they belong to is one the user may see),
    or of those at one account, in the order they changed."""
    visible = visible_account_ids()
    accounts = visible
    if query.account_id is not None:
        accounts = {require_account("Account", query.account_id)}
    rows = get_store().interactions_changed_since(since_text(query.updated_since), accounts=accounts,
                                                  visible=visible, skip=(query.page - 1) * query.per_page,
                                                  limit=query.per_page + 1)
    return page_of(rows, query)


@bp.route("/v1/people/<person_id>")
@login_required
@spec.validate(resp=answers(HTTP_200=Record), tags=["people"])
def get_person(person_id: str):
    """A person as stored, with their account; the ETag is their version (for If-Match)."""
    account_id = require_account("Person", person_id)
    person = get_store().get("Person", person_id)
    return {**person, "account_id": account_id}, 200, {"ETag": f'"{person["version"]}"'}
