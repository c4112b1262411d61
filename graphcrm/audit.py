"""The audit log: who changed what, when, with the values before and after.

Every write of :class:`~graphcrm.graph.store.GraphStore` carries an
``AuditEntry`` (label :data:`graphcrm.model.AUDIT_LABEL`) that the same
Cypher statement creates, so the entry exists exactly when the write does:
a refused or failed write leaves no entry, a write never goes without one.
Exports and erasures add theirs with ``GraphStore.record_event``.

Who acts comes from a context variable: the web app sets the signed-in
user per request, the CLI the OS user (or ``graphcrm --as NAME``); code that
sets nothing writes as ``system``.

>>> with acting_as("lina", via="script"):
...     current_actor()
('lina', 'script')
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import datetime, timezone

from graphcrm.model import SECRET_PROPERTIES

#: (actor, via), or a function returning it (resolved at write time, so the
#: web app need not load the user for requests that write nothing)
_actor: ContextVar[tuple[str, str] | Callable[[], tuple[str, str]]] = ContextVar(
    "graphcrm_actor", default=("system", "api")
)

#: what an audit entry shows instead of a secret's value
REDACTED = "(secret: changed)"

#: the before / after (JSON text) of an entry about a person erased under the right to erasure
ERASED = json.dumps({"personal data": "(erased)"})


def set_actor(actor: str | Callable[[], tuple[str, str]], via: str = "api") -> Token:
    """Act as ``actor`` from now on in this context; returns the token for :func:`reset_actor`."""
    return _actor.set(actor if callable(actor) else (actor, via))


def reset_actor(token: Token) -> None:
    _actor.reset(token)


@contextmanager
def acting_as(actor: str, *, via: str = "api"):
    token = set_actor(actor, via)
    try:
        yield
    finally:
        reset_actor(token)


def current_actor() -> tuple[str, str]:
    """``(who, via)``: the user name and where the write came from (web, cli, api)."""
    value = _actor.get()
    return value() if callable(value) else value


def redact(props: dict | None) -> dict | None:
    """``props`` with secrets (password hashes) replaced by a marker."""
    if props is None:
        return None
    return {k: (REDACTED if k in SECRET_PROPERTIES else v) for k, v in props.items()}


def entry(action: str, target_label: str, target_id: str, *, before: dict | None = None,
          after: dict | None = None) -> dict:
    """The properties of one AuditEntry (``before`` / ``after`` as JSON text:
    graph properties cannot hold maps)."""
    actor, via = current_actor()
    props = {
        "id": f"audit-{uuid.uuid4().hex[:16]}",
        "at": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        "actor": actor,
        "via": via,
        "action": action,
        "target_label": target_label,
        "target_id": target_id,
    }
    props = with_end(props)
    for key, value in (("before", before), ("after", after)):
        if value is not None:
            props[key] = json.dumps(redact(value), ensure_ascii=False, sort_keys=True, default=str)
    return props


def with_end(entry_props: dict) -> dict:
    """An entry's properties with the end of the relationship it is about
    (``target_end``, indexed: the start is found by the range of
    ``target_id``, ``start->end``); others as they are.

    >>> with_end({"target_id": "u1->p1"})["target_end"]
    'p1'
    """
    target_id = entry_props["target_id"]
    if "->" not in target_id or entry_props.get("target_end"):
        return entry_props
    return {**entry_props, "target_end": target_id.split("->", 1)[1]}


def changes(entry_props: dict) -> list[dict]:
    """The fields an entry shows, as ``{"field", "before", "after"}`` rows."""
    before = json.loads(entry_props.get("before") or "{}")
    after = json.loads(entry_props.get("after") or "{}")
    return [
        {"field": key, "before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key) or key not in before
    ]
