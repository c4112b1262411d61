"""How values read on the pages in the UI language: punctuation, relative dates.

Chinese text takes full-width punctuation (``：（）、，``), English the
ASCII one; templates never write ``:``, ``(`` or ``, `` around words
themselves but use the helpers here, registered as Jinja globals by
:func:`register`:

* ``colon`` — after a label (``Export:`` / ``导出：``);
* ``list_sep`` — between items of a list (``a, b`` / ``a、b``);
* ``clause_sep`` — between clauses (``knows, strength 4`` / ``有关系，强度 4``);
* ``paren(text)`` — `` (text)`` / ``（text）``; ``aside(text, detail)`` —
  ``text (detail)`` / ``text（detail）``;
* ``due_text(days_overdue)`` — when a contact is due, relative to today:
  ``due today``, ``due tomorrow``, ``in 3 days``, ``overdue by 2 days``
  (今天到期, 明天到期, 3 天后到期, 逾期 2 天).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext, lazy_pgettext, ngettext
from markupsafe import Markup, escape

#: the punctuation between words, by what it does (see the module docstring)
PUNCTUATION = {
    "colon": lazy_pgettext("punctuation after a label", ": "),
    "list_sep": lazy_pgettext("punctuation between the items of a list", ", "),
    "clause_sep": lazy_pgettext("punctuation between clauses", ", "),
}


def _filled(template: str, **values) -> Markup:
    """``template`` (from the catalog, trusted) filled with ``values`` escaped
    (unless they are markup already, such as a link)."""
    return Markup(escape(template)) % values


def paren(text) -> Markup:
    """``text`` in parentheses of the UI language, after a space in English:
    `` (4)`` / ``（4）`` (so the template writes none before it)."""
    return _filled(gettext(" (%(text)s)"), text=text)


def aside(text, detail) -> Markup:
    """``text`` followed by ``detail`` in parentheses: ``Li Na (4)`` / ``李娜（4）``."""
    return _filled(gettext("%(text)s (%(detail)s)"), text=text, detail=detail)


def due_text(days_overdue: int | None) -> str:
    """When a contact is due, relative to today (``days_overdue`` negative:
    due in that many days; None: never contacted, so due now)."""
    if days_overdue is None:
        return gettext("due now")
    if days_overdue > 0:
        return ngettext("overdue by %(num)d day", "overdue by %(num)d days", days_overdue)
    if days_overdue == 0:
        return gettext("due today")
    if days_overdue == -1:
        return gettext("due tomorrow")
    return ngettext("in %(num)d day", "in %(num)d days", -days_overdue)


def register(app: Flask) -> None:
    """Make the helpers Jinja globals of ``app``."""
    app.jinja_env.globals.update(PUNCTUATION, paren=paren, aside=aside, due_text=due_text)


__all__ = ["PUNCTUATION", "aside", "due_text", "paren", "register"]
