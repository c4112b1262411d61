"""Our own people: login accounts that are also nodes of the network (label ``User``)."""

from __future__ import annotations

import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from graphcrm.errors import Conflict, ValidationError
from graphcrm.graph.store import GraphStore
from graphcrm.model import validate_node

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1000:
        raise ValidationError("password", "must be at most 1000 characters")
    return generate_password_hash(password)


def add_user(
    store: GraphStore, username: str, *, role: str, password: str, display_name: str | None = None,
    id: str | None = None, email: str | None = None, language: str | None = None,
) -> dict:
    """Create a login account; refuse a username that is taken.  ``email`` and
    ``language`` (en, zh) say where and in which language the weekly digest goes."""
    if store.user_by_username(username) is not None:
        raise Conflict(f"username {username!r} is taken")
    props = {
        "username": username,
        "display_name": display_name or username,
        "role": role,
        "password_hash": hash_password(password),
        "session_token": new_session_token(),
        **{k: v for k, v in (("email", email), ("language", language)) if v},
    }
    return store.create("User", props, id=id)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_token(store: GraphStore, user: dict) -> str:
    """The token the user's login sessions carry (made at the first sign-in)."""
    if user.get("session_token"):
        return user["session_token"]
    return store.set_session_token(user["id"], new_session_token(), replace=False)


def end_sessions(store: GraphStore, user_id: str) -> None:
    """End every login session of the user at once (a new session token)."""
    store.set_session_token(user_id, new_session_token())


def _could_be_username(value) -> bool:
    try:
        validate_node("User", {"username": value}, partial=True)
    except ValidationError:
        return False
    return True


def authenticate(store: GraphStore, username: str, password: str) -> dict | None:
    """The active user with these credentials, or None (same answer for an
    unknown user and a wrong password)."""
    user = store.user_by_username(username) if _could_be_username(username) else None
    stored_hash = (user or {}).get("password_hash") or generate_password_hash("timing-equaliser")
    if not check_password_hash(stored_hash, password or "") or user is None or not user.get("active", True):
        return None
    return user


def change_user(store: GraphStore, user_id: str, changes: dict, *, version: int, by: str | None = None) -> dict:
    """Change a user's display name, role, active flag, e-mail or language (optimistic
    concurrency as for every update).  ``by`` (the admin acting) cannot take
    away their own admin role or deactivate themselves: someone must be left
    to administer."""
    allowed = {"display_name", "role", "active", "title", "email", "language"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(unknown[0], "cannot be changed here")
    if by == user_id and (changes.get("role", "admin") != "admin" or changes.get("active", True) is False):
        field = "role" if changes.get("role", "admin") != "admin" else "active"
        raise ValidationError(field, "you cannot remove your own administrator access")
    if changes.get("active") is False:  # a deactivation ends every session at once
        changes = {**changes, "session_token": new_session_token()}
    return store.update("User", user_id, changes, version=version)


def reset_password(store: GraphStore, user_id: str, password: str, *, version: int) -> dict:
    """Set a new password (the user signs in with it from now on); every
    existing session of the user ends."""
    return store.update("User", user_id, {"password_hash": hash_password(password),
                                          "session_token": new_session_token()}, version=version)
