"""Personal API tokens: made and revoked by their user, checked on every API request.

A token is ``gcrm_`` and 43 random URL-safe characters (:func:`secrets.token_urlsafe`);
it is shown once, when it is made.  What is kept, on the user's node as the
JSON text of a list (``api_tokens``, one of :data:`graphcrm.model.SECRET_PROPERTIES`),
is for each token::

    {"id": "tok-1a2b3c4d", "name": "Outlook sync", "scope": "write",
     "hash": "<SHA-256 of the token, hex>", "created_at": "2026-12-06T07:00:00+00:00"}

A token acts as its user, under the same access rules as the user's pages
(:mod:`graphcrm.access`), and only within its scope (:data:`SCOPES`).  A
revoked token, and every token of a deactivated user, is refused from the
next request on.  Making and revoking a token is audited as a change of the
user (the name, scope and id, never the token or its hash).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timezone

from graphcrm.errors import NotFound, ValidationError
from graphcrm.graph.store import GraphStore

#: what a token may do: ``read`` (GET requests) or ``write`` (every request the user may make)
SCOPES = ("read", "write")
#: the start of every token (so that a secret scanner recognises a leaked one)
PREFIX = "gcrm_"
#: the most tokens a user keeps
MAX_TOKENS = 20
#: the longest name of a token
NAME_MAX = 80


def token_hash(token: str) -> str:
    """The SHA-256 of ``token``, hex: what is stored (the token itself never is)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_of(user: dict) -> list[dict]:
    """The tokens a user holds, as stored (with their hashes)."""
    return json.loads(user.get("api_tokens") or "[]")


def shown(token: dict) -> dict:
    """A token as pages and the audit log show it: without its hash."""
    return {k: v for k, v in token.items() if k != "hash"}


def _check_new(held: list[dict], name: str, scope: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError("name", f"give the token a name of 1 to {NAME_MAX} characters")
    if scope not in SCOPES:
        raise ValidationError("scope", f"must be one of {', '.join(SCOPES)}")
    if len(held) >= MAX_TOKENS:
        raise ValidationError("name", f"a user holds at most {MAX_TOKENS} tokens: revoke one first")
    return name


def create_token(store: GraphStore, user_id: str, name: str, scope: str) -> tuple[str, dict]:
    """Make a token for the user: ``(the token, its record without the hash)``.
    The token is returned this once and never stored."""
    user = store.get("User", user_id)
    held = tokens_of(user)
    name = _check_new(held, name, scope)
    token = PREFIX + secrets.token_urlsafe(32)
    record = {"id": f"tok-{secrets.token_hex(4)}", "name": name, "scope": scope, "hash": token_hash(token),
              "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    store.set_api_tokens(user_id, json.dumps([*held, record], ensure_ascii=False), before=user.get("api_tokens"),
                         change={"after": {"api_token": shown(record)}})
    return token, shown(record)


def revoke_token(store: GraphStore, user_id: str, token_id: str) -> dict:
    """Revoke one of the user's tokens (refused from the next request on); return it, without its hash."""
    user = store.get("User", user_id)
    held = tokens_of(user)
    revoked = next((t for t in held if t["id"] == token_id), None)
    if revoked is None:
        raise NotFound("API token", token_id)
    kept = [t for t in held if t["id"] != token_id]
    store.set_api_tokens(user_id, json.dumps(kept, ensure_ascii=False) if kept else None,
                         before=user.get("api_tokens"), change={"before": {"api_token": shown(revoked)}})
    return shown(revoked)


def holder(store: GraphStore, token: str) -> tuple[dict, dict] | None:
    """``(user, token record)`` of an active user's token, or None: an unknown
    or revoked token, or the token of a deactivated user."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = token_hash(token)
    user = store.user_by_api_token(digest)
    if user is None or not user.get("active", True):
        return None
    record = next((t for t in tokens_of(user) if hmac.compare_digest(t["hash"], digest)), None)
    return (user, record) if record else None


def all_tokens(store: GraphStore) -> list[dict]:
    """Every user's tokens (the administrator's list): each with ``user_id``,
    ``username`` and ``active`` (of its user), without hashes."""
    return [{**shown(t), "user_id": u["id"], "username": u["username"], "active": u.get("active", True)}
            for u in store.users_with_api_tokens() for t in tokens_of(u)]
