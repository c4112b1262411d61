"""Who may see and change which account: the one rule every path into the data applies.

Roles (:data:`graphcrm.model.USER_ROLES`):

* ``admin`` sees and changes everything, and is the only role that creates,
  changes or deactivates users;
* ``director`` sees every account, changes nothing;
* ``manager`` (key-account manager) and ``bid`` see and change the accounts
  they are on the team of (``MEMBER_OF`` the account, or one of its
  opportunities); managers also open new accounts, merge two they are on
  the team of, and import;
* ``viewer`` sees the accounts they are on the team of.

A record belongs to accounts (:data:`ANCHORS`): a person to their employer,
an opportunity to its account, an interaction to the accounts of the people
it was with and the opportunities it was about, a competitor to the accounts
it bids at.  The web layer (``graphcrm.web.access``) applies these rules to
the signed-in user; imports (:meth:`graphcrm.transfer.plan.ImportPlan.resolve`)
apply them to every row, through :class:`Actor`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

SEE_ALL = ("admin", "director")
EDITORS = ("admin", "manager", "bid")
ACCOUNT_CREATORS = ("admin", "manager")
ACCOUNT_MERGERS = ("admin", "manager")
IMPORTERS = ("admin", "manager")

#: relationship type -> (ends whose accounts the actor must be able to change,
#: ends whose accounts the actor must be able to see); the same anchors as the
#: relationship forms (graphcrm/web/relationships.py)
ANCHORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "WORKS_AT": (("start", "end"), ()),
    "WORKED_AT": (("start", "end"), ()),
    "REPORTS_TO": (("start",), ("end",)),
    "INFLUENCES": (("start",), ("end",)),
    "KNOWS": (("start",), ("end",)),
    "PART_OF": (("start",), ("end",)),
    "FOR": (("start", "end"), ()),
    "ROLE_IN": (("end",), ("start",)),
    "RELATIONSHIP": (("end",), ()),
    "MEMBER_OF": (("end",), ()),
    "COMPETES_FOR": (("end",), ()),
    "ATTENDED": (("end",), ()),
    "WITH": (("start", "end"), ()),
    "ABOUT": (("start", "end"), ()),
}


def can_view_account(role: str, member_of: Collection[str], account_id: str | None) -> bool:
    """Whether a user of ``role``, on the team of ``member_of``, may see the account."""
    if account_id is None:
        return False
    return role in SEE_ALL or account_id in member_of


def can_edit_account(role: str, member_of: Collection[str], account_id: str | None) -> bool:
    """Whether a user of ``role``, on the team of ``member_of``, may change the account and what belongs to it."""
    if account_id is None or role not in EDITORS:
        return False
    return role == "admin" or account_id in member_of


def can_create_accounts(role: str) -> bool:
    """Admins and key-account managers open new accounts."""
    return role in ACCOUNT_CREATORS


def can_merge_accounts(role: str, member_of: Collection[str], account_ids: Collection[str]) -> bool:
    """Whether a user of ``role``, on the team of ``member_of``, may merge these
    accounts into one: admins, and managers who may change every one of them."""
    return role in ACCOUNT_MERGERS and bool(account_ids) and all(
        can_edit_account(role, member_of, a) for a in account_ids)


def can_change_users(role: str) -> bool:
    """Only admins create, change or deactivate users, by any path."""
    return role == "admin"


@dataclass(frozen=True)
class Actor:
    """Who an import or another bulk change acts for: a role and the accounts
    the user is on the team of.  ``new_accounts`` are the accounts the change
    itself creates (a manager's new accounts join their team)."""

    user_id: str | None
    role: str
    member_of: frozenset[str] = frozenset()
    new_accounts: frozenset[str] = field(default=frozenset())

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_view(self, accounts: Collection[str]) -> bool:
        """Whether the actor may see a record that belongs to ``accounts``."""
        return self.is_admin or bool(accounts) and all(
            a in self.new_accounts or can_view_account(self.role, self.member_of, a) for a in accounts)

    def can_edit(self, accounts: Collection[str]) -> bool:
        """Whether the actor may change a record that belongs to ``accounts``
        (all of them: an interaction with people of two teams needs both)."""
        return self.is_admin or bool(accounts) and all(
            a in self.new_accounts or can_edit_account(self.role, self.member_of, a) for a in accounts)
