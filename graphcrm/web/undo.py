"""Undo one change of a record from its history (POST /changes/<entry_id>/undo),
offered on the changes-since pages and the audit page.

The undo is a new write (:meth:`GraphStore.undo_change
<graphcrm.graph.store.GraphStore.undo_change>`: audited, version-checked),
never an edit of the log.  Who may undo a change: who may change its target
now (an account, person or opportunity of their team; a relationship by its
anchors, :data:`graphcrm.access.ANCHORS`, as the relationship forms; anything
else: admins); anyone else gets 404, as for the record itself.  A change that
cannot be undone says why (:data:`graphcrm.undo.REASONS`); one whose target
has changed since is refused with what changed (409), as an edit would be.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound as HTTPNotFound

from graphcrm import model, undo
from graphcrm.access import ANCHORS
from graphcrm.errors import NotFound, ValidationError
from graphcrm.web.access import can_edit_account, require_account
from graphcrm.web.auth import safe_next
from graphcrm.web.db import get_store
from graphcrm.web.forms import ConfirmForm

bp = Blueprint("undo", __name__)

#: the records whose account decides who may change them
_PLACED = ("Account", "Person", "Opportunity")


def may_undo(entry: dict) -> bool:
    """Whether the signed-in user may change the target of an audit entry now."""
    try:
        _require_target(entry)
    except (HTTPNotFound, NotFound):
        return False
    return True


def _require_target(entry: dict) -> None:
    """Abort 404 unless the user may change what ``entry`` changed."""
    label, target = entry["target_label"], entry["target_id"]
    if "->" in target and label in model.RELATIONSHIP_TYPES:
        start, end = target.split("->", 1)
        starts, ends = model.RELATIONSHIP_TYPES[label][:2]
        edit, view = ANCHORS[label]
        for which, node_id, labels in (("start", start, starts), ("end", end, ends)):
            if labels[0] in _PLACED and (which in edit or which in view):
                require_account(labels[0], node_id, edit=which in edit)
        return
    if label in _PLACED:
        require_account(label, target, edit=True)
        return
    if label == "Competitor":
        accounts = get_store().competitor_accounts(target)
        if accounts and all(can_edit_account(current_user, a) for a in accounts):
            return
    if current_user.role != "admin":
        abort(404)


def offer(entry: dict) -> dict:
    """What a page offers for one change: ``{"entry": id, "reason": why it cannot be
    undone (translated) or None}``; None when the user may not change its target."""
    if not may_undo(entry):
        return {}
    step = undo.plan(entry)
    return {"entry": entry["id"], "reason": _(undo.REASONS[step["reason"]]) if "reason" in step else None}


@bp.app_template_global()
def undo_offer(entry_id: str) -> dict:
    """:func:`offer` for an audit entry by its id (the changes-since pages)."""
    try:
        return offer(get_store().audit_entry(entry_id))
    except NotFound:
        return {}


@bp.route("/changes/<entry_id>/undo", methods=["POST"])
@login_required
def undo_change(entry_id: str):
    """Undo one change (confirmed with ``confirm=yes``), then back to ``next``."""
    store = get_store()
    entry = store.audit_entry(entry_id)
    _require_target(entry)
    if not ConfirmForm().validate_on_submit():
        raise ValidationError("confirm", _("Press the Undo button to undo a change."))
    step = undo.plan(entry)
    if "reason" in step:
        raise ValidationError("entry", _(undo.REASONS[step["reason"]]))
    store.undo_change(entry_id)
    flash(_("The change was undone."))
    return redirect(safe_next(request.form.get("next")) or url_for("dashboard.index"))
