"""The users admin page (admin only; anybody else gets 403): list, add,
change role or deactivate, reset a password.  The rules live in
:mod:`graphcrm.users`."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from graphcrm.users import add_user, change_user, reset_password
from graphcrm.web.db import get_store
from graphcrm.web.forms import NewUserForm, PasswordForm, UserForm, form_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_only(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/users")
@admin_only
def users():
    rows = sorted(get_store().list("User", limit=100000), key=lambda u: u["username"])
    return render_template("admin_users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = NewUserForm()

    def write(props):
        return add_user(get_store(), props["username"], role=props["role"], password=props["password"],
                        display_name=props["display_name"])

    back = url_for("admin.users")
    return form_page(form, write, title=_("New user"), cancel=back, success=lambda u: back)


def _user(user_id: str) -> dict:
    return get_store().get("User", user_id)


@bp.route("/users/<user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: str):
    stored = _user(user_id)
    form = UserForm(editing=True)
    back = url_for("admin.users")
    return form_page(
        form, lambda props: change_user(get_store(), user_id, props, version=form.version.data, by=current_user.id),
        title=_("Edit user"), subject=stored["username"], cancel=back, success=lambda u: back, stored=stored,
    )


@bp.route("/users/<user_id>/password", methods=["GET", "POST"])
@admin_only
def user_password(user_id: str):
    stored = _user(user_id)
    form = PasswordForm(editing=True)
    back = url_for("admin.users")
    return form_page(
        form, lambda props: reset_password(get_store(), user_id, props["password"], version=form.version.data),
        title=_("Reset password"), subject=stored["username"], cancel=back, success=lambda u: back,
        stored={"version": stored["version"]},
    )
