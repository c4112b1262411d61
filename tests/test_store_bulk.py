"""GraphStore.bulk_load (batched CREATE) and the change stamp, on every backend available."""

from __future__ import annotations

import json

import pytest

from graphcrm.config import Settings
from graphcrm.errors import Conflict, ValidationError
from graphcrm.graph import embedded_server, open_store

from fixtures import COMBINATIONS, REL_PROPS, SAMPLES

NODES = [
    ("Account", {"id": "acc-hn", "name": "华南电网"}),
    ("Account", {"id": "acc-kl", "name": "Klang Valley Metro"}),
    ("Person", {"id": "p-zhao", "name": "赵磊", "influence": 5, "department": "信息中心"}),
    ("Person", {"id": "p-grace", "name": "Grace Lin", "department": "IT"}),
    ("Person", {"id": "p-tan", "name": "Tan Wei Ming", "department": "IT"}),
    ("User", {"id": "u-li", "username": "li.wei", "display_name": "李伟", "role": "manager"}),
]
RELS = [
    ("WORKS_AT", "p-zhao", "acc-hn", {"since": "2019-03-01"}),
    ("WORKS_AT", "p-grace", "acc-hn", {}),
    ("WORKS_AT", "p-tan", "acc-kl", {}),
    ("REPORTS_TO", "p-grace", "p-zhao", {}),
    ("KNOWS", "p-grace", "p-tan", {"strength": 4}),
    ("RELATIONSHIP", "u-li", "p-zhao", {"strength": 3, "last_contact_at": "2026-04-20T09:00:00+00:00"}),
    ("MEMBER_OF", "u-li", "acc-hn", {"team_role": "account manager"}),
]


def test_bulk_load_creates_in_batches(any_store):
    counts = any_store.bulk_load(NODES, RELS, batch_size=2)
    assert counts == {"nodes": 6, "relationships": 7}
    stats = any_store.stats()
    assert stats["nodes"]["Person"] == 3 and stats["nodes"]["Account"] == 2 and stats["nodes"]["User"] == 1
    assert stats["relationships"]["WORKS_AT"] == 3 and stats["relationships"]["KNOWS"] == 1
    zhao = any_store.get("Person", "p-zhao")
    assert zhao["version"] == 1 and zhao["created_at"] == zhao["updated_at"] and zhao["influence"] == 5
    rel = any_store.get_relationship("RELATIONSHIP", "u-li", "p-zhao")
    assert rel["version"] == 1 and rel["strength"] == 3
    G = any_store.account_graph("acc-hn")
    assert G["p-grace"]["p-zhao"]["REPORTS_TO"]["version"] == 1
    assert G["p-grace"]["p-tan"]["KNOWS"]["strength"] == 4  # across accounts
    assert [p["id"] for p in any_store.people_of_account("acc-hn")] == ["p-grace", "p-zhao"]
    # what bulk_load wrote is an ordinary graph: versioned updates work on it
    assert any_store.update("Person", "p-zhao", {"stance": "champion"}, version=1)["version"] == 2


@pytest.mark.bolt_limit("no unique constraints there: FalkorDB does not take Neo4j's constraint statements")
def test_bulk_load_refuses_existing_ids_and_bad_rows_whole(any_store):
    any_store.bulk_load(NODES[:2])
    with pytest.raises(Conflict):
        any_store.bulk_load([("Account", {"id": "acc-new", "name": "新客户"}),
                             ("Account", {"id": "acc-hn", "name": "重复"})])
    assert any_store.find("Account", "acc-new") is None
    assert any_store.get("Account", "acc-hn")["name"] == "华南电网"
    with pytest.raises(ValidationError) as err:
        any_store.bulk_load([("Person", {"id": "p-ok", "name": "王芳"}),
                             ("Person", {"id": "p-bad", "name": "x", "stance": "bogus"})])
    assert err.value.field == "stance"
    assert any_store.find("Person", "p-ok") is None


