"""The analysis results and page bodies a user sees, cached per user view.

Each result is computed over the graph as the signed-in user may see it
(:func:`graphcrm.web.access.visible_graph`) and kept by the app's
:class:`graphcrm.cache.ReportCache` until a write changes an account it
draws on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from graphcrm.web.access import visible_account_ids, visible_graph
from graphcrm.web.db import get_reports


def _view() -> dict:
    """The current user's view for :class:`graphcrm.cache.ReportCache`."""
    visible = visible_account_ids()
    if visible is None:
        return {}
    return {"view": lambda G: visible_graph(G, visible), "view_key": frozenset(visible)}


def account_graph(account_id: str):
    """The account graph of a visible account, as the current user may see it
    (cached until the graph changes: read-only)."""
    return get_reports().account_graph(account_id, **_view())


def opportunity_graph(opportunity_id: str):
    """The opportunity graph of a visible opportunity, as the current user may see it (read-only)."""
    return get_reports().opportunity_graph(opportunity_id, **_view())


def account_report(account_id: str) -> dict:
    """The account report over what the current user may see (cached)."""
    return get_reports().account_report(account_id, **_view())


def account_coverage(account_id: str) -> dict:
    """The account's bids and their gaps over what the current user may see (cached)."""
    return get_reports().account_coverage(account_id, **_view())


def warm_paths_to(account_id: str, person_id: str) -> list[dict]:
    """The three best introduction paths to a person of a visible account,
    over what the current user may see (cached)."""
    return get_reports().warm_paths(account_id, person_id, k=3, **_view())


def opportunity_report(opportunity_id: str) -> dict:
    """The opportunity report over what the current user may see (cached)."""
    return get_reports().opportunity_report(opportunity_id, **_view())


def page_body(template: str, account_id: str, key: Hashable, context: Callable[[], dict]) -> Markup:
    """``template`` rendered with ``context()`` (drawn from the account graph
    of ``account_id`` only), kept as long as the results about that account
    (:meth:`graphcrm.cache.ReportCache.for_account`) for the current user's
    view and language.  ``key`` names everything else the body shows (the
    record, whether the user may edit it, ...); the template must not read
    the request or the session (no CSRF token).

    With the analysis cached, rendering was most of an account or
    opportunity page's time (bench/run, scale L: about 5 of 6 ms).
    """
    lang = str(get_locale() or "en")
    return get_reports().for_account(account_id, ("page body", template, _view().get("view_key"), lang, key),
                                     lambda: Markup(render_template(template, **context())))


