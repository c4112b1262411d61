"""What changed since a date: at an account (/accounts/<id>/changes), or
about one of its people or opportunities (/people/<id>/changes,
/opportunities/<id>/changes: the account's changes that concern them).

Pages of their own, so the cached page bodies (``web.reports.page_body``)
stay as they are.  Members of the account's team see them, admins and
directors every account's; anyone else gets 404, as for the record itself.

Where they start: the user's previous visit to the record's page, else a
week ago.  Visits are kept in the user's signed session (``visits``: record
id -> [day before, last day], the :data:`VISITS_KEPT` latest records):
nothing is written to the database on a page view, and they go with the
session (a new sign-in starts afresh).  Presets: last week, the last review
(two weeks), 30 days, and a bid's gates (each change of its stage).  Above
the list: how each bid's readiness moved since then, with the components
that moved it, and our relationships that have gone stale since
(:mod:`graphcrm.asof`: the map of then against today's).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from graphcrm.analysis import bid_readiness
from graphcrm.analysis.messages import N_
from graphcrm.asof import gone_stale, graph_as_of, merged_on, readiness_moves
from graphcrm.errors import ValidationError
from graphcrm.history import about, account_changes, describe
from graphcrm.web.access import require_account, visible_account_ids, visible_graph
from graphcrm.web.asof import opportunity_gates
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.reports import account_graph, opportunity_report

bp = Blueprint("history", __name__)

#: the preset periods: days back from today and their name (the first: the default without a visit)
PRESETS = ((7, N_("Last week")), (14, N_("Last review (two weeks)")), (30, N_("Last 30 days")))
#: the pages whose visits are kept: endpoint -> the name of its record's id (None: the page itself)
RECORD_PAGES = {"accounts.account": "account_id", "opportunities.opportunity": "opportunity_id",
                "people.person": "person_id", "dashboard.index": None}
#: how many accounts the dashboard's "changes since" lists (the most changed)
DASHBOARD_ACCOUNTS = 10
#: how far back the dashboard's "changes since" reaches at most (its count reads every entry since)
DASHBOARD_DAYS = 30
#: how many records' visits a session keeps (the latest)
VISITS_KEPT = 100


@bp.before_app_request
def remember_visit() -> None:
    """Keep the day the signed-in user opens a record's page, and the day of
    the visit before (``session["visits"]``)."""
    endpoint = request.endpoint or ""
    if endpoint not in RECORD_PAGES or not current_user.is_authenticated:
        return
    record_id = (request.view_args or {}).get(RECORD_PAGES[endpoint]) if RECORD_PAGES[endpoint] else endpoint
    if not record_id:
        return
    today = datetime.now(timezone.utc).date().isoformat()
    visits = dict(session.get("visits") or {})
    previous, last = visits.pop(record_id, [None, None])
    visits[record_id] = [last, today] if last and last < today else [previous, today]
    session["visits"] = dict(list(visits.items())[-VISITS_KEPT:])


def previous_visit(record_id: str) -> str | None:
    """The day of the user's visit to the record's page before today's, or None."""
    return (session.get("visits") or {}).get(record_id, [None, None])[0]


def since_date(text: str | None, today: date, default: str | None = None) -> date:
    """The date ``since`` asks for (default: ``default``, else a week before
    ``today``); ValidationError for a malformed date or one after ``today``."""
    text = (text or default or "").strip()
    if not text:
        return today - timedelta(days=PRESETS[0][0])
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValidationError("since", _("must be a date like 2026-05-01")) from None
    if value > today:
        raise ValidationError("since", _("must not be in the future"))
    if value.year < 1900:
        raise ValidationError("since", _("year must be between 1900 and 2200"))
    return value


@bp.route("/accounts/<account_id>/changes")
@login_required
def account_changes_page(account_id: str):
    """What changed at the account since ``?since=YYYY-MM-DD`` (default: a week ago)."""
    require_account("Account", account_id)
    account = get_store().get("Account", account_id)
    return _changes_page(account_id, None, title=_("Changes at %(account)s", account=account["name"]),
                         back=(url_for("accounts.account", account_id=account_id), account["name"]))


@bp.route("/people/<person_id>/changes")
@login_required
def person_changes_page(person_id: str):
    """What changed about a stakeholder since ``?since=`` (default: a week ago)."""
    account_id = require_account("Person", person_id)
    person = get_store().get("Person", person_id)
    return _changes_page(account_id, person_id, title=_("Changes about %(name)s", name=person["name"]),
                         back=(url_for("people.person", person_id=person_id), person["name"]))


@bp.route("/opportunities/<opportunity_id>/changes")
@login_required
def opportunity_changes_page(opportunity_id: str):
    """What changed about a bid since ``?since=`` (default: a week ago)."""
    account_id = require_account("Opportunity", opportunity_id)
    opportunity = get_store().get("Opportunity", opportunity_id)
    return _changes_page(account_id, opportunity_id, title=_("Changes about %(name)s", name=opportunity["name"]),
                         back=(url_for("opportunities.opportunity", opportunity_id=opportunity_id),
                               opportunity["name"]), bid=True)


