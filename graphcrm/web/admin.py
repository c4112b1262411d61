"""The admin pages (admin only; anybody else gets 403): the users (list,
add, change role or deactivate, reset a password; the rules live in
:mod:`graphcrm.users`), the exchange rates (:mod:`graphcrm.rates`) and the
integrity report."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from graphcrm.analysis.money import DEFAULT_RATES
from graphcrm.rates import load_rates, parse_rates, rates_text, save_rates
from graphcrm.users import add_user, change_user, reset_password
from graphcrm.web.db import get_store
from graphcrm.web.forms import NewUserForm, PasswordForm, RatesForm, UserForm, form_page

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
    rows = sorted(get_store().list_nodes("User", limit=100000), key=lambda u: u["username"])
    return render_template("admin_users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = NewUserForm()

    def write(props):
        return add_user(get_store(), props["username"], role=props["role"], password=props["password"],
                        display_name=props["display_name"], email=props["email"], language=props["language"])

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


@bp.route("/rates", methods=["GET", "POST"])
@admin_only
def rates():
    """The exchange rates the dashboard converts amounts with before it sums or sorts them."""
    data_dir = current_app.config["GRAPHCRM_SETTINGS"].data_dir
    table = load_rates(data_dir)
    # filled from the table only when shown: an empty POST must not save the table it was filled with
    form = RatesForm() if request.method == "POST" else RatesForm(
        data={"currency": table["currency"], "rates": rates_text(table)})
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate_on_submit():
            save_rates(data_dir, {"currency": form.currency.data.strip().upper(),
                                  "rates": parse_rates(form.rates.data or "")[0]})
            flash(_("Saved."))
            return redirect(url_for("admin.rates"))
    return render_template("admin_rates.html", form=form, table=table, defaults=DEFAULT_RATES), status


#: the integrity report's problems (graphcrm/cypher/integrity.cypher), in the UI language
PROBLEMS = {
    "person without account": _l("Stakeholder without an account"),
    "opportunity without account": _l("Opportunity without an account"),
    "interaction without attendee or stakeholder": _l("Interaction without attendee or stakeholder"),
    "node without id or version": _l("Record without id or version"),
    "relationship without version": _l("Relationship without version"),
    "person with more than one manager": _l("Stakeholder with more than one manager"),
    "reports-to cycle": _l("In a reports-to cycle"),
    "people of one name at one account": _l("Stakeholders of one name at one account"),
    "accounts of one name": _l("Accounts of one name"),
}
#: problems whose ids are accounts (the others name stakeholders, or neither)
_ACCOUNT_PROBLEMS = ("accounts of one name",)
#: problems of two records of one name: the merge page of the first, with the second
_MERGED_BY = {"people of one name at one account": ("merge.people", "person_id"),
              "accounts of one name": ("merge.accounts", "account_id")}
_PERSON_PROBLEMS = ("person without account", "person with more than one manager", "reports-to cycle",
                    "people of one name at one account")


@bp.route("/integrity")
@admin_only
def integrity():
    """What is wrong in the database: the report of ``graphcrm db check``, with links."""
    store = get_store()
    rows = []
    for p in [*store.integrity_problems(), *store.map_problems()]:
        endpoint = ("accounts.account", "account_id") if p["problem"] in _ACCOUNT_PROBLEMS else (
            ("people.person", "person_id") if p["problem"] in _PERSON_PROBLEMS else None)
        links = [(node_id, url_for(endpoint[0], **{endpoint[1]: node_id}) if endpoint else None)
                 for node_id in str(p["id"]).split()]
        ids = str(p["id"]).split()
        merge = None
        if len(ids) > 1 and p["problem"] in _MERGED_BY:
            page, key = _MERGED_BY[p["problem"]]
            merge = url_for(page, **{key: ids[0], "with": ids[1]})
        rows.append({"problem": PROBLEMS.get(p["problem"], p["problem"]), "name": p.get("name"), "links": links,
                     "merge": merge})
    return render_template("admin_integrity.html", problems=rows)
