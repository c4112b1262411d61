"""Analysis results cached until the graph changes.

The portfolio report reads the whole graph (100,000 stakeholders take tens of
seconds to load and analyse), an opportunity report searches warm paths
(tens of milliseconds each, which add up under concurrent use), yet most page
views come while nothing was written.  :class:`ReportCache` keeps each result with the store's change
stamp (:meth:`graphcrm.graph.store.GraphStore.change_stamp`, bumped by every
write from any process) and the UTC date, and computes it again only when
either moved: a write anywhere invalidates it, and a new day does too
(findings such as stale relationships depend on the date).

Results about one account (its graph, its report, its opportunities'
reports, warm paths to its people, the web pages drawn from them) are kept
with the stamps of the accounts its graph holds instead
(:meth:`graphcrm.graph.store.GraphStore.account_stamps`): a write to one
account leaves the results about the others valid.  (With a steady stream of
writes, every page would otherwise be computed again after each one: with a
write every 2 s, 16 clients got 21 pages a second instead of 400 at scale L,
bench/run.)

Concurrent requests for a result that is being computed wait for that one
computation instead of starting their own.

The portfolio report is kept apart (:meth:`ReportCache.portfolio`): at scale
it takes seconds, and every write anywhere makes it old.  A page that can
show a report a few seconds old asks with ``stale_ok``: when the last report
took long to compute, it gets that one at once, marked as being refreshed,
while a new one is computed in the background, at most once a minute: with a
write every 2 seconds, refreshing it without pause kept both cores of the
bench machine busy and the pages waited (bench/run).  Values derived from a report
(the dashboard's sorted tables) are kept with that report
(:meth:`Portfolio.derived`), so they never mix two reports.

>>> cache = ReportCache(store)                      # doctest: +SKIP
>>> cache.portfolio_report()["totals"]["accounts"]   # doctest: +SKIP
2000
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from contextlib import contextmanager
from datetime import datetime, timezone

import networkx as nx
from cachetools import LRUCache

from graphcrm.analysis import account_coverage, account_report, opportunity_report, portfolio_report, warm_paths
from graphcrm.graph.nxgraph import gc_paused
from graphcrm.graph.store import GraphStore

log = logging.getLogger(__name__)


def _today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


class Portfolio:
    """A portfolio report (``report``), the stamp and date it was computed
    under (``valid_for``), how long that took (``seconds``) and the values
    pages derived from it."""

    def __init__(self, report: dict, valid_for: tuple[str, str], seconds: float):
        self.report = report
        self.valid_for = valid_for
        self.seconds = seconds
        self._derived: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def derived(self, key: Hashable, compute: Callable[[], object]):
        """``compute()``'s value, computed once for this report (read-only)."""
        with self._lock:
            if key in self._derived:
                return self._derived[key]
        value = compute()
        with self._lock:
            return self._derived.setdefault(key, value)


class _Account:
    """The results kept about one account: valid while ``valid_for`` (the date
    and the stamps of ``accounts``, the accounts its graph holds) holds."""

    __slots__ = ("accounts", "valid_for", "values")

    def __init__(self, accounts: frozenset[str], valid_for: tuple, values: dict):
        self.accounts = accounts
        self.valid_for = valid_for
        self.values = values


