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

Restore reads and checks the whole file first (format, version, every line,
the vocabulary, the counts, that both ends of every relationship are in the
file), then writes in UNWIND batches with the properties exactly as stored.
It refuses a database that is not empty unless ``merge=True`` (then nodes
with the same id and relationships between the same nodes are overwritten
by the file's, everything else is kept; audit entries the database holds
already are not written twice).  The restore's own writes are recorded in
the audit log (action ``restore``), after the restored entries.  Restoring into an empty database
of either backend reproduces the dumped graph exactly.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from graphcrm.errors import Conflict, ValidationError
from graphcrm.graph.statements import relationship_key
from graphcrm.graph.store import GraphStore, utcnow
from graphcrm.model import AUDIT_LABEL, LABELS, RELATIONSHIP_TYPES

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
    A file that is not a complete backup of a known version raises
    ValidationError naming the line."""
    path = Path(path)
    name = path.name
    nodes: dict[str, list[dict]] = defaultdict(list)
    rels: dict[str, list[dict]] = defaultdict(list)
    ids: dict[str, str] = {}
    ends: list[tuple] = []
    trailer = None
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError("file", f"{path}: cannot be read ({exc.strerror})") from None
    with handle:
        header = _line(handle.readline(), name, 1)
        if header.get("format") != FORMAT:
            raise ValidationError(f"{name} line 1", "is not a GraphCRM backup (no graphcrm-backup header)")
        if header.get("version") != VERSION:
            raise ValidationError(
                f"{name} line 1",
                f"backup format version {header.get('version')!r} is not known to this GraphCRM "
                f"(it reads version {VERSION}); restore it with the GraphCRM that wrote it",
            )
        for number, text in enumerate(handle, start=2):
            if trailer is not None:
                raise ValidationError(f"{name} line {number}", "data after the end line")
            item = _line(text, name, number)
            where = f"{name} line {number}"
            if "node" in item:
                label, props = item["node"], item.get("props")
                if (label not in LABELS and label != AUDIT_LABEL) or not isinstance(props, dict) \
                        or not isinstance(props.get("id"), str):
                    raise ValidationError(where, "a node needs a known label and properties with an id")
                if props["id"] in ids:
                    raise ValidationError(where, f"node id {props['id']!r} appears twice")
                ids[props["id"]] = label
                nodes[label].append(props)
            elif "relationship" in item:
                rel_type = item["relationship"]
                start, end = item.get("start"), item.get("end")
                start_label, end_label = item.get("start_label"), item.get("end_label")
                allowed = RELATIONSHIP_TYPES.get(rel_type)
                if (allowed is None or start_label not in allowed[0] or end_label not in allowed[1]
                        or not isinstance(item.get("props"), dict)):
                    raise ValidationError(where, f"unknown relationship {start_label}-{rel_type}->{end_label}")
                ends.append((where, rel_type, start, start_label, end, end_label))
                rels[relationship_key(start_label, rel_type, end_label)].append(
                    {"start": start, "end": end, "props": item["props"]}
                )
            elif item.get("end") is True:
                trailer = item
            else:
                raise ValidationError(where, "neither a node, a relationship nor the end line")
    for where, rel_type, start, start_label, end, end_label in ends:
        if ids.get(start) != start_label or ids.get(end) != end_label:
            raise ValidationError(where, f"{rel_type} {start} -> {end}: an end is not in the file")
    if trailer is None:
        raise ValidationError(name, "the file is cut off (no end line): the backup did not finish")
    counted = {"nodes": sum(map(len, nodes.values())), "relationships": sum(map(len, rels.values()))}
    if counted != {k: trailer.get(k) for k in counted}:
        raise ValidationError(name, f"the end line counts {trailer} but the file holds {counted}")
    return header, dict(nodes), dict(rels)


def _line(text: str, name: str, number: int) -> dict:
    try:
        item = json.loads(text)
    except ValueError:
        item = None
    if not isinstance(item, dict):
        raise ValidationError(f"{name} line {number}", "is not a JSON object")
    return item


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
    counts = store.merge_batches(nodes, rels, restore=True, progress=progress)
    held = {props["id"] for props in store.audit_entries()}  # an entry is restored once
    counts["audit_entries"] = store.restore_audit([e for e in entries if e["id"] not in held])
    return counts
