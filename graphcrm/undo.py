"""Undoing one change from the audit log: the write that reverts it, or why none can.

An undo is a new write (audited, version-checked), never an edit of the log:
:meth:`GraphStore.undo_change <graphcrm.graph.store.GraphStore.undo_change>`
makes it from :func:`plan` and records ``undoes`` (the id of the entry undone)
in its own entry.  What can be undone:

* a change of the properties of an account, a person, an opportunity or a
  competitor (``update``): the fields it set get back the values they had,
  if the record is still at the version the change made;
* a change of a relationship's properties (``update``): the same, on the
  relationship;
* a relationship or a buying-center role made (``relate``, nothing there
  before): it is removed, if it is still as the change left it; one whose
  properties were replaced gets the ones it had back;
* a relationship removed (``unrelate``): it is made again with the
  properties it had, if both ends are still there and it was not made again.

Anything else cannot be undone, for the reason :func:`plan` names (a code of
:data:`REASONS`, whose English text is the gettext msgid).

>>> step = plan({"action": "update", "target_label": "Person", "target_id": "p1",
...              "before": '{"stance": "neutral", "version": 1}', "after": '{"stance": "skeptic", "version": 2}'})
>>> step["kind"], step["values"], step["wrote"], step["version"]
('node', {'stance': 'neutral'}, {'stance': 'skeptic'}, 2)
>>> plan({"action": "delete", "target_label": "Person", "target_id": "p1", "before": "{}"})["reason"]
'delete'
"""

from __future__ import annotations

import json

from graphcrm.analysis.messages import N_
from graphcrm.audit import ERASED, REDACTED
from graphcrm.model import RELATIONSHIP_TYPES

__all__ = ["REASONS", "changed_since", "plan"]

#: the labels whose property changes can be undone
LABELS = ("Account", "Person", "Opportunity", "Competitor")

#: why a change cannot be undone, by code (English: the gettext msgid)
REASONS = {
    "erased": N_("The person's personal data was erased, so the change is no longer known."),
    "move": N_("A move between accounts: record the move back on the person's page."),
    "create": N_("A new record: delete it on its page if it should not be there."),
    "delete": N_("A deleted record cannot be brought back from the log: restore it from a backup."),
    "interaction": N_("An interaction: edit or delete it on the person's page."),
    "user": N_("Changes of users are made on the users page."),
    "bulk": N_("A batch (an import, a restore, a merge) cannot be undone one change at a time."),
    "event": N_("An event that changed nothing in the graph."),
    "works_at": N_("A change of where someone works: record a move on the person's page."),
}

#: what an undo never writes back (the store keeps it)
_SYSTEM = ("version", "created_at", "updated_at", "undoes")


def _load(text: str | None) -> dict | None:
    value = json.loads(text) if text else None
    return value if isinstance(value, dict) else None


def plan(entry: dict) -> dict:
    """The write that undoes an audit ``entry``, or ``{"reason": code}`` (:data:`REASONS`).

    The write is one of ``{"kind": "node", "label", "id", "values",
    "wrote", "version"}`` (set ``values`` on the node still at ``version``,
    whose fields hold ``wrote``), ``{"kind": "line", "type", "start", "end",
    "values", "wrote", "version"}`` (the same on a relationship),
    ``{"kind": "unrelate", "type", "start", "end", "wrote"}`` (remove the
    relationship still holding ``wrote``), ``{"kind": "relate", ... "values",
    "wrote"}`` (give it ``values`` back: ``wrote`` None when it must not
    exist, else what it must hold).
    """
    action, label, target = entry["action"], entry["target_label"], entry["target_id"]
    if ERASED in (entry.get("before"), entry.get("after")):
        return {"reason": "erased"}
    before, after = _load(entry.get("before")), _load(entry.get("after"))
    if action in ("leave", "join") or (action == "update" and label == "Person" and after and "account_id" in after):
        return {"reason": "move"}
    reason = {"create": "create", "delete": "delete", "log_interaction": "interaction", "merge": "bulk",
              "bulk_merge": "bulk", "restore": "bulk", "undo_restore": "bulk", "clear": "bulk",
              "upgrade": "bulk"}.get(action)
    if reason:
        return {"reason": reason}
    if label == "Interaction":
        return {"reason": "interaction"}
    if label == "User" or (before and REDACTED in before.values()):
        return {"reason": "user"}
    if "->" in target and label in RELATIONSHIP_TYPES:
        if label == "WORKS_AT":
            return {"reason": "works_at"}
        start, end = target.split("->", 1)
        return _line_plan(action, label, start, end, before, after)
    if action == "update" and label in LABELS and before is not None and after is not None:
        fields = [k for k in after if k not in _SYSTEM]
        return {"kind": "node", "label": label, "id": target, "values": {k: before.get(k) for k in fields},
                "wrote": {k: after[k] for k in fields}, "version": after.get("version")}
    return {"reason": "event"}


def _line_plan(action: str, rel_type: str, start: str, end: str, before: dict | None, after: dict | None) -> dict:
    line = {"type": rel_type, "start": start, "end": end}
    if action == "update" and before is not None and after is not None:
        fields = [k for k in after if k not in _SYSTEM]
        return {"kind": "line", **line, "values": {k: before.get(k) for k in fields},
                "wrote": {k: after[k] for k in fields}, "version": after.get("version")}
    if action == "relate" and after is not None:
        if before is None:
            return {"kind": "unrelate", **line, "wrote": _props(after)}
        return {"kind": "relate", **line, "values": _props(before), "wrote": _props(after)}
    if action == "unrelate" and before is not None:
        return {"kind": "relate", **line, "values": _props(before), "wrote": None}
    return {"reason": "event"}


def _props(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in _SYSTEM}


def changed_since(step: dict, current: dict | None) -> list[dict]:
    """What changed since the change of ``step`` (:func:`plan`), given what is
    stored now (None: not there): ``{"field", "wrote", "now"}`` rows; empty
    when the undo may go ahead.

    >>> step = plan({"action": "update", "target_label": "Person", "target_id": "p1",
    ...              "before": '{"stance": "neutral", "version": 1}', "after": '{"stance": "skeptic", "version": 2}'})
    >>> changed_since(step, {"stance": "opponent", "version": 3})
    [{'field': 'stance', 'wrote': 'skeptic', 'now': 'opponent'}, {'field': 'version', 'wrote': 2, 'now': 3}]
    >>> changed_since(step, {"stance": "skeptic", "version": 2})
    []
    """
    wrote = step.get("wrote")
    if step["kind"] == "relate" and wrote is None:  # a removal: the relationship must still be gone
        return [] if current is None else [{"field": "exists", "wrote": False, "now": True}]
    if current is None:
        return [{"field": "exists", "wrote": True, "now": False}]
    rows = [{"field": k, "wrote": v, "now": current.get(k)} for k, v in (wrote or {}).items() if current.get(k) != v]
    if step["kind"] in ("unrelate", "relate"):
        rows += [{"field": k, "wrote": None, "now": v} for k, v in _props(current).items() if k not in (wrote or {})]
    elif current.get("version") != step["version"]:
        rows.append({"field": "version", "wrote": step["version"], "now": current.get("version")})
    return rows
