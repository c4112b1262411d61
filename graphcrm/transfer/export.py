"""Export of the graph as GraphML, GEXF, node-link JSON or the CSV templates.

What is exported: with an account, its account graph
(:meth:`GraphStore.account_graph`); without, the whole database (every
node and relationship, interactions included).  The CSV templates of an
account hold only its own records (:func:`own_records`), so that whoever
manages the account can import them again unchanged.  Password hashes are never
exported, nor the team's layout of an account map (:data:`graphcrm.model.MAP_PROPERTIES`:
how the map is drawn, not data; a backup keeps it).  With ``no_pii`` the
personal data is left out: the properties in :data:`NO_PII` (e-mail, phone,
notes and the notes of interactions).

Values the formats cannot hold, by a fixed rule (:func:`portable`):

* **None**: GraphCRM never stores None (an empty property is an absent
  one), and GraphML and GEXF have no null: an attribute whose value is None
  is not written, which reads back as the absent property it stands for.
  Node-link JSON keeps None as ``null``.
* **lists and maps**: GraphML and GEXF hold only scalars: a list or map
  value is written as its JSON text (``'["a", "b"]'``), and the names of the
  attributes so written are listed in the graph attribute
  ``json_attributes`` (GraphML) so that a reader can decode them.
  Node-link JSON keeps lists and maps as they are; the CSV templates write
  them as JSON text.
* **node ids**: the node id is the node's key in every format; node-link
  JSON holds it in the node's ``id`` field only (networkx reads it back as
  the key, not as an attribute).
* **line breaks**: an XML reader turns a carriage return written as it is
  into a newline ("\r\n" into "\n"), so GraphML and GEXF write it as the
  character reference ``&#13;``, which reads back as "\r".  Text never holds
  characters XML cannot hold at all (control characters, U+FFFE, U+FFFF, lone
  surrogates): :mod:`graphcrm.model` refuses them on the way in.
* **GEXF names**: GEXF reserves ``id``, ``label`` and ``type``: the node id
  is the GEXF node id, the node's graph label (Account, Person…) the GEXF
  node label, and the relationship type the GEXF edge label (the GEXF edge
  type is "directed").  Graph attributes are not part of GEXF.

Every format reads back with networkx into the same nodes, edges and values
(``nx.read_graphml(path, force_multigraph=True)``, ``nx.read_gexf``,
``nx.node_link_graph(data, edges="edges")``).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import networkx as nx

from graphcrm.graph.nxgraph import build_graph
from graphcrm.graph.store import GraphStore, utcnow
from graphcrm.model import MAP_PROPERTIES, PII_PROPERTIES
from graphcrm.transfer import templates

FORMATS = ("graphml", "gexf", "json", "csv")
#: left out by --no-pii: personal data of people and the notes of interactions
NO_PII = (*PII_PROPERTIES, "summary")
#: file name suffix and media type of each format (csv: a zip of the templates)
MEDIA = {
    "graphml": (".graphml", "application/graphml+xml"),
    "gexf": (".gexf", "application/gexf+xml"),
    "json": (".json", "application/json"),
    "csv": (".zip", "application/zip"),
}


def export_graph(store: GraphStore, account_id: str | None = None, *, no_pii: bool = False) -> nx.MultiDiGraph:
    """The graph to export (see the module docstring); the export is recorded
    in the audit log."""
    if account_id:
        G = store.account_graph(account_id)
    else:
        nodes, rels = [], []
        for item in store.dump(with_audit=False):
            if item[0] == "node":
                nodes.append(item[1:])
            else:
                rels.append((item[1][1], *item[2:]))
        G = build_graph(nodes, rels, kind="database", loaded_at=utcnow())
    for _, d in G.nodes(data=True):
        for key in MAP_PROPERTIES:
            d.pop(key, None)
    return without_pii(G) if no_pii else G


def without_pii(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` (changed in place) without e-mails, phones and notes."""
    for _, d in G.nodes(data=True):
        for key in NO_PII:
            d.pop(key, None)
    G.graph["no_pii"] = True
    return G


def record_export(store: GraphStore, G: nx.MultiDiGraph, fmt: str, *, label: str = "Account",
                  target: str | None = None) -> None:
    """Note in the audit log who exported what (an export writes nothing else)."""
    store.record_event("export", label if target else "Database", target or "all", {
        "format": fmt, "no_pii": bool(G.graph.get("no_pii")),
        "nodes": G.number_of_nodes(), "relationships": G.number_of_edges(),
    })


