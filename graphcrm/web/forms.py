"""The edit forms (Flask-WTF, CSRF-protected) and the one way they are saved.

Every form maps its fields one to one onto graph properties.  Saving goes
through :func:`save`: it calls one GraphStore write, shows a
:class:`~graphcrm.errors.ValidationError` next to the field it names, and
turns a :class:`~graphcrm.errors.Conflict` (somebody saved the record since
the form was loaded) into a list of ``{field, theirs, yours}`` differences;
nothing is written in either case.
"""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal
from flask import flash, redirect, render_template, request
from flask_babel import get_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.validators import ValidationError as WTFormsValidationError
from wtforms.widgets import HiddenInput

from graphcrm import model
from graphcrm.analysis.messages import N_
from graphcrm.errors import Conflict, ValidationError
from graphcrm.web.db import get_store

# -- rules: validators whose messages name the field and what it takes ---------------------------
# (WTForms' own say "Invalid input." or "Number must be between 0 and 1000000000000000.0.")


def _rule_message(message: str, label, **values) -> LazyString:
    """``message`` with the field's ``label`` and ``values`` (numbers written as the
    UI language writes them), translated when shown."""
    def text():
        lang = str(get_locale() or "en")
        shown = {k: format_decimal(v, locale=lang) if isinstance(v, (int, float)) else v for k, v in values.items()}
        return _(message, field=str(label), **shown)
    return LazyString(text)


def required(label, *, typed: bool = False):
    """The field must be filled in (``typed``: with a value that reads, such as a 0)."""
    message = _rule_message(N_("%(field)s is required."), label)
    return InputRequired(message=message) if typed else DataRequired(message=message)


def at_most(label, max_length: int, *, min_length: int = -1) -> Length:
    """At most ``max_length`` characters (and at least ``min_length``)."""
    if min_length > 0:
        return Length(min=min_length, max=max_length, message=_rule_message(
            N_("%(field)s must be %(min)s to %(max)s characters long."), label, min=min_length, max=max_length))
    return Length(max=max_length, message=_rule_message(
        N_("%(field)s can be at most %(max)s characters long."), label, max=max_length))


def between(label, low: float, high: float) -> NumberRange:
    """A number from ``low`` to ``high``."""
    return NumberRange(min=low, max=high, message=_rule_message(
        N_("%(field)s must be a number from %(min)s to %(max)s."), label, min=low, max=high))


def pattern(label, regex: str, message: str) -> Regexp:
    """Text matching ``regex``; ``message`` (marked with ``N_``, with ``%(field)s``) says what it takes."""
    return Regexp(regex, message=_rule_message(message, label))


#: the largest amount (model.Money)
MAX_AMOUNT = 10**15


def amount_rules(label) -> list:
    """An optional amount of money, from 0 to :data:`MAX_AMOUNT`."""
    return [Optional(), between(label, 0, MAX_AMOUNT)]


def text_rules(label, max_length: int = model.TEXT_MAX, *, needed: bool = False) -> list:
    """One-line text, required or not, of at most ``max_length`` characters."""
    return [required(label) if needed else Optional(), at_most(label, max_length)]


def text_field(label, max_length: int = model.TEXT_MAX, *, needed: bool = False, **kwargs) -> StringField:
    """A one-line text field with :func:`text_rules`."""
    return StringField(label, validators=text_rules(label, max_length, needed=needed), **kwargs)


def email_field(label) -> StringField:
    """An optional e-mail address (a person's, or where a user's weekly digest goes)."""
    return StringField(label, validators=[Optional(), at_most(label, 254), pattern(
        label, r"^[^@\s]+@[^@\s]+$", N_("%(field)s must be an e-mail address, such as name@example.com."))])


def amount_field(label) -> NumberField:
    """An optional amount of money (:func:`amount_rules`)."""
    return NumberField(label, validators=amount_rules(label))


class NumberField(FloatField):
    """A FloatField whose message, when the text is not a number, names the field."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("%(field)s must be a number, such as 4800000.", field=str(self.label.text))) from None


class DayField(DateField):
    """A DateField whose message, when the text is not a date, names the field."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("%(field)s must be a date, such as 2027-03-31.", field=str(self.label.text))) from None


