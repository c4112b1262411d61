"""What changed at an account: audit entries turned into readable changes.

:meth:`GraphStore.account_history <graphcrm.graph.store.GraphStore.account_history>`
finds the entries; :func:`account_changes` (pure: plain data in and out)
turns them into changes, newest first, each one a dict::

    {"at": "2026-05-01T09:30:00+00:00", "actor": "Lina Wu", "action": "update",
     "code": "field.changed",
     "params": {"subject": "王伟", "field": "stance", "before": "neutral", "after": "skeptic"}}

``params`` hold names (never ids) and stored values: enumerated values stay
codes (``neutral``) so that :func:`describe` can show them in the reader's
language, with the gettext function the caller passes (the web passes
flask-babel's, the CLI none: English).  The template of every code is in
:data:`CATALOG`; its English text is the gettext msgid.

An erased person's entries hold no personal data (``graphcrm.transfer.forget``
blanks them): their changes show that something changed, never what.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from graphcrm import model
from graphcrm.analysis.messages import N_

__all__ = ["CATALOG", "about", "account_changes", "describe"]

#: English template of every change, by code
CATALOG: dict[str, str] = {
    "record.added": N_("%(subject)s added"),
    "record.removed": N_("%(subject)s removed"),
    "field.changed": N_("%(subject)s: %(field)s %(before)s → %(after)s"),
    "record.edited": N_("%(subject)s: other details changed"),
    "person.erased": N_("%(subject)s: personal data erased"),
    "person.merged": N_("%(subject)s: a duplicate was merged into this person"),
    "account.merged": N_("%(subject)s: a duplicate account was merged into this one"),
    "role.added": N_("%(subject)s joined the buying center of %(object)s as %(after)s"),
    "role.removed": N_("%(subject)s left the buying center of %(object)s"),
    "role.changed": N_("%(subject)s in %(object)s: %(field)s %(before)s → %(after)s"),
    "line.made": N_("New line: %(subject)s %(type)s %(object)s"),
    "line.made_strength": N_("New line: %(subject)s %(type)s %(object)s (strength %(after)s)"),
    "line.stronger": N_("Stronger: %(subject)s %(type)s %(object)s, strength %(before)s → %(after)s"),
    "line.weaker": N_("Weaker: %(subject)s %(type)s %(object)s, strength %(before)s → %(after)s"),
    "line.changed": N_("%(subject)s %(type)s %(object)s: %(field)s %(before)s → %(after)s"),
    "line.removed": N_("Line removed: %(subject)s %(type)s %(object)s"),
    "person.left": N_("%(subject)s left %(object)s"),
    "person.joined": N_("%(subject)s joined %(object)s"),
    "interaction.logged": N_("New %(kind)s with %(people)s"),
    "interaction.changed": N_("%(kind)s with %(people)s changed"),
    "interaction.removed": N_("%(kind)s with %(people)s removed"),
}

#: the fields whose values a change shows, by label (others: "other details changed")
SHOWN = {
    "Person": ("name", "title", "department", "seniority", "influence", "stance"),
    "Opportunity": ("name", "stage", "value", "currency", "close_date"),
    "Account": ("name", "segment", "tier", "lifecycle", "industry", "region"),
    "Competitor": ("name",),
}

#: field names in the reader's language (msgids)
FIELD_WORDS = {
    "name": N_("name"), "title": N_("title"), "department": N_("department"), "seniority": N_("seniority"),
    "influence": N_("influence"), "stance": N_("stance"), "stage": N_("stage"), "value": N_("value"),
    "currency": N_("currency"), "close_date": N_("close date"), "segment": N_("segment"), "tier": N_("tier"),
    "lifecycle": N_("lifecycle"), "industry": N_("industry"), "region": N_("region"), "role": N_("role"),
    "strength": N_("strength"), "since": N_("since"), "last_contact_at": N_("last contact"),
}

#: the vocabulary of each enumerated field (model)
VOCABULARIES = {"stance": model.STANCES, "stage": model.STAGES, "role": model.BUYING_ROLES,
                "segment": model.SEGMENTS, "tier": model.TIERS, "lifecycle": model.LIFECYCLES}

UNKNOWN = N_("(no longer recorded)")
HIDDEN = N_("(someone at another account)")
INTERACTION = N_("interaction")

#: what a change never reports as a changed field
_BOOKKEEPING = {"version", "updated_at", "created_at", "id", "account_id", "member_id", "opportunity_id", "undoes",
                "user_ids", "person_ids"}


def account_changes(history: dict, hidden: Iterable[str] = ()) -> list[dict]:
    """The changes in an account's history, newest first.

    Parameters
    ----------
    history : dict
        ``{"entries", "names", "users"}`` as
        :meth:`~graphcrm.graph.store.GraphStore.account_history` returns it:
        audit entries, display names by node id, display names by user name.
    hidden : iterable of str
        Ids of records the reader may not see (of another account): named
        :data:`HIDDEN`, left out of an interaction's people.

    Returns
    -------
    list of dict
        ``{"at", "actor", "action", "code", "params", "entry"}`` (see the module
        docstring; ``entry``: the id of the audit entry, for an undo).

    Examples
    --------
    >>> entry = {"id": "a1", "at": "2026-05-01T09:30:00+00:00", "actor": "lina", "action": "update",
    ...          "target_label": "Person", "target_id": "p1",
    ...          "before": '{"stance": "neutral", "version": 1}', "after": '{"stance": "skeptic", "version": 2}'}
    >>> [c["params"] for c in account_changes({"entries": [entry], "names": {"p1": "王伟"}, "users": {}})]
    [{'subject': '王伟', 'field': 'stance', 'before': 'neutral', 'after': 'skeptic'}]
    """
    names = {**_names_in_entries(history["entries"]), **history["names"]}
    names |= {node_id: HIDDEN for node_id in hidden}
    changes = []
    for entry in history["entries"]:
        actor = history["users"].get(entry["actor"], entry["actor"])
        for code, params in _changes_of(entry, names):
            changes.append({"at": entry["at"], "actor": actor, "action": entry["action"], "code": code,
                            "params": params, "entry": entry["id"]})
    changes.reverse()
    return changes


def about(history: dict, node_id: str) -> dict:
    """The part of an account's ``history`` about one of its people or
    opportunities: the entries whose target is ``node_id``, the lines with it
    at either end (roles in a bid, our relationships, competitors), and the
    interactions it was part of (with the person, about the opportunity).

    >>> history = {"names": {}, "users": {}, "entries": [
    ...     {"target_id": "p1", "target_label": "Person", "after": "{}"},
    ...     {"target_id": "p1->o1", "target_label": "ROLE_IN", "after": "{}"},
    ...     {"target_id": "i1", "target_label": "Interaction", "after": '{"person_ids": ["p2"]}'}]}
    >>> [e["target_id"] for e in about(history, "p1")["entries"]]
    ['p1', 'p1->o1']
    """
    def concerns(entry: dict) -> bool:
        if node_id in entry["target_id"].split("->"):  # the record itself, or a line ``start->end``
            return True
        if entry["target_label"] != "Interaction":
            return False
        return any(node_id in (values.get("person_ids") or ()) or values.get("opportunity_id") == node_id
                   for values in (_load(entry.get("before")), _load(entry.get("after"))))

    names = {**_names_in_entries(history["entries"]), **history["names"]}  # of the deleted too
    return {**history, "entries": [e for e in history["entries"] if concerns(e)], "names": names}


def describe(change: dict, translate: Callable[[str], str] = str, lang: str = "en") -> str:
    """One change as a sentence in ``lang`` ('en' or 'zh'), through ``translate`` (gettext).

    >>> describe({"code": "field.changed",
    ...           "params": {"subject": "Wang Wei", "field": "stance", "before": "neutral", "after": "skeptic"}})
    'Wang Wei: stance Neutral → Skeptic'
    """
    params = dict(change["params"])
    field = params.get("field") or ("role" if change["code"] == "role.added" else None)
    for side in ("before", "after"):
        if side in params:
            params[side] = _value_text(field, params[side], lang)
    if "field" in params:
        params["field"] = translate(FIELD_WORDS.get(params["field"], params["field"]))
    if "type" in params:
        params["type"] = model.label_text(model.RELATIONSHIP_TYPES, params["type"], lang)
    if "kind" in params:
        kind = params["kind"]
        params["kind"] = model.label_text(model.INTERACTION_KINDS, kind, lang) if kind else translate(INTERACTION)
    for key in ("subject", "object", "people"):
        if key in params and not params[key]:
            params[key] = translate(UNKNOWN)
        elif key in params and params[key] == HIDDEN:
            params[key] = translate(HIDDEN)
    return translate(CATALOG[change["code"]]) % params


def _value_text(field: str | None, value, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if field in VOCABULARIES:
        return model.label_text(VOCABULARIES[field], value, lang)
    return str(value)


def _load(text: str | None) -> dict:
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


def _names_in_entries(entries: list[dict]) -> dict[str, str]:
    """Names of nodes as their own entries hold them (for what was deleted since)."""
    names = {}
    for entry in entries:
        for side in ("after", "before"):
            name = _load(entry.get(side)).get("name")
            if name and "->" not in entry["target_id"]:
                names.setdefault(entry["target_id"], name)
    return names


def _changes_of(entry: dict, names: dict[str, str]) -> list[tuple[str, dict]]:
    before, after = _load(entry.get("before")), _load(entry.get("after"))
    target, label, action = entry["target_id"], entry["target_label"], entry["action"]
    if "->" in target:
        start, end = target.split("->", 1)
        return _line_changes(label, names.get(start), names.get(end), action, before, after)
    if label == "Interaction":
        return _interaction_changes(action, before, after, names)
    subject = names.get(target)
    if action == "create":
        return [("record.added", {"subject": subject})]
    if action == "delete":
        return [("record.removed", {"subject": subject})]
    if action == "forget":
        return [("person.erased", {"subject": subject})]
    if action == "merge":
        return [("account.merged" if label == "Account" else "person.merged", {"subject": subject})]
    if action == "update":
        return _field_changes("field.changed", "record.edited", label, before, after, {"subject": subject})
    return []


def _field_changes(code: str, edited: str | None, label: str, before: dict, after: dict, who: dict) -> list[tuple]:
    """One change per shown field that changed, and one ``edited`` change
    ("other details changed") for the rest, unless ``edited`` is None."""
    fields = [k for k in sorted(set(before) | set(after))
              if k not in _BOOKKEEPING and before.get(k) != after.get(k)]
    shown = SHOWN.get(label, ("role", "influence", "stance", "strength", "since", "last_contact_at"))
    changes = [(code, {**who, "field": k, "before": before.get(k), "after": after.get(k)})
               for k in fields if k in shown]
    if edited and any(k not in shown for k in fields):
        changes.append((edited, dict(who)))
    return changes


def _line_changes(rel_type: str, start: str | None, end: str | None, action: str, before: dict,
                  after: dict) -> list[tuple]:
    line = {"subject": start, "type": rel_type, "object": end}
    if action in ("leave", "join"):  # a person who moved (GraphStore.move_person)
        return [("person.left" if action == "leave" else "person.joined", {"subject": start, "object": end})]
    if rel_type == "ROLE_IN":
        role = {"subject": start, "object": end}
        if action == "unrelate":
            return [("role.removed", role)]
        if action == "relate" and not before:
            return [("role.added", {**role, "after": after.get("role")})]
        return _field_changes("role.changed", None, "ROLE_IN", before, after, role)
    if action == "unrelate":
        return [("line.removed", line)]
    if action == "relate" and not before:
        strength = after.get("strength")
        return [("line.made_strength", {**line, "after": strength})] if strength else [("line.made", line)]
    old, new = before.get("strength"), after.get("strength")
    changes = []
    if isinstance(old, int) and isinstance(new, int) and old != new:
        changes.append(("line.stronger" if new > old else "line.weaker", {**line, "before": old, "after": new}))
    rest = [k for k in after if k != "strength"]  # what the write set (a replace keeps no other value)
    return changes + _field_changes("line.changed", None, rel_type, {k: before.get(k) for k in rest},
                                    {k: after[k] for k in rest}, line)


def _interaction_changes(action: str, before: dict, after: dict, names: dict[str, str]) -> list[tuple]:
    values = after if action != "delete" else before
    people = ", ".join(names[p] for p in values.get("person_ids") or () if names.get(p) not in (None, "", HIDDEN))
    params = {"kind": values.get("kind") or before.get("kind"), "people": people}
    code = {"log_interaction": "interaction.logged", "delete": "interaction.removed"}.get(action,
                                                                                         "interaction.changed")
    return [(code, params)]
