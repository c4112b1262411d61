"""The demo portfolio written to each store and read back, and analysed from it."""

from __future__ import annotations

from datetime import date

from graphcrm.demo import DEMO_PASSWORD, demo_portfolio, load_demo
from graphcrm.users import authenticate

TODAY = date(2026, 11, 23)
SYSTEM = {"version", "created_at", "updated_at"}


def _strip(props: dict) -> dict:
    return {k: v for k, v in props.items() if k not in SYSTEM}


def test_round_trip_gives_exactly_what_was_written(any_store):
    nodes, rels = demo_portfolio(TODAY)
    load_demo(any_store, TODAY)

    written_nodes = {props["id"]: (label, props) for label, props in nodes}
    written_rels = {(t, s, e): props for t, s, e, props in rels}
    read_nodes, read_rels = {}, {}
    accounts = [a["id"] for a in any_store.list_nodes("Account")]
    graphs = [any_store.portfolio_graph()] + [any_store.account_graph(a) for a in accounts]
    for G in graphs:
        for node, data in G.nodes(data=True):
            read_nodes[node] = (data["label"], _strip({k: v for k, v in data.items() if k != "label"}))
        for s, e, key, data in G.edges(keys=True, data=True):
            read_rels[(key, s, e)] = _strip({k: v for k, v in data.items() if k != "type"})

    assert read_nodes.keys() == written_nodes.keys()
    for node_id, (label, props) in written_nodes.items():
        assert read_nodes[node_id] == (label, props), node_id
    assert read_rels == written_rels


def test_loading_twice_adds_nothing_and_counts_match(any_store):
    nodes, rels = demo_portfolio(TODAY)
    load_demo(any_store, TODAY)
    first = any_store.stats()
    load_demo(any_store, TODAY)
    assert any_store.stats() == first
    assert sum(first["nodes"].values()) == len(nodes)
    assert sum(first["relationships"].values()) == len(rels)


def test_demo_users_log_in_with_the_demo_password(any_store):
    load_demo(any_store, TODAY)
    assert authenticate(any_store, "director", DEMO_PASSWORD)["role"] == "director"
    assert authenticate(any_store, "director", "wrong-password") is None
    assert authenticate(any_store, "nobody", DEMO_PASSWORD) is None


def test_portfolio_graph_for_analysis_gives_the_same_reports(any_store):
    from graphcrm.analysis import portfolio_report

    load_demo(any_store, TODAY)
    full = any_store.portfolio_graph()
    lean = any_store.portfolio_graph(for_analysis=True)
    assert sorted(full.edges(keys=True)) == sorted(lean.edges(keys=True))
    assert dict(full.nodes(data=True)) == dict(lean.nodes(data=True))
    dropped = {k for *_, d in lean.edges(data=True) for k in d} & (SYSTEM | {"since", "team_role"})
    assert not dropped
    now = "2026-11-23T12:00:00+00:00"
    report = portfolio_report(lean, now=now)
    assert report["totals"]["open_opportunities"] > 0 and report["maintenance"]
    assert report == portfolio_report(full, now=now)
