"""The right to erasure: ``graphcrm forget PERSON_ID`` and the admin action.

The person's name becomes :data:`PLACEHOLDER`; title, e-mail, phone, notes
and the Salesforce id are removed, and so are the notes (summaries) of every
interaction with them.  The node stays, with its id, influence, stance,
seniority, department and relationships, as an anonymous placeholder: the
analysis of the account (who decides, who reports to whom, coverage) keeps
working.  ``erased_at`` and ``erased_by`` record when and by whom; an import
never fills an erased person in again.  Backups made before the erasure
still hold the data: they must be handled (or expire) by their own policy.
"""

from __future__ import annotations

from graphcrm.graph.store import GraphStore
from graphcrm.model import validate_node

PLACEHOLDER = "Erased person · 已删除"
#: the properties of a person that are erased (the name is replaced)
ERASED_FIELDS = ("title", "email", "phone", "notes", "source_id")


def forget(store: GraphStore, person_id: str, *, by: str) -> dict:
    """Erase a person's personal data; returns the placeholder left and
    ``interactions_erased``, the number of interactions whose notes went."""
    by = validate_node("Person", {"erased_by": by}, partial=True)["erased_by"]
    return store.forget_person(person_id, by=by, placeholder=PLACEHOLDER, erased=ERASED_FIELDS)