def change_rows(history: dict, visible: set[str] | None) -> list[dict]:
    """The changes of ``history`` (GraphStore.account_history), newest first,
    each with its ``text`` in the current language; records of accounts not in
    ``visible`` (None: all are) are not named."""
    hidden = [] if visible is None else [
        node_id for node_id, accounts in history["elsewhere"].items() if not visible & set(accounts)]
    lang = str(get_locale() or "en")
    return [{**change, "text": describe(change, _, lang)} for change in account_changes(history, hidden)]


def _changes_page(account_id: str, subject_id: str | None, *, title: str, back: tuple[str, str], bid: bool = False):
    """The changes of the account since ``?since=`` (default: the previous
    visit to the record's page), or those about ``subject_id``, with how the
    bids' readiness moved and the relationships gone stale since then."""
    today = datetime.now(timezone.utc).date()
    record_id = subject_id or account_id
    visited = previous_visit(record_id)
    since = since_date(request.args.get("since"), today, visited)
    history = get_store().account_history(account_id, since.isoformat())
    visible = visible_account_ids()
    rows = change_rows(history if subject_id is None else about(history, subject_id), visible)
    presets = _presets(today, visited, subject_id if bid else None, account_id)
    merged = merged_on(history["entries"])
    moved = {"moves": [], "stale": []} if merged else _moved(history, account_id, since.isoformat(),
                                                              subject_id, bid, visible)
    return render_template("history/changes.html", title=title, back=back, rows=rows, since=since.isoformat(),
                           today=today.isoformat(), presets=presets, merged=merged, **moved)


def _moved(history: dict, account_id: str, since: str, subject_id: str | None, bid: bool,
           visible: set[str] | None) -> dict:
    """What the map of ``since`` (rebuilt from ``history``) and today's say
    moved: ``moves`` (each bid's readiness) and ``stale`` (relationships gone stale)."""
    then = visible_graph(graph_as_of(get_reports().account_graph(account_id), history["entries"], since), visible)
    now = account_graph(account_id)
    bids = [subject_id] if bid else [] if subject_id else _open_bids(now, account_id)
    concerned = _concerned(now, subject_id, bid)
    return {"moves": [_moves(then, now, b) for b in bids if b in then and b in now],
            "stale": [x for x in gone_stale(then, now) if concerned is None or x["person_id"] in concerned]}


def _concerned(G, subject_id: str | None, bid: bool) -> set[str] | None:
    """The people whose relationships a page is about: a bid's buying center,
    a person, or everyone (None) on the account's page."""
    if subject_id is None:
        return None
    if bid:
        return {p for p, _o, d in G.in_edges(subject_id, data=True) if d.get("type") == "ROLE_IN"}
    return {subject_id}


def _open_bids(G, account_id: str) -> list[str]:
    """The account's open opportunities on the map ``G``, by id."""
    return sorted(o for o, a, d in G.in_edges(account_id, data=True)
                  if d.get("type") == "FOR" and G.nodes[o].get("stage") not in ("won", "lost"))


def _moves(then, now, opportunity_id: str) -> dict:
    """How a bid's readiness moved from the map ``then`` to today's (the
    cached report's, over the same view as ``now``), with its name."""
    return {"id": opportunity_id, "name": now.nodes[opportunity_id].get("name") or opportunity_id,
            **readiness_moves(bid_readiness(then, opportunity_id), opportunity_report(opportunity_id)["readiness"])}


def _presets(today: date, visited: str | None, bid_id: str | None, account_id: str) -> list[tuple[str, str, str]]:
    """The page's presets as ``(name, url, day)``: the previous visit, the
    periods of :data:`PRESETS`, and the gates of the bid ``bid_id`` (None: none)."""
    def link(day: str) -> str:
        return url_for(request.endpoint, **request.view_args, since=day)

    days = [(_("My last visit (%(date)s)", date=visited), visited)] if visited else []
    days += [(_(name), (today - timedelta(days=n)).isoformat()) for n, name in PRESETS]
    if bid_id:
        days += [(_("Gate: %(stage)s (%(date)s)", stage=gate["point"]["stage"], date=gate["day"]), gate["day"])
                 for gate in reversed(opportunity_gates(bid_id, account_id))]
    return [(name, link(day), day) for name, day in days]


def dashboard_changes() -> dict:
    """The dashboard's "changes since": since the user's previous visit to it
    (at most :data:`DASHBOARD_DAYS` back; without a visit, a week ago), the
    :data:`DASHBOARD_ACCOUNTS` accounts they may see with the most changes,
    ``{"since", "accounts": [{"id", "name", "changes"}], "more"}`` (``more``:
    how many other accounts changed)."""
    today = datetime.now(timezone.utc).date()
    visited = previous_visit("dashboard.index")
    floor = (today - timedelta(days=DASHBOARD_DAYS)).isoformat()
    since = max(visited, floor) if visited else (today - timedelta(days=PRESETS[0][0])).isoformat()
    visible = visible_account_ids()
    counts = {a: n for a, n in get_store().changed_accounts(since).items() if visible is None or a in visible}
    names = {a["id"]: a["name"] for a in get_store().get_many("Account", counts)}
    ranked = sorted(((n, names[a], a) for a, n in counts.items() if a in names), key=lambda x: (-x[0], x[1], x[2]))
    return {"since": since, "accounts": [{"id": a, "name": name, "changes": n}
                                         for n, name, a in ranked[:DASHBOARD_ACCOUNTS]],
            "more": max(0, len(ranked) - DASHBOARD_ACCOUNTS)}
