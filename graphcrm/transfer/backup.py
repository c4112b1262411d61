"""Backup and restore: a complete, versioned dump as JSON Lines.

A backup file (UTF-8, one JSON object per line) holds::

    {"format": "graphcrm-backup", "version": 1, "created_at": "...", "backend": "falkordb"}
    {"node": "Account", "props": {"id": "acc-1", "version": 3, "created_at": ..., "name": ...}}
    ...
    {"relationship": "WORKS_AT", "start": "p-1", "start_label": "Person",
     "end": "acc-1", "end_label": "Account", "props": {"version": 1, ...}}
    ...
    {"end": true, "nodes": 1234, "relationships": 5678}

Every node (users with their password hashes included: keep backups as
safe as the database), every relationship and the audit log, with every
property, ids, versions and timestamps as stored.  The last line makes a cut-off file
detectable.  The file is written to a temporary name and renamed at the
end, so a failed backup never leaves a file that looks complete.

Restore reads and checks the whole file before it writes anything: the
format and version, every line, the vocabulary, the counts, that both ends of
every relationship are in the file, and every value against the graph model
with the rules of forms and imports (:func:`graphcrm.model.validate_stored_node`,
:func:`~graphcrm.model.validate_stored_relationship`): a value the model would
refuse or store differently (NaN, 10**30, a map, a NUL, a lone surrogate, an
unknown property) is refused with its line and property.  Then it writes in
UNWIND batches with the properties exactly as stored.
It refuses a database that is not empty unless ``merge=True`` (then nodes
with the same id and relationships between the same nodes are overwritten
by the file's, everything else is kept; audit entries the database holds
already are not written twice).  The restore's own writes are recorded in
the audit log (action ``restore``), after the restored entries.  Restoring into an empty database
of either backend reproduces the dumped graph exactly.

A restore is all or nothing.  Into an empty database: when a batch fails
(the database stopped, or refused a write), what the restore wrote is
deleted again before the error is reported (:meth:`GraphStore.restore_backup`),
so the database is as before (its audit log records the attempt and its
undoing) and the restore can simply be run again; should the database not
answer for the undoing either, the error says so, and running the restore
again with ``merge=True`` completes it.  A merge is not undone (it
overwrote what was there): running it again completes it, since it writes
the same values.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from graphcrm.errors import Conflict, ValidationError
from graphcrm.graph.nxgraph import gc_paused
from graphcrm.graph.statements import relationship_key
from graphcrm.graph.store import GraphStore, utcnow
from graphcrm.model import (
    AUDIT_LABEL,
    LABELS,
    RELATIONSHIP_TYPES,
    validate_stored_node,
    validate_stored_relationship,
)

FORMAT = "graphcrm-backup"
VERSION = 1


def backup(store: GraphStore, path: Path, *, progress=None) -> dict:
    """Dump the whole database to ``path``; returns the counts."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    counts = {"nodes": 0, "relationships": 0}
    with partial.open("w", encoding="utf-8") as out:
        header = {"format": FORMAT, "version": VERSION, "created_at": utcnow(), "backend": store.backend_name}
        out.write(json.dumps(header) + "\n")
        for item in store.dump():
            if item[0] == "node":
                line = {"node": item[1], "props": item[2]}
                counts["nodes"] += 1
            else:
                (start_label, rel_type, end_label), start, end, props = item[1:]
                line = {"relationship": rel_type, "start": start, "start_label": start_label,
                        "end": end, "end_label": end_label, "props": props}
                counts["relationships"] += 1
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            if progress:
                progress(1)
        out.write(json.dumps({"end": True, **counts}) + "\n")
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    return counts