class SmallIntegerField(IntegerField):
    """An IntegerField that refuses numbers of 15 digits or more as it reads
    them: NumberRange turns a huge one into a float and fails with
    OverflowError (a 500), and the database takes 64-bit integers only."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("%(field)s must be a whole number.", field=str(self.label.text))) from None
        if self.data is not None and abs(self.data) >= 10**15:
            self.data = None
            raise ValueError(_("%(field)s must be a whole number of fewer than 15 digits.",
                               field=str(self.label.text)))


def choices(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


LEVELS = [(str(n), str(n)) for n in range(1, 6)]

#: the name of an account, an opportunity or a competitor: 名称 in Chinese (a person's is 姓名, docs/glossary.md)
THING_NAME = lazy_pgettext("account, opportunity or competitor", "Name")


def enum_choices(vocabulary: dict, *, blank: bool = False) -> list[SelectChoice]:
    """The values of an enumeration with their labels in the UI language."""
    lang = str(get_locale() or "en")
    pairs = [(k, model.label_text(vocabulary, k, lang)) for k in vocabulary]
    return choices([("", "—")] + pairs if blank else pairs)


class GraphForm(FlaskForm):
    """A form whose fields (those in ``PROPERTIES``) are graph properties."""

    PROPERTIES: tuple[str, ...] = ()
    #: field -> enumeration whose labels its choices show
    ENUMS: dict[str, dict] = {}

    #: fields only a new record has (e.g. the other end of a relationship)
    CREATE_ONLY: tuple[str, ...] = ("other", "kind", "add_anyway")
    #: records of the same name found when saving a new one: ``{"name", "details", "url"}``
    duplicates: list[dict] = []

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CREATE_ONLY if editing else ("version",):
            if name in self:
                delattr(self, name)
        for name, vocabulary in self.ENUMS.items():
            field = self[name]
            field.choices = enum_choices(vocabulary, blank=not field.flags.required)

    def properties(self) -> dict:
        """The entered values as graph properties (an empty field: None, i.e. removed)."""
        out = {}
        for name in self.PROPERTIES:
            if name not in self:
                continue
            value = self[name].data
            if isinstance(value, str):
                value = value.strip() or None
            elif isinstance(value, date):
                value = value.isoformat()
            out[name] = value
        return out

    def fill(self, props: dict) -> None:
        """Show stored properties (a GET of the edit form)."""
        for name in self.PROPERTIES:
            if name not in self:
                continue
            value = props.get(name)
            field = self[name]
            if isinstance(field, DateField) and value:
                value = date.fromisoformat(str(value)[:10])
            elif isinstance(field, SelectMultipleField):  # a list of choices (an interaction's people)
                value = [field.coerce(v) for v in value or []]
            elif isinstance(field, SelectField) and value is not None:
                value = field.coerce(value)
            field.data = value
        if "version" in self:
            self["version"].data = props.get("version")

    def field_label(self, name: str) -> str:
        return str(self[name].label.text) if name in self else name


class Versioned:
    """Mixin: the version the form was loaded with (optimistic concurrency)."""

    version = SmallIntegerField(widget=HiddenInput(), validators=[InputRequired()])


class NamedOnce:
    """Mixin: a new record whose name is taken is saved only when the user
    says so (:func:`refuse_same_name`)."""

    add_anyway = BooleanField(_l("Add anyway: it is someone else of the same name"))


def refuse_same_name(form: GraphForm, same: list[dict], url_of) -> None:
    """Refuse to save a new record while ``same`` (stored records of its name)
    is not empty and the user has not ticked "add anyway"; the form then
    lists them with links (``url_of(record)``; None for a record the user
    may not see, which is named without its details)."""
    if not same or form.add_anyway.data:
        return
    form.duplicates = []
    for r in same:
        url = url_of(r)
        details = (" · ".join(str(r[k]) for k in ("title", "department", "region", "industry") if r.get(k))
                   if url else _("on another team's list"))
        form.duplicates.append({"name": r["name"], "url": url, "details": details})
    raise ValidationError("name", _("%(name)s is here already: open the record below, or tick “Add anyway” to "
                                    "save another of the same name.", name=same[0]["name"]))


def save(form: GraphForm, write):
    """Run ``write(properties)``; return ``(result, conflict)``.

    A ValidationError lands on the field it names (or the form's first
    field) and gives ``(None, None)``; a Conflict gives ``(None, diffs)``
    and loads the stored version into the form, so that saving again is a
    deliberate choice.
    """
    props = form.properties()
    try:
        return write(props), None
    except ValidationError as e:
        for field, message in e.problems.items():
            name = field.split(".")[0]
            if name in props:
                form[name].errors = list(form[name].errors) + [message]
            elif name in ("start", "end") and "other" in form:
                form["other"].errors = list(form["other"].errors) + [message]
            else:
                form.form_errors.append(f"{name}: {message}")
        return None, None
    except Conflict as e:
        if "version" not in form:  # a new record that exists already
            target = form["other"] if "other" in form else form[next(iter(props))]
            target.errors = list(target.errors) + [_("exists already: edit it instead")]
            return None, None
        diffs = [
            {"field": form.field_label(name), "theirs": _shown(form[name], e.current.get(name)),
             "yours": _shown(form[name], props[name])}
            for name in props
            if _shown(form[name], e.current.get(name)) != _shown(form[name], props[name])
        ]
        form["version"].data = e.current.get("version")
        form["version"].raw_data = [str(e.current.get("version"))]  # what the hidden input shows
        return None, diffs


def _shown(field, value) -> str:
    """A value as the form shows it (an enumeration by its label)."""
    if value is None or isinstance(field, PasswordField):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple)):  # a multiple choice: its labels, in order
        return ", ".join(sorted(_shown(field, v) for v in value))
    if isinstance(field, SelectField):
        return {str(c.value): str(c.label) for c in field.choices}.get(str(value), str(value))
    return str(value)


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


# -- nodes -------------------------------------------------------------------------------------

class AccountForm(NamedOnce, Versioned, GraphForm):
    PROPERTIES = ("name", "industry", "region", "segment", "tier", "lifecycle", "annual_value", "potential_value")
    ENUMS = {"segment": model.SEGMENTS, "tier": model.TIERS, "lifecycle": model.LIFECYCLES}
    name = text_field(THING_NAME, needed=True)
    industry = text_field(_l("Industry"))
    region = text_field(_l("Region"))
    segment = SelectField(_l("Segment"), default="general", validators=[DataRequired()])
    tier = SelectField(_l("Tier"), default="transactional", validators=[DataRequired()])
    lifecycle = SelectField(_l("Lifecycle"), default="prospect", validators=[DataRequired()])
    annual_value = amount_field(_l("Annual value"))
    potential_value = amount_field(_l("Potential value"))


class PersonForm(NamedOnce, Versioned, GraphForm):
    PROPERTIES = ("name", "title", "department", "influence", "stance", "compliance_role", "email", "phone", "notes")
    ENUMS = {"stance": model.STANCES, "compliance_role": model.COMPLIANCE_ROLES}
    name = text_field(_l("Name"), needed=True)
    title = text_field(_l("Title"))
    department = text_field(_l("Department"))
    influence = SelectField(_l("Influence (1-5)"), choices=choices(LEVELS), default="3", coerce=int,
                            validators=[InputRequired()])
    stance = SelectField(_l("Stance"), default="neutral", validators=[DataRequired()])
    compliance_role = SelectField(_l("Compliance role (restricted in a tender's quiet period)"),
                                  validators=[Optional()])
    email = email_field(_l("Email"))
    phone = StringField(_l("Phone"), validators=[Optional(), at_most(_l("Phone"), 40), pattern(
        _l("Phone"), r"^[0-9+()\- .]*$", N_("%(field)s may hold digits, spaces and + - ( ) . only."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), at_most(_l("Notes"), 20_000)])
    reports_to = SelectField(_l("Reports to"), validators=[Optional()])
    influenced_by = SelectMultipleField(_l("Influenced by"), validators=[Optional()])

    CREATE_ONLY = (*GraphForm.CREATE_ONLY, "reports_to", "influenced_by")

    def offer_colleagues(self, people: list[dict]) -> None:
        """The account's people as the choices of "reports to" and "influenced
        by", with title and department, so that two of one name can be told apart."""
        pairs = sorted(((p["id"], " — ".join(x for x in (p["name"], p.get("title"), p.get("department")) if x))
                        for p in people), key=lambda pair: pair[1])
        if "reports_to" in self:
            self.reports_to.choices = choices([("", "—"), *pairs])
            self.influenced_by.choices = choices(pairs)