@pytest.mark.bolt_limit("no unique constraints there: FalkorDB does not take Neo4j's constraint statements")
def test_batches_are_written_in_order_and_stop_at_the_first_refused(any_store):
    # on the embedded store the next batch is prepared while one is written:
    # the order holds, and nothing after a refused batch is written
    any_store.bulk_load([("Account", {"id": "acc-kl", "name": "Klang Valley Metro"})])
    written = []
    with pytest.raises(Conflict):
        any_store.merge_batches({"Account": [{"id": i, "name": n} for i, n in (
            ("acc-1", "华北电力"), ("acc-2", "Penang Port"), ("acc-kl", "重复"), ("acc-4", "Sabah Energy"))]}, {},
            batch_size=1, create=True, progress=written.append)
    assert written == [1, 1]
    assert [any_store.find("Account", i) is not None for i in ("acc-1", "acc-2", "acc-4")] == [True, True, False]
    assert any_store.get("Account", "acc-kl")["name"] == "Klang Valley Metro"
    batches = [e for e in any_store.audit_log(limit=10)[0] if e["action"] == "bulk_create"]
    assert [json.loads(e["after"])["ids"] for e in reversed(batches)][-2:] == [["acc-1"], ["acc-2"]]
    with pytest.raises(ValidationError) as err:
        any_store.merge_batches({"Person": [{"id": "p-nul", "name": "a\x00b"}]}, {}, create=True)
    assert err.value.field == "rows" and "NUL" in err.value.message


def test_every_write_changes_the_stamp_and_reads_do_not(any_store):
    stamps = [any_store.change_stamp()]

    def changed():
        stamps.append(any_store.change_stamp())
        return stamps[-1] != stamps[-2]

    any_store.bulk_load(NODES, RELS)
    assert changed()
    any_store.get("Person", "p-zhao")
    any_store.account_graph("acc-hn")
    any_store.portfolio_graph()
    any_store.stats()
    assert not changed()
    any_store.update("Person", "p-zhao", {"stance": "supporter"}, version=1)
    assert changed()
    any_store.relate("KNOWS", "p-zhao", "p-tan", {"strength": 2})
    assert changed()
    any_store.unrelate("KNOWS", "p-zhao", "p-tan")
    assert changed()
    any_store.log_interaction({"kind": "call", "channel": "phone", "at": "2026-04-30T10:00:00+00:00"},
                              user_ids=["u-li"], person_ids=["p-grace"])
    assert changed()
    any_store.delete("Person", "p-tan")
    assert changed()
    any_store.clear()
    assert changed()
    assert len(set(stamps)) == len(stamps) - 1  # never back to an earlier stamp
    # the stamp is not a node of the graph
    assert any_store.portfolio_graph().number_of_nodes() == 0
    assert sum(any_store.stats()["nodes"].values()) == 0


def test_bulk_load_leaves_a_snapshot_that_restarts(tmp_path):
    """After a bulk load the append-only file is one snapshot: a restart loads
    it instead of replaying every batch."""
    settings = Settings(data_dir=tmp_path / "data", graph_name="bulk")
    store = open_store(settings)
    conn = store.backend._db.connection
    try:
        store.bulk_load(NODES, RELS)
        stamp = store.change_stamp()
        # automatic rewrites were held during the load only
        assert conn.config_get("auto-aof-rewrite-percentage") == {"auto-aof-rewrite-percentage": "100"}
    finally:
        store.close()
    aof = {p.name.split(".")[-1]: p.stat().st_size for p in (tmp_path / "data" / "appendonlydir").iterdir()}
    assert aof["rdb"] > 0 and aof["aof"] == 0  # everything in the snapshot, nothing to replay
    server = embedded_server(settings)
    assert not server.is_running()
    store = open_store(settings)
    try:
        assert store.stats()["relationships"]["WORKS_AT"] == 3
        assert store.change_stamp() == stamp
    finally:
        store.close()
        server.stop()


