"""The right to erasure: ``graphcrm forget PERSON_ID`` and the admin action.

The person's name becomes :data:`PLACEHOLDER`; title, e-mail, phone, notes
and the Salesforce id are removed, and so are the notes (summaries) of every
interaction with them.  The node stays, with its id, influence, stance,
seniority, department and relationships, as an anonymous placeholder: the
analysis of the account (who decides, who reports to whom, coverage) keeps
working.  ``erased_at`` and ``erased_by`` record when and by whom (and the
audit log has an ``erase`` entry); an import never fills an erased person in
again.  The audit log keeps who changed what about the person, but the
erased values in its entries (before / after) are replaced by
:data:`ERASED`, in the same transaction.  Backups made before the erasure
still hold the data: they must be handled (or expire) by their own policy.
"""

from __future__ import annotations

import json

from graphcrm.graph.store import GraphStore
from graphcrm.model import validate_node

PLACEHOLDER = "Erased person · 已删除"
#: what an audit entry shows instead of an erased value
ERASED = "(erased)"
#: the properties of a person that are erased
PERSON_FIELDS = ("name", "title", "email", "phone", "notes", "source_id")
#: the properties of an interaction with them that are erased
INTERACTION_FIELDS = ("summary",)


def forget(store: GraphStore, person_id: str, *, by: str) -> dict:
    """Erase a person's personal data; returns the placeholder left with
    ``interactions_erased`` (interactions whose notes went) and
    ``audit_entries_scrubbed``."""
    by = validate_node("Person", {"erased_by": by}, partial=True)["erased_by"]
    store.get("Person", person_id)
    targets = {person_id: PERSON_FIELDS}
    targets.update({t["props"]["id"]: INTERACTION_FIELDS for t in store.timeline(person_id, limit=100_000)})
    scrubbed = []
    for target, fields in targets.items():
        for entry in _entries_about(store, target):
            before, after = (_scrub(entry.get(key), fields) for key in ("before", "after"))
            if (before, after) != (entry.get("before"), entry.get("after")):
                scrubbed.append({"id": entry["id"], "before": before, "after": after})
    return store.forget_person(person_id, by=by, placeholder=PLACEHOLDER, erased=PERSON_FIELDS, scrubbed=scrubbed)


def _entries_about(store: GraphStore, target: str):
    skip = 0
    while True:
        entries, total = store.audit_log(target=target, skip=skip, limit=500)
        yield from entries
        skip += len(entries)
        if not entries or skip >= total:
            return


def _scrub(text: str | None, fields: tuple[str, ...]) -> str | None:
    """The JSON text of an entry's before / after with the erased values replaced."""
    if not text:
        return text
    values = json.loads(text)
    if not isinstance(values, dict):
        return text
    for field in fields:
        if values.get(field) is not None:
            values[field] = ERASED
    return json.dumps(values, ensure_ascii=False, sort_keys=True)
