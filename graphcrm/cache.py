"""Analysis results cached until the graph changes.

The portfolio report covers every account (2,000 accounts, 100,000
stakeholders at scale L), an opportunity report searches warm paths
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

The portfolio report is put together from one part per account
(:mod:`graphcrm.analysis.parts`), each computed from that account's analysis
graph (:meth:`graphcrm.graph.store.GraphStore.analysis_graph`: a few hundred
nodes, never the whole portfolio) and kept with the date, the stamp of ``*``
and the stamps of every account that graph holds, the stamps read before the
graph.  A part holds while they do: a write re-analyses only the accounts
whose analysis graph holds an account it changed (its own, and those whose
bids, levers or feedback reach into it), and the report is summed up
again from the parts (the same report as from the whole portfolio graph:
tests/test_cache_parts.py).  When many parts are out of date they are
computed a batch of accounts per graph, in ``workers`` threads, each kept
with the stamps of its own account's scope in that graph.

Parts are saved beside the graph (:meth:`~graphcrm.graph.store.GraphStore.save_results`:
a Redis hash on the embedded store, a node of their own outside the graph
model on Neo4j), as JSON with their stamps and the fingerprint of the
analysis code: another process, or this one after a restart, takes them
over while they hold, so the first dashboard after a restart needs no
analysis.  A stamp never repeats (the counters are never reset; Neo4j's
start from a new epoch when the database is emptied), so a saved part that
matches the stamps read now was computed from the data as it is now.

A page that can show a report a few seconds old asks with ``stale_ok``:
when the last report took long to put together (most parts out of date:
a new day, a bulk import), it gets that one at once, marked as being
refreshed, while a new one is computed in the background, at most every
``refresh_every`` seconds (10).  Values derived from a report
(the dashboard's sorted tables) are kept with that report
(:meth:`Portfolio.derived`), so they never mix two reports.

>>> cache = ReportCache(store)                      # doctest: +SKIP
>>> cache.portfolio_report()["totals"]["accounts"]   # doctest: +SKIP
2000
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources

import networkx as nx
from cachetools import LRUCache

from graphcrm.analysis import account_coverage, account_report, opportunity_report, warm_paths
from graphcrm.analysis.parts import account_part, portfolio_from_parts, scope_of
from graphcrm.graph.store import GraphStore

log = logging.getLogger(__name__)


def _today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


@lru_cache(maxsize=1)
def analysis_code() -> str:
    """A fingerprint of the analysis code (its modules' source): a saved part
    computed by other code is computed again."""
    digest = hashlib.sha256()
    root = resources.files("graphcrm.analysis")
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:16]


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


class _Part:
    """One account's part of the portfolio report (``value``), valid while
    ``valid_for`` (the date, the stamp of ``*`` and the (account, stamp) pairs of
    the accounts its analysis graph held) holds."""

    __slots__ = ("valid_for", "value")

    def __init__(self, valid_for: tuple, value: dict):
        self.valid_for = valid_for
        self.value = value

    def holds(self, today: str, star: str, stamps: dict[str, str]) -> bool:
        day, star_then, held = self.valid_for
        return day == today and star_then == star and all(stamps.get(a) == stamp for a, stamp in held)

    def saved(self) -> str:
        day, star, held = self.valid_for
        return json.dumps({"code": analysis_code(), "valid_for": [day, star, [list(h) for h in held]],
                           "part": self.value}, ensure_ascii=False)

    @classmethod
    def from_saved(cls, text: str | None) -> _Part | None:
        """The part saved as ``text`` (None: none, or by other analysis code)."""
        if not text:
            return None
        saved = json.loads(text)
        if saved.get("code") != analysis_code():
            return None
        day, star, held = saved["valid_for"]
        return cls((day, star, tuple((a, stamp) for a, stamp in held)), saved["part"])


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
        Threads computing the parts of the portfolio report at once (one
        reads a batch's graph while another analyses one).
    background_after : float
        A portfolio report that took at least this many seconds is refreshed
        in the background when asked for with ``stale_ok`` (see :meth:`portfolio`).
    batch : int
        When more parts than this are out of date, they are computed this
        many accounts to a graph (see the module text).
    now : callable, optional
        Returns the time the parts are computed for (default: when their
        graph is read; tests pass a fixed one).
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
                 workers: int = 1, background_after: float = 2.0, refresh_every: float = 10.0,
                 stamp: Callable[[], str] | None = None,
                 account_stamps: Callable[[Iterable[str]], tuple] | None = None, accounts: int = 256,
                 batch: int = 50, now: Callable[[], str | None] = lambda: None):
        self.store = store
        self._stamp = stamp or store.change_stamp
        self._account_stamps = account_stamps or store.account_stamps
        self._accounts: LRUCache = LRUCache(maxsize=accounts)
        self.workers = workers
        self.background_after = background_after
        self.refresh_every = refresh_every
        self.refreshed_at: float | None = None  # time.monotonic() when the last background refresh started
        self._portfolio: Portfolio | None = None
        self._parts: dict[str, _Part] = {}  # account id -> its part of the portfolio report
        self.batch = batch
        self._now = now
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
        graph changed and another request is computing the new report, or
        the last report took ``background_after`` seconds
        or more, that last report comes back at once with ``True``, and a
        new one is computed in the background (one at a time, each starting
        ``refresh_every`` seconds after the one before at the soonest).
        """
        valid_for = self._valid_now()
        last = self._portfolio
        if last is not None and last.valid_for == valid_for:
            self.hits += 1
            return last, False
        if stale_ok and last is not None and self._portfolio_lock.locked():
            return last, True  # another request is computing the new one: no need to wait for it
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
            report = portfolio_from_parts(self._current_parts())
            self.misses += 1
            self._portfolio = Portfolio(report, valid_for, time.perf_counter() - started)
            return self._portfolio

    def _current_parts(self) -> list[dict]:
        """Every account's part of the portfolio report, as the graph is now:
        kept, saved (another process's, or before a restart) or computed."""
        today = self._today()
        account_ids = self.store.account_ids()
        star, *stamps = self._account_stamps(account_ids)  # before any graph is read
        current = dict(zip(account_ids, stamps, strict=True))
        kept = {a: part for a in account_ids
                if (part := self._parts.get(a)) is not None and part.holds(today, star, current)}
        missing = [a for a in account_ids if a not in kept]
        for a, text in zip(missing, self.store.saved_results(f"part:{a}" for a in missing) if missing else [],
                           strict=True):
            part = _Part.from_saved(text)
            if part is not None and part.holds(today, star, current):
                kept[a] = part
        missing = [a for a in missing if a not in kept]
        size = self.batch if len(missing) > self.batch else 1
        batches = [missing[i:i + size] for i in range(0, len(missing), size)]
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            for computed in pool.map(lambda batch: self._compute_parts(batch, today, star, current), batches):
                kept.update(computed)
        self._parts = kept
        return [kept[a].value for a in account_ids]

    def _compute_parts(self, account_ids: list[str], today: str, star: str, current: dict) -> dict[str, _Part]:
        """The parts of these accounts from one analysis graph, each kept with
        the stamps read before it (``star``, ``current``) of the accounts in
        its own scope (:func:`graphcrm.analysis.parts.scope_of`), and saved.
        (An account created since has no stamp there yet: its part holds for
        no later request.)"""
        G = self.store.analysis_graph(account_ids)
        parts = {}
        for a in account_ids:
            # every person and bid in a scope comes with their account (scope_of), so its accounts are these
            held = sorted(n for n in scope_of(G, a) if G._node[n]["label"] == "Account")
            part = _Part((today, star, tuple((h, current.get(h)) for h in held)), account_part(G, a, now=self._now()))
            text = part.saved()
            part.value = json.loads(text)["part"]  # the same values as a saved one (lists for tuples)
            parts[a] = (part, text)
        self.store.save_results({f"part:{a}": text for a, (_, text) in parts.items()})
        return {a: part for a, (part, _) in parts.items()}

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