class OpportunityForm(Versioned, GraphForm):
    PROPERTIES = ("name", "stage", "value", "currency", "close_date", "quiet_start", "quiet_end", "decision_criteria")
    ENUMS = {"stage": model.STAGES}
    name = text_field(THING_NAME, needed=True)
    stage = SelectField(_l("Stage"), default="lead", validators=[DataRequired()])
    value = amount_field(_l("Value"))
    currency = StringField(_l("Currency"), default="CNY", validators=[required(_l("Currency")), pattern(
        _l("Currency"), r"^[A-Z]{3}$", N_("%(field)s must be a three-letter currency code, such as CNY or USD."))])
    close_date = DayField(_l("Close date"), validators=[Optional()])
    quiet_start = DayField(_l("Quiet period from (empty: from the tender stage)"), validators=[Optional()])
    quiet_end = DayField(_l("Quiet period until (empty: the award)"), validators=[Optional()])
    decision_criteria = TextAreaField(_l("Decision criteria"),
                                      validators=[Optional(), at_most(_l("Decision criteria"), 20_000)])

    def validate_quiet_end(self, field):
        if field.data and self.quiet_start.data and field.data < self.quiet_start.data:
            raise WTFormsValidationError(_("The quiet period cannot end before it starts."))


class CompetitorForm(Versioned, GraphForm):
    PROPERTIES = ("name",)
    name = text_field(THING_NAME, needed=True)


