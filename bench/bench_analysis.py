"""Benchmarks of the analysis engine; prints JSON figures.

    .venv/bin/python bench/bench_analysis.py [--quick]

Figures (best of several runs, seconds unless named ``_ms``):

* ``opportunity_gaps_and_readiness_ms``: coverage_gaps + bid_readiness alone;
* ``opportunity_report_ms``: one opportunity's full report on an account
  graph of 500 stakeholders with a typical buying center (5-30), and
  ``opportunity_report_500_center_ms`` with all 500 in the buying center;
* ``account_report_ms``: one account report (50 and 500 stakeholders);
* ``portfolio_coverage``: at 200 accounts x 50 = 10k people and 2,000 x 50 =
  100k people (~500k relationships), plus the ratio;
* ``betweenness``: exact vs sampled (k=64 and k=128, seed 0) on one
  500-person account: times and the overlap of the top-10 brokers;
* ``manager_scorecard``: the scorecard per account manager over 90 days and
  12 months at 200 accounts x 50 people with their interactions, given the
  portfolio report (as the web app has it), and the portfolio report itself.
"""

from __future__ import annotations

import gc
import json
import platform
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import synthetic_portfolio  # noqa: E402

from graphcrm.analysis import (  # noqa: E402
    account_report,
    bid_readiness,
    brokers,
    coverage_gaps,
    manager_scorecard,
    opportunity_report,
    portfolio_coverage,
)
from graphcrm.analysis._common import people_graph, scope_people  # noqa: E402
from graphcrm.graph.nxgraph import build_graph  # noqa: E402

TODAY = date(2026, 5, 1)
LOADED = "2026-05-01T12:00:00+00:00"


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def exact_vs_sampled_betweenness(H, ks=(64, 128)) -> dict:
    """Exact betweenness of the people graph ``H`` against samples of ``k``
    sources (seed 0): times, ratio and how many of the top-10 brokers agree."""
    t = time.perf_counter()
    exact = nx.betweenness_centrality(H)
    t_exact = time.perf_counter() - t
    top_e = sorted(exact, key=lambda p: (-exact[p], p))[:10]
    sampled_figures = {}
    for k in ks:
        if k >= H.number_of_nodes():
            continue
        t = time.perf_counter()
        sampled = nx.betweenness_centrality(H, k=k, seed=0)
        t_sampled = time.perf_counter() - t
        top_s = sorted(sampled, key=lambda p: (-sampled[p], p))[:10]
        sampled_figures[f"k{k}"] = {
            "seconds": round(t_sampled, 3),
            "exact_over_sampled": round(t_exact / max(t_sampled, 1e-6), 1),
            "top10_overlap": len(set(top_e) & set(top_s)),
            "top1_same": top_e[0] == top_s[0],
        }
    return {
        "people": H.number_of_nodes(),
        "ties": H.number_of_edges(),
        "exact_s": round(t_exact, 3),
        "sampled_seed0": sampled_figures,
    }


def biggest_open_opportunity(G):
    best = None
    for o, d in G.nodes(data=True):
        if d.get("label") == "Opportunity" and d.get("stage") not in ("won", "lost"):
            size = sum(1 for _, keyed in G._pred[o].items() if "ROLE_IN" in keyed)
            if best is None or size > best[0]:
                best = (size, o)
    return best[1], best[0]


def scorecard_figures(repeat: int) -> dict:
    """Seconds of :func:`manager_scorecard` at 200 accounts of 50 people, with interactions."""
    G = build_graph(*synthetic_portfolio(200, 50, seed=7, today=TODAY, with_interactions=True), kind="portfolio",
                    loaded_at=LOADED)
    started = time.perf_counter()
    portfolio = portfolio_coverage(G)
    report = time.perf_counter() - started
    card = manager_scorecard(G, portfolio=portfolio)
    return {
        "accounts": 200, "people": 10_000, "managers": len(card["managers"]),
        "portfolio_coverage_seconds": round(report, 2),
        "90_days_seconds": round(best_of(lambda: manager_scorecard(G, portfolio=portfolio), repeat), 2),
        "12_months_seconds": round(best_of(lambda: manager_scorecard(G, portfolio=portfolio, since="2025-05-02",
                                                                       until="2026-05-01"), repeat), 2),
    }


