"""Server-side paging, sorting and filtering of long tables (the dashboard's).

A :class:`Table` describes one table once: the prefix of its query
parameters (``bids`` reads ``bids_page``, ``bids_sort``, ``bids_dir``,
``bids_q`` and one parameter per filter), the columns one may sort by
(column key -> sort key of a row), the row fields the text box searches and
the select / checkbox filters.  :meth:`Table.query` reads and checks the
table's parameters (a bad one raises :class:`~graphcrm.errors.ValidationError`
naming it, which the app answers with 400), :meth:`Table.sort` orders the
rows (the result can be cached: it depends only on the rows, the column and
the direction) and :meth:`Table.show` filters and slices one page of them.

Rows are plain dicts; nothing here reads the database or renders HTML.

>>> t = Table("t", sort_keys={"name": text_key("name")}, text_fields=("name",))
>>> q = t.query({"t_sort": "name", "t_dir": "desc", "t_q": "A"})
>>> rows = t.sort([{"name": "b"}, {"name": "Anna"}, {"name": "carla"}], q.sort, q.desc)
>>> v = t.show(rows, q, page_size=1)
>>> [r["name"] for r in v.rows], v.total, v.pages
(['carla'], 2, 2)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from graphcrm.errors import ValidationError

#: the longest text a filter box accepts
MAX_QUERY = 200
#: page links shown on each side of the current page
PAGE_LINKS_AROUND = 2


def text_key(name: str) -> Callable[[dict], Any]:
    """Sort key of a text field: case-insensitive (None stays None: sorted last)."""
    def key(row: dict):
        value = row.get(name)
        return None if value is None else str(value).casefold()
    return key


def value_key(name: str) -> Callable[[dict], Any]:
    """Sort key of a number or yes/no field, as it is."""
    return lambda row: row.get(name)


def order_key(name: str, order: Sequence[str]) -> Callable[[dict], Any]:
    """Sort key of a vocabulary field (stage, segment...): its place in
    ``order`` (a pipeline or a ranking), not its label; unknown values last."""
    places = {value: i for i, value in enumerate(order)}
    return lambda row: places.get(row.get(name))


@dataclass(frozen=True)
class Filter:
    """A filter of a :class:`Table`: keeps the rows whose ``field`` equals the
    chosen one of ``values`` (a select; empty: all rows), or, when ``values``
    is None, whose ``field`` is true (a checkbox sending "1").

    ``pattern`` takes any value matching it instead of ``values`` (values not
    known in advance, such as a user's id); ``test(field value, chosen)``
    decides instead of equality (a window of dates)."""

    field: str
    values: Collection[str] | None = None
    pattern: str | None = None
    test: Callable[[Any, str], bool] | None = None

    def allows(self, value: str) -> bool:
        """Whether ``value`` may be chosen."""
        if self.pattern is not None:
            return re.fullmatch(self.pattern, value) is not None
        return value in (("1",) if self.values is None else self.values)

    def passes(self, row: dict, chosen: str) -> bool:
        """Whether ``row`` passes with ``chosen`` picked."""
        value = row.get(self.field)
        if self.test is not None:
            return self.test(value, chosen)
        return bool(value) if self.values is None and self.pattern is None else value == chosen


@dataclass(frozen=True)
class Query:
    """A table's parameters of one request, checked."""

    page: int
    sort: str | None
    desc: bool
    q: str
    filters: Mapping[str, str]


@dataclass(frozen=True)
class Table:
    """One pageable, sortable, filterable table.

    Parameters
    ----------
    name : str
        Prefix of the table's query parameters, and the id of its HTML table.
    sort_keys : mapping
        The columns one may sort by: column key -> sort key of a row
        (:func:`text_key`, :func:`value_key`, :func:`order_key`).
    text_fields : tuple of str
        Row fields the text box searches (case-insensitive, any part).
    filters : mapping
        Parameter suffix -> :class:`Filter`.
    default_sort : str, optional
        The column the rows are sorted by when the request names none (None:
        the order the rows come in).
    """

    name: str
    sort_keys: Mapping[str, Callable[[dict], Any]]
    text_fields: tuple[str, ...]
    filters: Mapping[str, Filter] = field(default_factory=dict)
    default_sort: str | None = None

    def param(self, suffix: str) -> str:
        return f"{self.name}_{suffix}"

    def query(self, args: Mapping[str, str]) -> Query:
        """The table's parameters in ``args`` (a request's), checked: raises
        :class:`~graphcrm.errors.ValidationError` naming a bad one."""
        page = args.get(self.param("page")) or "1"
        if not re.fullmatch(r"[0-9]{1,18}", page) or int(page) < 1:
            raise ValidationError(self.param("page"), _l("must be a whole number, 1 or more"))
        sort = args.get(self.param("sort")) or self.default_sort
        if sort is not None and sort not in self.sort_keys:
            raise ValidationError(self.param("sort"), _l(
                "cannot sort by this; one of: %(columns)s", columns=", ".join(self.sort_keys)))
        direction = args.get(self.param("dir")) or "asc"
        if direction not in ("asc", "desc"):
            raise ValidationError(self.param("dir"), _l("must be asc or desc"))
        q = (args.get(self.param("q")) or "").strip()
        if len(q) > MAX_QUERY:
            raise ValidationError(self.param("q"), _l("at most %(n)s characters", n=MAX_QUERY))
        chosen = {}
        for suffix, f in self.filters.items():
            value = args.get(self.param(suffix)) or ""
            if value and not f.allows(value):
                raise ValidationError(self.param(suffix), _l("is not a valid choice") if f.pattern is not None else
                                      _l("must be one of: %(values)s", values=", ".join(f.values or ("1",))))
            if value:
                chosen[suffix] = value
        return Query(page=int(page), sort=sort, desc=direction == "desc", q=q, filters=chosen)

    def sort(self, rows: Sequence[dict], sort: str | None, desc: bool) -> list[dict]:
        """``rows`` ordered by column ``sort`` (None: as they come), reversed
        when ``desc``; rows without a value come last either way, and rows
        of equal value keep their order."""
        if sort is None:
            return list(rows)
        key = self.sort_keys[sort]
        keyed = [(key(r), r) for r in rows]
        known = sorted((kr for kr in keyed if kr[0] is not None), key=lambda kr: kr[0], reverse=desc)
        return [r for _, r in known] + [r for k, r in keyed if k is None]

    def matches(self, row: dict, query: Query) -> bool:
        """Whether ``row`` passes the text box and the filters of ``query``."""
        if query.q:
            needle = query.q.casefold()
            if not any(needle in str(row.get(f) or "").casefold() for f in self.text_fields):
                return False
        return all(self.filters[suffix].passes(row, value) for suffix, value in query.filters.items())

    def show(self, rows: Sequence[dict], query: Query, page_size: int) -> "TableView":
        """The page of ``query`` of the (sorted) ``rows`` that pass its
        filters; a page past the last gives the last one."""
        if query.q or query.filters:
            rows = [r for r in rows if self.matches(r, query)]
        pages = max(1, -(-len(rows) // page_size))
        page = min(query.page, pages)
        start = (page - 1) * page_size
        return TableView(self, query, rows[start:start + page_size], total=len(rows), page=page, pages=pages,
                         first=start + 1 if rows else 0, last=min(start + page_size, len(rows)))


@dataclass(frozen=True)
class TableView:
    """One page of a :class:`Table`: its ``rows``, rows ``first``-``last``
    (1-based) of ``total``, page ``page`` of ``pages``; and the parameter
    changes of its links (for a helper that keeps the other parameters)."""

    table: Table
    query: Query
    rows: list[dict]
    total: int
    page: int
    pages: int
    first: int
    last: int

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def anchor(self) -> str:
        """Where the table's links land: the id of its heading (above the filter form)."""
        return f"{self.table.name}-title"

    @property
    def filtered(self) -> bool:
        return bool(self.query.q or self.query.filters)

    def page_numbers(self) -> list[int | None]:
        """The page links to show: the first, the last and a few around the
        current page; None where pages are left out."""
        around = range(max(1, self.page - PAGE_LINKS_AROUND), min(self.pages, self.page + PAGE_LINKS_AROUND) + 1)
        shown = sorted({1, self.pages, *around})
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out

    def page_args(self, page: int) -> dict:
        """Parameter changes that go to ``page``."""
        return {self.table.param("page"): page}

    def sort_args(self, column: str) -> dict:
        """Parameter changes that sort by ``column`` (reversed when it is the
        current one and ascending), from the first page."""
        desc = column == self.query.sort and not self.query.desc
        return {self.table.param("sort"): column, self.table.param("dir"): "desc" if desc else "asc",
                self.table.param("page"): None}

    def filter_args(self) -> dict:
        """Parameter changes that clear the text box and the filters, from the first page."""
        return {self.table.param(s): None for s in ("page", "q", *self.table.filters)}

    def kept_args(self, args: Mapping[str, str]) -> list[tuple[str, str]]:
        """The parameters of ``args`` the table's filter form sends along
        unchanged (as hidden fields): the other tables' and this one's sort;
        not its page (a new filter starts at page 1) nor what the form asks."""
        own = set(self.filter_args())
        return [(k, v) for k, v in args.items() if k not in own]