# -- relationships -------------------------------------------------------------------------------
# The field that picks the other end (``other``) is not a property.

class OurRelationshipForm(Versioned, GraphForm):
    """User -> Person RELATIONSHIP (our team) or Competitor -> Person."""

    PROPERTIES = ("strength", "since")
    other = SelectField(_l("Who"), validators=[DataRequired()])
    strength = SelectField(_l("Strength (1-5)"), choices=choices(LEVELS), default="3", coerce=int,
                           validators=[InputRequired()])
    since = DayField(_l("Since"), validators=[Optional()])


class CompetitorRelationshipForm(OurRelationshipForm):
    """Competitor -> Person RELATIONSHIP, with a competitor already known or a new one by name."""

    other = SelectField(_l("Competitor"), validators=[Optional()])
    new_competitor = text_field(_l("Or a new competitor"))
    CREATE_ONLY = (*GraphForm.CREATE_ONLY, "new_competitor")


class PeerForm(Versioned, GraphForm):
    """Person -> Person: REPORTS_TO, INFLUENCES or KNOWS (customer side)."""

    PROPERTIES = ("strength",)
    kind = SelectField(_l("Relationship"), validators=[DataRequired()])
    other = SelectField(_l("Other person"), validators=[DataRequired()])
    strength = SelectField(_l("Strength (1-5)"), choices=choices(LEVELS), default="3", coerce=int,
                           validators=[InputRequired()])


class RoleForm(Versioned, GraphForm):
    """Person -> Opportunity ROLE_IN: the buying-center role."""

    PROPERTIES = ("role", "influence", "stance")
    ENUMS = {"role": model.BUYING_ROLES, "stance": model.STANCES}
    other = SelectField(_l("Stakeholder"), validators=[DataRequired()])
    role = SelectField(_l("Buying-center role"), validators=[DataRequired()])
    influence = SelectField(_l("Influence in this deal"), choices=choices([("", "—")] + LEVELS), coerce=_int_or_none,
                            validators=[Optional()])
    stance = SelectField(_l("Stance in this deal"), validators=[Optional()])


class MoveForm(Versioned, GraphForm):
    """A stakeholder who left their account: when, and the account they moved to
    (blank: not known); GraphStore.move_person writes it."""

    PROPERTIES = ("on", "to_account_id", "title")
    on = DayField(_l("Left on"), validators=[DataRequired()])
    to_account_id = SelectField(_l("Moved to"), validators=[Optional()])
    title = text_field(_l("Title at the new account"))


class CompetesForForm(GraphForm):
    """Competitor -> Opportunity: an existing competitor or a new one by name."""

    PROPERTIES = ("name",)
    other = SelectField(_l("Competitor"), validators=[Optional()])
    name = text_field(_l("or a new competitor"))


# -- users (admin) -------------------------------------------------------------------------------

class UserForm(Versioned, GraphForm):
    PROPERTIES = ("display_name", "role", "active", "email", "language")
    ENUMS = {"role": model.USER_ROLES, "language": model.USER_LANGUAGES}
    display_name = text_field(_l("Display name"), needed=True)
    role = SelectField(_l("Role"), default="viewer", validators=[DataRequired()])
    active = BooleanField(_l("Active (may sign in)"), default=True)
    email = email_field(_l("Email (for the weekly digest)"))
    language = SelectField(_l("Language of the weekly digest"), default="en", validators=[DataRequired()])


