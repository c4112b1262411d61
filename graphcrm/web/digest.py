"""The weekly digest: each user's week by e-mail (``graphcrm digest``).

Every active user with an e-mail address (or the one asked for) gets one
message, in the language of their ``language`` (en or zh, set by an admin;
English when none is set), with

* the alerts of the week (:func:`graphcrm.web.week.alerts`: the one list
  every kind of alert comes from);
* their overdue contacts, most influential and most deal value first, as
  their My week page lists them (:func:`graphcrm.web.week.week_of`);
* the open bids closing within :data:`~graphcrm.web.week.CLOSING_SOON_DAYS`
  days, with their readiness and next best action
  (:func:`graphcrm.web.week.closing_soon`);

each with an absolute link (``GRAPHCRM_BASE_URL``), as a plain text and an
HTML part, both from templates (``templates/digest/``).  A message names only
accounts its recipient may see on the site: the lists are made with the
web's own rule for that user (:func:`graphcrm.web.access.visible_account_ids`).

The pages are rendered by the web app in a request of its own per
recipient, made for ``GRAPHCRM_BASE_URL``: ``url_for(..., _external=True)``
gives the addresses users open, and the recipient's language is forced for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from flask import Flask, render_template
from flask_babel import force_locale, gettext

from graphcrm.errors import NotFound, ValidationError
from graphcrm.web.auth import User
from graphcrm.web.db import get_store
from graphcrm.web.week import CLOSING_SOON_DAYS, alerts, closing_soon, overdue, today, week_of

#: the overdue contacts a digest lists (the rest are on the My week page) and the bids closing
#: soon (the rest are on the dashboard, filtered by close date)
MAX_CONTACTS = 10
MAX_BIDS = 20


@dataclass(frozen=True)
class Digest:
    """One user's digest: their username, the message and its plain text."""

    username: str
    message: EmailMessage
    text: str


def recipients(app: Flask, username: str | None = None) -> list[User]:
    """The active users with an e-mail address, by username; or the user
    ``username`` (NotFound when there is none, ValidationError when they have
    no address or are deactivated)."""
    with app.app_context():
        store = get_store()
        if username is None:
            users = sorted(store.list_nodes("User", limit=100_000), key=lambda u: u["username"])
            return [User(u) for u in users if u.get("active", True) and u.get("email")]
        found = store.user_by_username(username)
    if found is None:
        raise NotFound("user", username)
    if not found.get("active", True) or not found.get("email"):
        raise ValidationError("user", f"{username} gets no digest: " + (
            "the user is deactivated" if not found.get("active", True) else "the user has no e-mail address"))
    return [User(found)]


def weekly_digests(app: Flask, username: str | None = None) -> list[Digest]:
    """The digest of every recipient (:func:`recipients`)."""
    return [digest_of(app, user) for user in recipients(app, username)]


def digest_of(app: Flask, user: User) -> Digest:
    """The digest of ``user`` (a user with an e-mail address)."""
    settings = app.config["GRAPHCRM_SETTINGS"]
    lang = user.props.get("language") or "en"
    with app.test_request_context(base_url=settings.base_url + "/"), force_locale(lang):
        week = week_of(user)
        contacts, closing = overdue(week), closing_soon(user)
        data = {"user": user, "plan": week["plan"], "contacts": contacts[:MAX_CONTACTS],
                "more_contacts": max(0, len(contacts) - MAX_CONTACTS), "closing": closing[:MAX_BIDS],
                "more_bids": max(0, len(closing) - MAX_BIDS), "closing_days": CLOSING_SOON_DAYS,
                "alerts": alerts(user, week), "today": today().isoformat()}
        text = render_template("digest/digest.txt", **data)
        html = render_template("digest/digest.html", **data)
        subject = gettext("GraphCRM: your week of %(date)s", date=data["today"])
    message = EmailMessage()
    message["Subject"] = subject
    if settings.smtp_from:
        message["From"] = settings.smtp_from
    message["To"] = formataddr((user.display_name, user.props["email"]))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="graphcrm.digest")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = lang  # after the parts: making them moves Content-* headers into the first
    return Digest(user.username, message, text)


def dry_run_text(digest: Digest) -> str:
    """What ``graphcrm digest --dry-run`` prints of one digest: its headers and plain text."""
    headers = "".join(f"{name}: {digest.message[name]}\n" for name in ("From", "To", "Subject", "Content-Language")
                      if digest.message[name])
    return f"{headers}\n{digest.text.rstrip()}\n"
