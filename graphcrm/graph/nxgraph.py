"""The networkx form of the stakeholder graph: the format analysis and UI rely on.

Every loader of :class:`graphcrm.graph.store.GraphStore` returns a
``networkx.MultiDiGraph`` built by :func:`build_graph`:

* **Nodes** are keyed by the node's ``id`` (a string).  Attribute ``label``
  holds the graph label (``"Account"``, ``"Person"``, ``"User"``,
  ``"Opportunity"``, ``"Competitor"``, ``"Interaction"``); every stored
  property is carried over unchanged (``id``, ``version``, ``created_at``,
  ``updated_at`` and the label's own properties, see :mod:`graphcrm.model`).
  A ``User`` node never carries its secrets (``password_hash``, ``session_token``).
* **Edges** run from the relationship's start node to its end node, with key
  and attribute ``type`` equal to the relationship type (``"REPORTS_TO"``,
  ``"RELATIONSHIP"``...) and every stored relationship property.  Between two
  nodes there is at most one relationship of a type, so ``G[u][v]["KNOWS"]``
  addresses it directly.
* Dates are ISO-8601 strings (``"2026-05-01"``); timestamps are ISO-8601
  strings with a UTC offset (``"2026-05-01T09:30:00+00:00"``), which sort in
  time order as text.
* ``G.graph`` holds ``kind`` (``"account"``, ``"opportunity"``,
  ``"portfolio"`` or ``"analysis"``: the analysis scope of ``accounts``, see
  :mod:`graphcrm.analysis.parts`), ``account_id`` / ``opportunity_id`` where they apply, and
  ``loaded_at`` (the timestamp of the load).

An account graph holds the account, its parent and child accounts
(``PART_OF``), its people (``WORKS_AT``) with every ``REPORTS_TO``,
``INFLUENCES`` and ``KNOWS`` edge that touches them (people at other accounts
at the far end of such an edge come along with their ``WORKS_AT`` edge and
account, so that introduction paths can cross accounts), our users with their
``RELATIONSHIP`` and ``MEMBER_OF`` edges, the account's opportunities with
their ``ROLE_IN`` and ``COMPETES_FOR`` edges, competitors with their
``RELATIONSHIP`` edges to these people, and interactions (``ATTENDED``,
``WITH``, ``ABOUT``; also interactions about its opportunities), and its
former employees (``WORKED_AT``) with our ``RELATIONSHIP`` edges to them.
An opportunity graph is the account graph of its
account.  The portfolio graph holds every node but interactions and every
relationship but ``ATTENDED`` / ``WITH`` / ``ABOUT``, except customer feedback
(interactions of kind ``feedback``) with its ``WITH`` lines; loaded ``for_analysis``, its
relationships carry only the properties the analysis reads (``strength``,
``last_contact_at``, ``role``, ``influence``, ``stance``).

>>> G = build_graph(
...     [("Person", {"id": "p1", "name": "王强"}), ("Account", {"id": "a1", "name": "Acme"})],
...     [("WORKS_AT", "p1", "a1", {"since": "2020-01-01"})],
...     kind="account", account_id="a1",
... )
>>> G.nodes["p1"]["label"], G["p1"]["a1"]["WORKS_AT"]["since"]
('Person', '2020-01-01')
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, timezone

import networkx as nx

from graphcrm.model import SECRET_PROPERTIES

_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a large graph is read
    and built (any thread; nested and concurrent uses are counted).

    Building a portfolio graph creates millions of small containers; every
    one of them counts toward the collector's thresholds, which then scans
    everything already built, again and again.  With 25,000 people the
    collections took more than half of the load time (bench/run).  The
    graph holds no garbage cycles, so nothing is lost by waiting.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def build_graph(
    nodes: Iterable[tuple[str, dict]],
    relationships: Iterable[tuple[str, str, str, dict]],
    **graph_attrs,
) -> nx.MultiDiGraph:
    """Build the documented MultiDiGraph from ``(label, props)`` nodes and
    ``(type, start_id, end_id, props)`` relationships.

    Relationships whose ends are not among ``nodes`` are left out.  The
    result is the graph that ``add_node`` / ``add_edge`` would build (a
    relationship listed twice is one edge with both property sets merged),
    written straight into networkx's adjacency dicts: half a million
    ``add_edge`` calls took 2.1 of the portfolio load's 5 seconds at scale L,
    the dicts 1.1 (bench/run; tests/test_store.py checks the equality).
    """
    G = nx.MultiDiGraph()
    G.graph.update(graph_attrs)
    G.graph.setdefault("loaded_at", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    node, succ, pred = G._node, G._succ, G._pred
    for label, props in nodes:
        n = props["id"]
        if n not in node:
            succ[n], pred[n], node[n] = {}, {}, {}
        node[n].update(label=label, **{k: v for k, v in props.items() if k not in SECRET_PROPERTIES and v is not None})
    for rel_type, start, end, props in relationships:
        out = succ.get(start)
        if out is None or end not in node:
            continue
        keyed = out.get(end)
        if keyed is None:
            keyed = out[end] = pred[end][start] = {}
        data = keyed.setdefault(rel_type, {})
        data.update(type=rel_type, **{k: v for k, v in (props or {}).items() if v is not None})
    return G