class NewUserForm(GraphForm):
    PROPERTIES = ("username", "display_name", "role", "password", "email", "language")
    ENUMS = {"role": model.USER_ROLES, "language": model.USER_LANGUAGES}
    username = StringField(_l("Username"), validators=[
        DataRequired(), Regexp(r"^[A-Za-z0-9_.@-]{2,64}$", message=_l("2-64 letters, digits or _ . @ -"))])
    display_name = text_field(_l("Display name"), needed=True)
    role = SelectField(_l("Role"), default="viewer", validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[required(_l("Password")),
                                                          at_most(_l("Password"), 1000, min_length=8)])
    email = email_field(_l("Email (for the weekly digest)"))
    language = SelectField(_l("Language of the weekly digest"), default="en", validators=[DataRequired()])


class PasswordForm(Versioned, GraphForm):
    PROPERTIES = ("password",)
    password = PasswordField(_l("New password"), validators=[required(_l("New password")),
                                                              at_most(_l("New password"), 1000, min_length=8)])


#: what is wrong with a line of the rates (graphcrm.rates.parse_rates)
RATE_PROBLEMS = {
    "format": _l("Line %(line)s (%(text)s): write a currency code and a rate, such as USD 7.1."),
    "currency": _l("Line %(line)s (%(text)s): the currency must be a three-letter code such as USD."),
    "number": _l("Line %(line)s (%(text)s): the rate must be a number, such as 7.1."),
    "positive": _l("Line %(line)s (%(text)s): the rate must be greater than zero."),
    "twice": _l("Line %(line)s (%(text)s): this currency has a rate already."),
}


class RatesForm(FlaskForm):
    """The exchange-rate table (graphcrm/rates.py): the reporting currency and one rate a line."""

    currency = StringField(_l("Reporting currency"), validators=[
        DataRequired(), Regexp(r"^\s*[A-Za-z]{3}\s*$", message=_l("Enter a three-letter currency code such as CNY."))])
    rates = TextAreaField(_l("Rates: units of the reporting currency per unit of each currency, one a line"),
                          validators=[Optional(), Length(max=10_000)], render_kw={"rows": 6})

    def validate_rates(self, field):
        from graphcrm.rates import parse_rates

        problems = parse_rates(field.data or "")[1]
        if problems:
            raise WTFormsValidationError(" ".join(str(RATE_PROBLEMS[p["problem"]]) % p for p in problems))


class ConfirmForm(FlaskForm):
    """The confirmation of a delete: its CSRF token and the button's ``confirm=yes``."""

    confirm = HiddenField(validators=[AnyOf(["yes"])])


def form_page(form: GraphForm, write, *, title: str, cancel: str, success, stored: dict | None = None,
              subject: str | None = None, another: str | None = None, saved=None):
    """The page of a create or edit form: GET shows it (filled from ``stored``),
    POST validates and saves with ``write(properties)`` and redirects to
    ``success(result)`` (or to ``another``, the same empty form, when the
    user chose "Save and add another"), saying what was saved
    (``saved(result)``, default "Saved."); a refused save shows the form
    again (400, or 409 with the differences when somebody saved in between)."""
    conflict, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            result, conflict = save(form, write)
            if result is not None:
                flash(saved(result) if saved else _("Saved."))
                return redirect(another if another and request.form.get("another") else success(result))
            status = 409 if conflict is not None else 400
    elif stored is not None:
        form.fill(stored)
    return render_template("form.html", form=form, title=title, cancel=cancel, conflict=conflict,
                           subject=subject, another=another), status


def edit_page(label: str, node_id: str, form: GraphForm, *, title: str, back: str, stored: dict | None = None):
    """The edit form of one node: filled from the store, saved with the
    version it was loaded with."""
    store = get_store()
    return form_page(
        form, lambda props: store.update(label, node_id, props, version=form.version.data),
        title=title, cancel=back, success=lambda _node: back, stored=stored or store.get(label, node_id),
    )


def confirm_page(delete, *, title: str, consequences: list[str], cancel: str, success: str):
    """Ask before deleting (GET); delete on the confirming POST (CSRF-checked)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        delete()
        flash(_("Deleted."))
        return redirect(success)
    status = 400 if form.is_submitted() else 200
    return render_template("confirm.html", form=form, title=title, consequences=consequences,
                           cancel=cancel), status
