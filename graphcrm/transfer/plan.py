"""An import plan: source rows become checked nodes and relationships, a
row-level report, and at most one write.

Every importer (Salesforce export, GraphCRM CSV templates) adds the rows it
reads with :meth:`ImportPlan.add_node` and :meth:`ImportPlan.add_relationship`,
naming the file and line each comes from.  Then:

1. :meth:`ImportPlan.resolve` reads what the store already holds (in batches)
   and decides, row by row, what would be created, updated or left unchanged.
   References to rows neither in the import nor in the store, ``REPORTS_TO``
   cycles and self-references are reported as *warnings* and that one row is
   left out; a value that breaks the graph model (an unknown enumeration
   value, a malformed e-mail, a 10 MB name, a broken CSV record) is an
   *error*.
2. :meth:`ImportPlan.apply` writes nothing if there is a single error.
   Otherwise it writes the created and changed rows, in UNWIND batches of
   :data:`BATCH_SIZE` rows (each batch one transaction).  Everything is
   checked before the first batch, so the batches fail only if the database
   itself fails; every write is an upsert keyed by id, so running the same
   import again then completes it (a resumable import), and a finished
   import run again changes nothing: no row is written, no version moves.

A dry run is :meth:`resolve` without :meth:`apply`: the report says what
would happen.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from graphcrm.access import ANCHORS, Actor, can_change_users, can_create_accounts
from graphcrm.compliance import ComplianceRefused, Decision
from graphcrm.errors import ValidationError
from graphcrm.graph.statements import relationship_key
from graphcrm.graph.store import GraphStore, _clean_id, utcnow
from graphcrm.model import RELATIONSHIP_TYPES, validate_node, validate_relationship

#: rows per UNWIND statement (one transaction each)
BATCH_SIZE = 2000

#: relationship types that may not point from a node to itself
NO_SELF_REFERENCE = ("REPORTS_TO", "INFLUENCES", "KNOWS", "PART_OF")


@dataclass(frozen=True)
class Problem:
    """One line of the report: ``Contact.csv line 42: ReportsToId 003… not found``."""

    level: str  # "error" (nothing is written) or "warning" (this row is left out)
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"level": self.level, "file": self.file, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Where:
    """Where a row comes from: a file and the line its record starts on."""

    file: str
    line: int | None = None


@dataclass
class _Node:
    label: str
    id: str
    clean: dict  # validated, defaults filled in (what a new node gets)
    fields: tuple[str, ...]  # what the source says (what an update may change)
    where: Where
    requires: tuple[tuple[str, ...], str, str] | None = None  # (labels, id, message when missing)


@dataclass
class _Relationship:
    type: str
    start: str
    end: str
    props: dict
    where: Where
    refs: tuple[str, str]  # how the source names the two ends, for the report


@dataclass
class Report:
    """What an import did or would do."""

    source: str
    dry_run: bool = True
    applied: bool = False
    nodes: dict = field(default_factory=dict)  # label -> {"create": n, "update": n, "unchanged": n}
    relationships: dict = field(default_factory=dict)  # type -> {..., "delete": n}
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "source": self.source, "dry_run": self.dry_run, "applied": self.applied, "ok": self.ok,
            "nodes": self.nodes, "relationships": self.relationships,
            "errors": len(self.errors), "warnings": len(self.warnings),
            "problems": [p.as_dict() for p in self.problems],
        }

    def text(self) -> str:
        """The report as lines of text (CLI)."""
        state = ("applied" if self.applied else "not applied: fix the errors and run it again"
                 if not self.ok else "dry run: nothing written")
        lines = [f"import of {self.source}: {state}"]
        for _title, counts in (("nodes", self.nodes), ("relationships", self.relationships)):
            for name, c in counts.items():
                lines.append(f"  {name:<14} create {c['create']:>7}  update {c['update']:>7}  "
                             f"unchanged {c['unchanged']:>7}" + (f"  delete {c['delete']:>7}" if "delete" in c else ""))
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        lines += [f"  {p.level}: {p}" for p in self.problems]
        return "\n".join(lines)


class ImportPlan:
    """Rows of one import, checked and compared with the store before any write."""

    def __init__(self, source: str):
        self.report = Report(source)
        self._nodes: dict[tuple[str, str], _Node] = {}
        self._relationships: dict[tuple[str, str, str], _Relationship] = {}
        self._node_writes: dict[str, list[dict]] = {}
        self._rel_writes: dict[str, list[dict]] = {}
        self._existing: dict[str, dict[str, dict]] = {}
        self._left_out: dict[str, Where] = {}
        self._complete: set[tuple[str, str]] = set()
        self._rel_deletes: dict[str, list[dict]] = {}
        self._node_removals: dict[str, list[dict]] = {}
        self._resolved = False
        self._held: set[str] = set()  # the labels and relationship types the store holds any of
        self._decisions: dict[str, Decision] = {}  # interaction id -> its compliance decision

    # -- collecting rows ------------------------------------------------------------------

    def error(self, where: Where, message: str) -> None:
        self.report.problems.append(Problem("error", where.file, where.line, message))

    def warn(self, where: Where, message: str) -> None:
        self.report.problems.append(Problem("warning", where.file, where.line, message))

    def add_node(self, label: str, id: str, props: dict, where: Where, *, requires=None) -> bool:
        """Add a node keyed by ``id``.  ``props`` holds what the source says
        (None: the source leaves it empty, an update removes it).
        ``requires=(labels, id, message)``: keep the node only if that node
        exists (in the import or the store); else warn ``message``."""
        try:
            node_id = _clean_id(id)
            clean = validate_node(label, {k: v for k, v in props.items() if v is not None})
        except ValidationError as exc:
            self.error(where, f"{exc.field}: {exc.message}")
            return False
        earlier = self._nodes.get((label, node_id))
        if earlier is not None:
            self.warn(where, f"{label} {node_id} also on line {earlier.where.line}; this row wins")
        self._nodes[(label, node_id)] = _Node(label, node_id, clean, tuple(props), where, requires)
        return True

    def add_relationship(
        self, rel_type: str, start: str, end: str, props: dict | None, where: Where, refs: tuple[str, str]
    ) -> bool:
        """Add a relationship between two ids; ``refs`` names the ends as the
        source does (``("ContactId 003…", "ReportsToId 003…")``)."""
        try:
            clean = _relationship_props(rel_type, tuple((k, v) for k, v in (props or {}).items() if v is not None))
        except ValidationError as exc:
            self.error(where, f"{exc.field}: {exc.message}")
            return False
        if start == end and rel_type in NO_SELF_REFERENCE:
            self.warn(where, f"{refs[1]} points to the row itself; {rel_type} not stored")
            return False
        self._relationships[(rel_type, start, end)] = _Relationship(rel_type, start, end, clean, where, refs)
        return True

    def complete(self, rel_type: str, start: str) -> None:
        """Declare that the import holds every ``rel_type`` relationship leaving
        ``start`` (a single-valued source field such as ReportsToId): stored
        ones the import does not have are removed."""
        self._complete.add((rel_type, start))

    # -- comparing with the store -----------------------------------------------------------

    def resolve(self, store: GraphStore, *, actor: Actor | None = None) -> Report:
        """Compare every row with the store (reads only) and fill in the report.

        ``actor``: who the import acts for (None: the operator, who may write
        everything).  Each row ``actor`` may not write is an error naming the
        row, and is left out of the comparison: the report never tells
        whether a value the actor may not see differs from the stored one.
        """
        stats = store.stats()  # what the store holds at all: a fresh store is not searched row by row
        self._held = {*(k for k, n in stats["nodes"].items() if n),
                      *(k for k, n in stats["relationships"].items() if n)}
        if actor is not None and not actor.is_admin:
            self._join_accounts(actor)
        existing = self._existing = self._read_existing(store)
        self._match_users(store, existing)
        rights = None
        if actor is not None and not actor.is_admin:
            rights = _Rights(self, store, actor, existing)
            self._refuse_nodes(rights, existing)
        self._drop_unusable(existing)
        kept_rels = self._resolve_relationships(existing)
        if rights is not None:
            kept_rels = self._refuse_relationships(rights, kept_rels)
        kept_rels = self._drop_cycles(store, kept_rels)
        self._check_compliance(store, kept_rels)
        self._diff_nodes(existing)
        self._diff_relationships(store, kept_rels)
        self._diff_removals(store, kept_rels)
        self._resolved = True
        self.report.problems.sort(key=lambda p: (p.file, p.line or 0))
        return self.report

    def _read_existing(self, store: GraphStore) -> dict[str, dict[str, dict]]:
        wanted: dict[str, set[str]] = defaultdict(set)
        keys: dict[str, set[str]] = defaultdict(set)  # the properties to compare
        for (label, node_id), node in self._nodes.items():
            wanted[label].add(node_id)
            keys[label].update(node.fields)
        if "Person" in keys:
            keys["Person"].add("erased_at")
        for node in self._nodes.values():
            if node.requires:
                for label in node.requires[0]:
                    wanted[label].add(node.requires[1])
        for rel in self._relationships.values():
            starts, ends = RELATIONSHIP_TYPES[rel.type][:2]
            for labels, node_id in ((starts, rel.start), (ends, rel.end)):
                for label in labels:
                    wanted[label].add(node_id)
        return {label: store.node_values(label, ids, sorted(keys[label])) if label in self._held else {}
                for label, ids in wanted.items()}

    def _match_users(self, store: GraphStore, existing: dict) -> None:
        """A user of the import whose username is taken by another stored user
        is that user (no duplicate login is created)."""
        users = [n for (label, _), n in self._nodes.items() if label == "User"]
        if not users:
            return
        taken = store.users_by_username(n.clean["username"] for n in users)
        seen: dict[str, _Node] = {}
        aliases: dict[str, str] = {}
        for node in users:
            username = node.clean["username"]
            if username in seen:
                self.error(node.where, f"username {username!r} also on line {seen[username].where.line}")
                continue
            seen[username] = node
            other = taken.get(username)
            if other is not None and other["id"] != node.id:
                del self._nodes[("User", node.id)]
                aliases[node.id] = node.id = other["id"]
                existing.setdefault("User", {})[other["id"]] = other
                self._nodes[("User", other["id"])] = node
        if aliases:
            relationships = list(self._relationships.values())
            self._relationships = {}
            for rel in relationships:
                rel.start, rel.end = aliases.get(rel.start, rel.start), aliases.get(rel.end, rel.end)
                self._relationships[(rel.type, rel.start, rel.end)] = rel

    def _label(self, node_id: str, labels: tuple[str, ...], existing: dict) -> str | None:
        for label in labels:
            if (label, node_id) in self._nodes or node_id in existing.get(label, {}):
                return label
        return None

    def _drop_unusable(self, existing: dict) -> None:
        for key, node in list(self._nodes.items()):
            if node.requires and self._label(node.requires[1], node.requires[0], existing) is None:
                self.warn(node.where, node.requires[2])
                del self._nodes[key]
                self._left_out[node.id] = node.where
            elif node.label == "Person" and existing.get("Person", {}).get(node.id, {}).get("erased_at"):
                erased = existing["Person"][node.id]
                self.warn(node.where, f"{node.id} was erased on {erased['erased_at'][:10]} (right to erasure); "
                                      "not imported again")
                node.fields = ()  # the placeholder stays as it is; its relationships may still be refreshed

    def _resolve_relationships(self, existing: dict) -> list[tuple[str, _Relationship]]:
        kept = []
        for rel in self._relationships.values():
            starts, ends = RELATIONSHIP_TYPES[rel.type][:2]
            start_label = self._label(rel.start, starts, existing)
            end_label = self._label(rel.end, ends, existing)
            if start_label is None or end_label is None:
                if rel.where in (self._left_out.get(rel.start), self._left_out.get(rel.end)):
                    continue  # the row's own node was left out, and said so
                ref = rel.refs[0] if start_label is None else rel.refs[1]
                self.warn(rel.where, f"{ref} not found; {rel.type} not stored")
                continue
            kept.append((relationship_key(start_label, rel.type, end_label), rel))
        return kept

    def _join_accounts(self, actor: Actor) -> None:
        """The importer joins the team of the import's accounts: a manager's
        new accounts join their team, as on the form (for the others the
        importer is on the team already, or the account row is refused)."""
        for label, node_id in list(self._nodes):
            if label == "Account" and actor.user_id:
                self._relationships[("MEMBER_OF", actor.user_id, node_id)] = _Relationship(
                    "MEMBER_OF", actor.user_id, node_id, {}, Where("import"), (f"user {actor.user_id}", node_id))

    def _refuse_nodes(self, rights: _Rights, existing: dict) -> None:
        """Leave out, as errors, the node rows the actor may not write."""
        for key, node in list(self._nodes.items()):
            stored = existing.get(node.label, {}).get(node.id)
            problem = rights.node_problem(node, stored)
            if problem:
                self.error(node.where, problem)
                del self._nodes[key]
                self._left_out[node.id] = node.where

    def _refuse_relationships(self, rights: _Rights, kept: list[tuple[str, _Relationship]]):
        """Leave out, as errors, the relationship rows the actor may not write."""
        allowed = []
        for key, rel in kept:
            problem = rights.relationship_problem(rel, key)
            if problem:
                self.error(rel.where, problem)
            else:
                allowed.append((key, rel))
        return allowed

    def _drop_cycles(self, store: GraphStore, kept: list[tuple[str, _Relationship]]):
        """Leave out each REPORTS_TO row that would give a person a second
        manager or close a cycle, with the rows before it or the stored org
        chart, in file order."""
        rows = [rel for _, rel in kept if rel.type == "REPORTS_TO"]
        bosses = self._stored_bosses(store, [p for rel in rows for p in (rel.start, rel.end)]) if rows else {}
        result = []
        for key, rel in kept:
            if rel.type == "REPORTS_TO":
                other = [boss for boss in bosses.get(rel.start, ()) if boss != rel.end]
                if other:
                    self.warn(rel.where, f"{rel.refs[0]} reports to {other[0]} already (one formal manager per "
                                         f"person); REPORTS_TO not stored")
                    continue
                path = _path(bosses, rel.end, rel.start)
                if path is not None:
                    cycle = " → ".join([rel.start, *path])
                    self.warn(rel.where, f"{rel.refs[1]} would close a REPORTS_TO cycle ({cycle}); not stored")
                    continue
                bosses.setdefault(rel.start, []).append(rel.end)
            result.append((key, rel))
        return result

    def _stored_bosses(self, store: GraphStore, people: list[str]) -> dict[str, list[str]]:
        """The stored REPORTS_TO edges above ``people``, as ``{person: [boss]}``,
        without those the import replaces (:meth:`complete`)."""
        if "REPORTS_TO" not in self._held:
            return {}
        key = relationship_key("Person", "REPORTS_TO", "Person")
        bosses: dict[str, list[str]] = defaultdict(list)
        seen, frontier = set(people), list(dict.fromkeys(people))
        while frontier:
            above = []
            for start, end in store.outgoing(key, frontier):
                if ("REPORTS_TO", start) not in self._complete:
                    bosses[start].append(end)
                if end not in seen:
                    seen.add(end)
                    above.append(end)
            frontier = above
        return bosses

    def _check_compliance(self, store: GraphStore, kept: list[tuple[str, _Relationship]]) -> None:
        """Ask the compliance rule (:meth:`GraphStore.compliance_decision`) about
        every imported interaction with the people the import says it was
        with: a refusal is an error of its row (nothing is written); the
        flags the decision calls for are imported with it."""
        met: dict[str, list[str]] = defaultdict(list)
        for _key, rel in kept:
            if rel.type == "WITH":
                met[rel.start].append(rel.end)
        for (label, node_id), node in self._nodes.items():
            if label != "Interaction" or not met.get(node_id):
                continue
            try:
                decision = store.compliance_decision(node.clean, met[node_id], interaction_id=node_id)
            except ComplianceRefused as refused:
                self.error(node.where, f"{refused.field}: {refused.message}")
                continue
            node.clean.update(decision.flags())
            node.fields = tuple(dict.fromkeys((*node.fields, *decision.flags())))
            if decision.audit_details():
                self._decisions[node_id] = decision

    def _diff_nodes(self, existing: dict) -> None:
        writes: dict[str, list[dict]] = defaultdict(list)
        removals: dict[str, list[dict]] = defaultdict(list)
        for (label, node_id), node in self._nodes.items():
            counts = self.report.nodes.setdefault(label, _counts())
            stored = existing.get(label, {}).get(node_id)
            if stored is None:
                row = {k: v for k, v in node.clean.items() if v is not None}
                counts["create"] += 1
            else:
                row = {k: node.clean.get(k) for k in node.fields if stored.get(k) != node.clean.get(k)}
                if not row:
                    counts["unchanged"] += 1
                    continue
                counts["update"] += 1
                if any(v is None for v in row.values()):
                    removals[label].append({**row, "id": node_id})
                    continue
            writes[label].append({**row, "id": node_id})
        self._node_writes = dict(writes)
        self._node_removals = dict(removals)

    def _diff_relationships(self, store: GraphStore, kept: list[tuple[str, _Relationship]]) -> None:
        by_key: dict[str, list[_Relationship]] = defaultdict(list)
        for key, rel in kept:
            by_key[key].append(rel)
        writes: dict[str, list[dict]] = defaultdict(list)
        for key, rels in by_key.items():
            start_label, rel_type, end_label = key.split(":")
            stored = {}
            compared = sorted({k for r in rels for k in r.props})
            for with_props in (True, False):  # rows without properties only need to know what exists
                pairs = [(r.start, r.end) for r in rels if bool(r.props) == with_props]
                if pairs and rel_type in self._held:
                    stored.update(store.relationships_between(key, pairs, compared if with_props else None))
            counts = self.report.relationships.setdefault(rel_type, _counts(delete=True))
            for rel in rels:
                before = stored.get((rel.start, rel.end))
                if before is not None and all(before.get(k) == v for k, v in rel.props.items()):
                    counts["unchanged"] += 1
                    continue
                counts["create" if before is None else "update"] += 1
                writes[key].append({"start": rel.start, "end": rel.end, "props": rel.props})
        self._rel_writes = dict(writes)

    def _diff_removals(self, store: GraphStore, kept: list[tuple[str, _Relationship]]) -> None:
        keep = {(rel.type, rel.start, rel.end) for _, rel in kept}
        deletes: dict[str, list[dict]] = defaultdict(list)
        for rel_type in sorted({t for t, _ in self._complete}):
            starts, ends = RELATIONSHIP_TYPES[rel_type][:2]
            for start_label in starts:
                ids = [s for t, s in self._complete if t == rel_type and (start_label, s) in self._nodes]
                for end_label in ends:
                    key = relationship_key(start_label, rel_type, end_label)
                    for start, end in store.outgoing(key, ids) if ids and rel_type in self._held else ():
                        if (rel_type, start, end) not in keep:
                            deletes[key].append({"start": start, "end": end})
                            counts = self.report.relationships.setdefault(rel_type, _counts(delete=True))
                            counts["delete"] += 1
        self._rel_deletes = dict(deletes)

    # -- writing ---------------------------------------------------------------------------

    def rows_to_write(self) -> int:
        return sum(len(rows) for group in (self._node_writes, self._node_removals, self._rel_writes,
                                           self._rel_deletes)
                   for rows in group.values())

    def _replacements(self, store: GraphStore) -> dict[str, list[dict]]:
        """The whole new property map of each node an update empties properties of."""
        now = utcnow()
        replacements = {}
        for label, rows in self._node_removals.items():
            stored = {p["id"]: p for p in store.get_many(label, [row["id"] for row in rows])}
            replacements[label] = [_merged(stored[row["id"]], row, now) for row in rows if row["id"] in stored]
        return replacements

    def apply(self, store: GraphStore, *, progress=None) -> Report:
        """Write the plan if it has no error (see the module docstring)."""
        if not self._resolved:
            self.resolve(store)
        self.report.dry_run = False
        if not self.report.ok:
            return self.report
        store.merge_batches(self._node_writes, self._rel_writes, batch_size=BATCH_SIZE, progress=progress)
        if self._node_removals:  # rows that empty properties: whole property maps (see merge_batches)
            store.merge_batches(self._replacements(store), {}, batch_size=BATCH_SIZE, progress=progress,
                                restore=True, action="bulk_merge")
        store.delete_batches(self._rel_deletes, batch_size=BATCH_SIZE, progress=progress)
        for interaction_id, decision in self._decisions.items():
            store.record_compliance(decision, interaction_id)
        self.report.applied = True
        return self.report


def _merged(stored: dict, row: dict, now: str) -> dict:
    merged = {k: v for k, v in {**stored, **row}.items() if v is not None}
    return {**merged, "version": stored["version"] + 1, "updated_at": now}


@functools.lru_cache(maxsize=4096)
def _relationship_props(rel_type: str, items: tuple) -> dict:
    """The checked properties of a relationship, without None (imports repeat
    the same few combinations thousands of times).  Do not change the result."""
    return {k: v for k, v in validate_relationship(rel_type, dict(items)).items() if v is not None}


def _counts(*, delete: bool = False) -> dict[str, int]:
    return {"create": 0, "update": 0, "unchanged": 0, **({"delete": 0} if delete else {})}


class _Rights:
    """What an :class:`~graphcrm.access.Actor` may write in one import
    (graphcrm/access.py): a record may be changed when the actor may change
    every account it belongs to; a new record belongs to the accounts the
    import's own rows attach it to."""

    #: for a new record of these labels: the import's relationships that place it
    PLACED_BY = {"Person": ("WORKS_AT",), "Opportunity": ("FOR",), "Interaction": ("WITH", "ABOUT"),
                 "Competitor": ("COMPETES_FOR",)}

    def __init__(self, plan: ImportPlan, store: GraphStore, actor: Actor, existing: dict):
        self.plan, self.existing = plan, existing
        new_accounts = frozenset(node_id for label, node_id in plan._nodes
                                 if label == "Account" and node_id not in existing.get("Account", {}))
        self.actor = dataclasses.replace(actor, new_accounts=new_accounts if can_create_accounts(actor.role)
                                         else frozenset())
        stored = {node_id for ids in existing.values() for node_id in ids}
        self.owners = store.node_accounts(stored) if stored else {}
        self.placing: dict[str, list[str]] = defaultdict(list)  # new record -> the ends of its placing rows
        for rel in plan._relationships.values():
            self.placing[rel.start].append(rel.end)

    def accounts(self, node_id: str, depth: int = 0) -> set[str]:
        """The accounts a record belongs to: as stored, else as the import places it."""
        if node_id in self.existing.get("Account", {}) or ("Account", node_id) in self.plan._nodes:
            return {node_id}
        if any(node_id in ids for ids in self.existing.values()):
            return self.owners.get(node_id, set())
        if depth > 1:
            return set()
        return {a for end in self.placing.get(node_id, ()) for a in self.accounts(end, depth + 1)}

    def node_problem(self, node: _Node, stored: dict | None) -> str | None:
        """Why the actor may not write this node row (None: they may)."""
        if node.label == "User":
            unchanged = stored is not None and all(stored.get(k) == node.clean.get(k) for k in node.fields)
            if unchanged or can_change_users(self.actor.role):
                return None
            return f"only an administrator may create or change users (User {node.id})"
        if node.label == "Account" and stored is None:
            return None if can_create_accounts(self.actor.role) else "you may not create accounts"
        accounts = self.accounts(node.id)
        if node.label == "Competitor" and stored is not None:  # as on its form: any of the bids it is in
            allowed = any(self.actor.can_edit({a}) for a in accounts)
        else:
            allowed = self.actor.can_edit(accounts)
        if allowed:
            return None
        if stored is None:
            return f"new {node.label} {node.id} is not attached to an account you manage"
        return f"you may not change {node.label} {node.id}: it belongs to an account you do not manage"

    def relationship_problem(self, rel: _Relationship, key: str) -> str | None:
        """Why the actor may not write this relationship row (None: they may)."""
        edit, view = ANCHORS[rel.type]
        ends = {"start": rel.start, "end": rel.end}
        if all(self.actor.can_edit(self.accounts(ends[e])) for e in edit) and all(
                self.actor.can_view(self.accounts(ends[e])) for e in view):
            return None
        return f"you may not change {rel.type} {rel.start} → {rel.end}: it touches an account you do not manage"


def _path(bosses: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The REPORTS_TO path from ``start`` up to ``goal``, or None (depth-first)."""
    stack = [(start, [start])]
    seen = {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for boss in bosses.get(node, ()):
            if boss not in seen:
                seen.add(boss)
                stack.append((boss, [*path, boss]))
    return None
