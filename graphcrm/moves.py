"""Stakeholders who move between accounts: the alerts they raise.

A stakeholder who leaves an account is not deleted: the employment ends
(``WORKS_AT`` becomes ``WORKED_AT {since, until, title}``, see
:meth:`GraphStore.move_person <graphcrm.graph.store.GraphStore.move_person>`)
and they may start at another account, keeping their past roles,
interactions and our relationships.  :func:`mover_alerts` (pure: plain data
in and out) turns the ended employments
(:meth:`GraphStore.former_employees <graphcrm.graph.store.GraphStore.former_employees>`)
into alerts for one reader, each one a dict::

    {"kind": "champion_moved", "person": {"id", "name"}, "left": {"id", "name"},
     "now": {"id", "name", "prospect"} or None, "until": "2026-05-01" or None,
     "roles": [{"id", "name", "stage", "role"}]}

Who sees which alert (one rule: the reader must see every account it names):

* ``champion_left``: a champion or coach of an open bid no longer works at
  the bid's account.  For those who may see that account; where the person
  went is not named unless they may see it too (then the alert is
  ``champion_moved``).
* ``champion_moved``: a former champion (or champion / coach of an open bid)
  now works at another account, a prospect included.  Only for those who
  may see both accounts, and only for :data:`MOVED_DAYS` after the move
  while no open bid of the old account still counts on them.

Each ended employment raises at most one alert, whatever the number of bids
the person held a role in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from graphcrm.model import OPEN_STAGES

__all__ = ["MOVED_DAYS", "mover_alerts"]

#: how long after the move a former champion at another account stays an alert
MOVED_DAYS = 90


def mover_alerts(rows: Iterable[dict], visible: Collection[str] | None, today: date) -> list[dict]:
    """The alerts about stakeholders who moved that a reader who may see ``visible`` gets.

    Parameters
    ----------
    rows : iterable of dict
        One per ended employment, as ``GraphStore.former_employees`` returns them:
        ``person_id, person_name, account_id, account_name, until, now_id,
        now_name, now_lifecycle, roles`` (``roles``: ``{id, name, stage, role}``
        of their champion and coach roles in the bids of the account they left).
    visible : collection of str or None
        The accounts the reader may see (None: every account).
    today : datetime.date
        For :data:`MOVED_DAYS`.

    Returns
    -------
    list of dict
        The alerts (see the module docstring), the latest move first.

    Examples
    --------
    >>> row = {"person_id": "p1", "person_name": "黄磊", "account_id": "a1", "account_name": "City bureau",
    ...        "until": "2026-05-01", "now_id": "a2", "now_name": "Port group", "now_lifecycle": "prospect",
    ...        "roles": [{"id": "o1", "name": "Smart city", "stage": "tender", "role": "champion"}]}
    >>> [a["kind"] for a in mover_alerts([row], {"a1", "a2"}, date(2026, 5, 10))]
    ['champion_moved']
    >>> [a["kind"] for a in mover_alerts([row], {"a1"}, date(2026, 5, 10))]
    ['champion_left']
    >>> mover_alerts([row], {"a2"}, date(2026, 5, 10))
    []
    """
    alerts = [alert for row in rows if (alert := _alert(row, visible, today)) is not None]
    return sorted(alerts, key=lambda a: (a["until"] or "", a["person"]["name"] or ""), reverse=True)


def _alert(row: dict, visible: Collection[str] | None, today: date) -> dict | None:
    def sees(account_id: str | None) -> bool:
        return account_id is not None and (visible is None or account_id in visible)

    if not sees(row["account_id"]):
        return None
    roles = [r for r in row["roles"] if r]
    open_roles = [r for r in roles if r["stage"] in OPEN_STAGES]
    moved = sees(row["now_id"]) and (open_roles or (any(r["role"] == "champion" for r in roles)
                                                    and _recent(row["until"], today)))
    if not moved and not open_roles:
        return None
    return {
        "kind": "champion_moved" if moved else "champion_left",
        "person": {"id": row["person_id"], "name": row["person_name"]},
        "left": {"id": row["account_id"], "name": row["account_name"]},
        "now": {"id": row["now_id"], "name": row["now_name"], "prospect": row["now_lifecycle"] == "prospect"}
        if moved else None,
        "until": row["until"],
        "roles": sorted(open_roles or roles, key=lambda r: (r["name"] or "", r["id"])),
    }


def _recent(until: str | None, today: date) -> bool:
    return until is not None and (today - date.fromisoformat(until)).days <= MOVED_DAYS
