"""GraphStore: the one storage API the rest of GraphCRM uses.

Every method runs named statements from ``cypher/`` through a backend
(:mod:`graphcrm.graph.backends`) and returns plain dicts, or a networkx
graph for the loaders (format: :mod:`graphcrm.graph.nxgraph`).  Inputs are
checked against the graph model first (:mod:`graphcrm.model`), so a bad
value is refused with a :class:`~graphcrm.errors.ValidationError` naming the
field before anything is written.

Writes that belong together are one statement, hence one transaction: a
failure leaves nothing half-written.  Every node and relationship carries a
``version``; updates take the version the caller read and a stale one is
refused with :class:`~graphcrm.errors.Conflict` holding what is stored now.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone

import networkx as nx

from graphcrm.errors import Conflict, NotFound, ValidationError
from graphcrm.graph.nxgraph import build_graph, gc_paused
from graphcrm.graph.statements import relationship_key
from graphcrm.model import LABELS, RELATIONSHIP_TYPES, validate_node, validate_relationship

ID_PREFIXES = {
    "Account": "acc",
    "Person": "p",
    "User": "u",
    "Opportunity": "opp",
    "Competitor": "comp",
    "Interaction": "int",
}


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_id(label: str) -> str:
    return f"{ID_PREFIXES[label]}-{uuid.uuid4().hex[:12]}"


def _check_label(label: str) -> None:
    if label not in LABELS:
        raise ValidationError("label", f"unknown label {label!r}; allowed: {', '.join(LABELS)}")


def _check_type(rel_type: str) -> None:
    if rel_type not in RELATIONSHIP_TYPES:
        raise ValidationError(
            "type", f"unknown relationship type {rel_type!r}; allowed: {', '.join(RELATIONSHIP_TYPES)}"
        )


def _clean_id(value, field: str = "id") -> str:
    if not isinstance(value, str) or not value or len(value) > 80 or not all(
        c.isalnum() or c in "_.:-" for c in value
    ):
        raise ValidationError(field, "must be 1–80 letters, digits or _ . : -")
    return value


def _validate_relationship_once(memo: dict, rel_type: str, props: dict | None) -> dict:
    """:func:`validate_relationship`, once per distinct (type, properties):
    a bulk load repeats the same few (``{}``, ``{"strength": 3}``...)."""
    try:
        key = (rel_type, frozenset((k, type(v), v) for k, v in (props or {}).items()))
        hash(key)
    except TypeError:  # an unhashable value: validate it as it is
        return validate_relationship(rel_type, props)
    if key not in memo:
        memo[key] = validate_relationship(rel_type, props)
    return memo[key]


class GraphStore:
    """Domain operations over one graph database.

    Open one with :func:`graphcrm.graph.open_store`; close it when done.
    """

    def __init__(self, backend, *, on_close=None):
        self.backend = backend
        self._on_close = on_close

    # -- life cycle ----------------------------------------------------------

    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def location(self) -> str:
        return self.backend.location

    def setup_schema(self) -> None:
        """Create the unique id constraints and lookup indexes (idempotent)."""
        self.backend.setup_schema()

    def close(self) -> None:
        self.backend.close()
        if self._on_close:
            self._on_close()
            self._on_close = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read(self, statement: str, **params) -> list[dict]:
        return self.backend.run(statement, params, write=False)

    def _write(self, statement: str, **params) -> list[dict]:
        return self.backend.run(statement, params, write=True)

    # -- nodes -----------------------------------------------------------------

    def create(self, label: str, props: dict, *, id: str | None = None) -> dict:
        """Create a node; return its stored properties (with ``id`` and ``version``)."""
        _check_label(label)
        clean = validate_node(label, props)
        return self._write(f"node.create:{label}", props=self._new_props(label, clean, id))[0]["props"]

    def _new_props(self, label: str, clean: dict, id: str | None) -> dict:
        now = utcnow()
        node_id = _clean_id(id) if id else new_id(label)
        stored = {k: v for k, v in clean.items() if v is not None}
        return {**stored, "id": node_id, "version": 1, "created_at": now, "updated_at": now}

    def create_person(self, account_id: str, props: dict, *, id: str | None = None, since: str | None = None) -> dict:
        """Create a stakeholder working at ``account_id`` (both written together)."""
        clean = validate_node("Person", props)
        works_at = validate_relationship("WORKS_AT", {"since": since})
        rows = self._write(
            "person.create_at_account",
            props=self._new_props("Person", clean, id),
            account_id=account_id,
            works_at={k: v for k, v in works_at.items() if v is not None},
            now=utcnow(),
        )
        if not rows:
            raise NotFound("Account", account_id)
        return rows[0]["props"]

    def create_opportunity(self, account_id: str, props: dict, *, id: str | None = None) -> dict:
        """Create an opportunity for ``account_id`` (both written together)."""
        clean = validate_node("Opportunity", props)
        rows = self._write(
            "opportunity.create_for_account",
            props=self._new_props("Opportunity", clean, id),
            account_id=account_id,
            now=utcnow(),
        )
        if not rows:
            raise NotFound("Account", account_id)
        return rows[0]["props"]

    def find(self, label: str, id: str) -> dict | None:
        _check_label(label)
        rows = self._read(f"node.get:{label}", id=id)
        return rows[0]["props"] if rows else None

    def get(self, label: str, id: str) -> dict:
        found = self.find(label, id)
        if found is None:
            raise NotFound(label, id)
        return found

    def get_many(self, label: str, ids: Iterable[str]) -> list[dict]:
        _check_label(label)
        return [row["props"] for row in self._read(f"node.get_many:{label}", ids=list(ids))]

    def update(self, label: str, id: str, changes: dict, *, version: int) -> dict:
        """Apply ``changes`` to the node if it is still at ``version``.

        A value of None removes the property.  Raises Conflict (with the
        stored properties) when somebody else saved in between.
        """
        _check_label(label)
        clean = validate_node(label, {k: v for k, v in changes.items() if v is not None}, partial=True)
        clean.update({k: None for k, v in changes.items() if v is None})
        if not isinstance(version, int):
            raise ValidationError("version", "must be a whole number")
        rows = self._write(f"node.update:{label}", id=id, version=version, changes=clean, now=utcnow())
        if rows:
            return rows[0]["props"]
        current = self.get(label, id)
        raise Conflict(
            f"{label} {id!r} was changed by someone else (version {current.get('version')}, "
            f"you edited version {version})",
            current=current,
        )

    def delete(self, label: str, id: str) -> None:
        """Delete a node and its relationships."""
        _check_label(label)
        if not self._write(f"node.delete:{label}", id=id):
            raise NotFound(label, id)

    def list(self, label: str, *, skip: int = 0, limit: int = 1000) -> list[dict]:
        _check_label(label)
        return [row["props"] for row in self._read(f"node.list:{label}", skip=skip, limit=limit)]

    def count(self, label: str) -> int:
        _check_label(label)
        return self._read(f"node.count:{label}")[0]["n"]

    # -- relationships -----------------------------------------------------------

    def _endpoint_labels(self, rel_type: str, start: str, end: str) -> tuple[str, str]:
        _check_type(rel_type)
        starts, ends = RELATIONSHIP_TYPES[rel_type][:2]
        return self._label_of(start, starts, "start"), self._label_of(end, ends, "end")

    def _label_of(self, node_id: str, candidates: tuple[str, ...], field: str) -> str:
        for label in candidates:
            if self.find(label, node_id) is not None:
                return label
        raise NotFound(" or ".join(candidates), node_id)

    def relate(self, rel_type: str, start: str, end: str, props: dict | None = None) -> dict:
        """Create the relationship, or replace its properties if it exists."""
        clean = validate_relationship(rel_type, props)
        if start == end and rel_type in ("REPORTS_TO", "INFLUENCES", "KNOWS", "PART_OF"):
            raise ValidationError("end", f"a {rel_type} relationship cannot point to itself")
        key = relationship_key(*self._spread(rel_type, start, end))
        stored = {k: v for k, v in clean.items() if v is not None}
        rows = self._write(f"relationship.merge:{key}", start=start, end=end, props=stored, now=utcnow())
        if not rows:  # an end vanished between the check and the write
            raise NotFound(rel_type, f"{start} -> {end}")
        return rows[0]["props"]

    def _spread(self, rel_type: str, start: str, end: str) -> tuple[str, str, str]:
        start_label, end_label = self._endpoint_labels(rel_type, start, end)
        return start_label, rel_type, end_label

    def get_relationship(self, rel_type: str, start: str, end: str) -> dict:
        key = relationship_key(*self._spread(rel_type, start, end))
        rows = self._read(f"relationship.get:{key}", start=start, end=end)
        if not rows:
            raise NotFound(rel_type, f"{start} -> {end}")
        return rows[0]["props"]

    def update_relationship(self, rel_type: str, start: str, end: str, changes: dict, *, version: int) -> dict:
        """Change a relationship's properties if it is still at ``version``."""
        current = self.get_relationship(rel_type, start, end)
        merged = {k: v for k, v in current.items() if k not in ("version", "created_at", "updated_at")}
        merged.update(changes)
        clean = validate_relationship(rel_type, {k: v for k, v in merged.items() if v is not None})
        clean = {k: clean.get(k) for k in changes}
        key = relationship_key(*self._spread(rel_type, start, end))
        rows = self._write(
            f"relationship.update:{key}", start=start, end=end, version=version, changes=clean, now=utcnow()
        )
        if rows:
            return rows[0]["props"]
        current = self.get_relationship(rel_type, start, end)
        raise Conflict(
            f"this {rel_type} relationship was changed by someone else (version {current.get('version')}, "
            f"you edited version {version})",
            current=current,
        )

    def unrelate(self, rel_type: str, start: str, end: str) -> None:
        key = relationship_key(*self._spread(rel_type, start, end))
        if not self._write(f"relationship.delete:{key}", start=start, end=end)[0]["n"]:
            raise NotFound(rel_type, f"{start} -> {end}")

    # -- interactions --------------------------------------------------------------

    def log_interaction(
        self, props: dict, *, user_ids: list[str], person_ids: list[str], opportunity_id: str | None = None
    ) -> dict:
        """Record a meeting, call, message or feedback, and refresh the recency
        of the relationships between the attendees and the people met."""
        clean = validate_node("Interaction", props)
        if not user_ids:
            raise ValidationError("user_ids", "name at least one of our people who attended")
        if not person_ids:
            raise ValidationError("person_ids", "name at least one stakeholder")
        for label, ids, field in (("User", user_ids, "user_ids"), ("Person", person_ids, "person_ids")):
            found = {row["id"] for row in self.get_many(label, ids)}
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(label, missing[0])
        if opportunity_id is not None:
            self.get("Opportunity", opportunity_id)
        node = self._new_props("Interaction", clean, None)
        rows = self._write(
            "interaction.log",
            props=node, user_ids=list(user_ids), person_ids=list(person_ids),
            opportunity_id=opportunity_id, at=node["at"], today=node["at"][:10], now=utcnow(),
        )
        return rows[0]["props"]

    def timeline(self, person_id: str, *, limit: int = 100) -> list[dict]:
        """The interactions with a person, newest first, with who attended."""
        return self._read("interaction.timeline", person_id=person_id, limit=limit)

    # -- lookups -------------------------------------------------------------------

    def people_of_account(self, account_id: str) -> list[dict]:
        return [row["props"] for row in self._read("person.by_account", account_id=account_id)]

    def opportunities_of_account(self, account_id: str) -> list[dict]:
        return [row["props"] for row in self._read("opportunity.by_account", account_id=account_id)]

    def account_of(self, label: str, id: str) -> str | None:
        """The account id an opportunity, person or account belongs to."""
        if label == "Account":
            return id if self.find("Account", id) else None
        statement = {"Opportunity": "opportunity.account_id", "Person": "person.account_id"}[label]
        rows = self._read(statement, id=id)
        return rows[0]["id"] if rows else None

    def user_by_username(self, username: str) -> dict | None:
        rows = self._read("user.by_username", username=username)
        return rows[0]["props"] if rows else None

    def member_accounts(self, user_id: str) -> set[str]:
        """Ids of the accounts a user is on the team of (directly or through a bid)."""
        return {row["id"] for row in self._read("access.member_accounts", user_id=user_id)}

    def search(self, query: str, *, limit: int = 50) -> dict:
        """Accounts and people whose name contains ``query`` (any case, any script)."""
        query = query.strip()[:100]
        if not query:
            return {"accounts": [], "people": []}
        accounts = [row["props"] for row in self._read("search.accounts", q=query, limit=limit)]
        people = [
            {**row["props"], "account_id": row["account_id"], "account_name": row["account_name"]}
            for row in self._read("search.people", q=query, limit=limit)
        ]
        return {"accounts": accounts, "people": people}

    # -- bulk ----------------------------------------------------------------------------

    def bulk_merge(
        self,
        nodes: Iterable[tuple[str, dict]],
        relationships: Iterable[tuple[str, str, str, dict]] = (),
        *,
        batch_size: int = 2000,
        validate: bool = True,
        create: bool = False,
    ) -> dict:
        """Upsert many nodes (keyed by ``id``) and relationships in batches.

        Used by the demo loader, imports and restore.  Each batch is one
        statement; a run of batches is not one transaction (callers that need
        all-or-nothing validate everything first, as ``validate=True`` does
        here before the first write).  ``create=True``: see :meth:`bulk_load`.
        """
        verb = "create" if create else "merge"
        by_label: dict[str, list[dict]] = defaultdict(list)
        labels: dict[str, str] = {}
        for label, props in nodes:
            _check_label(label)
            if validate:
                clean = validate_node(label, props)
                clean = {**{k: v for k, v in props.items() if k in ("password_hash",)}, **clean}
            else:
                clean = {k: v for k, v in props.items() if k not in ("version", "created_at", "updated_at")}
            row = {k: v for k, v in clean.items() if v is not None}
            row["id"] = _clean_id(props.get("id"))
            by_label[label].append(row)
            labels[row["id"]] = label
        by_key: dict[str, list[dict]] = defaultdict(list)
        validated: dict = {}
        for rel_type, start, end, props in relationships:
            _check_type(rel_type)
            clean = _validate_relationship_once(validated, rel_type, props) if validate else dict(props or {})
            start_label = labels.get(start) or self._label_of(start, RELATIONSHIP_TYPES[rel_type][0], "start")
            end_label = labels.get(end) or self._label_of(end, RELATIONSHIP_TYPES[rel_type][1], "end")
            if start_label not in RELATIONSHIP_TYPES[rel_type][0] or end_label not in RELATIONSHIP_TYPES[rel_type][1]:
                raise ValidationError("type", f"{rel_type} cannot run from {start_label} to {end_label}")
            row = {"start": start, "end": end, "props": {k: v for k, v in clean.items() if v is not None}}
            by_key[relationship_key(start_label, rel_type, end_label)].append(row)
        now = utcnow()
        counts = {"nodes": 0, "relationships": 0}
        for label, rows in by_label.items():
            for i in range(0, len(rows), batch_size):
                batch = rows[i : i + batch_size]
                self._write(f"node.{verb}_batch:{label}", rows=batch, now=now)
                counts["nodes"] += len(batch)
        for key, rows in by_key.items():
            for i in range(0, len(rows), batch_size):
                batch = rows[i : i + batch_size]
                self._write(f"relationship.{verb}_batch:{key}", rows=batch, now=now)
                counts["relationships"] += len(batch)
        return counts

    def bulk_load(
        self,
        nodes: Iterable[tuple[str, dict]],
        relationships: Iterable[tuple[str, str, str, dict]] = (),
        *,
        batch_size: int = 5000,
        validate: bool = True,
    ) -> dict:
        """Create many *new* nodes and relationships in batches (a fresh store,
        an import of new data): faster than :meth:`bulk_merge` because
        nothing is looked up before it is created (``bench/run`` reports the
        ratio).

        Each batch is one ``UNWIND`` statement.  An id that exists already is
        refused by the unique constraint (:class:`~graphcrm.errors.Conflict`)
        and its batch writes nothing; relationships are created as given, so
        a pair listed twice gets two relationships (use :meth:`bulk_merge`
        for data that may overlap what is stored).  Afterwards the database
        log is compacted (:meth:`compact`).  Returns the counts written.
        """
        counts = self.bulk_merge(nodes, relationships, batch_size=batch_size, validate=validate, create=True)
        self.compact()
        return counts

    def compact(self) -> None:
        """Compact the database's log so that the next start loads a snapshot
        instead of replaying every write (embedded FalkorDB; no-op on Neo4j)."""
        self.backend.compact()

    def change_stamp(self) -> str:
        """A value that changes after every write to this graph, by any
        process: results computed under one stamp hold while it is the same."""
        return self.backend.change_stamp()

    # -- loaders (format: graphcrm.graph.nxgraph) ------------------------------------------

    def _rows_to_graph(self, node_statement: str, rel_statement: str, params: dict, **attrs) -> nx.MultiDiGraph:
        with gc_paused():
            nodes = [(row["label"], row["props"]) for row in self._read(node_statement, **params)]
            rels = [
                (row["type"], row["start"], row["end"], row["props"])
                for row in self._read(rel_statement, **params)
            ]
            return build_graph(nodes, rels, loaded_at=utcnow(), **attrs)

    def account_graph(self, account_id: str) -> nx.MultiDiGraph:
        """One account with its people, our relationships, opportunities and interactions."""
        self.get("Account", account_id)
        return self._rows_to_graph(
            "load.account.nodes", "load.account.relationships", {"id": account_id},
            kind="account", account_id=account_id,
        )

    def opportunity_graph(self, opportunity_id: str) -> nx.MultiDiGraph:
        """One opportunity's buying center in the context of its account."""
        self.get("Opportunity", opportunity_id)
        account_id = self.account_of("Opportunity", opportunity_id)
        if account_id is None:
            raise NotFound("Account of opportunity", opportunity_id)
        G = self.account_graph(account_id)
        G.graph.update(kind="opportunity", opportunity_id=opportunity_id)
        return G

    def portfolio_graph(self) -> nx.MultiDiGraph:
        """Every account, person, user, opportunity and competitor with their
        relationships (no interactions: their recency is on RELATIONSHIP)."""
        return self._rows_to_graph("load.portfolio.nodes", "load.portfolio.relationships", {}, kind="portfolio")

    # -- status ----------------------------------------------------------------------

    def stats(self) -> dict:
        """Counts per label and per relationship type."""
        nodes = {label: 0 for label in LABELS}
        nodes.update({row["label"]: row["n"] for row in self._read("stats.labels")})
        relationships = {rel_type: 0 for rel_type in RELATIONSHIP_TYPES}
        relationships.update({row["type"]: row["n"] for row in self._read("stats.types")})
        return {
            "backend": self.backend_name,
            "location": self.location,
            "nodes": nodes,
            "relationships": relationships,
        }

    def clear(self) -> None:
        """Delete every node and relationship (tests, restore into a fresh store)."""
        self._write("graph.clear")
