"""Sending e-mail (the weekly digest) through the SMTP server of the settings.

Python's :mod:`smtplib` does the talking: one connection for all the
messages, STARTTLS before signing in unless ``GRAPHCRM_SMTP_STARTTLS=0``,
signing in when ``GRAPHCRM_SMTP_USER`` is set.  Any failure (no server, a
refused sign-in or recipient, a dropped connection) is one
:class:`~graphcrm.errors.MailFailed` naming the server.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from graphcrm.config import Settings
from graphcrm.errors import ConfigError, MailFailed

#: seconds to wait for the mail server's answer
TIMEOUT = 30


def check_mail(settings: Settings) -> None:
    """Raise ConfigError when e-mail is off (no GRAPHCRM_SMTP_HOST) or has no sender."""
    if not settings.smtp_host:
        raise ConfigError("e-mail is off: set GRAPHCRM_SMTP_HOST (and GRAPHCRM_SMTP_FROM) to send the digest")
    if not settings.smtp_from:
        raise ConfigError("GRAPHCRM_SMTP_FROM must name the sender of the digest, such as crm@example.com")


def send(messages: Sequence[EmailMessage], settings: Settings) -> int:
    """Send ``messages`` (their From, To and Subject set); the number sent."""
    check_mail(settings)
    server = f"{settings.smtp_host}:{settings.smtp_port}"
    sent = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for message in messages:
                smtp.send_message(message)
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailed(f"the mail server {server} failed ({_why(exc)}); {sent} of {len(messages)} "
                         "messages were sent") from None
    return sent


def _why(exc: Exception) -> str:
    """What went wrong, in a few words (a refused recipient: the server's own answer)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused " + ", ".join(exc.recipients)
    return str(exc) or type(exc).__name__
