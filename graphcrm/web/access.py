"""Who may see and change what, for the signed-in user: every route, API call
and import checks access here.

The rules themselves are in :mod:`graphcrm.access` (one rule for the web, the
API, imports and the CLI); this module applies them to ``current_user``.  A
record of an account the user may not see answers 404, never its data; a role
that may not do something at all gets 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from graphcrm import access
from graphcrm.model import RELATIONSHIP_TYPES
from graphcrm.web.db import get_reports, get_store


def member_accounts(user_id: str) -> set[str]:
    """The accounts a user is on the team of (kept until the graph changes; read-only)."""
    return get_reports().get(("member accounts", user_id), lambda: get_store().member_accounts(user_id))


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view_account(user, account_id: str | None) -> bool:
    """Whether ``user`` may see the account and everything that belongs to it."""
    if not _signed_in(user) or account_id is None:
        return False
    return user.sees_all or access.can_view_account(user.role, member_accounts(user.id), account_id)


def can_edit_account(user, account_id: str | None) -> bool:
    """Whether ``user`` may change the account and everything that belongs to it."""
    if not _signed_in(user) or account_id is None or user.role not in access.EDITORS:
        return False
    return user.role == "admin" or access.can_edit_account(user.role, member_accounts(user.id), account_id)


def can_merge_accounts(user, *account_ids: str) -> bool:
    """Whether ``user`` may merge these accounts (admins; managers who may change each of them)."""
    if not _signed_in(user):
        return False
    member_of = () if user.role == "admin" else member_accounts(user.id)
    return access.can_merge_accounts(user.role, member_of, account_ids)


def can_create_accounts(user) -> bool:
    """Admins and key-account managers open new accounts."""
    return _signed_in(user) and access.can_create_accounts(user.role)


def actor() -> access.Actor:
    """The signed-in user as an :class:`graphcrm.access.Actor` (for imports)."""
    member_of = frozenset() if current_user.role == "admin" else frozenset(member_accounts(current_user.id))
    return access.Actor(current_user.id, current_user.role, member_of)


def require_account(label: str, node_id: str, *, edit: bool = False) -> str:
    """The account id ``label``/``node_id`` belongs to, or abort 404 when it
    does not exist or the current user may not see (or edit) it."""
    account_id = get_reports().get(("account of", label, node_id), lambda: get_store().account_of(label, node_id))
    allowed = can_edit_account if edit else can_view_account
    if account_id is not None and allowed(current_user, account_id):
        return account_id
    if label == "Person" and not edit and account_id is not None:
        # a former employee: the members of every account they worked at see them there
        former = next((a for a in former_accounts(node_id) if can_view_account(current_user, a)), None)
        if former is not None:
            return former
    abort(404)


def former_accounts(person_id: str) -> list[str]:
    """The accounts a person worked at and left, the latest first (kept until the graph changes)."""
    return get_reports().get(("former accounts", person_id), lambda: [
        job["account_id"] for job in get_store().employment(person_id) if not job["current"]])


def visible_account_ids(user=None) -> set[str] | None:
    """The accounts ``user`` (default: the signed-in one) may see; None: every
    account.  Needs the app, not a request: the weekly digest asks it for
    each of its recipients."""
    user = current_user if user is None else user
    if user.sees_all:
        return None
    return member_accounts(user.id)


def require_line(rel_type: str, start: str, end: str) -> None:
    """Abort 404 unless the current user may change the account of each end
    of the relationship that anchors it and see the others
    (:data:`graphcrm.access.ANCHORS`, as the relationship forms)."""
    starts, ends = RELATIONSHIP_TYPES[rel_type][:2]
    edit, view = access.ANCHORS[rel_type]
    for which, node_id, labels in (("start", start, starts), ("end", end, ends)):
        if (which in edit or which in view) and labels[0] in ("Account", "Person", "Opportunity"):
            require_account(labels[0], node_id, edit=which in edit)


def visible_accounts() -> list[dict]:
    """The accounts the current user may see, as stored."""
    visible = visible_account_ids()
    accounts = get_store().list_nodes("Account", limit=100_000)
    return accounts if visible is None else [a for a in accounts if a["id"] in visible]


#: the lines that place a node at accounts (a person: where they work and worked)
_PLACED_BY = {"Person": ("WORKS_AT", "WORKED_AT"), "Opportunity": ("FOR",)}


def _accounts_of_node(G, n: str) -> set[str] | None:
    """The accounts ``n`` belongs to in ``G`` (empty: none there); None for what
    no account holds (our users, competitors, interactions)."""
    label = G.nodes[n].get("label")
    if label == "Account":
        return {n}
    types = _PLACED_BY.get(label)
    if types is None:
        return None
    return {v for _, v, t in G.out_edges(n, keys=True) if t in types}


def visible_graph(G, visible: set[str] | None):
    """``G`` without the accounts not in ``visible`` (None: all are) and their
    people and opportunities (an account graph reaches into other accounts
    through KNOWS / INFLUENCES / REPORTS_TO / PART_OF edges).  A person who
    moved stays where any account they work or worked at is visible.  Our
    users, competitors and interactions stay.  ``G`` itself is never changed."""
    if visible is None:
        return G
    hidden = {n for n in G if (a := _accounts_of_node(G, n)) is not None and not a & visible}
    return G.subgraph(set(G) - hidden).copy() if hidden else G
