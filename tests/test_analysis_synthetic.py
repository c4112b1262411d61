"""The synthetic benchmark portfolio is valid, deterministic and realistic in shape."""

from __future__ import annotations

import doctest
import sys
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import synthetic  # noqa: E402
from synthetic import synthetic_portfolio  # noqa: E402

from graphcrm.analysis import portfolio_coverage  # noqa: E402
from graphcrm.graph.nxgraph import build_graph  # noqa: E402
from graphcrm.model import validate_node, validate_relationship  # noqa: E402

TODAY = date(2026, 5, 1)


def test_doctest():
    assert doctest.testmod(synthetic).failed == 0


def test_valid_unique_and_deterministic():
    nodes, rels = synthetic_portfolio(12, 40, today=TODAY, with_interactions=True)
    for label, props in nodes:
        validate_node(label, props)
    for rel_type, _, _, props in rels:
        validate_relationship(rel_type, props)
    ids = [p["id"] for _, p in nodes]
    assert len(ids) == len(set(ids))
    assert (nodes, rels) == synthetic_portfolio(12, 40, today=TODAY, with_interactions=True)
    assert (nodes, rels) != synthetic_portfolio(12, 40, today=TODAY, seed=8, with_interactions=True)


def test_shape():
    nodes, rels = synthetic_portfolio(30, 50, today=TODAY)
    labels = Counter(lbl for lbl, _ in nodes)
    types = Counter(t for t, *_ in rels)
    assert labels["Person"] == 1500 and labels["Account"] == 30 and labels["User"] >= 3
    assert 4.5 <= len(rels) / labels["Person"] <= 6
    assert types["REPORTS_TO"] == 1500 - 30
    G = build_graph(nodes, rels)
    # org charts of realistic depth
    def depth(p):
        d = 1
        while True:
            bosses = [b for b, k in G[p].items() if "REPORTS_TO" in k]
            if not bosses:
                return d
            p, d = bosses[0], d + 1

    depths = [depth(p) for p, a in G.nodes(data=True) if a["label"] == "Person"]
    assert 4 <= max(depths) <= 8
    # influence mostly within departments
    infl = [(u, v) for u, v, k in G.edges(keys=True) if k == "INFLUENCES"]
    same = sum(1 for u, v in infl if G.nodes[u]["department"] == G.nodes[v]["department"])
    assert same / len(infl) > 0.7
    # buying centres of 5-30
    bids = [o for o, a in G.nodes(data=True) if a["label"] == "Opportunity"]
    sizes = [sum(1 for _, k in G._pred[o].items() if "ROLE_IN" in k) for o in bids]
    assert min(sizes) >= 5 and max(sizes) <= 30
    # Chinese and English names
    names = [a["name"] for _, a in G.nodes(data=True) if a["label"] == "Person"]
    assert any("\u4e00" <= n[0] <= "\u9fff" for n in names) and any(n[0].isascii() for n in names)
    assert portfolio_coverage(G, now="2026-05-01")["totals"]["accounts"] == 30


def test_portfolio_with_several_workers_is_the_same():
    """The account rows computed in forked processes equal the rows computed
    in one, in the same order (the web app uses one process per core)."""
    G = build_graph(*synthetic_portfolio(9, 30, today=TODAY))
    one = portfolio_coverage(G, now="2026-05-01")
    assert portfolio_coverage(G, now="2026-05-01", workers=2) == one
    assert portfolio_coverage(G, now="2026-05-01", workers=4) == one
    assert portfolio_coverage(G, now="2026-05-01", workers=20) == one  # more workers than accounts
    assert [r["id"] for r in one["accounts"]] == sorted(r["id"] for r in one["accounts"])
