"""The map as it was: an account graph on a past date, and what changed between two dates.

Pure functions: an account graph (format: :mod:`graphcrm.graph.nxgraph`) and
audit entries in, a graph or plain data out.  :func:`graph_as_of` undoes the
entries written at or after a moment, newest first, on a copy of today's
graph: every entry holds the values before and after its write, in the same
transaction (:mod:`graphcrm.audit`), so undoing them gives the graph as it
was, including what was imported in bulk before the moment (an import has
no entry per record to replay forward).

What an entry undoes:

* a node's ``create`` removes the node (and its lines); ``delete`` puts it
  back with the lines its entry kept (``lines``; entries written before
  deletes kept them put back only the line to the account, ``account_id``);
  ``update`` puts back the values ``before``;
* a line's ``relate`` removes it, or puts back the values it replaced;
  ``update`` puts back the values ``before``; ``unrelate`` puts it back;
* an interaction's entry puts back the recency it gave our relationships
  (``recency``: each line's ``last_contact_at`` before, or None for a line
  the interaction made).

The map as it was holds no interactions (and so no customer feedback for the
analysis); layouts (``layout``) are today's.  A person erased under the right
to erasure stays erased: their entries hold no values (``audit.ERASED``), so
the placeholder is what every date shows.  Two records merged
(``merge``) since the moment cannot be told apart again: :func:`graph_as_of`
refuses with a :class:`~graphcrm.errors.ValidationError` naming the date.

>>> from graphcrm.graph.nxgraph import build_graph
>>> G = build_graph([("Account", {"id": "a1", "name": "Acme"}),
...                  ("Person", {"id": "p1", "name": "王伟", "stance": "skeptic"})],
...                 [("WORKS_AT", "p1", "a1", {})])
>>> entry = {"id": "e1", "at": "2026-05-02T09:00:00+00:00", "action": "update", "target_label": "Person",
...          "target_id": "p1", "before": '{"stance": "neutral"}', "after": '{"stance": "skeptic"}'}
>>> graph_as_of(G, [entry], "2026-05-02T00:00:00+00:00").nodes["p1"]["stance"]
'neutral'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone

import networkx as nx

from graphcrm import audit
from graphcrm.analysis import bid_readiness, coverage_gaps
from graphcrm.analysis._common import cadence_days, parse_time
from graphcrm.analysis.messages import N_
from graphcrm.errors import ValidationError
from graphcrm.history import SHOWN

__all__ = ["bid_gates", "compare_maps", "gone_stale", "graph_as_of", "graphs_as_of", "map_of", "merged_on",
           "moment_of", "readiness_moves"]

#: the lines of interactions: not part of the map as it was
INTERACTION_LINES = ("ATTENDED", "WITH", "ABOUT")
#: the properties of a line the map draws and the analysis reads
LINE_FIELDS = ("strength", "last_contact_at", "role", "influence", "stance")
#: the properties of a node the map shows, by label
NODE_FIELDS = {**SHOWN, "User": ("display_name", "role")}
_ERASED = json.loads(audit.ERASED)
#: what an entry of a node holds that is not a property of the node
_NOT_PROPERTIES = ("account_id", "lines", "member_id", "opportunity_id")
#: the line to its parent of a node deleted before deletes kept their lines
PARENT_LINES = {"Person": "WORKS_AT", "Opportunity": "FOR"}


#: what :func:`moment_of` says of a date it refuses (msgids: the web passes gettext)
DATE_PROBLEMS = {
    "malformed": N_("must be a date like 2026-05-01, not %(text)s"),
    "future": N_("%(day)s is in the future: today's map is on the record's own page"),
    "before": N_("nothing to show on %(day)s: it was added on %(first)s"),
    "merged": N_("two records were merged on %(day)s: the map before then cannot be rebuilt; choose a later date"),
}


def moment_of(text: str | None, *, today: date, first: str | None, field: str = "as_of",
              translate: Callable[[str], str] = str) -> str:
    """The moment ``text`` (a date, YYYY-MM-DD) names: the end of that day
    (UTC), as the ISO timestamp of the next midnight, which
    :func:`graph_as_of` takes.  ValidationError on ``field`` for a
    malformed date, a date after ``today``, or one before ``first`` (the
    record's ``created_at``: it did not exist then), in the words of
    :data:`DATE_PROBLEMS` through ``translate``.

    >>> moment_of("2026-05-01", today=date(2026, 6, 1), first="2026-01-10T08:00:00+00:00")
    '2026-05-02T00:00:00+00:00'
    >>> moment_of("2025-12-31", today=date(2026, 6, 1), first="2026-01-10T08:00:00+00:00")
    Traceback (most recent call last):
    ...
    graphcrm.errors.ValidationError: as_of: nothing to show on 2025-12-31: it was added on 2026-01-10
    """
    def problem(kind: str, **params) -> ValidationError:
        return ValidationError(field, translate(DATE_PROBLEMS[kind]) % params)

    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        raise problem("malformed", text=repr(text or "")) from None
    if day > today:
        raise problem("future", day=day.isoformat())
    if first and day.isoformat() < first[:10]:
        raise problem("before", day=day.isoformat(), first=first[:10])
    return datetime.combine(day + timedelta(days=1), time(), timezone.utc).isoformat()


def graph_as_of(G: nx.MultiDiGraph, entries: list[dict], moment: str) -> nx.MultiDiGraph:
    """The graph ``G`` (today's) as it was just before ``moment`` (an ISO
    timestamp): a copy with the ``entries`` (oldest first, as
    :meth:`~graphcrm.graph.store.GraphStore.account_history` gives them)
    written at or after ``moment`` undone, without interactions.
    ``G.graph["loaded_at"]`` becomes ``moment``, so the analysis counts
    time (stale relationships) from then."""
    return graphs_as_of(G, entries, [moment])[moment]


def graphs_as_of(G: nx.MultiDiGraph, entries: list[dict], moments: Iterable[str]) -> dict[str, nx.MultiDiGraph]:
    """:func:`graph_as_of` for several moments, in one pass back through the entries."""
    H = _without_interactions(G)
    graphs = {}
    pending = sorted(entries, key=lambda e: (e["at"], e["id"]), reverse=True)
    for moment in sorted(set(moments), reverse=True):
        while pending and pending[0]["at"] >= moment:
            _undo(H, pending.pop(0))
        graphs[moment] = H.copy()
        graphs[moment].graph["loaded_at"] = moment
    return graphs


def merged_on(entries: list[dict]) -> str | None:
    """The day of the latest merge of two records among ``entries`` (before
    it the map cannot be rebuilt, see :func:`graph_as_of`), or None.

    >>> merged_on([{"at": "2026-05-02T09:00:00+00:00", "action": "merge"}])
    '2026-05-02'
    """
    return max((e["at"] for e in entries if e["action"] == "merge"), default="")[:10] or None


def _without_interactions(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H = G.copy()
    H.remove_nodes_from([n for n, d in G.nodes(data=True) if d.get("label") == "Interaction"])
    return H


def _load(text: str | None) -> dict | None:
    value = json.loads(text) if text else None
    return value if isinstance(value, dict) else None


def _undo(H: nx.MultiDiGraph, entry: dict) -> None:
    """Undo one entry on ``H`` in place."""
    before, after = _load(entry.get("before")), _load(entry.get("after"))
    if entry["action"] == "merge":
        raise ValidationError("as_of", DATE_PROBLEMS["merged"] % {"day": entry["at"][:10]})
    if entry["target_label"] == "Interaction":
        _undo_recency(H, (before or {}).get("recency") or {})
    elif "->" in entry["target_id"]:
        _undo_line(H, entry, before)
    elif entry["action"] == "create" or not _erased(before, after):  # an erased person's values stay erased
        _undo_node(H, entry, before)


def _erased(*sides: dict | None) -> bool:
    return any(side == _ERASED for side in sides)


def _undo_node(H: nx.MultiDiGraph, entry: dict, before: dict | None) -> None:
    node_id, action = entry["target_id"], entry["action"]
    if action == "create":
        if node_id in H:
            H.remove_node(node_id)
    elif action == "delete" and before:
        values = {k: v for k, v in before.items() if k not in _NOT_PROPERTIES and v is not None}
        H.add_node(node_id, label=entry["target_label"], **values)
        lines = before.get("lines")
        if lines is None and before.get("account_id") and entry["target_label"] in PARENT_LINES:
            lines = [{"type": PARENT_LINES[entry["target_label"]], "start": node_id, "end": before["account_id"],
                      "props": {}}]
        for line in lines or ():
            if line["start"] in H and line["end"] in H:
                H.add_edge(line["start"], line["end"], key=line["type"], type=line["type"], **line["props"])
    elif action == "update" and before and node_id in H:
        _put_back(H.nodes[node_id], {k: v for k, v in before.items() if k not in _NOT_PROPERTIES})


def _undo_line(H: nx.MultiDiGraph, entry: dict, before: dict | None) -> None:
    start, end = entry["target_id"].split("->", 1)
    rel_type, action = entry["target_label"], entry["action"]
    present = H.has_edge(start, end, rel_type)
    if action == "leave":  # the employment ended then (GraphStore.move_person): it had not yet
        if H.has_edge(start, end, "WORKED_AT"):
            H.remove_edge(start, end, "WORKED_AT")
        action = "unrelate"
    if action in ("relate", "join") and not before:
        if present:
            H.remove_edge(start, end, rel_type)
    elif action in ("relate", "unrelate") and before:
        if start in H and end in H:
            if present:
                H.remove_edge(start, end, rel_type)
            H.add_edge(start, end, key=rel_type, type=rel_type, **{k: v for k, v in before.items() if v is not None})
    elif action == "update" and before and present:
        _put_back(H[start][end][rel_type], before)


def _undo_recency(H: nx.MultiDiGraph, recency: dict) -> None:
    for pair, was in recency.items():
        user_id, person_id = pair.split("->", 1)
        if not H.has_edge(user_id, person_id, "RELATIONSHIP"):
            continue
        if was is None:
            H.remove_edge(user_id, person_id, "RELATIONSHIP")
        else:
            _put_back(H[user_id][person_id]["RELATIONSHIP"], {"last_contact_at": was.get("last_contact_at")})


def _put_back(values: dict, before: dict) -> None:
    for key, value in before.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value


def map_of(G: nx.MultiDiGraph) -> dict:
    """What a map shows of ``G``, to compare two maps: ``{"nodes": {id:
    {"label", "name", field: value}}, "lines": {(start, end, type): {field:
    value}}}`` with the fields of :data:`NODE_FIELDS` and :data:`LINE_FIELDS`
    (no versions or timestamps), interactions left out.

    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph([("Person", {"id": "p1", "name": "Li Na", "stance": "champion", "version": 3}),
    ...                  ("User", {"id": "u1", "display_name": "Tom"})],
    ...                 [("RELATIONSHIP", "u1", "p1", {"strength": 4, "version": 2})])
    >>> map_of(G)["lines"]
    {('u1', 'p1', 'RELATIONSHIP'): {'strength': 4}}
    """
    nodes = {n: {"label": d.get("label"), **{k: d[k] for k in NODE_FIELDS.get(d.get("label"), ()) if k in d}}
             for n, d in G.nodes(data=True) if d.get("label") != "Interaction"}
    lines = {(u, v, d["type"]): {k: d[k] for k in LINE_FIELDS if k in d}
             for u, v, d in G.edges(data=True) if d.get("type") not in INTERACTION_LINES}
    return {"nodes": nodes, "lines": lines}


def compare_maps(old: nx.MultiDiGraph, new: nx.MultiDiGraph, *, labels: Iterable[str] = ("Person",),
                 types: Iterable[str] | None = None) -> dict:
    """What changed from the map ``old`` to the map ``new``: people (nodes of
    ``labels``) and lines (of ``types``; None: every kind between nodes
    shown) added, removed and changed, each by name, sorted.

    Returns ``{"people": {"added", "removed", "changed"}, "lines": {...}}``;
    a person is ``{"id", "name"}``, a line ``{"start", "end", "type",
    "start_name", "end_name"}``, and a changed one carries ``fields``:
    ``[{"field", "before", "after"}]``.

    >>> from graphcrm.graph.nxgraph import build_graph
    >>> old = build_graph([("Person", {"id": "p1", "name": "王伟", "stance": "neutral"})], [])
    >>> new = build_graph([("Person", {"id": "p1", "name": "王伟", "stance": "skeptic"}),
    ...                    ("Person", {"id": "p2", "name": "Li Na"})], [])
    >>> diff = compare_maps(old, new)
    >>> [p["name"] for p in diff["people"]["added"]], diff["people"]["changed"][0]["fields"]
    (['Li Na'], [{'field': 'stance', 'before': 'neutral', 'after': 'skeptic'}])
    """
    labels = set(labels)
    before, after = map_of(old), map_of(new)
    names = {n: d.get("name") or d.get("display_name") or n
             for m in (before, after) for n, d in m["nodes"].items()}
    shown = {n for m in (before, after) for n, d in m["nodes"].items() if d["label"] in labels}
    people = _diff({n: d for n, d in before["nodes"].items() if n in shown},
                   {n: d for n, d in after["nodes"].items() if n in shown},
                   lambda n: {"id": n, "name": names[n]})
    kinds = set(types) if types is not None else None

    def wanted(key: tuple) -> bool:
        return (kinds is None or key[2] in kinds) and (key[0] in shown or key[1] in shown)

    lines = _diff({k: v for k, v in before["lines"].items() if wanted(k)},
                  {k: v for k, v in after["lines"].items() if wanted(k)},
                  lambda k: {"start": k[0], "end": k[1], "type": k[2], "start_name": names.get(k[0], k[0]),
                             "end_name": names.get(k[1], k[1])})
    return {"people": people, "lines": lines}


def _diff(old: dict, new: dict, ref) -> dict:
    """Added, removed and changed keys of two ``{key: fields}`` maps, as ``ref(key)`` (changed: with ``fields``)."""
    def order(item: dict) -> tuple:
        return tuple(str(v) for v in item.values())

    changed = []
    for key in old.keys() & new.keys():
        fields = [{"field": f, "before": old[key].get(f), "after": new[key].get(f)}
                  for f in sorted(old[key].keys() | new[key].keys()) if old[key].get(f) != new[key].get(f)]
        if fields:
            changed.append({**ref(key), "fields": fields})
    return {"added": sorted((ref(k) for k in new.keys() - old.keys()), key=order),
            "removed": sorted((ref(k) for k in old.keys() - new.keys()), key=order),
            "changed": sorted(changed, key=order)}


def bid_gates(G: nx.MultiDiGraph, entries: list[dict], opportunity_id: str) -> list[dict]:
    """The bid's gates, oldest first: each time its stage was set (when it was
    added, then each change) in ``entries``, with its buying center,
    readiness and gaps on the map of that moment (just after the change).

    Computed from the audit log rather than kept: the entries hold every
    stage change with the map of its moment, so nothing is stored twice and
    a gate is judged by today's analysis.  A gate before a merge of two
    records (see :func:`graph_as_of`) is left out.

    Returns a list of ``{"at", "stage", "from_stage", "readiness": {"score",
    "components": [{"name", "points", "weight"}]}, "gaps": [finding...],
    "buying_center": [{"id", "name", "role", "stance", "influence"}]}``.

    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph([("Account", {"id": "a1", "name": "Acme"}),
    ...                  ("Opportunity", {"id": "o1", "name": "Grid", "stage": "qualify"})], [("FOR", "o1", "a1", {})])
    >>> entry = {"id": "e1", "at": "2026-05-02T09:00:00+00:00", "action": "update", "target_label": "Opportunity",
    ...          "target_id": "o1", "before": '{"stage": "lead"}', "after": '{"stage": "qualify"}'}
    >>> [(g["from_stage"], g["stage"], g["readiness"]["score"]) for g in bid_gates(G, [entry], "o1")]
    [('lead', 'qualify', 0)]
    """
    merged = max((e["at"] for e in entries if e["action"] == "merge"), default="")
    changes = []
    for entry in entries:
        before, after = _load(entry.get("before")) or {}, _load(entry.get("after")) or {}
        if (entry["target_id"] == opportunity_id and entry["action"] in ("create", "update") and "stage" in after
                and entry["at"] > merged):
            changes.append((entry, before.get("stage"), after["stage"]))
    moments = [_just_after(entry["at"]) for entry, _before, _after in changes]
    graphs = graphs_as_of(G, [e for e in entries if e["at"] > merged], moments)
    gates = []
    for (entry, was, stage), moment in zip(changes, moments, strict=True):
        H = graphs[moment]
        if opportunity_id in H:
            gates.append({"at": entry["at"], "stage": stage, "from_stage": was, **_gate(H, opportunity_id)})
    return gates


def _just_after(at: str) -> str:
    """The moment just after ``at``: the map of then includes the write made at ``at``."""
    return (datetime.fromisoformat(at) + timedelta(microseconds=1)).isoformat(timespec="microseconds")


def _gate(H: nx.MultiDiGraph, opportunity_id: str) -> dict:
    """Readiness (score and the points of each component), gaps and buying center of a bid on the map ``H``."""
    ready = bid_readiness(H, opportunity_id)
    members = [{"id": p, "name": H.nodes[p].get("name") or p, "role": d.get("role"),
                "stance": d.get("stance") or H.nodes[p].get("stance"),
                "influence": d.get("influence") or H.nodes[p].get("influence")}
               for p, _o, d in H.in_edges(opportunity_id, data=True) if d.get("type") == "ROLE_IN"]
    return {"readiness": {"score": ready["score"],
                          "components": [{k: c[k] for k in ("name", "points", "weight")} for c in ready["components"]]},
            "gaps": coverage_gaps(H, opportunity_id),
            "buying_center": sorted(members, key=lambda m: (str(m["name"]), m["id"]))}


def readiness_moves(before: dict, after: dict) -> dict:
    """How a bid's readiness moved from ``before`` to ``after`` (each
    ``{"score", "components"}`` as :func:`bid_gates` or
    :func:`~graphcrm.analysis.bid_readiness` gives it): ``{"before",
    "after", "change", "components": [{"name", "before", "after"}]}``, the
    components whose points moved, the largest move first.

    >>> old = {"score": 40, "components": [{"name": "champion_strength", "points": 10}]}
    >>> new = {"score": 55, "components": [{"name": "champion_strength", "points": 25}]}
    >>> readiness_moves(old, new)
    {'before': 40, 'after': 55, 'change': 15, 'components': [{'name': 'champion_strength', 'before': 10, 'after': 25}]}
    """
    was = {c["name"]: c["points"] for c in before["components"]}
    moved = [{"name": c["name"], "before": was.get(c["name"], 0), "after": c["points"]}
             for c in after["components"] if c["points"] != was.get(c["name"], 0)]
    moved.sort(key=lambda m: -abs(m["after"] - m["before"]))
    return {"before": before["score"], "after": after["score"], "change": after["score"] - before["score"],
            "components": moved}


def gone_stale(then: nx.MultiDiGraph, now: nx.MultiDiGraph) -> list[dict]:
    """Our relationships that were fresh on the map ``then`` and are stale on
    the map ``now``: the last contact is older than the cadence of the
    person's influence (:func:`~graphcrm.analysis._common.cadence_days`),
    each counted from its map's ``loaded_at``.  A relationship made since is
    not in the list (it was not fresh then, it did not exist).

    Returns ``[{"user_id", "user", "person_id", "person", "last_contact_at",
    "cadence_days"}]`` by person, then user.

    >>> from graphcrm.graph.nxgraph import build_graph
    >>> def on(day):
    ...     return build_graph([("User", {"id": "u1", "display_name": "Lina"}),
    ...                         ("Person", {"id": "p1", "name": "王伟", "influence": 5})],
    ...                        [("RELATIONSHIP", "u1", "p1", {"strength": 4, "last_contact_at": "2026-03-01"})],
    ...                        loaded_at=day)
    >>> [(x["person"], x["cadence_days"]) for x in gone_stale(on("2026-03-20"), on("2026-05-01"))]
    [('王伟', 30)]
    """
    def stale(G: nx.MultiDiGraph, d: dict, person: str) -> bool:
        last = parse_time(d.get("last_contact_at"))
        limit = cadence_days(G.nodes[person].get("influence"))
        return last is None or (parse_time(G.graph["loaded_at"]) - last).days > limit

    found = []
    for user, person, d in now.edges(data=True):
        if d.get("type") != "RELATIONSHIP" or now.nodes[user].get("label") != "User":
            continue
        was = then.get_edge_data(user, person, "RELATIONSHIP") if user in then and person in then else None
        if was is not None and stale(now, d, person) and not stale(then, was, person):
            found.append({"user_id": user, "user": now.nodes[user].get("display_name") or user,
                          "person_id": person, "person": now.nodes[person].get("name") or person,
                          "last_contact_at": d.get("last_contact_at"),
                          "cadence_days": cadence_days(now.nodes[person].get("influence"))})
    return sorted(found, key=lambda x: (str(x["person"]), x["person_id"], str(x["user"])))