def test_loaders_pause_the_garbage_collector_and_restore_it(any_store, monkeypatch):
    import gc

    from graphcrm.graph import nxgraph

    any_store.bulk_load(NODES, RELS)
    seen = []
    original = nxgraph.build_graph

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr("graphcrm.graph.store.build_graph", spy)
    assert gc.isenabled()
    with nxgraph.gc_paused():  # nested use: the collector stays paused until the outer one ends
        assert any_store.portfolio_graph().number_of_nodes() == 6
        assert not gc.isenabled()
    assert any_store.account_graph("acc-hn").has_node("p-zhao")
    assert seen == [False, False] and gc.isenabled()
    gc.disable()  # a collector switched off by the application stays off
    try:
        any_store.portfolio_graph()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bulk_load_validates_repeated_relationship_properties_each_time(any_store):
    any_store.bulk_load(NODES)
    rels = [("KNOWS", "p-grace", "p-tan", {"strength": 3}), ("KNOWS", "p-zhao", "p-tan", {"strength": 3}),
            ("INFLUENCES", "p-zhao", "p-tan", {"strength": 3}), ("KNOWS", "p-tan", "p-zhao", {"strength": 9})]
    with pytest.raises(ValidationError) as err:
        any_store.bulk_load([], rels)
    assert err.value.field == "strength"
    assert any_store.stats()["relationships"]["KNOWS"] == 0
    any_store.bulk_load([], rels[:3])
    assert any_store.get_relationship("KNOWS", "p-zhao", "p-tan")["strength"] == 3
    assert any_store.get_relationship("INFLUENCES", "p-zhao", "p-tan")["strength"] == 3


def test_bulk_load_of_the_demo_equals_its_merge(store, settings):
    """Every label and relationship type of the demo through the batched
    CREATE statements: the same graph as the upserting load writes."""
    import dataclasses
    import uuid

    from graphcrm.demo import demo_portfolio, load_demo

    nodes, relationships = demo_portfolio()
    counts = store.bulk_load(nodes, relationships, batch_size=50)
    assert counts == {"nodes": len(nodes), "relationships": len(relationships)}
    merged = open_store(dataclasses.replace(settings, graph_name=f"test-{uuid.uuid4().hex[:10]}"))
    try:
        load_demo(merged)
        assert store.stats() == merged.stats()
        G, H = store.portfolio_graph(), merged.portfolio_graph()
        assert set(G.edges(keys=True)) == set(H.edges(keys=True))
        assert {n: d.get("name") for n, d in G.nodes(data=True)} == {n: d.get("name") for n, d in H.nodes(data=True)}
    finally:
        merged.backend.drop()
        merged.close()


def test_bulk_load_writes_every_label_and_relationship_type(any_store):
    """One node of each label and one relationship of each allowed
    (start, type, end), all in one bulk load."""
    nodes = [(label, dict(props, id=f"b-{label.lower()}")) for label, props in SAMPLES.items()]
    for label, props in SAMPLES.items():  # a second node of each label, for relationships between two of a kind
        extra = {"username": "zhou.min"} if label == "User" else {}
        nodes.append((label, dict(props, id=f"c-{label.lower()}", **extra)))
    rels = [(rel_type, f"b-{start.lower()}", f"c-{end.lower()}", REL_PROPS.get(rel_type, {}))
            for start, rel_type, end in COMBINATIONS]
    assert any_store.bulk_load(nodes, rels) == {"nodes": 2 * len(SAMPLES), "relationships": len(COMBINATIONS)}
    for start, rel_type, end in COMBINATIONS:
        stored = any_store.get_relationship(rel_type, f"b-{start.lower()}", f"c-{end.lower()}")
        assert stored["version"] == 1, (start, rel_type, end)
    for label in SAMPLES:
        assert any_store.get(label, f"c-{label.lower()}")["version"] == 1