def read_backup(path: Path) -> tuple[dict, dict[str, list[dict]], dict[str, list[dict]]]:
    """Check a backup file completely; return its header, nodes by label and
    relationships by key, ready for :meth:`GraphStore.merge_batches`.

    A file that is not a complete backup of a known version, or holds a value
    the graph model refuses, raises ValidationError naming the line (and the
    property).
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ValidationError("file", f"{path}: cannot be read ({exc.strerror})") from None
    with handle, gc_paused():  # hundreds of thousands of small dicts, as in the bulk loads
        return _read_lines(enumerate(handle, start=1), path.name)


def _read_lines(lines, name: str) -> tuple[dict, dict[str, list[dict]], dict[str, list[dict]]]:
    nodes: dict[str, list[dict]] = defaultdict(list)
    rels: dict[str, list[dict]] = defaultdict(list)
    ids: dict[str, str] = {}
    ends: list[tuple] = []
    memo: dict = {}  # relationship properties validated once (graphcrm.model.validate_stored_relationship)
    trailer = None
    _number, first = next(lines, (1, b""))
    header = _line(first, name, 1)
    if header.get("format") != FORMAT:
        raise ValidationError(f"{name} line 1", "is not a GraphCRM backup (no graphcrm-backup header)")
    if header.get("version") != VERSION:
        raise ValidationError(
            f"{name} line 1",
            f"backup format version {header.get('version')!r} is not known to this GraphCRM "
            f"(it reads version {VERSION}); restore it with the GraphCRM that wrote it",
        )
    for number, text in lines:
        where = f"{name} line {number}"
        if trailer is not None:
            raise ValidationError(where, "data after the end line")
        item = _line(text, name, number)
        if "node" in item:
            label, props = _node(item, where)
            if props["id"] in ids:
                raise ValidationError(where, f"node id {props['id']!r} appears twice")
            ids[props["id"]] = label
            nodes[label].append(props)
        elif "relationship" in item:
            key, row = _relationship(item, where, memo)
            ends.append((where, key, row["start"], row["end"]))
            rels[key].append(row)
        elif item.get("end") is True:
            trailer = item
        else:
            raise ValidationError(where, "neither a node, a relationship nor the end line")
    for where, key, start, end in ends:
        start_label, rel_type, end_label = key.split(":")
        if ids.get(start) != start_label or ids.get(end) != end_label:
            raise ValidationError(where, f"{rel_type} {start} -> {end}: an end is not in the file")
    if trailer is None:
        raise ValidationError(name, "the file is cut off (no end line): the backup did not finish")
    counted = {"nodes": sum(map(len, nodes.values())), "relationships": sum(map(len, rels.values()))}
    if counted != {k: trailer.get(k) for k in counted}:
        raise ValidationError(name, f"the end line counts {trailer} but the file holds {counted}")
    return header, dict(nodes), dict(rels)


def _line(data: bytes, name: str, number: int) -> dict:
    """One line of the file as a JSON object (NaN and numbers of any size
    are read as such, for the model to refuse by name)."""
    try:
        item = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name} line {number}", f"is not UTF-8 (byte {exc.start + 1})") from None
    except ValueError:
        item = None
    if not isinstance(item, dict):
        raise ValidationError(f"{name} line {number}", "is not a JSON object")
    return item


def _node(item: dict, where: str) -> tuple[str, dict]:
    """The label and checked properties of a node line."""
    label, props = item["node"], item.get("props")
    if not isinstance(label, str) or (label not in LABELS and label != AUDIT_LABEL) \
            or not isinstance(props, dict) or not isinstance(props.get("id"), str):
        raise ValidationError(where, "a node needs a known label and properties with an id")
    try:
        return label, validate_stored_node(label, props)
    except ValidationError as exc:
        raise _at(exc, f"{where} ({label} {props['id']!r})") from None


def _relationship(item: dict, where: str, memo: dict) -> tuple[str, dict]:
    """The relationship key and checked row (start, end, props) of a relationship line."""
    rel_type, props = item["relationship"], item.get("props")
    start, end = item.get("start"), item.get("end")
    start_label, end_label = item.get("start_label"), item.get("end_label")
    allowed = RELATIONSHIP_TYPES.get(rel_type) if isinstance(rel_type, str) else None
    if (allowed is None or start_label not in allowed[0] or end_label not in allowed[1]
            or not isinstance(props, dict)):
        raise ValidationError(where, f"unknown relationship {start_label}-{rel_type}->{end_label}")
    if not isinstance(start, str) or not isinstance(end, str):
        raise ValidationError(where, f"{rel_type}: start and end must be node ids")
    try:
        props = validate_stored_relationship(rel_type, props, memo=memo)
    except ValidationError as exc:
        raise _at(exc, f"{where} ({rel_type} {start} -> {end})") from None
    return relationship_key(start_label, rel_type, end_label), {"start": start, "end": end, "props": props}


def _at(exc: ValidationError, where: str) -> ValidationError:
    """``exc`` (a property's problem) located in the file: ``where``, then the property."""
    return ValidationError(where, f"{exc.field}: {exc.message}",
                           problems={f"{where}: {field}": message for field, message in exc.problems.items()})


def restore(store: GraphStore, path: Path, *, merge: bool = False, progress=None) -> dict:
    """Restore a backup file (module docstring); returns the counts written."""
    _header, nodes, rels = read_backup(path)
    if not merge and not store.is_empty():
        stats = store.stats()
        held = sum(stats["nodes"].values())
        raise Conflict(
            f"the target database is not empty ({held} nodes at {store.location}): restore into an empty "
            "database, or merge the backup into this one with --merge"
        )
    entries = nodes.pop(AUDIT_LABEL, [])
    held = {props["id"] for props in store.audit_entries()}  # an entry is restored once
    entries = [e for e in entries if e["id"] not in held]
    return store.restore_backup(nodes, rels, entries, undo=not merge, progress=progress)