def portable(G: nx.MultiDiGraph, fmt: str) -> nx.MultiDiGraph:
    """A copy of ``G`` whose values ``fmt`` (graphml or gexf) can hold (module docstring)."""
    H = nx.MultiDiGraph()
    encoded: set[str] = set()

    def convert(attrs: dict, kind: str) -> dict:
        out = {}
        for key, value in attrs.items():
            if value is None:
                continue
            if isinstance(value, (list, tuple, dict)):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
                encoded.add(f"{kind}:{key}")
            out[key] = value
        return out

    for n, d in G.nodes(data=True):
        attrs = convert(d, "node")
        if fmt == "gexf":
            attrs.pop("id", None)
        H.add_node(n, **attrs)
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = convert(d, "edge")
        if fmt == "gexf":
            attrs["label"] = attrs.pop("type", k)
        H.add_edge(u, v, key=k, **attrs)
    if fmt == "graphml":
        H.graph.update(convert(G.graph, "graph"))
        if encoded:
            H.graph["json_attributes"] = ",".join(sorted(encoded))
    return H


def render(G: nx.MultiDiGraph, fmt: str) -> bytes:
    """The graph in ``fmt`` as bytes (csv: a zip of the template files)."""
    if fmt == "graphml":
        out = io.BytesIO()
        nx.write_graphml(portable(G, fmt), out, encoding="utf-8")
        return _carriage_returns_kept(out.getvalue())
    if fmt == "gexf":
        out = io.BytesIO()
        nx.write_gexf(portable(G, fmt), out, encoding="utf-8")
        return _carriage_returns_kept(out.getvalue())
    if fmt == "json":
        data = nx.node_link_data(G, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    if fmt == "csv":
        return zip_files(_csv_files(G))
    raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")


def _carriage_returns_kept(xml: bytes) -> bytes:
    """``xml`` with each carriage return written as ``&#13;`` (module docstring).

    networkx's writers leave "\r" as it is in element text (GraphML's values;
    GEXF's are attributes, which they escape).  The writers put none in the
    markup, and in UTF-8 the byte 0x0D is never part of another character, so
    every one left is a value's.
    """
    return xml.replace(b"\r", b"&#13;")


def _csv_files(G: nx.MultiDiGraph) -> dict[str, str]:
    """The CSV templates of ``G`` (of an account graph: the account's own
    records); a --no-pii export has no personal-data columns at all, so that
    importing it never empties them."""
    if G.graph.get("account_id"):
        G = own_records(G, G.graph["account_id"])
    return templates.graph_files(G, leave_out=NO_PII if G.graph.get("no_pii") else ())


def own_records(G: nx.MultiDiGraph, account_id: str) -> nx.MultiDiGraph:
    """The part of an account graph that belongs to the account (a view of ``G``).

    The account, the people who work at it, its opportunities, the
    competitors bidding for them, the interactions with its people or about
    its opportunities, our users linked to any of these, and the
    relationships among them.  The neighbours at other accounts that the
    account graph shows (business units, acquaintances and their employers,
    whoever knows those) belong to those accounts: an import by this
    account's manager could not change them (graphcrm/access.py), so a CSV
    export leaves them out.
    """
    def into(targets: set[str], rel_type: str) -> set[str]:
        return {u for u, v, k in G.edges(keys=True) if k == rel_type and v in targets}

    people, opportunities = into({account_id}, "WORKS_AT"), into({account_id}, "FOR")
    own = {account_id, *people, *opportunities, *into(opportunities, "COMPETES_FOR"),
           *into(people, "WITH"), *into(opportunities, "ABOUT")}
    users = {u for u, v in G.edges() if v in own and G.nodes[u].get("label") == "User"}
    return G.subgraph(own | users)


def zip_files(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def write(G: nx.MultiDiGraph, fmt: str, path: Path) -> Path:
    """Write ``G`` to ``path``; for csv, a folder of template files (or a
    zip when ``path`` ends in .zip)."""
    path = Path(path)
    if fmt == "csv" and path.suffix.lower() != ".zip":
        path.mkdir(parents=True, exist_ok=True)
        for name, text in _csv_files(G).items():
            (path / name).write_text(text, encoding="utf-8")
        return path
    path.write_bytes(render(G, fmt))
    return path
