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
    if account_id is None or not allowed(current_user, account_id):
        abort(404)
    return account_id


def visible_account_ids(user=None) -> set[str] | None:
    """The accounts ``user`` (default: the signed-in one) may see; None: every
    account.  Needs the app, not a request: the weekly digest asks it for
    each of its recipients."""
    user = current_user if user is None else user
    if user.sees_all:
        return None
    return member_accounts(user.id)


def visible_accounts() -> list[dict]:
    """The accounts the current user may see, as stored."""
    visible = visible_account_ids()
    accounts = get_store().list_nodes("Account", limit=100_000)
    return accounts if visible is None else [a for a in accounts if a["id"] in visible]


def _account_of_node(G, n: str) -> str | None:
    label = G.nodes[n].get("label")
    if label == "Account":
        return n
    rel_type = {"Person": "WORKS_AT", "Opportunity": "FOR"}.get(label)
    if rel_type is None:
        return None
    return next((v for _, v, t in G.out_edges(n, keys=True) if t == rel_type), "")


def visible_graph(G, visible: set[str] | None):
    """``G`` without the accounts not in ``visible`` (None: all are) and their
    people and opportunities (an account graph reaches into other accounts
    through KNOWS / INFLUENCES / REPORTS_TO / PART_OF edges).  Our users,
    competitors and interactions stay.  ``G`` itself is never changed."""
    if visible is None:
        return G
    hidden = {n for n in G if (a := _account_of_node(G, n)) is not None and a not in visible}
    return G.subgraph(set(G) - hidden).copy() if hidden else G
