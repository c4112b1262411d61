"""Exports read back by networkx equal the graph; --no-pii leaves personal data out;
the CSV export imports again unchanged."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import uuid
import zipfile

import networkx as nx
import pytest

from graphcrm.cli import main
from graphcrm.demo import load_demo
from graphcrm.graph import open_store
from graphcrm.model import SYSTEM_PROPERTIES
from graphcrm.transfer.export import NO_PII, export_graph, portable, render, write
from graphcrm.transfer.salesforce import read_salesforce
from graphcrm.transfer.templates import read_templates

from fixtures import A1, A3, FIXTURES, WANG, load_everything


@pytest.fixture
def loaded(any_store):
    load_everything(any_store)
    read_salesforce(FIXTURES).apply(any_store)
    any_store.log_interaction({"kind": "wechat", "channel": "wechat", "at": "2026-10-09T03:00:00+00:00",
                           "summary": "王总 confirmed the tender date", "sentiment": 1},
                          user_ids=["sf-0055g00000LinaWAAR"], person_ids=[WANG])
    return any_store


def same_graph(read: nx.MultiDiGraph, G: nx.MultiDiGraph) -> None:
    """Equal nodes, edges and values (the node id may be the node's key only)."""
    assert {n: {**d, "id": n} for n, d in read.nodes(data=True)} == dict(G.nodes(data=True))
    assert sorted(read.edges(keys=True, data=True), key=lambda e: e[:3]) == sorted(
        G.edges(keys=True, data=True), key=lambda e: e[:3])


def test_whole_database_export_holds_everything_but_password_hashes(loaded):
    G = export_graph(loaded)
    stats = loaded.stats()
    assert G.number_of_nodes() == sum(stats["nodes"].values())
    assert G.number_of_edges() == sum(stats["relationships"].values())
    assert G.graph["kind"] == "database"
    assert all("password_hash" not in d for _, d in G.nodes(data=True))
    assert any(d["label"] == "Interaction" for _, d in G.nodes(data=True))


def test_graphml_reads_back_equal(loaded, tmp_path):
    G = export_graph(loaded)
    path = write(G, "graphml", tmp_path / "g.graphml")
    read = nx.read_graphml(path, force_multigraph=True)
    same_graph(read, G)
    assert read.graph["kind"] == "database"


def test_gexf_reads_back_equal_by_its_naming_rule(loaded, tmp_path):
    G = export_graph(loaded)
    path = write(G, "gexf", tmp_path / "g.gexf")
    text = path.read_text(encoding="utf-8")
    assert 'defaultedgetype="directed"' in text and 'type="WORKS_AT"' not in text  # GEXF's own edge type
    read = nx.read_gexf(path)
    for n, d in read.nodes(data=True):  # the node id is the GEXF id, not an attribute
        assert {**d, "id": n} == G.nodes[n]
    for u, v, k, d in read.edges(keys=True, data=True):
        d = dict(d)
        d.pop("id")  # GEXF's own edge id
        d["type"] = d.pop("label")
        assert d == G[u][v][k]
    assert read.number_of_edges() == G.number_of_edges()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_carriage_return_in_a_name_reads_back_equal(any_store, tmp_path, fmt):
    """An XML reader turns a carriage return written as it is into a newline."""
    any_store.create("Account", {"name": "华东\r电网"}, id="acc-cr")
    any_store.create_person("acc-cr", {"name": "王\r强", "notes": "第一行\r\n第二行\rthird\n"}, id="p-cr")
    G = export_graph(any_store)
    path = write(G, fmt, tmp_path / f"g.{fmt}")
    read = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    assert (read.nodes["acc-cr"]["name"], read.nodes["p-cr"]["name"]) == ("华东\r电网", "王\r强")
    assert read.nodes["p-cr"]["notes"] == "第一行\r\n第二行\rthird\n"
    if fmt == "graphml":
        same_graph(read, G)


def test_node_link_json_reads_back_equal(loaded, tmp_path):
    G = export_graph(loaded, A1)
    path = write(G, "json", tmp_path / "g.json")
    read = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    same_graph(read, G)
    assert read.graph["account_id"] == A1


def test_account_export_holds_only_that_account(loaded, tmp_path):
    G = export_graph(loaded, A3)
    accounts = {n for n, d in G.nodes(data=True) if d["label"] == "Account"}
    assert accounts == {A3}
    assert "sf-0035g00000WesScAAJ" in G and WANG not in G


def test_none_and_lists_follow_the_documented_rule():
    G = nx.MultiDiGraph(kind="test", tags=["a", "b"])
    G.add_node("n1", label="Person", id="n1", name="王", title=None, aliases=["Wang", "老王"])
    G.add_edge("n1", "n1", key="KNOWS", type="KNOWS", strength=None, context={"met": "2020"})
    H = portable(G, "graphml")
    assert H.nodes["n1"] == {"label": "Person", "id": "n1", "name": "王", "aliases": '["Wang", "老王"]'}
    assert H["n1"]["n1"]["KNOWS"] == {"type": "KNOWS", "context": '{"met": "2020"}'}
    assert H.graph["json_attributes"] == "edge:context,graph:tags,node:aliases"
    back = nx.read_graphml(__import__("io").BytesIO(render(G, "graphml")), force_multigraph=True)
    assert json.loads(back.nodes["n1"]["aliases"]) == ["Wang", "老王"] and "title" not in back.nodes["n1"]
    gexf = portable(G, "gexf")
    assert "id" not in gexf.nodes["n1"] and gexf["n1"]["n1"]["KNOWS"]["label"] == "KNOWS"
    data = json.loads(render(G, "json"))
    assert data["nodes"][0]["aliases"] == ["Wang", "老王"] and data["nodes"][0]["title"] is None
    with pytest.raises(ValueError, match="unknown export format"):
        render(G, "xlsx")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_no_pii_leaves_out_emails_phones_and_notes(loaded, fmt):
    G = export_graph(loaded, no_pii=True)
    assert not any(key in d for _, d in G.nodes(data=True) for key in NO_PII)
    data = render(G, fmt)
    if fmt == "csv":
        import io
        import zipfile

        data = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    text = data.decode("utf-8")
    for secret in ("wang.qiang@ecgrid.example.cn", "+86 21 5555 0101", "Prefers WeChat", "confirmed the tender",
                   "zhou.jie.1@szmc.example.cn"):
        assert secret not in text
    assert "王强" in text  # names stay
    if fmt == "csv":
        assert "email" not in text and "notes" not in text  # no empty columns that would erase on import


def test_csv_export_imports_again_unchanged(loaded, settings, tmp_path):
    G = export_graph(loaded)
    folder = write(G, "csv", tmp_path / "csv")
    assert (folder / "people.csv").exists() and (folder / "role_in.csv").exists()
    target = open_store(dataclasses.replace(settings, graph_name=f"csv-{uuid.uuid4().hex[:8]}"))
    try:
        report = read_templates(folder).apply(target)
        assert report.applied and not report.problems, report.text()
        again = export_graph(target)

        def plain(graph):
            return (
                {n: {k: v for k, v in d.items() if k not in SYSTEM_PROPERTIES} for n, d in graph.nodes(data=True)},
                sorted((u, v, k, sorted((a, b) for a, b in d.items() if a not in SYSTEM_PROPERTIES))
                       for u, v, k, d in graph.edges(keys=True, data=True)),
            )

        assert plain(again) == plain(G)
        assert read_templates(folder).apply(target).nodes["Person"]["create"] == 0
    finally:
        target.backend.drop()
        target.close()


def test_an_accounts_csv_export_holds_its_own_records_without_the_neighbours(any_store):
    load_demo(any_store)
    G = export_graph(any_store, "acc-metro-group")
    assert {"p-chen-guoqiang", "acc-citybureau", "acc-metro-ops"} <= set(G)  # the account graph's context
    archive = zipfile.ZipFile(io.BytesIO(render(G, "csv")))

    def ids(name, column="id"):
        return {row[column] for row in csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))}

    people = ids("people.csv")
    assert "p-han-xue" in people and "p-chen-guoqiang" not in people
    assert ids("accounts.csv") == {"acc-metro-group"} and "comp-dongfang" not in ids("competitors.csv")
    assert ids("works_at.csv", "end") == {"acc-metro-group"} and ids("knows.csv", "start") <= people
    assert "u-lina" in ids("users.csv") and ids("interactions.csv")


def test_cli_export(runner, tmp_path):
    runner.invoke(main, ["demo"])
    out = tmp_path / "demo.graphml"
    result = runner.invoke(main, ["export", "--format", "graphml", "--no-pii", "-o", str(out)])
    assert result.exit_code == 0 and "exported" in result.output, result.output
    assert nx.read_graphml(out, force_multigraph=True).number_of_nodes() > 80
    zipped = runner.invoke(main, ["export", "--format", "csv", "--account", "acc-citybureau", "-o",
                                  str(tmp_path / "city.zip")])
    assert zipped.exit_code == 0 and (tmp_path / "city.zip").stat().st_size > 0
    missing = runner.invoke(main, ["export", "--format", "json", "--account", "acc-nope", "-o", str(tmp_path / "x")])
    assert missing.exit_code == 1 and "not found" in missing.output
