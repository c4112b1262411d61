"""How values read on the pages in the UI language and time zone: punctuation, relative dates, money, times.

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

And one filter, ``money``, for every amount a page shows
(``{{ o.value|money(o.currency) }}``; no currency: CNY, as
:data:`graphcrm.analysis.money.DEFAULT_CURRENCY` reads it).  The currency is
always shown; three significant digits, more when the whole part has more:

============== ===================== =================
amount         Chinese               English
============== ===================== =================
5,000 CNY      5,000 元              CNY 5,000
48,000,000 CNY 4,800 万元            CNY 48M
126,000,000    1.26 亿元             CNY 126M
14,500,000 USD 1,450 万美元          USD 14.5M
1.5e9 EUR      15 亿欧元             EUR 1.5B
9.9e6 XYZ      990 万 XYZ            XYZ 9.9M
============== ===================== =================

Chinese counts in 万 (10⁴) and 亿 (10⁸), as Chinese readers do, and names the
currency in Chinese (Babel's currency names: 美元, 欧元, 港元; the yuan is
元), or by its code when Babel has no Chinese name; English counts in
millions and billions after the ISO code, which tells the yuan from the yen
where a symbol (¥) would not.  Numbers are grouped by Babel for the locale.
Amounts below 10,000 (Chinese) or a million (English) are shown whole.

Times: the database keeps every moment in UTC (ISO 8601 with ``+00:00``);
pages show them, and forms read them, in the site's time zone
(``GRAPHCRM_TIMEZONE``, default Asia/Shanghai: :attr:`graphcrm.config.Settings.timezone`).
The filters ``when`` (``2026-05-01 17:30``) and ``day`` (``2026-05-01``)
show a stored moment there; :func:`utc_from_local` turns what a form read
into the moment to store.  A moment stored without an offset is UTC, as the
model reads it (graphcrm/model.py).
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

from babel.dates import get_timezone_name
from babel.numbers import format_decimal, get_currency_name
from flask import Flask, current_app
from flask_babel import get_locale, gettext, lazy_pgettext, ngettext
from markupsafe import Markup, escape

from graphcrm.analysis.money import DEFAULT_CURRENCY

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


# -- money -------------------------------------------------------------------------------------

#: the large units of each language, largest first: (size, Chinese word or English suffix)
CHINESE_UNITS = ((10**12, "万亿"), (10**8, "亿"), (10**4, "万"))
ENGLISH_UNITS = ((10**12, "T"), (10**9, "B"), (10**6, "M"))


def _scaled(size: float, units: tuple, lang: str) -> tuple[str, str]:
    """``size`` in the largest of ``units`` it reaches, to three significant digits
    (or its whole part), grouped for ``lang``; whole when it reaches none."""
    for unit_size, unit in units:
        if size >= unit_size:
            number = size / unit_size
            pattern = "#,##0" if number >= 100 else "#,##0.#" if number >= 10 else "#,##0.##"
            return format_decimal(number, format=pattern, locale=lang), unit
    return format_decimal(round(size), locale=lang), ""


def money_text(amount, currency: str | None = None, lang: str = "en") -> str:
    """``amount`` of ``currency`` as ``lang`` writes it (see the module docstring)."""
    if amount is None or amount == "":
        return ""
    code = (currency or DEFAULT_CURRENCY).upper()
    sign = "-" if float(amount) < 0 else ""
    if lang.startswith("zh"):
        number, unit = _scaled(abs(float(amount)), CHINESE_UNITS, "zh_Hans_CN")
        name = "元" if code == "CNY" else get_currency_name(code, locale="zh_Hans_CN")
        if name == code:  # no Chinese name: the code, apart ("990 万 XYZ")
            name = " " + code if unit else code
        return f"{sign}{number} {unit}{name}"
    number, unit = _scaled(abs(float(amount)), ENGLISH_UNITS, "en")
    return f"{code} {sign}{number}{unit}"


def money(amount, currency: str | None = None) -> str:
    """The ``money`` filter: ``amount`` of ``currency`` in the UI language."""
    return money_text(amount, currency, str(get_locale() or "en"))


# -- times ---------------------------------------------------------------------------------------


def site_zone() -> tzinfo:
    """The time zone of the app's pages and forms (``GRAPHCRM_TIMEZONE``)."""
    return current_app.config["GRAPHCRM_SETTINGS"].zone


def local_moment(value: str | datetime, zone: tzinfo) -> datetime:
    """A stored moment (ISO text or datetime; without an offset: UTC) in ``zone``."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone)


def utc_from_local(moment: datetime, zone: tzinfo) -> str:
    """A moment read from a form (without an offset: a wall-clock time in ``zone``)
    as the store keeps it: ISO 8601 in UTC (``2026-05-01T09:30:00+00:00``)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc).isoformat()


def moment_text(value: str | datetime | None, zone: tzinfo, *, seconds: bool = False) -> str:
    """A stored moment as ``2026-05-01 17:30`` in ``zone`` (text that is no moment: as it is)."""
    if not value:
        return ""
    try:
        return local_moment(value, zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    except (ValueError, OverflowError):  # no moment, or one at the edge of the calendar
        return str(value)


def day_text(value: str | datetime | None, zone: tzinfo) -> str:
    """The day (``2026-05-01``) of a stored moment in ``zone``; a plain date as it is."""
    if not value:
        return ""
    if isinstance(value, str) and len(value) == 10:
        return value
    return moment_text(value, zone)[:10]


def when(value, seconds: bool = False) -> str:
    """The ``when`` filter: a stored moment in the site's time zone."""
    return moment_text(value, site_zone(), seconds=seconds)


def day(value) -> str:
    """The ``day`` filter: the day of a stored moment in the site's time zone."""
    return day_text(value, site_zone())


def zone_name() -> str:
    """The site's time zone in words of the UI language (China Standard Time, 中国标准时间)."""
    return get_timezone_name(site_zone(), locale=str(get_locale() or "en"))


def register(app: Flask) -> None:
    """Make the helpers Jinja globals of ``app``, and ``money``, ``when`` and ``day`` filters."""
    app.jinja_env.globals.update(PUNCTUATION, paren=paren, aside=aside, due_text=due_text, zone_name=zone_name)
    app.jinja_env.filters.update(money=money, when=when, day=day)


__all__ = ["CHINESE_UNITS", "ENGLISH_UNITS", "PUNCTUATION", "aside", "day", "day_text", "due_text", "local_moment",
           "moment_text", "money", "money_text", "paren", "register", "site_zone", "utc_from_local", "when",
           "zone_name"]
