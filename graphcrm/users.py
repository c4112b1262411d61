"""Our own people: login accounts that are also nodes of the network (label ``User``)."""

from __future__ import annotations

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
    id: str | None = None,
) -> dict:
    """Create a login account; refuse a username that is taken."""
    if store.user_by_username(username) is not None:
        raise Conflict(f"username {username!r} is taken")
    props = {
        "username": username,
        "display_name": display_name or username,
        "role": role,
        "password_hash": hash_password(password),
    }
    return store.create("User", props, id=id)


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