class ReportCache:
    """Results of analysis over ``store``, valid while its change stamp holds.

    Parameters
    ----------
    store : GraphStore
        The store the results are computed from.
    maxsize : int
        At most this many results are kept (least recently used go first).
    today : callable, optional
        Returns the current date as text (tests pass their own clock).
    workers : int
        Processes computing the portfolio report at once (see
        :func:`graphcrm.analysis.portfolio_report`).
    background_after : float
        A portfolio report that took at least this many seconds is refreshed
        in the background when asked for with ``stale_ok`` (see :meth:`portfolio`).
    refresh_every : float
        Background refreshes start at least this many seconds apart.
    stamp, account_stamps : callable, optional
        Read the store's change stamp and account stamps (default:
        ``store.change_stamp`` and ``store.account_stamps``; the web app
        reads them once per page view, see :mod:`graphcrm.web.db`).
    accounts : int
        Results about at most this many accounts are kept.

    Cached results are shared between callers: treat them as read-only.
    """

    def __init__(self, store: GraphStore, *, maxsize: int = 512, today: Callable[[], str] = _today,
                 workers: int = 1, background_after: float = 2.0, refresh_every: float = 60.0,
                 stamp: Callable[[], str] | None = None,
                 account_stamps: Callable[[Iterable[str]], tuple] | None = None, accounts: int = 256):
        self.store = store
        self._stamp = stamp or store.change_stamp
        self._account_stamps = account_stamps or store.account_stamps
        self._accounts: LRUCache = LRUCache(maxsize=accounts)
        self.workers = workers
        self.background_after = background_after
        self.refresh_every = refresh_every
        self.refreshed_at: float | None = None  # time.monotonic() when the last background refresh started
        self._portfolio: Portfolio | None = None
        self._portfolio_lock = threading.Lock()  # one computation of it at a time
        self._refresh: threading.Thread | None = None
        self._today = today
        self._entries: LRUCache = LRUCache(maxsize=maxsize)
        self._valid_for: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], object]):
        """The result cached under ``key``, or ``compute()``'s (then cached).

        The stamp is read before ``compute`` reads the graph, so a result is
        never kept under a stamp older than the data it saw.
        """
        valid_for = self._valid_now()
        with self._lock:
            if valid_for != self._valid_for:
                self._entries.clear()
                self._valid_for = valid_for
            if key in self._entries:
                self.hits += 1
                return self._entries[key]
        with self._once(key):
            with self._lock:
                if self._valid_for == valid_for and key in self._entries:
                    self.hits += 1
                    return self._entries[key]
            value = compute()
            with self._lock:
                self.misses += 1
                if self._valid_for == valid_for:
                    self._entries[key] = value
            return value

    def portfolio_report(self) -> dict:
        """:func:`graphcrm.analysis.portfolio_report` of the whole store, as it is now."""
        return self.portfolio()[0].report

    def portfolio(self, *, stale_ok: bool = False) -> tuple[Portfolio, bool]:
        """The portfolio report and whether a newer one is being computed.

        Without ``stale_ok`` the report is that of the graph as it is now
        (computed here if the graph changed).  With ``stale_ok``, when the
        graph changed and the last report took ``background_after`` seconds
        or more, that last report comes back at once with ``True``, and a
        new one is computed in the background (one at a time, each starting
        ``refresh_every`` seconds after the one before at the soonest).
        """
        valid_for = self._valid_now()
        last = self._portfolio
        if last is not None and last.valid_for == valid_for:
            self.hits += 1
            return last, False
        if stale_ok and last is not None and last.seconds >= self.background_after:
            with self._lock:
                if self._refresh is None or not self._refresh.is_alive():
                    self._refresh = threading.Thread(target=self._refresh_portfolio, name="portfolio refresh",
                                                     daemon=True)
                    self._refresh.start()
            return last, True
        return self._compute_portfolio(), False

    def _valid_now(self) -> tuple[str, str]:
        return self._stamp(), self._today()

    def _compute_portfolio(self) -> Portfolio:
        with self._portfolio_lock:
            valid_for = self._valid_now()  # before the graph is read
            last = self._portfolio
            if last is not None and last.valid_for == valid_for:
                self.hits += 1
                return last
            started = time.perf_counter()
            # the collector stays paused until the graph is freed: resumed
            # earlier, it would scan the graph's 1.3 million containers
            # (scale L) three times over, 1.2 s at the next allocations
            with gc_paused():
                G = self.store.portfolio_graph(for_analysis=True)
                report = portfolio_report(G, workers=self.workers)
                del G
            self.misses += 1
            self._portfolio = Portfolio(report, valid_for, time.perf_counter() - started)
            return self._portfolio

    def _refresh_portfolio(self) -> None:
        if self.refreshed_at is not None:
            time.sleep(max(0.0, self.refreshed_at + self.refresh_every - time.monotonic()))
        self.refreshed_at = time.monotonic()
        try:
            self._compute_portfolio()
        except Exception:  # the next page asks again (and shows the error if it persists)
            log.exception("refreshing the portfolio report failed")

    # -- results about one account ------------------------------------------------------

    def for_account(self, account_id: str, key: Hashable, compute: Callable[[], object]):
        """``compute()``'s result about ``account_id``, computed from its account
        graph (and nothing else of the store), kept until a write changes one
        of the accounts that graph holds (see the module text)."""
        values = self._account(account_id).values
        if key in values:
            self.hits += 1
            return values[key]
        with self._once((account_id, key)):
            if key in values:
                self.hits += 1
                return values[key]
            value = values[key] = compute()
            self.misses += 1
            return value

    def _account(self, account_id: str) -> _Account:
        """The valid entry of ``account_id``: its graph read again when a write
        moved the stamp of an account in it.  The stamps are read before the
        graph, so an entry never claims a state older than the data it holds."""
        with self._lock:
            entry = self._accounts.get(account_id)
        if entry is not None and entry.valid_for == self._account_valid_now(entry.accounts):
            return entry
        with self._once(("account", account_id)):
            with self._lock:
                latest = self._accounts.get(account_id)
            if latest is not None and latest is not entry and \
                    latest.valid_for == self._account_valid_now(latest.accounts):
                return latest  # another request has just read it
            accounts = entry.accounts if entry is not None else frozenset([account_id])
            for _ in range(3):  # until the accounts the graph holds are among those whose stamps were read
                valid_for = self._account_valid_now(accounts)
                G = self.store.account_graph(account_id)
                held = self.store.account_graph_accounts(G) | {account_id}
                if held <= accounts:
                    stamps = dict(zip(sorted(accounts), valid_for[2], strict=True))
                    entry = _Account(held, (*valid_for[:2], tuple(stamps[a] for a in sorted(held))), {"graph": G})
                    with self._lock:
                        self._accounts[account_id] = entry
                    return entry
                accounts |= held
            return _Account(held, (), {"graph": G})  # the graph kept changing while read: used once, not kept

    def _account_valid_now(self, accounts: frozenset[str]) -> tuple:
        """(date, stamp of ``*``, stamps of ``accounts`` in sorted order)."""
        stamps = self._account_stamps(sorted(accounts))
        return self._today(), stamps[0], tuple(stamps[1:])

    @contextmanager
    def _once(self, key: Hashable):
        """One computation of ``key`` at a time: the others wait for it (and
        then find its result).  The lock is dropped afterwards, so that the
        keys of a long-running server do not each keep one."""
        with self._lock:
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:
            try:
                yield
            finally:
                with self._lock:
                    if self._computing.get(key) is lock:
                        del self._computing[key]

    # A *view* narrows a graph to what one user may see (the web app leaves out
    # accounts they are not on the team of): ``view(G)`` returns a new graph,
    # ``view_key`` names it in the cache (None: the whole graph, no view).

    def account_graph(self, account_id: str, *, view: Callable | None = None,
                      view_key: Hashable = None) -> nx.MultiDiGraph:
        """The store's :meth:`~graphcrm.graph.store.GraphStore.account_graph`
        (what the account and person pages draw on), through ``view``; shared, so read-only."""
        G = self._account(account_id).values["graph"]
        return G if view is None else self.for_account(account_id, ("graph", view_key), lambda: view(G))

    def opportunity_graph(self, opportunity_id: str, *, view: Callable | None = None,
                          view_key: Hashable = None) -> nx.MultiDiGraph:
        """The store's :meth:`~graphcrm.graph.store.GraphStore.opportunity_graph`, through ``view``."""
        account_id = self._account_of_opportunity(opportunity_id)

        def opportunity_graph():
            G = self.account_graph(account_id, view=view, view_key=view_key).copy()
            G.graph.update(kind="opportunity", opportunity_id=opportunity_id)
            return G

        return self.for_account(account_id, ("opportunity graph", opportunity_id, view_key), opportunity_graph)

    def _account_of_opportunity(self, opportunity_id: str) -> str:
        account_id = self.get(("account of", "Opportunity", opportunity_id),
                              lambda: self.store.account_of("Opportunity", opportunity_id))
        if account_id is None:
            self.store.opportunity_graph(opportunity_id)  # raises what is missing: the opportunity or its account
        return account_id

    def account_coverage(self, account_id: str, *, view: Callable | None = None, view_key: Hashable = None) -> dict:
        """:func:`graphcrm.analysis.account_coverage` of one account (through ``view``)."""
        return self.for_account(account_id, ("coverage", view_key), lambda: account_coverage(
            self.account_graph(account_id, view=view, view_key=view_key), account_id))

    def account_report(self, account_id: str, *, view: Callable | None = None, view_key: Hashable = None) -> dict:
        """:func:`graphcrm.analysis.account_report` of one account (through ``view``)."""
        return self.for_account(account_id, ("account", view_key), lambda: account_report(
            self.account_graph(account_id, view=view, view_key=view_key), account_id))

    def warm_paths(self, account_id: str, person_id: str, *, k: int = 3, view: Callable | None = None,
                   view_key: Hashable = None) -> list[dict]:
        """:func:`graphcrm.analysis.warm_paths` to a person of the account (through ``view``)."""
        return self.for_account(account_id, ("warm paths", person_id, k, view_key), lambda: warm_paths(
            self.account_graph(account_id, view=view, view_key=view_key), person_id, k=k))

    def opportunity_report(self, opportunity_id: str, *, view: Callable | None = None,
                           view_key: Hashable = None) -> dict:
        """:func:`graphcrm.analysis.opportunity_report` of one opportunity (through ``view``)."""
        account_id = self._account_of_opportunity(opportunity_id)
        return self.for_account(account_id, ("opportunity", opportunity_id, view_key), lambda: opportunity_report(
            self.opportunity_graph(opportunity_id, view=view, view_key=view_key), opportunity_id))
