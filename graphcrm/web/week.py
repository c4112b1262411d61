"""A user's week: whom to contact, the bids closing soon and what must not be
missed, as the My week page (web/dashboard.py) and the weekly digest
(web/digest.py) show them.

Everything here needs the app (web/db.py), not a request: the page asks it
for the signed-in user, the digest for each of its recipients.  Every list
holds only accounts the user may see (:func:`graphcrm.web.access.visible_account_ids`).

Alerts
------
:func:`alerts` is the one list of what a user must not miss this week.  Each
source in :data:`ALERT_SOURCES` is a function ``(user, week) -> list of
alerts`` (``week``: what :func:`week_of` gives), called in the reader's
language (the digest forces it); an alert (:func:`alert`) is a dict with
``kind``, ``text`` (a sentence in that language) and ``link`` (``(endpoint,
url arguments)`` of the page that deals with it).  A source names only
accounts the user may see: it uses the week, which is filtered already, or
:func:`~graphcrm.web.access.visible_account_ids` of the user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

from flask import current_app
from flask_babel import gettext

from graphcrm.analysis import maintenance_plan
from graphcrm.analysis._common import account_of_opportunity, name_of
from graphcrm.analysis.compliance import restricted_people
from graphcrm.analysis.messages import render, say
from graphcrm.analysis.money import convert
from graphcrm.rates import load_rates
from graphcrm.web import say_text
from graphcrm.web.access import member_accounts, visible_account_ids
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.people import moved_people

#: days ahead a contact is planned (My week) and a bid counts as closing soon (the digest)
PLAN_DAYS = 7
CLOSING_SOON_DAYS = 30


def today() -> date:
    """Today in the site's time zone (``GRAPHCRM_TIMEZONE``)."""
    return datetime.now(current_app.config["GRAPHCRM_SETTINGS"].zone).date()


def days_to_close(close_date: str | None, on: date) -> int | None:
    """Days from ``on`` to a bid's close date (negative: past it; None: no date)."""
    return None if not close_date else (date.fromisoformat(str(close_date)[:10]) - on).days


def week_of(user) -> dict:
    """The maintenance plan of ``user`` for the next :data:`PLAN_DAYS` days:
    ``plan`` (:func:`graphcrm.analysis.maintenance_plan`), ``due`` (the
    relationships due for a contact, most urgent first: by influence, then
    the value of the open deals, each with ``open_value`` in the reporting
    currency), ``follow_ups`` (feedback the user must answer) and
    ``ask_feedback`` (key stakeholders to ask), only at accounts the user
    may see."""
    plan = maintenance_plan(get_store().owner_graph(user.id), owner=user.id, horizon_days=PLAN_DAYS)
    visible = visible_account_ids(user)

    def mine(key: str) -> list[dict]:
        rows = [c for owner in plan["owners"] for c in owner[key]]
        return rows if visible is None else [c for c in rows if c["account"] and c["account"]["id"] in visible]

    rates = load_rates(current_app.config["GRAPHCRM_SETTINGS"].data_dir)
    due = [{**c, "open_value": convert(c["open_deal_values"], rates)} for c in mine("due")]
    return {"plan": plan, "due": due, "follow_ups": mine("follow_ups"), "ask_feedback": mine("ask_feedback")}


def overdue(week: dict) -> list[dict]:
    """The contacts of :func:`week_of` that are overdue (or were never made), in its order."""
    return [c for c in week["due"] if c["days_overdue"] is None or c["days_overdue"] > 0]


def closing_soon(user, *, days: int = CLOSING_SOON_DAYS) -> list[dict]:
    """The open bids ``user`` may see whose close date is at most ``days``
    days away (or past while the bid is still open), soonest first, as rows
    of the portfolio report (readiness, next best action...) with
    ``days_to_close``."""
    visible = visible_account_ids(user)
    on = today()
    rows = [{**o, "days_to_close": days_to_close(o.get("close_date"), on)}
            for o in get_reports().portfolio_report()["opportunities"]
            if visible is None or o["account_id"] in visible]
    soon = [o for o in rows if o["days_to_close"] is not None and o["days_to_close"] <= days]
    return sorted(soon, key=lambda o: (o["days_to_close"], str(o["name"])))


def alert(kind: str, text: str, endpoint: str, **link_args) -> dict:
    """One alert (module text)."""
    return {"kind": kind, "text": str(text), "link": (endpoint, link_args)}


def overdue_follow_ups(user, week: dict) -> list[dict]:
    """Customer feedback the user owns whose follow-up is past its due date."""
    out = []
    for f in week["follow_ups"]:
        if f["days_overdue"] > 0:
            msg = say("attention.follow_up_overdue", people=[p["name"] for p in f["people"]],
                      date=str(f["at"] or "")[:10], days=f["days_overdue"], owner=f["owner"]["name"])
            out.append(alert("follow_up_overdue", say_text(msg, render(msg)), "interactions.close_follow_up",
                             interaction_id=f["id"]))
    return out


def people_who_moved(user, week: dict) -> list[dict]:
    """A champion or coach of an open bid who left its account, a former
    champion now at another account (:func:`graphcrm.web.people.moved_people`:
    the alerts My week shows, by the same rule)."""
    return [alert(m["kind"], _moved(m), "people.person", person_id=m["person"]["id"]) for m in moved_people(user)]


def quiet_periods(user, week: dict) -> list[dict]:
    """A bid at an account of the user's team in its quiet period: whom not to approach until
    the award (:func:`graphcrm.analysis.compliance.restricted_people`)."""
    out = []
    for account_id in sorted(member_accounts(user.id)):
        G = get_reports().account_graph(account_id)
        bids: dict[str, list[str]] = {}
        for person_id, why in restricted_people(G, datetime.now(timezone.utc)).items():
            for opportunity_id in why["opportunities"]:
                if account_of_opportunity(G, opportunity_id) == account_id:  # not a neighbour's bid
                    bids.setdefault(opportunity_id, []).append(name_of(G, person_id))
        out += [alert("quiet_period", gettext("%(bid)s is in its quiet period: do not approach %(people)s "
                                              "until the award.", bid=name_of(G, o), people="、".join(sorted(names))),
                      "opportunities.opportunity", opportunity_id=o) for o, names in sorted(bids.items())]
    return out


def _moved(m: dict) -> str:
    if m["kind"] == "champion_moved":
        return gettext("Former champion %(person)s left %(left)s and now works at %(now)s.",
                       person=m["person"]["name"], left=m["left"]["name"], now=m["now"]["name"])
    return gettext("%(person)s, champion or coach of an open bid, has left %(left)s.",
                   person=m["person"]["name"], left=m["left"]["name"])


#: where the alerts come from, in the order they are listed (module text)
ALERT_SOURCES: tuple[Callable[..., list[dict]], ...] = (overdue_follow_ups, people_who_moved, quiet_periods)


def alerts(user, week: dict) -> list[dict]:
    """What ``user`` must not miss this week, from every source in :data:`ALERT_SOURCES`."""
    return [a for source in ALERT_SOURCES for a in source(user, week)]