def main(quick: bool = False) -> dict:
    out: dict = {
        "machine": {
            "python": platform.python_version(),
            "networkx": nx.__version__,
            "cpus": __import__("os").cpu_count(),
        }
    }
    repeat = 3 if quick else 5

    # one account of 500 stakeholders (an account graph as the store loads it)
    G500 = build_graph(*synthetic_portfolio(1, 500, seed=11, today=TODAY, opportunities_per_account=(3, 3),
                                            with_interactions=True),
                       kind="account", account_id="acc-00000", loaded_at=LOADED)
    opp, size = biggest_open_opportunity(G500)
    out["opportunity_report_ms"] = {
        "stakeholders": 500,
        "buying_center": size,
        "ms": round(1000 * best_of(lambda: opportunity_report(G500, opp), repeat), 1),
    }
    out["opportunity_gaps_and_readiness_ms"] = round(
        1000 * best_of(lambda: (coverage_gaps(G500, opp), bid_readiness(G500, opp)), repeat), 1
    )
    Gall = build_graph(*synthetic_portfolio(1, 500, seed=11, today=TODAY, buying_center=(500, 500),
                                            opportunities_per_account=(1, 1)),
                       kind="account", account_id="acc-00000", loaded_at=LOADED)
    opp_all, size_all = biggest_open_opportunity(Gall)
    if Gall.nodes[opp_all].get("stage") in ("won", "lost"):
        opp_all = next(o for o, d in Gall.nodes(data=True) if d.get("label") == "Opportunity")
    out["opportunity_report_500_center_ms"] = {
        "stakeholders": 500,
        "buying_center": size_all,
        "ms": round(1000 * best_of(lambda: opportunity_report(Gall, opp_all), max(1, repeat - 2)), 1),
    }
    G50 = build_graph(*synthetic_portfolio(1, 50, seed=12, today=TODAY, with_interactions=True), kind="account",
                      account_id="acc-00000", loaded_at=LOADED)
    out["account_report_ms"] = {
        "50_stakeholders": round(1000 * best_of(lambda: account_report(G50, "acc-00000"), repeat), 1),
        "500_stakeholders": round(1000 * best_of(lambda: account_report(G500, "acc-00000"), max(1, repeat - 2)), 1),
    }

    # sampled vs exact betweenness on the 500-person account
    r = brokers(G500, account_id="acc-00000")
    out["betweenness"] = {
        **exact_vs_sampled_betweenness(people_graph(G500, scope_people(G500, account_id="acc-00000"))),
        "brokers_method_used": r["method"],
        "brokers_k_used": r["k"],
    }

    # portfolio coverage at 10k and 100k people
    pc = {}
    for accounts in ([200] if quick else [200, 2000]):
        nodes, rels = synthetic_portfolio(accounts, 50, seed=7, today=TODAY)
        G = build_graph(nodes, rels, kind="portfolio", loaded_at=LOADED)
        del nodes, rels
        secs = best_of(partial(portfolio_coverage, G), 1 if accounts > 500 else repeat)
        res = portfolio_coverage(G)
        pc[f"{accounts * 50}_people"] = {
            "accounts": accounts,
            "people": accounts * 50,
            "nodes": G.number_of_nodes(),
            "relationships": G.number_of_edges(),
            "open_opportunities": res["totals"]["open_opportunities"],
            "seconds": round(secs, 2),
        }
        del G, res
    out["manager_scorecard"] = scorecard_figures(repeat)
    if "100000_people" in pc:
        pc["ratio_100k_over_10k"] = round(pc["100000_people"]["seconds"] / pc["10000_people"]["seconds"], 1)
    out["portfolio_coverage"] = pc
    return out


if __name__ == "__main__":
    print(json.dumps(main(quick="--quick" in sys.argv), indent=2, ensure_ascii=False))
