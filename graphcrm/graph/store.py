"""GraphStore: the one storage API the rest of GraphCRM uses.

Every method runs named statements from ``cypher/`` through a backend
(:mod:`graphcrm.graph.backends`) and returns plain dicts, or a networkx
graph for the loaders (format: :mod:`graphcrm.graph.nxgraph`).  Inputs are
checked against the graph model first (:mod:`graphcrm.model`), so a bad
value is refused with a :class:`~graphcrm.errors.ValidationError` naming the
field before anything is written.

Writes that belong together are one statement, hence one transaction: a
failure leaves nothing half-written.  Every write goes through
:meth:`GraphStore._write` with its audit entry (:mod:`graphcrm.audit`), which
the same statement creates: the audit log holds exactly the writes made.  Every node and relationship carries a
``version``; updates take the version the caller read and a stale one is
refused with :class:`~graphcrm.errors.Conflict` holding what is stored now.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import networkx as nx

from graphcrm import audit, undo
from graphcrm.compliance import Decision, Policy, decide
from graphcrm.errors import Conflict, GraphCRMError, NotFound, StoreUnavailable, ValidationError
from graphcrm.graph.nxgraph import build_graph, gc_paused
from graphcrm.graph.statements import relationship_key
from graphcrm.model import (
    AUDIT_LABEL,
    FOLLOW_UP_DAYS,
    LABELS,
    RELATIONSHIP_TYPES,
    external_key,
    feedback_problem,
    map_positions_text,
    opens_follow_up,
    storable,
    validate_node,
    validate_relationship,
)

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


def _updated(current: dict, changes: dict, version: int) -> dict:
    """The whole property map after ``changes`` (None removes) to ``current``
    at ``version``: what the update statements write (see node.update)."""
    props = {k: v for k, v in {**current, **changes}.items() if v is not None}
    return props | {"version": version + 1, "updated_at": utcnow()}


#: what a merge that failed part-way leaves (it is not undone: it overwrote what was there)
_MERGE_AGAIN = "the database holds part of the backup: run the same restore with --merge again to complete it"


def _noted(failure: GraphCRMError, note: str) -> GraphCRMError:
    """``failure`` again, its message followed by ``note`` (what a restore left behind)."""
    if isinstance(failure, ValidationError):
        return ValidationError(failure.field, f"{failure.message}; {note}", problems=failure.problems)
    try:
        return type(failure)(f"{failure}; {note}")
    except TypeError:  # an error made of other parts (NotFound): the note alone would lose them
        return failure


def _changed_meanwhile(what: str, current: dict, version: int) -> Conflict:
    """The refusal of a save made on ``version`` of a record now at another, holding what is stored."""
    return Conflict(f"{what} was changed by someone else (version {current.get('version')}, "
                    f"you edited version {version})", current=current)


def _layout(account: dict) -> dict:
    """An account's saved map layout (:meth:`GraphStore.map_layout`) from its properties."""
    return {"positions": json.loads(account.get("map_positions") or "{}"),
            "version": account.get("map_positions_version") or 0}


def _interaction_nodes(*versions: dict) -> list[str]:
    """The people and opportunities of these versions of an interaction
    (:meth:`GraphStore.get_interaction`): the nodes whose accounts a write
    of it changes, before and after."""
    ids = [node_id for v in versions for node_id in (*v["person_ids"], v.get("opportunity_id")) if node_id]
    return list(dict.fromkeys(ids))


def _check_feedback(props: dict) -> None:
    """Refuse an interaction's properties that do not go together (:func:`graphcrm.model.feedback_problem`)."""
    problem = feedback_problem(props)
    if problem:
        raise ValidationError(*problem)


def _interaction_of(row: dict) -> dict:
    """An interaction as :meth:`GraphStore.find_interaction` gives it, from a row of its statements."""
    return {**row["props"], "user_ids": sorted(row["user_ids"]), "person_ids": sorted(row["person_ids"]),
            "opportunity_id": min(row["opportunity_ids"], default=None)}


def _decision_entries(decision: Decision, interaction_id: str) -> list[dict]:
    """The audit entries of a compliance decision that lets an interaction be written."""
    return [audit.entry(action, "Interaction", interaction_id, after=details)
            for action, details in decision.audit_details()]


def _undoing(entry_id: str | None) -> dict:
    """What an audit entry's ``after`` holds of the entry its write undoes (:meth:`GraphStore.undo_change`)."""
    return {"undoes": entry_id} if entry_id else {}


def _set_values(keys: list[str], values) -> dict:
    return {k: v for k, v in zip(keys, values, strict=True) if v is not None}


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

    def __init__(self, backend, *, on_close=None, policy=Policy):
        self.backend = backend
        self._on_close = on_close
        #: the compliance policy in force (a function: the rates an admin sets change while the app runs)
        self.policy = policy

    # -- life cycle ----------------------------------------------------------

    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def location(self) -> str:
        return self.backend.location

    def setup_schema(self) -> None:
        """Create the unique id constraints and lookup indexes that are missing,
        then fill in what older versions did not record (:meth:`fill_audit_ends`)
        (idempotent; several processes may run it at once).  On Neo4j this
        needs schema rights: ``graphcrm init`` runs it, the app does not."""
        self.backend.setup_schema()
        self.fill_audit_ends()

    def missing_schema(self) -> list[str] | None:
        """The constraints and indexes of the schema that are not there (empty
        when all are); None when the database user may not see them."""
        return self.backend.missing_schema()

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

    def _write(self, statement: str, *, audit: dict | list[dict], nodes: Iterable[str] | None = None,
               **params) -> list[dict]:
        """The write path of one statement: ``statement`` (which ends with the
        audit clause, see cypher/nodes.cypher) with ``audit``
        (:func:`graphcrm.audit.entry`).  Batches of a bulk write pass their
        entry the same way, through the backend's ``write_batches``
        (:meth:`merge_batches`), and may change any account.

        ``nodes``: the ids of the accounts, people and opportunities whose
        accounts the write changes, looked up before it (None: it may change
        any account; empty: none).  Only the stamps of those accounts move
        (:meth:`account_stamps`).  A write names its nodes only where what it
        changes shows in no other account's graph than theirs (see
        :meth:`account_graph_accounts`); deletes, users, competitors,
        interactions and bulk writes change them all.
        """
        scope = None
        if nodes is not None:
            ids = list(nodes)
            scope = self.accounts_of(ids) if ids else frozenset()
            if ids and not scope:  # nodes of no account (yet): anything may show them
                scope = None
        entries = audit if isinstance(audit, list) else [audit]
        return self.backend.run(statement, {**params, "audit": entries}, write=True, scope=scope)

    # -- nodes -----------------------------------------------------------------

    def create(self, label: str, props: dict, *, id: str | None = None) -> dict:
        """Create a node; return its stored properties (with ``id`` and ``version``)."""
        _check_label(label)
        clean = validate_node(label, props)
        node = self._new_props(label, clean, id)
        entry = audit.entry("create", label, node["id"], after=node)
        # a new node has no relationship yet: no account graph shows it
        return self._write(f"node.create:{label}", props=node, audit=entry, nodes=())[0]["props"]

    def _new_props(self, label: str, clean: dict, id: str | None) -> dict:
        now = utcnow()
        node_id = _clean_id(id) if id else new_id(label)
        stored = {k: v for k, v in clean.items() if v is not None}
        return {**stored, "id": node_id, "version": 1, "created_at": now, "updated_at": now}

    def _create_under(self, label: str, props: dict, id: str | None, statement: str, *, parent: tuple[str, str],
                      **params) -> dict:
        """The steps every create-under-a-parent shares: validate, audit, write
        the node with its link to ``parent`` (label, id) in one statement, and
        raise NotFound when the parent is not there."""
        parent_label, parent_id = parent
        key = f"{parent_label.lower()}_id"
        node = self._new_props(label, validate_node(label, props), id)
        rows = self._write(statement, nodes=[parent_id],
                           audit=audit.entry("create", label, node["id"], after={**node, key: parent_id}),
                           props=node, now=utcnow(), **{key: parent_id}, **params)
        if not rows:
            raise NotFound(parent_label, parent_id)
        return rows[0]["props"]

    def create_person(self, account_id: str, props: dict, *, id: str | None = None, since: str | None = None) -> dict:
        """Create a stakeholder working at ``account_id`` (both written together)."""
        works_at = validate_relationship("WORKS_AT", {"since": since})
        return self._create_under("Person", props, id, "person.create_at_account", parent=("Account", account_id),
                                  works_at={k: v for k, v in works_at.items() if v is not None})

    def create_people(self, account_id: str, people: list[tuple]) -> list[dict]:
        """Create stakeholders of ``account_id`` with their managers and who
        influences them, all or none, in one statement.  ``people``:
        ``(properties, manager)`` or ``(properties, manager, influencers)``; a
        manager is the id of a stored person or ``"row:N"``, the N-th (1-based)
        of ``people``; influencers are ids of stored people.  Returns the new
        people's properties."""
        nodes = [self._new_props("Person", validate_node("Person", entry[0]), None) for entry in people]
        ids = {f"row:{n}": node["id"] for n, node in enumerate(nodes, start=1)}
        rows = [{"id": node["id"], "props": node, "manager": ids.get(entry[1] or "", entry[1]),
                 "influencers": list(entry[2]) if len(entry) > 2 else []}
                for node, entry in zip(nodes, people, strict=True)]
        entries = [audit.entry("create", "Person", node["id"], after={**node, "account_id": account_id})
                   for node in nodes]
        entries += [audit.entry("relate", "REPORTS_TO", f"{row['id']}->{row['manager']}", after={})
                    for row in rows if row["manager"]]
        entries += [audit.entry("relate", "INFLUENCES", f"{other}->{row['id']}", after={"strength": 3})
                    for row in rows for other in row["influencers"]]
        # new people cannot close a cycle with stored ones, nor have a manager already
        written = self._write("person.create_many_at_account", nodes=[account_id], audit=entries,
                              account_id=account_id, people=rows, now=utcnow())
        if not written:
            raise NotFound("Account", account_id)
        return nodes

    def create_opportunity(self, account_id: str, props: dict, *, id: str | None = None) -> dict:
        """Create an opportunity for ``account_id`` (both written together)."""
        return self._create_under("Opportunity", props, id, "opportunity.create_for_account",
                                  parent=("Account", account_id))

    def create_account(self, props: dict, *, member_id: str | None = None, id: str | None = None) -> dict:
        """Create an account; ``member_id`` (a user) joins its team in the same write."""
        if member_id is None:
            return self.create("Account", props, id=id)
        clean = validate_node("Account", props)
        node = self._new_props("Account", clean, id)
        rows = self._write(
            "account.create_with_member", nodes=(),
            audit=audit.entry("create", "Account", node["id"], after={**node, "member_id": member_id}),
            props=node, user_id=member_id, now=utcnow(),
        )
        if not rows:
            raise NotFound("User", member_id)
        return rows[0]["props"]

    def create_competitor(self, opportunity_id: str, props: dict, *, id: str | None = None) -> dict:
        """Create a competitor competing for ``opportunity_id`` (both written together)."""
        return self._create_under("Competitor", props, id, "competitor.create_for_opportunity",
                                  parent=("Opportunity", opportunity_id))

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

    def update(self, label: str, id: str, changes: dict, *, version: int, undoes: str | None = None) -> dict:
        """Apply ``changes`` to the node if it is still at ``version``.

        A value of None removes the property.  Raises Conflict (with the
        stored properties) when somebody else saved in between.  ``undoes``:
        the audit entry this write reverts (:meth:`undo_change`), recorded in its own.
        """
        _check_label(label)
        clean = validate_node(label, {k: v for k, v in changes.items() if v is not None}, partial=True)
        clean.update({k: None for k, v in changes.items() if v is None})
        if not isinstance(version, int):
            raise ValidationError("version", "must be a whole number")
        current = self.get(label, id)
        entry = audit.entry(
            "update", label, id,
            before={k: current.get(k) for k in clean} | {"version": version},
            after=clean | {"version": version + 1} | _undoing(undoes),
        )
        statement = "user.update" if label == "User" else f"node.update:{label}"
        placed = [id] if label in ("Account", "Person", "Opportunity") else None  # users, competitors: anywhere
        rows = self._write(statement, audit=entry, nodes=placed, id=id, version=version,
                           props=_updated(current, clean, version))
        if rows:
            return rows[0]["props"]
        raise _changed_meanwhile(f"{label} {id!r}", self.get(label, id), version)

    #: deletes that take what belongs to the node along (see cypher/nodes.cypher)
    _CASCADES = {"Account": "account.delete", "Person": "person.delete"}

    def delete(self, label: str, id: str) -> None:
        """Delete a node and its relationships, in one write.

        An account goes with its people and opportunities; an account or a
        person goes with the interactions that met nobody else, so nothing
        is left dangling.
        """
        _check_label(label)
        before = self.get(label, id)
        if label in ("Person", "Opportunity"):  # the account's history finds it there (account_history)
            before = {**before, "account_id": self.account_of(label, id)}
        if label in ("Person", "Opportunity", "Competitor"):  # the map as it was puts them back (graphcrm.asof)
            before = {**before, "lines": self._read(f"history.lines_of:{label}", id=id)}
        entry = audit.entry("delete", label, id, before=before)
        if not self._write(self._CASCADES.get(label, f"node.delete:{label}"), audit=entry, id=id):
            raise NotFound(label, id)

    # -- merging duplicates ------------------------------------------------------

    #: what a merge never copies from the dropped record (the survivor keeps its own)
    _NOT_MERGED = ("id", "version", "created_at", "updated_at")

    def merge_people(self, keep_id: str, drop_id: str, *, keep_version: int, drop_version: int) -> dict:
        """Merge the person ``drop_id`` into ``keep_id``, in one write; return the survivor.

        Every line of the dropped person moves to the survivor (see
        cypher/merge.cypher for how a line both have is kept once); the
        survivor's values win and its empty ones are filled from the dropped
        person's; the dropped person is deleted and the audit entry
        (``merge``, ``merged_from``) keeps their history findable under the
        survivor (:meth:`audit_log`).  Refused with ValidationError when the
        two are one person, work at different accounts, or the merge would
        give the survivor two managers or close a reports-to cycle; with
        Conflict when either was changed since the versions given.
        """
        keep, drop = self._merged_pair("Person", keep_id, drop_id)
        account_id = self.account_of("Person", keep_id)
        if account_id is None or account_id != self.account_of("Person", drop_id):
            raise ValidationError("drop_id", f"{keep['name']} and {drop['name']} work at different accounts: "
                                             "only people of one account can be merged")
        self._check_merged_org_chart(keep, drop)
        return self._merge("Person", keep, drop, keep_version, drop_version,
                           nodes=[account_id, *self._merge_scope(drop_id)])

    def merge_accounts(self, keep_id: str, drop_id: str, *, keep_version: int, drop_version: int) -> dict:
        """Merge the account ``drop_id`` into ``keep_id``, in one write; return the survivor.

        As :meth:`merge_people`: every line of the dropped account (its
        people's WORKS_AT, its opportunities' FOR, our team's MEMBER_OF, its
        place in the account hierarchy) moves to the survivor, a line both
        have is kept once, the survivor's values win and its empty ones are
        filled, and the dropped account's history is found under the
        survivor (:meth:`audit_log`, :meth:`account_history`).  The people
        are not merged: two of one name, one from each account, are now two
        people of one name at the survivor, which the integrity report lists
        (:meth:`map_problems`) for :meth:`merge_people`.  A PART_OF line
        between the two goes with the dropped account.  Refused with
        ValidationError when the two are one account; with Conflict when
        either was changed since the versions given.
        """
        keep, drop = self._merged_pair("Account", keep_id, drop_id)
        # people, bids, team and hierarchy move: any account graph may show them
        return self._merge("Account", keep, drop, keep_version, drop_version, nodes=None)

    def _merged_pair(self, label: str, keep_id: str, drop_id: str) -> tuple[dict, dict]:
        """The survivor and the dropped record of a merge, refused when they are one."""
        if keep_id == drop_id:
            raise ValidationError("drop_id", f"a {LABELS[label][0].lower()} cannot be merged with itself")
        return self.get(label, keep_id), self.get(label, drop_id)

    def _merge(self, label: str, keep: dict, drop: dict, keep_version: int, drop_version: int, *,
               nodes: Iterable[str] | None) -> dict:
        """The steps every merge shares: check both versions, fill the
        survivor's empty values, audit, write ``node.merge`` (see
        cypher/merge.cypher), and raise Conflict or NotFound when either was
        changed or deleted in between."""
        for record, version in ((keep, keep_version), (drop, drop_version)):
            if record["version"] != version:
                raise _changed_meanwhile(f"{label} {record['id']!r}", record, version)
        merged = {k: v for k, v in drop.items() if k not in self._NOT_MERGED and v not in (None, "")}
        merged |= {k: v for k, v in keep.items() if v not in (None, "")}
        props = merged | {"version": keep_version + 1, "updated_at": utcnow()}
        keep_id, drop_id = keep["id"], drop["id"]
        entry = audit.entry("merge", label, keep_id, before={"survivor": keep, "dropped": drop},
                            after={"survivor": props, "merged_from": drop_id}) | {"merged_from": drop_id}
        rows = self._write(f"node.merge:{label}", audit=entry, nodes=nodes, keep_id=keep_id, drop_id=drop_id,
                           keep_version=keep_version, drop_version=drop_version, props=props, now=utcnow())
        if rows:
            return rows[0]["props"]
        for node_id, version in ((keep_id, keep_version), (drop_id, drop_version)):
            current = self.get(label, node_id)  # NotFound if deleted meanwhile
            if current["version"] != version:
                raise _changed_meanwhile(f"{label} {node_id!r}", current, version)
        raise NotFound(label, drop_id)

    def _check_merged_org_chart(self, keep: dict, drop: dict) -> None:
        """Refuse a merge that would give the survivor two formal managers or
        close a reports-to cycle (the rules :meth:`_check_org_chart` keeps)."""
        pair = (keep["id"], drop["id"])
        managers = {m["id"]: m["name"] for p in pair for m in self._read("org.manager_of", id=p) if m["id"] not in pair}
        if len(managers) > 1:
            raise ValidationError("drop_id", f"{keep['name']} would report to {' and '.join(managers.values())}: "
                                             "one formal manager per person; remove one of those lines first")
        for manager_id in managers:
            for person_id in pair:
                chain = self._read("org.chain_up", start=person_id, end=manager_id)
                if chain:
                    names = chain[0]["names"]  # the manager, ..., the person
                    raise ValidationError("drop_id", "this merge would close a reports-to cycle: "
                                          + " → ".join([keep["name"], *names[:-1], keep["name"]]))

    def lines_of(self, label: str, node_id: str) -> dict[str, int]:
        """How many lines of each relationship type a person or an account has (the merge pages)."""
        counts: dict[str, int] = defaultdict(int)
        for row in self._read(f"node.lines:{label}", id=node_id):
            counts[row["type"]] += 1
        return dict(counts)

    def _merge_scope(self, person_id: str) -> list[str]:
        """The nodes whose accounts a merge moving ``person_id``'s lines
        changes: the other ends, and who the interactions met or were about."""
        rows = self._read("node.lines:Person", id=person_id)
        return list(dict.fromkeys([person_id, *(node_id for row in rows for node_id in (row["id"], *row["beyond"]))]))

    # -- the team's layout of an account map ---------------------------------------------

    def map_layout(self, account_id: str) -> dict:
        """Where the team placed the nodes of an account's map:
        ``{"positions": {node id: [x, y]}, "version": n}`` (none saved: ``{}``, version 0)."""
        return _layout(self.get("Account", account_id))

    def save_map_positions(self, account_id: str, positions: dict | None, *, version: int) -> dict:
        """Keep ``positions`` (``{node id: [x, y]}``; None or empty: none, the
        automatic layout again) as the layout of an account's map, if it is
        still at ``version``; return the layout saved (:meth:`map_layout`).

        The layout has a version of its own (``map_positions_version``): the
        account's is left alone.  Refused with ValidationError for what
        :func:`graphcrm.model.map_positions` refuses (too many, not numbers...),
        with Conflict (holding the layout stored) when someone saved since
        ``version``.  Audited as ``layout``, with how many nodes were placed
        (not where: a map is arranged often, and its places are no fact about
        the account).
        """
        if isinstance(version, bool) or not isinstance(version, int):
            raise ValidationError("version", "must be a whole number")
        text = map_positions_text(positions) if positions else None
        placed = len(json.loads(text)) if text else 0
        current = self.map_layout(account_id)
        entry = audit.entry("layout", "Account", account_id,
                            before={"placed": len(current["positions"]), "map_positions_version": version},
                            after={"placed": placed, "map_positions_version": version + 1})
        rows = self._write("account.map_positions", audit=entry, nodes=[account_id], id=account_id,
                           positions=text, version=version)
        if rows:
            return {"positions": json.loads(rows[0]["positions"] or "{}"), "version": rows[0]["version"]}
        current = self.map_layout(account_id)  # NotFound if deleted meanwhile
        raise Conflict(f"the positions on the map of {account_id!r} were saved by someone else (version "
                       f"{current['version']}, you moved version {version})", current=current)

    def list_nodes(self, label: str, *, skip: int = 0, limit: int = 1000) -> list[dict]:
        """The nodes of ``label``, in id order: ``limit`` of them after the first ``skip``."""
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

    def relate(
        self, rel_type: str, start: str, end: str, props: dict | None = None, *, replace: bool = True,
        undoes: str | None = None,
    ) -> dict:
        """Create the relationship, or replace its properties if it exists.

        With ``replace=False`` an existing relationship is left alone and
        :class:`~graphcrm.errors.Conflict` (holding it) is raised: the check
        and the write are one statement, so two colleagues adding the same
        relationship cannot overwrite each other.
        """
        clean = validate_relationship(rel_type, props)
        if start == end and rel_type in ("REPORTS_TO", "INFLUENCES", "KNOWS", "PART_OF"):
            raise ValidationError("end", f"a {rel_type} relationship cannot point to itself")
        key = relationship_key(*self._spread(rel_type, start, end))
        if rel_type == "REPORTS_TO":
            self._check_org_chart(start, end)
        stored = {k: v for k, v in clean.items() if v is not None}
        before = self._read(f"relationship.get:{key}", start=start, end=end)
        entry = audit.entry("relate", rel_type, f"{start}->{end}",
                            before=before[0]["props"] if before else None, after=stored | _undoing(undoes))
        statement = "relationship.merge" if replace else "relationship.create"
        rows = self._write(f"{statement}:{key}", audit=entry, nodes=[start, end], start=start, end=end,
                           props=stored, now=utcnow())
        if rows:
            return rows[0]["props"]
        if not replace:  # someone may have created it since ``before`` was read: look again
            after = self._read(f"relationship.get:{key}", start=start, end=end)
            if after:
                raise Conflict(f"this {rel_type} relationship exists already", current=after[0]["props"])
        raise NotFound(rel_type, f"{start} -> {end}")  # an end vanished between the check and the write

    def _check_org_chart(self, start: str, end: str) -> None:
        """Refuse a ``start`` REPORTS_TO ``end`` line that would give ``start``
        a second formal manager or close a reports-to cycle, naming them."""
        other = [m for m in self._read("org.manager_of", id=start) if m["id"] != end]
        if other:
            raise ValidationError("end", f"{self.get('Person', start)['name']} reports to {other[0]['name']} "
                                         "already: one formal manager per person; remove that line first")
        chain = self._read("org.chain_up", start=start, end=end)
        if chain:
            names = chain[0]["names"]  # end, ..., start
            raise ValidationError("end", "this would close a reports-to cycle: " + " → ".join([names[-1], *names]))

    def _spread(self, rel_type: str, start: str, end: str) -> tuple[str, str, str]:
        start_label, end_label = self._endpoint_labels(rel_type, start, end)
        return start_label, rel_type, end_label

    def get_relationship(self, rel_type: str, start: str, end: str) -> dict:
        key = relationship_key(*self._spread(rel_type, start, end))
        rows = self._read(f"relationship.get:{key}", start=start, end=end)
        if not rows:
            raise NotFound(rel_type, f"{start} -> {end}")
        return rows[0]["props"]

    def update_relationship(self, rel_type: str, start: str, end: str, changes: dict, *, version: int,
                            undoes: str | None = None) -> dict:
        """Change a relationship's properties if it is still at ``version``."""
        current = self.get_relationship(rel_type, start, end)
        merged = {k: v for k, v in current.items() if k not in ("version", "created_at", "updated_at")}
        merged.update(changes)
        clean = validate_relationship(rel_type, {k: v for k, v in merged.items() if v is not None})
        clean = {k: clean.get(k) for k in changes}
        key = relationship_key(*self._spread(rel_type, start, end))
        entry = audit.entry(
            "update", rel_type, f"{start}->{end}",
            before={k: current.get(k) for k in clean} | {"version": version},
            after=clean | {"version": version + 1} | _undoing(undoes),
        )
        rows = self._write(
            f"relationship.update:{key}", audit=entry, nodes=[start, end], start=start, end=end, version=version,
            props=_updated(current, clean, version),
        )
        if rows:
            return rows[0]["props"]
        raise _changed_meanwhile(f"this {rel_type} relationship", self.get_relationship(rel_type, start, end), version)

    def unrelate(self, rel_type: str, start: str, end: str, *, undoes: str | None = None) -> None:
        """Remove the relationship (NotFound when it is not there)."""
        key = relationship_key(*self._spread(rel_type, start, end))
        before = self._read(f"relationship.get:{key}", start=start, end=end)
        entry = audit.entry("unrelate", rel_type, f"{start}->{end}", before=before[0]["props"] if before else None,
                            after=_undoing(undoes) or None)
        rows = self._write(f"relationship.delete:{key}", audit=entry, nodes=[start, end], start=start, end=end)
        if not rows[0]["n"]:
            raise NotFound(rel_type, f"{start} -> {end}")

    # -- people who move -----------------------------------------------------------

    def move_person(self, person_id: str, *, version: int, on: str, to_account_id: str | None = None,
                    title: str | None = None) -> dict:
        """A stakeholder leaves their account on ``on`` (an ISO date, not in the
        future) and, with ``to_account_id``, starts there the same day; a person
        who works nowhere we know of only starts at ``to_account_id``.

        The ended WORKS_AT becomes a WORKED_AT ``{since, until, title}``
        (graphcrm/model.py: WorkedAtProps); roles, interactions and our
        relationships stay with the person.  ``title``: their new title (None:
        the one they had).  Applies only to the person's ``version`` the caller
        read (Conflict otherwise); one statement with its audit entries: the
        leaving (target ``person->account``, action ``leave``), the joining
        (``join``) and the person's own change.  Returns the person.
        """
        if not isinstance(version, int):
            raise ValidationError("version", "must be a whole number")
        try:
            day = validate_relationship("WORKS_AT", {"since": on})["since"]
        except ValidationError as failure:
            raise ValidationError("on", failure.message) from None
        if day is None or day > datetime.now(timezone.utc).date().isoformat():
            raise ValidationError("on", "must be a date, not in the future: record a move once it has happened")
        person = self.get("Person", person_id)
        jobs = self.employment(person_id)
        current = next((j for j in jobs if j["current"]), None)
        if to_account_id is not None:
            _clean_id(to_account_id, "to_account_id")
            self.get("Account", to_account_id)
            if current and current["account_id"] == to_account_id:
                raise ValidationError("to_account_id", "is the account they work at already")
        elif current is None:
            raise ValidationError("to_account_id", "they work at no account now: name the account they joined")
        changes = {"title": title.strip() or None} if title is not None else {}
        clean = validate_node("Person", {k: v for k, v in changes.items() if v is not None}, partial=True)
        clean.update({k: None for k, v in changes.items() if v is None})
        props = _updated(person, clean, version)
        params: dict = {"id": person_id, "version": version, "props": props}
        entries = []
        if current:
            worked_at = self._worked_at(current, jobs, day, person.get("title"))
            params |= {"from_id": current["account_id"], "worked_at": worked_at}
            entries.append(audit.entry("leave", "WORKS_AT", f"{person_id}->{current['account_id']}",
                                       before=current["props"], after={**worked_at, "to_account_id": to_account_id}))
        if to_account_id:
            params |= {"to_id": to_account_id, "works_at": {"since": day, "version": 1, "created_at": utcnow(),
                                                           "updated_at": utcnow()}}
            entries.append(audit.entry("join", "WORKS_AT", f"{person_id}->{to_account_id}", after={
                "since": day, "from_account_id": current["account_id"] if current else None}))
        entries.append(audit.entry(
            "update", "Person", person_id,
            before={"account_id": current["account_id"] if current else None, "version": version}
            | {k: person.get(k) for k in clean},
            after={"account_id": to_account_id, "version": version + 1} | clean))
        statement = "person.move" if current and to_account_id else "person.leave" if current else "person.join"
        rows = self._write(statement, audit=entries, **params)
        if rows:
            return rows[0]["props"]
        raise _changed_meanwhile(f"Person {person_id!r}", self.get("Person", person_id), version)

    @staticmethod
    def _worked_at(current: dict, jobs: list[dict], until: str, title: str | None) -> dict:
        """The WORKED_AT an ending employment ``current`` becomes: from the
        first start there (an earlier WORKED_AT at the same account) to ``until``."""
        earlier = next((j for j in jobs if not j["current"] and j["account_id"] == current["account_id"]), None)
        starts = [s for s in (current["props"].get("since"), earlier and earlier["props"].get("since")) if s]
        since = min(starts) if starts else None
        if since and since > until:
            raise ValidationError("on", f"must not be before they started there ({since})")
        props = validate_relationship("WORKED_AT", {"since": since, "until": until, "title": title})
        now = utcnow()
        version = (earlier["props"].get("version") or 0) + 1 if earlier else 1
        created = earlier["props"].get("created_at", now) if earlier else now
        return {**{k: v for k, v in props.items() if v is not None}, "version": version, "created_at": created,
                "updated_at": now}

    def employment(self, person_id: str) -> list[dict]:
        """Where a person works and worked: ``{account_id, account_name, current,
        since, until, title, props}``, the current employment first, then the
        past ones, latest first."""
        rows = self._read("person.employment", id=person_id)
        jobs = [{"account_id": r["account_id"], "account_name": r["account_name"], "current": r["type"] == "WORKS_AT",
                 "since": r["props"].get("since"), "until": r["props"].get("until"), "title": r["props"].get("title"),
                 "props": r["props"]} for r in rows]
        past = sorted((j for j in jobs if not j["current"]), key=lambda j: j["until"] or "", reverse=True)
        return [j for j in jobs if j["current"]] + past

    def roles_elsewhere(self, person_id: str, account_id: str) -> list[dict]:
        """A person's roles in the bids of accounts other than ``account_id`` (those of
        an account they left): ``{id, name, stage, account_id, role}``, by bid name."""
        return self._read("person.roles_elsewhere", id=person_id, account_id=account_id)

    def former_employees(self) -> list[dict]:
        """Every ended employment (WORKED_AT) with the person's roles of champion
        or coach in the bids of that account and where they work now
        (:func:`graphcrm.moves.mover_alerts` makes the alerts)."""
        return self._read("moves.champions")

    # -- interactions --------------------------------------------------------------

    def log_interaction(
        self, props: dict, *, user_ids: list[str], person_ids: list[str], opportunity_id: str | None = None,
        id: str | None = None,
    ) -> dict:
        """Record a meeting, call, message or feedback, and refresh the recency
        of the relationships between the attendees and the people met.

        A feedback that calls for a follow-up (:func:`graphcrm.model.opens_follow_up`:
        a detractor's score or a negative sentiment) opens one (see
        :meth:`_follow_up`); it is closed by :meth:`close_follow_up`."""
        node, params, decision = self._new_interaction(props, user_ids, person_ids, opportunity_id, id)
        entry = audit.entry("log_interaction", "Interaction", node["id"], before=self._recency(user_ids, person_ids),
                            after={**node, "user_ids": list(user_ids), "person_ids": list(person_ids),
                                   "opportunity_id": opportunity_id})
        rows = self._write("interaction.log", audit=[entry, *_decision_entries(decision, node["id"])],
                           nodes=[*person_ids, *([opportunity_id] if opportunity_id else [])], **params)
        return rows[0]["props"]

    def close_follow_up(
        self, feedback_id: str, props: dict, *, user_ids: list[str], person_ids: list[str],
        opportunity_id: str | None = None, id: str | None = None,
    ) -> dict:
        """Log the interaction that answers the follow-up of a customer's
        feedback and close the follow-up with it (the feedback's
        ``follow_up_closed_by``), in one statement; return the new interaction.

        ``props`` must say what was done (``summary``).  Raises NotFound when
        there is no such feedback, ValidationError when it has no follow-up,
        Conflict (holding the feedback) when the follow-up is closed already;
        nothing is written then."""
        feedback = self.get_interaction(feedback_id)
        if not feedback.get("follow_up_owner"):
            raise ValidationError("follow_up", f"interaction {feedback_id!r} has no follow-up to close")
        if feedback.get("follow_up_closed_by"):
            raise Conflict(f"the follow-up of {feedback_id!r} was closed already by interaction "
                           f"{feedback['follow_up_closed_by']!r}", current=feedback)
        if not str(props.get("summary") or "").strip():
            raise ValidationError("summary", "say what was done to answer the feedback")
        node, params, decision = self._new_interaction(props, user_ids, person_ids, opportunity_id, id)
        links = {"user_ids": list(user_ids), "person_ids": list(person_ids), "opportunity_id": opportunity_id}
        entries = [
            audit.entry("log_interaction", "Interaction", node["id"], before=self._recency(user_ids, person_ids),
                        after={**node, **links, "closes": feedback_id}),
            audit.entry("update", "Interaction", feedback_id,
                        before={"follow_up_closed_by": None, "version": feedback["version"]},
                        after={"follow_up_closed_by": node["id"], "version": feedback["version"] + 1}),
            *_decision_entries(decision, node["id"]),
        ]
        rows = self._write("interaction.close_follow_up", audit=entries,
                           nodes=_interaction_nodes(feedback, links), follow_up_id=feedback_id,
                           closed_by=node["id"], **params)
        if not rows:
            raise Conflict(f"the follow-up of {feedback_id!r} was closed by someone else meanwhile",
                           current=self.get_interaction(feedback_id))
        return rows[0]["props"]

    def _new_interaction(self, props: dict, user_ids: list[str], person_ids: list[str], opportunity_id: str | None,
                         id: str | None) -> tuple[dict, dict, Decision]:
        """The steps logging an interaction shares with closing a follow-up:
        validate, check who and what it names, ask the compliance rule
        (:meth:`compliance_decision`), open the follow-up it calls for; the
        new node, the parameters of the logging statement and the decision."""
        clean = validate_node("Interaction", props)
        if clean.get("external_id"):
            clean["external_key"] = external_key(clean.get("external_source") or "", clean["external_id"])
        _check_feedback(clean)
        if clean.get("follow_up_closed_by"):
            raise ValidationError("follow_up_closed_by", "a follow-up is closed by logging the interaction that "
                                                         "answers it")
        self._check_participants(user_ids, person_ids, opportunity_id, kind=clean["kind"])
        decision = self.compliance_decision(clean, person_ids)
        clean = {**clean, **decision.flags()}
        node = self._new_props("Interaction", self._follow_up(clean, person_ids, user_ids), id)
        return node, dict(props=node, user_ids=list(user_ids), person_ids=list(person_ids),
                          opportunity_id=opportunity_id, at=node["at"], today=node["at"][:10], now=utcnow()), decision

    def _follow_up(self, props: dict, person_ids: list[str], user_ids: list[str]) -> dict:
        """``props`` of an interaction with the follow-up it calls for
        (:func:`graphcrm.model.opens_follow_up`) opened: its owner is the one
        given (a stored user), else a key-account manager on the team of the
        account of the people who gave the feedback, else the first of ours
        who attended; due :data:`~graphcrm.model.FOLLOW_UP_DAYS` days from
        today unless given.  An open follow-up it no longer calls for (its
        score or sentiment corrected) is removed (None); a closed one stays."""
        if not opens_follow_up(props):
            if props.get("follow_up_closed_by") or not props.get("follow_up_owner"):
                return props
            return {**props, "follow_up_owner": None, "follow_up_due": None}
        owner = props.get("follow_up_owner")
        if owner and not self.find("User", owner):
            raise ValidationError("follow_up_owner", f"{owner!r} is not one of our people")
        if not owner:
            rows = self._read("follow_up.default_owner", person_ids=sorted(person_ids))
            owner = rows[0]["id"] if rows else sorted(user_ids)[0]
        due = props.get("follow_up_due") or (datetime.now(timezone.utc).date()
                                             + timedelta(days=FOLLOW_UP_DAYS)).isoformat()
        return {**props, "follow_up_owner": owner, "follow_up_due": due}

    def _check_participants(self, user_ids: list[str], person_ids: list[str], opportunity_id: str | None, *,
                            kind: str | None = None) -> None:
        """Refuse an interaction without one of ours or one stakeholder (for a
        feedback: the customer person who gave it), or naming a user, person
        or opportunity that is not stored."""
        if not user_ids:
            raise ValidationError("user_ids", "name at least one of our people who attended")
        if not person_ids:
            raise ValidationError("person_ids", "name the customer person who gave the feedback" if kind == "feedback"
                                  else "name at least one stakeholder")
        for label, ids in (("User", user_ids), ("Person", person_ids)):
            found = {row["id"] for row in self.get_many(label, ids)}
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(label, missing[0])
        if opportunity_id is not None:
            self.get("Opportunity", opportunity_id)

    def _recency(self, user_ids: Iterable[str], person_ids: Iterable[str]) -> dict:
        """``{"recency": {"user->person": {"last_contact_at": ...} or None}}``:
        our relationships an interaction with these people refreshes, as they
        are before it (None: it makes the line).  Its audit entry keeps them,
        so that the map as it was shows the recency of then (graphcrm.asof)."""
        pairs = sorted({(u, p) for u in user_ids for p in person_ids})
        found = {f"{row['user_id']}->{row['person_id']}": {"last_contact_at": row["last_contact_at"]}
                 for row in self._read("history.recency", pairs=[list(pair) for pair in pairs])}
        return {"recency": {f"{u}->{p}": found.get(f"{u}->{p}") for u, p in pairs}}

    def find_interaction(self, interaction_id: str) -> dict | None:
        """An interaction's properties with who attended (``user_ids``), who
        it was with (``person_ids``), both sorted, and the opportunity it was
        about (``opportunity_id``, or None); None when there is no such interaction."""
        rows = self._read("interaction.get", id=interaction_id)
        return _interaction_of(rows[0]) if rows else None

    def get_interaction(self, interaction_id: str) -> dict:
        """:meth:`find_interaction`, raising NotFound when there is no such interaction."""
        found = self.find_interaction(interaction_id)
        if found is None:
            raise NotFound("Interaction", interaction_id)
        return found

    def update_interaction(self, interaction_id: str, changes: dict, *, user_ids: list[str], person_ids: list[str],
                           opportunity_id: str | None, version: int) -> dict:
        """Change an interaction if it is still at ``version``: its properties
        (``changes``, as for :meth:`update`: None removes a property),
        who of ours attended, who it was with and the opportunity it was about
        (None: none), all in one statement.

        Like :meth:`log_interaction` it refreshes the recency of the
        relationships between the attendees and the people met.  Taking a
        person or one of ours off the interaction does not undo the recency
        (nor the weak RELATIONSHIP) that logging it gave them, and moving it
        to an earlier time does not move a recency back.  Raises Conflict
        (holding the stored interaction, as :meth:`get_interaction` gives
        it) when somebody else saved in between.
        """
        clean = validate_node("Interaction", {k: v for k, v in changes.items() if v is not None}, partial=True)
        clean.update({k: None for k, v in changes.items() if v is None})
        for required in ("kind", "at"):
            if required in clean and clean[required] is None:
                raise ValidationError(required, "is required")
        if not isinstance(version, int):
            raise ValidationError("version", "must be a whole number")
        user_ids, person_ids = sorted(set(user_ids)), sorted(set(person_ids))
        current = self.get_interaction(interaction_id)
        links = {"user_ids": user_ids, "person_ids": person_ids, "opportunity_id": opportunity_id}
        if "follow_up_closed_by" in clean and clean["follow_up_closed_by"] != current.get("follow_up_closed_by"):
            raise ValidationError("follow_up_closed_by", "a follow-up is closed by logging the interaction that "
                                                         "answers it")
        after = {k: v for k, v in {**current, **clean}.items() if v is not None and k not in links}
        _check_feedback(after)
        self._check_participants(user_ids, person_ids, opportunity_id, kind=after.get("kind"))
        decision = self.compliance_decision(after, person_ids, interaction_id=interaction_id)
        clean.update({k: v for k, v in decision.flags().items() if current.get(k) != v})
        clean.update({k: v for k, v in self._follow_up(after, person_ids, user_ids).items() if after.get(k) != v})
        entry = audit.entry(
            "update", "Interaction", interaction_id,
            before={k: current.get(k) for k in (*clean, *links)} | {"version": version}
            | self._recency(user_ids, person_ids),
            after=clean | links | {"version": version + 1},
        )
        props = _updated({k: v for k, v in current.items() if k not in links}, clean, version)
        rows = self._write(
            "interaction.update", audit=[entry, *_decision_entries(decision, interaction_id)],
            nodes=_interaction_nodes(current, links),
            id=interaction_id, version=version, props=props, **links,
            at=props["at"], today=props["at"][:10], now=utcnow(),
        )
        if rows:
            return rows[0]["props"]
        raise _changed_meanwhile(f"Interaction {interaction_id!r}", self.get_interaction(interaction_id), version)

    def delete_interaction(self, interaction_id: str) -> None:
        """Delete an interaction and its ATTENDED / WITH / ABOUT lines, nothing
        else: the recency it gave our relationships stays."""
        before = self.get_interaction(interaction_id)
        entry = audit.entry("delete", "Interaction", interaction_id, before=before)
        if not self._write("node.delete:Interaction", audit=entry, nodes=_interaction_nodes(before),
                           id=interaction_id):
            raise NotFound("Interaction", interaction_id)

    def timeline(self, person_id: str, *, limit: int = 100) -> list[dict]:
        """The interactions with a person, newest first: ``props``, ``users``
        (who of ours attended), ``people`` (``[id, name, account id]`` of
        everyone it was with), and the opportunity it was about, if any
        (``opportunity_id``, ``opportunity_name``, ``opportunity_account_id``)."""
        return self._read("interaction.timeline", person_id=person_id, limit=limit)

    def contacts_between(self, since: str, until: str) -> list[tuple[str, str, str]]:
        """Who of ours met which stakeholder when, from ``since`` to ``until``
        (ISO moments, both included): ``(user id, person id, at)`` of every
        interaction they attended (the scorecard's maintenance)."""
        return [(row["user"], row["person"], row["at"])
                for row in self._read("interaction.contacts_between", since=since, until=until)]

    def follow_up_owners(self, feedback_id: str) -> list[dict]:
        """The users who may own the follow-up of a feedback: active, of a
        role that may change accounts (:data:`graphcrm.access.EDITORS`), on
        the team of every account the feedback belongs to (a member of the
        account or of one of its opportunities); by name."""
        from graphcrm.access import EDITORS

        accounts = self.node_accounts([feedback_id]).get(feedback_id, set())
        teams: dict[str, set[str]] = defaultdict(set)
        for row in self._read("account.team", accounts=sorted(accounts)):
            teams[row["account"]].add(row["user"])
        common = set.intersection(*(teams[a] for a in accounts)) if accounts else set()
        users = [u for u in self.get_many("User", sorted(common))
                 if u.get("active", True) and u.get("role") in EDITORS]
        return sorted(users, key=lambda u: (str(u.get("display_name") or u["username"]), u["id"]))

    def reassign_follow_up(self, feedback_id: str, *, owner: str, due: str, version: int,
                           today: str | None = None) -> dict:
        """Give the open follow-up of a customer's feedback another owner or
        due date, if the feedback is still at ``version``; audited as an
        update of the feedback.

        ``owner`` must be one of :meth:`follow_up_owners` (or who owns it
        now, to change only the due date), ``due`` a date
        (``2026-05-01``) not before ``today`` (default: today in UTC).
        Raises ValidationError naming the field, Conflict (holding the
        feedback) when its follow-up was closed or the feedback changed
        meanwhile; nothing is written then."""
        feedback = self.get_interaction(feedback_id)
        if not feedback.get("follow_up_owner"):
            raise ValidationError("follow_up", f"interaction {feedback_id!r} has no follow-up")
        if feedback.get("follow_up_closed_by"):
            raise Conflict(f"the follow-up of {feedback_id!r} is closed already", current=feedback)
        team = {u["id"] for u in self.follow_up_owners(feedback_id)}
        if owner != feedback["follow_up_owner"] and owner not in team:
            raise ValidationError("follow_up_owner", f"{owner!r} is not on the team of the feedback's account "
                                                     "(or may not answer feedback)")
        try:
            day = datetime.fromisoformat(str(due)).date().isoformat() if len(str(due)) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationError("follow_up_due", "must be a date like 2026-05-01")
        if day < (today or datetime.now(timezone.utc).date().isoformat()):
            raise ValidationError("follow_up_due", "must not be in the past")
        links = {k: feedback[k] for k in ("user_ids", "person_ids", "opportunity_id")}
        return self.update_interaction(feedback_id, {"follow_up_owner": owner, "follow_up_due": day}, **links,
                                       version=version)

    # -- tender compliance ------------------------------------------------------------

    def compliance_decision(self, props: dict, person_ids: Iterable[str], *,
                            interaction_id: str | None = None) -> Decision:
        """The compliance decision (:func:`graphcrm.compliance.decide`) on an
        interaction with validated ``props`` with the people of
        ``person_ids``: the one rule every path that writes an interaction
        obeys (the forms, the API, imports).

        Reads each person's compliance role, the opportunities of their
        account and the other gifts given to them in the interaction's
        calendar year up to its moment, so that a gift is judged by what was
        given before it, whenever it is logged (``interaction_id``: the
        interaction being edited, whose own gift is not counted twice).  A refusal is recorded in the audit
        log (``compliance_refused``) and raised as
        :class:`~graphcrm.compliance.ComplianceRefused`; nothing else is
        written.  The decision's flags and audit entries (an interaction
        allowed with a reason, a gift limit exceeded) go with the write of
        the interaction (:func:`_decision_entries`).
        """
        ids = sorted(set(person_ids))
        people = self._read("compliance.people", person_ids=ids)
        year = int(str(props["at"])[:4])
        gifts = {row["id"]: row["gifts"] for row in self._read(
            "compliance.gifts", person_ids=ids, since=f"{year:04d}-01-01", until=str(props["at"]),
            except_id=interaction_id or "")}
        decision = decide(props, [{**p, "gifts": gifts.get(p["id"], [])} for p in people], self.policy())
        if decision.refused is not None:
            target = interaction_id or "-"
            self._write("audit.record", nodes=(), audit=[
                audit.entry(action, "Interaction", target, after={**details, "kind": props.get("kind"),
                                                                  "at": props.get("at"), "person_ids": ids})
                for action, details in decision.audit_details()])
            raise decision.refused
        return decision

    def record_compliance(self, decision: Decision, interaction_id: str) -> None:
        """Add the audit entries of a compliance decision on an interaction
        written by a bulk write (an import), which carries only its own entry."""
        entries = _decision_entries(decision, interaction_id)
        if entries:
            self._write("audit.record", audit=entries, nodes=())

    def compliance_report(self, since: str, until: str) -> list[dict]:
        """The interactions from ``since`` to ``until`` (ISO dates, until
        exclusive) that recorded a gift or were flagged, newest first:
        ``props``, ``people`` (``[id, name, compliance role, account id,
        account name]``) and ``users`` (the names of ours who attended)."""
        rows = self._read("compliance.report", since=since, until=until)
        return [{**row, "people": [p for p in row["people"] if p[0] is not None]} for row in rows]

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

    def competitor_accounts(self, competitor_id: str) -> set[str]:
        """Ids of the accounts whose opportunities a competitor competes for."""
        return {row["id"] for row in self._read("competitor.account_ids", id=competitor_id)}

    def set_session_token(self, user_id: str, token: str, *, replace: bool = True) -> str:
        """Give the user a new session token (graphcrm.users: ends every
        session made with the old one), or with ``replace=False`` only when
        they have none; return the stored token.  The user's version stays."""
        entry = audit.entry("update", "User", user_id, after={"session_token": token})
        # the token is in no graph (graphcrm.graph.nxgraph leaves secrets out)
        rows = self._write("user.set_session_token", audit=entry, nodes=(), id=user_id, token=token, replace=replace)
        if not rows:
            raise NotFound("User", user_id)
        return rows[0]["token"]

    def user_by_username(self, username: str) -> dict | None:
        rows = self._read("user.by_username", username=username)
        return rows[0]["props"] if rows else None

    def set_api_tokens(self, user_id: str, tokens: str | None, *, before: str | None, change: dict) -> None:
        """Store the user's API tokens (graphcrm.tokens: JSON text) if they are
        still ``before``; ``change`` (``{"api_token": {...}}`` before and after,
        no secret in it) is what the audit entry shows.  The user's version stays."""
        entry = audit.entry("update", "User", user_id, before=change.get("before"), after=change.get("after"))
        rows = self._write("user.set_api_tokens", audit=entry, nodes=(), id=user_id, tokens=tokens, before=before)
        if not rows:
            self.get("User", user_id)  # NotFound when there is no such user
            raise Conflict("the API tokens were changed meanwhile: reload the page and try again")

    def user_by_api_token(self, token_hash: str) -> dict | None:
        """The user who holds the API token of this SHA-256 hash (hex), or None."""
        rows = self._read("user.by_api_token", hash=token_hash)
        return rows[0]["props"] if rows else None

    def users_with_api_tokens(self) -> list[dict]:
        """The users who hold API tokens, by username (with their secrets: for graphcrm.tokens only)."""
        return [row["props"] for row in self._read("user.with_api_tokens")]

    def log_interaction_once(self, external_source: str, external_id: str, props: dict, *, user_ids: list[str],
                             person_ids: list[str], opportunity_id: str | None = None) -> tuple[dict, bool]:
        """Log an interaction an integration sent with its own id for it
        (:meth:`log_interaction`) unless one was logged with this source and id:
        the interaction (as :meth:`get_interaction` gives it) and whether it is new.

        Two copies sent at the same moment both find none, and both write; the
        schema's unique constraint on ``external_key`` refuses the second write
        (Conflict, nothing of it stored), which then answers the first's."""
        key = external_key(external_source, external_id)
        logged = self._logged_with(key)
        if logged is None:
            props = {**props, "external_source": external_source, "external_id": external_id}
            try:
                new = self.log_interaction(props, user_ids=user_ids, person_ids=person_ids,
                                           opportunity_id=opportunity_id)
                return self.get_interaction(new["id"]), True
            except Conflict:
                logged = self._logged_with(key)
                if logged is None:
                    raise
        return self.get_interaction(logged), False

    def _logged_with(self, key: str) -> str | None:
        """The id of the interaction logged with this :func:`~graphcrm.model.external_key`, or None."""
        rows = self._read("interaction.by_external_key", key=key)
        return rows[0]["id"] if rows else None

    def records_changed_since(self, label: str, since: str, *, accounts: Iterable[str] | None = None,
                              skip: int = 0, limit: int = 100) -> list[dict]:
        """People or opportunities (``label``) changed at ``since`` or later, in the order they
        changed (then by id), each with ``account_id``: of ``accounts`` only (None: of every account)."""
        statement = {"Person": "person.changed_since", "Opportunity": "opportunity.changed_since"}[label]
        if accounts is None:
            rows = self._read(statement, since=since, skip=skip, limit=limit)
        else:
            rows = self._read(f"{statement}_in", accounts=sorted(accounts), since=since, skip=skip, limit=limit)
        return [{**row["props"], "account_id": row["account_id"]} for row in rows]

    def interactions_changed_since(self, since: str, *, accounts: Iterable[str] | None = None,
                                   visible: Iterable[str] | None = None, skip: int = 0,
                                   limit: int = 100) -> list[dict]:
        """Interactions changed at ``since`` or later, in the order they changed (then by id),
        each as :meth:`get_interaction` gives it: with people of ``accounts`` or about their
        opportunities (None: of every account), and of these only those all of whose accounts
        (:meth:`node_accounts`) are ``visible`` (None: any)."""
        if accounts is None:
            rows = self._read("interaction.changed_since", since=since, skip=skip, limit=limit)
        else:
            rows = self._read("interaction.changed_since_in", accounts=sorted(accounts), since=since, skip=skip,
                              limit=limit, visible=None if visible is None else sorted(visible))
        return [_interaction_of(row) for row in rows]

    def member_accounts(self, user_id: str) -> set[str]:
        """Ids of the accounts a user is on the team of (directly or through a bid)."""
        return {row["id"] for row in self._read("access.member_accounts", user_id=user_id)}

    def node_accounts(self, ids: Iterable[str], *, batch_size: int = 5000) -> dict[str, set[str]]:
        """The accounts each stored record belongs to (graphcrm/access.py);
        records with none are left out."""
        ids = list(dict.fromkeys(ids))
        accounts: dict[str, set[str]] = {}
        for i in range(0, len(ids), batch_size):
            for row in self._read("access.node_accounts", ids=ids[i:i + batch_size]):
                accounts.setdefault(row["id"], set()).add(row["account"])
        return accounts

    def search(self, query: str, *, accounts: Iterable[str] | None = None, limit: int = 50) -> dict:
        """Accounts and people whose name contains ``query`` (any case, any
        script), among ``accounts`` (None: all) and their people: the first
        ``limit`` of each that the searcher may see."""
        query = query.strip()[:100]
        if not query:
            return {"accounts": [], "people": []}
        within = None if accounts is None else sorted(accounts)
        found = [row["props"] for row in self._read("search.accounts", q=query, accounts=within, limit=limit)]
        people = [
            {**row["props"], "account_id": row["account_id"], "account_name": row["account_name"]}
            for row in self._read("search.people", q=query, accounts=within, limit=limit)
        ]
        return {"accounts": found, "people": people}

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
        by_label: dict[str, list[dict]] = defaultdict(list)
        labels: dict[str, str] = {}
        for label, props in nodes:
            _check_label(label)
            if validate:
                clean = validate_node(label, props)
                clean = {**{k: v for k, v in props.items() if k in ("password_hash",)}, **clean}
            else:
                clean = {k: storable(k, v) for k, v in props.items()
                         if k not in ("version", "created_at", "updated_at")}
            row = {k: v for k, v in clean.items() if v is not None}
            row["id"] = _clean_id(props.get("id"))
            by_label[label].append(row)
            labels[row["id"]] = label
        by_key: dict[str, list[dict]] = defaultdict(list)
        validated: dict = {}
        for rel_type, start, end, props in relationships:
            _check_type(rel_type)
            clean = (_validate_relationship_once(validated, rel_type, props) if validate
                     else {k: storable(k, v) for k, v in (props or {}).items()})
            start_label = labels.get(start) or self._label_of(start, RELATIONSHIP_TYPES[rel_type][0], "start")
            end_label = labels.get(end) or self._label_of(end, RELATIONSHIP_TYPES[rel_type][1], "end")
            if start_label not in RELATIONSHIP_TYPES[rel_type][0] or end_label not in RELATIONSHIP_TYPES[rel_type][1]:
                raise ValidationError("type", f"{rel_type} cannot run from {start_label} to {end_label}")
            row = {"start": start, "end": end, "props": {k: v for k, v in clean.items() if v is not None}}
            by_key[relationship_key(start_label, rel_type, end_label)].append(row)
        return self.merge_batches(by_label, by_key, batch_size=batch_size, create=create)

    def merge_batches(
        self,
        nodes: dict[str, list[dict]],
        relationships: dict[str, list[dict]],
        *,
        batch_size: int = 2000,
        progress=None,
        restore: bool = False,
        create: bool = False,
        action: str | None = None,
    ) -> dict:
        """Write checked rows in UNWIND batches: the write half of :meth:`bulk_merge`.

        ``nodes`` maps a label to rows of properties (each with ``id``);
        ``relationships`` maps a relationship key (``"Person:WORKS_AT:Account"``,
        see :func:`graphcrm.graph.statements.relationship_key`) to rows
        ``{"start", "end", "props"}``.  Rows must already be valid: nothing
        is checked here.  Nodes are upserted by id: versions go up, timestamps
        are set.  With ``restore=True`` the rows are written exactly as given
        (version and timestamps included) and replace every stored property.
        With ``create=True`` they are created without looking for stored ones
        (:meth:`bulk_load`).  ``progress(n)`` is called after each batch with the rows written.
        ``action`` names the batches in the audit log (default: restore,
        bulk_create or bulk_merge); an import that removes several properties
        of a node writes its whole property map with ``restore=True`` (see
        ``forget.person``) but is audited as ``bulk_merge``.
        """
        node_statement, rel_statement = (
            ("restore.nodes", "restore.relationships") if restore
            else ("node.create_batch", "relationship.create_batch") if create
            else ("node.merge_batch", "relationship.merge_batch")
        )
        now = utcnow()
        action = action or ("restore" if restore else "bulk_create" if create else "bulk_merge")

        def batches():  # (statement, parameters with the audit entry, (kind, rows))
            for kind, groups, statement in (
                ("nodes", nodes, node_statement), ("relationships", relationships, rel_statement)
            ):
                for key, rows in groups.items():
                    for i in range(0, len(rows), batch_size):
                        batch = rows[i : i + batch_size]
                        after = ({"ids": [row["id"] for row in batch]} if kind == "nodes"
                                 else {"pairs": [f"{row['start']}->{row['end']}" for row in batch]})
                        entry = audit.entry(action, key, f"{len(batch)} {kind}", after=after)
                        yield f"{statement}:{key}", {"rows": batch, "now": now, "audit": [entry]}, (kind, len(batch))

        counts = {"nodes": 0, "relationships": 0}
        for kind, n in self.backend.write_batches(batches()):
            counts[kind] += n
            if progress:
                progress(n)
        return counts

    def relationships_between(
        self, key: str, pairs: Iterable[tuple[str, str]], keys: Iterable[str] | None = (), *, batch_size: int = 5000
    ) -> dict:
        """The stored ``key`` relationships between ``(start, end)`` pairs, as
        ``{(start, end): {property: value}}`` with the properties ``keys``
        that are set (pairs without a relationship are left out).  With
        ``keys=None`` only which exist (their dicts are empty)."""
        rows = [{"start": s, "end": e} for s, e in pairs]
        keys = list(keys or ())
        statement = "transfer.relationships_exist" if not keys else "transfer.relationships_between"
        found = {}
        for i in range(0, len(rows), batch_size):
            for row in self._read(f"{statement}:{key}", pairs=rows[i : i + batch_size], keys=keys):
                found[(row["start"], row["end"])] = _set_values(keys, row.get("values", ()))
        return found

    def node_values(self, label: str, ids: Iterable[str], keys: Iterable[str], *, batch_size: int = 5000) -> dict:
        """The stored nodes of ``label`` among ``ids`` as ``{id: {property: value}}``
        with the properties ``keys`` that are set (``keys`` empty: only which exist)."""
        _check_label(label)
        ids, keys = list(ids), list(keys)
        found = {}
        for i in range(0, len(ids), batch_size):
            for row in self._read(f"transfer.node_values:{label}", ids=ids[i : i + batch_size], keys=keys):
                found[row["id"]] = _set_values(keys, row["values"])
        return found

    def outgoing(self, key: str, ids: Iterable[str], *, batch_size: int = 5000) -> list[tuple[str, str]]:
        """``(start, end)`` of the stored ``key`` relationships leaving the nodes ``ids``."""
        ids = list(ids)
        return [
            (row["start"], row["end"])
            for i in range(0, len(ids), batch_size)
            for row in self._read(f"transfer.outgoing:{key}", ids=ids[i : i + batch_size])
        ]

    def delete_batches(self, relationships: dict[str, list[dict]], *, batch_size: int = 2000, progress=None) -> int:
        """Delete relationships given as ``{key: [{"start", "end"}, ...]}`` in UNWIND batches."""
        deleted = 0
        for key, rows in relationships.items():
            for i in range(0, len(rows), batch_size):
                batch = rows[i : i + batch_size]
                entry = audit.entry("bulk_delete", key, f"{len(batch)} relationships",
                                    before={"pairs": [f"{row['start']}->{row['end']}" for row in batch]})
                deleted += self._write(f"transfer.delete_batch:{key}", audit=entry, rows=batch)[0]["n"]
                if progress:
                    progress(len(batch))
        return deleted

    def users_by_username(self, usernames: Iterable[str]) -> dict[str, dict]:
        """The users with these usernames, as ``{username: props}``."""
        rows = self._read("transfer.users_by_username", usernames=list(usernames))
        return {row["props"]["username"]: row["props"] for row in rows}

    def dump(self, *, batch_size: int = 5000, with_audit: bool = True):
        """Every node and relationship, for a backup: yields ``("node", label, props)``
        and ``("relationship", (start_label, type, end_label), start, end, props)``,
        page by page (nodes of a page, then the relationships leaving them),
        then, ``with_audit``, the audit log's entries as ``("node", "AuditEntry", props)``."""
        yield from self._dump_graph(batch_size)
        if with_audit:
            for props in self.audit_entries(batch_size=batch_size):
                yield "node", AUDIT_LABEL, props

    def audit_entries(self, *, batch_size: int = 5000):
        """Every audit entry (properties), page by page in id order."""
        after = ""
        while True:
            page = [row["props"] for row in self._read("backup.audit", after=after, limit=batch_size)]
            yield from page
            if len(page) < batch_size:
                return
            after = page[-1]["id"]

    def restore_audit(self, rows: list[dict], *, batch_size: int = 2000, progress=None) -> int:
        """Write audit entries as given (a restore), each relationship's with
        its end (those of a backup written before ends were recorded have none:
        :func:`graphcrm.audit.with_end`)."""
        written = 0
        for i in range(0, len(rows), batch_size):
            batch = [audit.with_end(row) for row in rows[i : i + batch_size]]
            entry = audit.entry("restore", AUDIT_LABEL, f"{len(batch)} nodes", after={"ids": [r["id"] for r in batch]})
            written += self._write("restore.audit", audit=entry, rows=batch)[0]["n"]
            if progress:
                progress(len(batch))
        return written

    def restore_backup(self, nodes: dict[str, list[dict]], relationships: dict[str, list[dict]],
                       entries: list[dict], *, undo: bool, progress=None) -> dict:
        """Write a checked backup (:func:`graphcrm.transfer.backup.read_backup`):
        nodes and relationships (:meth:`merge_batches` with ``restore=True``),
        then the audit entries (:meth:`restore_audit`); returns the counts.

        ``undo``: the database holds none of these nodes and entries (a
        restore into an empty database), so a failure part-way is undone:
        what was written is deleted again (:meth:`undo_restore`) and the error
        raised says so; if the database does not answer for that either, the
        error says that it holds part of the backup.  Without ``undo`` (a
        merge) the error says that running the restore again completes it.
        """
        try:
            # Not in the backend's bulk_writes, unlike bulk_load: the compaction at its end
            # rewrites the whole database's log, and made the restore of 100,000 people half
            # as slow again (bench/bench_restore.py; about 90 s instead of 55 s, loaded machine).
            with gc_paused():
                counts = self.merge_batches(nodes, relationships, restore=True, progress=progress)
                counts["audit_entries"] = self.restore_audit(entries, progress=progress)
                return counts
        except BaseException as failure:  # Ctrl-C included: nothing is left half-restored
            left = self._after_failed_restore(nodes, entries) if undo else _MERGE_AGAIN
            if isinstance(failure, GraphCRMError):
                raise _noted(failure, left) from None
            raise

    def _after_failed_restore(self, nodes: dict[str, list[dict]], entries: list[dict]) -> str:
        """Undo a restore into an empty database that failed; say what is left."""
        try:
            self.undo_restore(nodes, entries)
        except GraphCRMError as again:
            return (f"undoing it failed too ({again}): the database holds part of the backup; run the same "
                    "restore with --merge to complete it")
        return ("the restore stopped part-way and what it had written is removed again: the database is as "
                "before, run the restore again")

    def undo_restore(self, nodes: dict[str, list[dict]], entries: list[dict], *, batch_size: int = 2000,
                     patience: float = 120.0) -> int:
        """Delete the nodes (with their relationships) and audit entries a
        restore into an empty database wrote (:meth:`restore_backup`), as far
        as they are there; returns how many.  Each batch is a delete by id,
        so it can run again: while the database does not answer (it is being
        restarted after a crash) it is tried again for up to ``patience`` seconds."""
        deadline = time.monotonic() + patience
        while True:
            try:
                return self._delete_restored(nodes, entries, batch_size)
            except StoreUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)

    def _delete_restored(self, nodes: dict[str, list[dict]], entries: list[dict], batch_size: int) -> int:
        deleted = 0
        for label, rows in [*nodes.items(), (AUDIT_LABEL, entries)]:
            for i in range(0, len(rows), batch_size):
                batch = rows[i : i + batch_size]
                ids = [row["id"] for row in batch]
                entry = audit.entry("undo_restore", label, f"{len(batch)} nodes", after={"ids": ids})
                if label == AUDIT_LABEL:  # found through the index on ``at``
                    rows_of = [{"id": row["id"], "at": row["at"]} for row in batch]
                    deleted += self._write("restore.undo_audit", audit=entry, rows=rows_of)[0]["n"]
                else:
                    deleted += self._write(f"restore.undo_nodes:{label}", audit=entry, ids=ids)[0]["n"]
        return deleted

    def _dump_graph(self, batch_size: int):
        for label in LABELS:
            after = ""
            while True:
                page = [row["props"] for row in self._read(f"backup.nodes:{label}", after=after, limit=batch_size)]
                if not page:
                    break
                for props in page:
                    yield "node", label, props
                ids = [props["id"] for props in page]
                for row in self._read(f"backup.relationships:{label}", ids=ids):
                    key = (label, row["type"], row["end_label"])
                    yield "relationship", key, row["start"], row["end"], row["props"]
                after = ids[-1]

    def is_empty(self) -> bool:
        stats = self.stats()
        return not any(stats["nodes"].values()) and not any(stats["relationships"].values())

    def forget_person(self, person_id: str, *, by: str, placeholder: str, erased: tuple[str, ...]) -> dict:
        """Erase a person's personal data (the properties ``erased``; the name
        becomes ``placeholder``) and the notes of their interactions, keeping
        an anonymous placeholder (see ``forget.person`` in cypher/).  The
        audit history of the person and their interactions keeps who did what
        and when, but no longer the erased values.  Conflict if the person
        changed while being erased."""
        now = utcnow()
        current = self.get("Person", person_id)
        props = {k: v for k, v in current.items() if k not in erased}
        props.update(name=placeholder, erased_at=now, erased_by=by, version=current["version"] + 1, updated_at=now)
        entry = audit.entry("forget", "Person", person_id, after={"erased_by": by})
        rows = self._write("forget.person", audit=entry, id=person_id, version=current["version"], props=props,
                           erased=audit.ERASED, now=now)
        if not rows:
            raise Conflict(f"Person {person_id!r} was changed while it was being erased; try again")
        return {**rows[0]["props"], "interactions_erased": rows[0]["interactions"]}

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
        for data that may overlap what is stored).  The database log is not
        rewritten while the load runs, and compacted once afterwards
        (:meth:`compact`).  Returns the counts written.
        """
        # the collector paused as for the loaders (graphcrm.graph.nxgraph.gc_paused):
        # the rows are hundreds of thousands of small dicts (scale L: 2.9 -> 2.3 s to check them)
        with self.backend.bulk_writes(), gc_paused():
            return self.bulk_merge(nodes, relationships, batch_size=batch_size, validate=validate, create=True)

    def compact(self) -> None:
        """Compact the database's log so that the next start loads a snapshot
        instead of replaying every write (embedded FalkorDB; no-op on Neo4j)."""
        self.backend.compact()

    def change_stamp(self) -> str:
        """A value that changes after every write to this graph, by any
        process: results computed under one stamp hold while it is the same."""
        return self.backend.change_stamp()

    def account_stamps(self, account_ids: Iterable[str]) -> tuple[str, ...]:
        """Values that change after every write that changes one of these
        accounts (or may change any): a result computed from an account graph
        holds while the stamps of :meth:`account_graph_accounts` are the same."""
        return self.backend.account_stamps(account_ids)

    def accounts_of(self, ids: Iterable[str]) -> frozenset[str]:
        """The accounts of these nodes: an account itself, a person's
        employer, an opportunity's account (other nodes have none)."""
        return frozenset(row["id"] for row in self._read("node.accounts", ids=list(ids)))

    def account_graph_accounts(self, G: nx.MultiDiGraph) -> frozenset[str]:
        """The accounts whose writes can change the account graph ``G``: every
        account in it and the account of every person or opportunity in it
        (a stakeholder of another account with a role in one of its bids
        comes without their employer).  Together with ``*`` (the writes that
        may change any account) their stamps say when ``G`` is out of date."""
        accounts = {n for n, d in G.nodes(data=True) if d.get("label") == "Account"}
        placed = {u for u, _, t in G.edges(keys=True) if t in ("WORKS_AT", "FOR")}
        unplaced = [n for n, d in G.nodes(data=True) if d.get("label") in ("Person", "Opportunity") and n not in placed]
        return frozenset(accounts | (self.accounts_of(unplaced) if unplaced else set()))

    # -- loaders (format: graphcrm.graph.nxgraph) ------------------------------------------

    def _rows_to_graph(self, node_statement: str, rel_statements: str | tuple[str, ...], params: dict,
                       **attrs) -> nx.MultiDiGraph:
        # The relationship statements are asked for at once, each in a thread
        # of its own: the database computes them while this thread decodes the
        # nodes and adds them and the relationships that have come (at scale L
        # two of the portfolio's load time of five seconds, bench/run).  The
        # relationships are added in the order of the statements.
        # Each statement's rows are let go of once added (a fifth of the
        # portfolio's peak memory at scale L).
        rel_statements = (rel_statements,) if isinstance(rel_statements, str) else rel_statements
        replies: list = [None] * len(rel_statements)

        def read(i: int) -> None:
            replies[i] = self._read(rel_statements[i], **params)

        def relationships():
            for i, future in enumerate(pending):
                future.result()  # raises what the read raised
                rows, replies[i] = replies[i], None
                for row in rows:
                    yield row["type"], row["start"], row["end"], row["props"]

        with gc_paused(), ThreadPoolExecutor(max_workers=len(rel_statements)) as pool:
            pending = [pool.submit(read, i) for i in range(len(rel_statements))]
            nodes = [(row["label"], row["props"]) for row in self._read(node_statement, **params)]
            return build_graph(nodes, relationships(), loaded_at=utcnow(), **attrs)

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

    def owner_graph(self, user_id: str) -> nx.MultiDiGraph:
        """One of our people with their relationships, the stakeholders at the
        other end, where those work, their roles in deals and the feedback
        they gave, and the open follow-ups the user owns (with who gave the
        feedback and where they work): enough for the user's maintenance plan
        without loading the portfolio."""
        self.get("User", user_id)
        return self._rows_to_graph("load.owner.nodes", "load.owner.relationships", {"id": user_id},
                                   kind="owner", user_id=user_id)

    def portfolio_graph(self, *, for_analysis: bool = False) -> nx.MultiDiGraph:
        """Every account, person, user, opportunity and competitor with their
        relationships, and the customer feedback with the people who gave it
        (no other interactions: their recency is on RELATIONSHIP).

        ``for_analysis``: relationships carry only the properties
        :mod:`graphcrm.analysis` reads (``strength``, ``last_contact_at``,
        ``role``, ``influence``, ``stance``), which reads the portfolio in
        two thirds of the time; the analysis results are the same."""
        relationships = (tuple(f"load.portfolio.analysis_relationships.{part}"
                               for part in ("structure", "ties", "roles", "ours", "feedback"))
                         if for_analysis else "load.portfolio.relationships")
        return self._rows_to_graph("load.portfolio.nodes", relationships, {}, kind="portfolio")

    # -- analysis graphs and saved results (graphcrm/cache.py) ---------------------------

    def account_ids(self) -> list[str]:
        """The id of every account, in order."""
        return [row["id"] for row in self._read("analysis.accounts")]

    def analysis_graph(self, account_ids: Iterable[str]) -> nx.MultiDiGraph:
        """The analysis scope of these accounts (:mod:`graphcrm.analysis.parts`):
        what their parts of the portfolio report read, as in the portfolio graph
        loaded ``for_analysis``, so that each part is the same as from that graph."""
        accounts = sorted(set(account_ids))
        with gc_paused():
            people = [row["id"] for row in self._read("load.analysis.people", accounts=accounts)]
            nodes = [(row["label"], row["props"])
                     for row in self._read("load.analysis.nodes", accounts=accounts, people=people)]
            persons = [props["id"] for label, props in nodes if label == "Person"]
            rows = self._read("load.analysis.relationships", accounts=accounts, people=persons)
            relationships = [(r["type"], r["start"], r["end"], r["props"]) for r in rows]
            bids = self._read("load.analysis.bids", accounts=[props["id"] for label, props in nodes
                                                               if label == "Account"])
            nodes += [("Opportunity", r["props"]) for r in bids]
            relationships += [("FOR", r["props"]["id"], r["account"], {}) for r in bids]
            return build_graph(nodes, relationships, loaded_at=utcnow(), kind="analysis", accounts=accounts)

    def saved_results(self, keys: Iterable[str]) -> list[str | None]:
        """The texts :meth:`save_results` kept under these keys (None where none)."""
        return self.backend.results(list(keys))

    def save_results(self, results: dict[str, str]) -> None:
        """Keep computed results (texts by key) beside the graph, outside the
        graph model: they survive a restart, move no stamp, and are deleted
        with the graph.  Whoever reads them checks that they still hold."""
        self.backend.save_results(results)

    def forget_results(self) -> None:
        """Delete every result :meth:`save_results` kept (they are computed again when asked for)."""
        self.backend.forget_results()

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

    def integrity_problems(self) -> list[dict]:
        """What a half-finished write would leave behind: stakeholders without
        an account, opportunities without their account, interactions without
        attendee or stakeholder, nodes or relationships without id / version.
        Empty when the graph is consistent (``{"problem": ..., "id": ...}`` rows)."""
        return self._read("integrity.problems")

    def map_problems(self) -> list[dict]:
        """What breaks the map's rules in a database made before they were
        enforced: people with more than one manager, people in a reports-to
        cycle, people of one name at one account, accounts of one name
        (``{"problem", "id", "name"}`` rows; ``id`` lists the ids, space-separated)."""
        return self._read("integrity.map_problems")

    def same_name(self, label: str, name: str, *, account_id: str | None = None, except_id: str = "") -> list[dict]:
        """The accounts (``label="Account"``) or the people of ``account_id``
        (``label="Person"``) named ``name`` in any case, but ``except_id``."""
        if label == "Account":
            return [row["props"] for row in self._read("duplicates.accounts_named", name=name, other_than=except_id)]
        rows = self._read("duplicates.people_named", name=name, account_id=account_id, other_than=except_id)
        return [row["props"] for row in rows]

    def clear(self) -> None:
        """Delete every node and relationship but the audit log, which records
        the clearing (tests, restore into a fresh store).  On Neo4j in
        transactions of 10,000 nodes (cypher/neo4j/graph.cypher): one clear
        that fails part-way leaves the batches deleted by then, unrecorded."""
        self._write("graph.clear", audit=audit.entry("clear", "graph", "*"))

    # -- audit log -----------------------------------------------------------------

    def record_event(self, action: str, target_label: str, target_id: str, details: dict | None = None) -> None:
        """Add an audit entry for an event that writes nothing else (an export),
        as the acting user (:func:`graphcrm.audit.current_actor`)."""
        self._write("audit.record", audit=audit.entry(action, target_label, target_id, after=details), nodes=())

    #: the most records a name filter of the audit log stands for (:meth:`audit_log`)
    AUDIT_NAMED_MAX = 50

    def audit_log(
        self, *, actor: str | None = None, target: str | None = None, since: str | None = None,
        until: str | None = None, skip: int = 0, limit: int = 50, name: str | None = None,
    ) -> tuple[list[dict], int]:
        """Audit entries, newest first, and how many match in all.

        ``actor``: a user name; ``target``: a node id (``start->end`` for a
        relationship) or a label / type; ``name``: the entries of the people,
        accounts and opportunities whose name is ``name`` (through the name
        indexes), else that hold it in any case (a scan of the names; at most
        :data:`AUDIT_NAMED_MAX` of them; with ``target`` too,
        only ``target`` if it is one of them), and of their relationships
        (:func:`graphcrm.audit.entry`); ``since`` / ``until``: ISO dates or
        timestamps (``until`` exclusive).  Filters left None match anything.
        The entries of the people or accounts merged into a target
        (:meth:`merge_people`, :meth:`merge_accounts`) count as the target's own.
        """
        filters: dict = {"actor": actor or None, "since": since or None, "until": until or None}
        named = None
        if name:
            rows = self._read("audit.named", q=name) or self._read("audit.named_like", q=name,
                                                                     limit=self.AUDIT_NAMED_MAX)
            named = [row["id"] for row in rows][:self.AUDIT_NAMED_MAX]
            named = [target] if target in named else [] if target else named
            if not named:
                return [], 0
        if named:  # each filter has a statement that starts from its index (cypher/audit.cypher)
            by = "_by_names"
            filters["targets"] = [*named, *(m for i in named for m in self.merged_into(i))]
        elif target:
            by = "_by_target"
            filters |= {"target": target, "targets": [target, *self.merged_into(target)]}
        else:
            by = "_by_actor" if actor else ""
        rows = self._read(f"audit.list{by}", **filters, skip=max(0, int(skip)), limit=max(1, min(int(limit), 500)))
        return [row["props"] for row in rows], self._read(f"audit.count{by}", **filters)[0]["n"]

    def fill_audit_ends(self, *, batch_size: int = 10_000) -> int:
        """Give the relationship entries of the log written before their end
        was recorded (``target_end``, :func:`graphcrm.audit.entry`) that end,
        ``batch_size`` at a time (a transaction and an ``upgrade`` entry
        each); return how many.  An upgrade step, idempotent: with none left
        it reads the log once and writes nothing.  No account's stamp moves:
        no record changes."""
        filled = 0
        while self._read("audit.without_end")[0]["n"]:
            entry = audit.entry("upgrade", AUDIT_LABEL, "target_end", after={"batch": batch_size})
            filled += self._write("audit.fill_ends", audit=entry, nodes=(), limit=batch_size)[0]["n"]
        return filled

    def account_history(self, account_id: str, since: str) -> dict:
        """The audit entries of an account since ``since`` (an ISO date or
        timestamp), oldest first, and the display names they need.

        Returns ``{"entries": [...], "names": {id: name}, "users": {username:
        name}, "elsewhere": {id: [account id, ...]}}``: ``elsewhere`` holds
        the accounts of the named records of other accounts (the other end of
        a line, someone else met at an interaction), for access checks.

        Found: the entries whose target is the account, one of its people
        or opportunities, an interaction with one of its people
        (current ones found by traversal), a relationship with an end among
        them (``start->end`` targets: our relationships, roles in its bids,
        lines between people, team memberships), and those of the people,
        opportunities and interactions deleted since ``since`` (by the
        ``account_id`` of their delete entry, or of the entry that created
        them); the same for the accounts merged into it (:meth:`merge_accounts`).
        Not found: bulk writes (imports, restores: one entry per
        batch), and changes of a person made while they worked at another
        account.  Names come from the current graph, else from the entries
        themselves (an erased person's entries hold no name).
        """
        members = self._read("history.members", account_id=account_id)
        if not members:
            raise NotFound("Account", account_id)
        people = set(members[0]["people"])
        accounts = {account_id, *self.merged_into(account_id)}
        ids = {*accounts, *people, *members[0]["opportunities"], *members[0]["interactions"]}
        ids |= self._deleted_members(accounts, people, since)
        found = {row["props"]["id"]: row["props"]
                 for statement in ("history.entries", "history.relationship_entries")
                 for row in self._read(statement, ids=sorted(ids), since=since)}
        entries = sorted(found.values(), key=lambda e: (e["at"], e["id"]))
        named = self._history_names(entries)
        others = [i for i in named["names"] if i not in ids]
        elsewhere = self.node_accounts(others)
        for row in self._read("person.former_accounts", ids=others):  # a former employee: their old team sees them
            elsewhere.setdefault(row["id"], set()).add(row["account"])
        return {"entries": entries, **named, "elsewhere": {i: sorted(a) for i, a in elsewhere.items()}}

    def changed_accounts(self, since: str) -> dict[str, int]:
        """How many audit entries about each account, its people, bids and the
        lines among them were written since ``since`` (an ISO date or
        timestamp): ``{account id: entries}``.  A line counts for the accounts
        of both its ends; records deleted since, imports and restores (an
        entry per batch) are not counted."""
        counts = {row["target"]: row["n"] for row in self._read("history.targets_since", since=since)}
        accounts = self.node_accounts({node_id for target in counts for node_id in target.split("->")})
        changed: dict[str, int] = defaultdict(int)
        for target, n in counts.items():
            for account_id in set().union(*(accounts.get(node_id, ()) for node_id in target.split("->"))):
                changed[account_id] += n
        return dict(changed)

    def _deleted_members(self, accounts: set[str], people: set[str], since: str) -> set[str]:
        """Ids of the people, opportunities and interactions of ``accounts`` deleted since ``since``."""
        deleted = [row["props"] for row in self._read("history.deletions", since=since)]
        before = {e["target_id"]: json.loads(e.get("before") or "{}") for e in deleted}
        unplaced = [i for i, b in before.items() if "account_id" not in b and "person_ids" not in b]
        created = {row["id"]: json.loads(row["after"] or "{}")
                   for row in (self._read("history.creations", ids=unplaced) if unplaced else [])}
        found = {i for i, b in before.items()
                 if (b.get("account_id") or created.get(i, {}).get("account_id")) in accounts}
        people = people | found
        return found | {i for i, b in before.items() if set(b.get("person_ids") or ()) & people}

    def _history_names(self, entries: list[dict]) -> dict:
        ids = set()
        for entry in entries:
            ids.update(entry["target_id"].split("->"))
            for side in ("before", "after"):
                values = json.loads(entry.get(side) or "{}")
                ids.update(v for k in ("person_ids", "user_ids", "opportunity_id", "account_id")
                           for v in ((values.get(k) or []) if k.endswith("s") else [values.get(k)]) if v)
        names: dict[str, str] = {}
        for label in ("Person", "Opportunity", "Account", "User", "Competitor", "Interaction"):
            names |= {row["id"]: row["name"] for row in self._read(f"history.names:{label}", ids=sorted(ids))}
        usernames = sorted({entry["actor"] for entry in entries})
        users = {row["username"]: row["name"] for row in self._read("history.user_names", usernames=usernames)}
        return {"names": names, "users": users}

    def audit_names(self, entries: list[dict]) -> dict:
        """The display names an audit page needs: ``{"names": {id: name}, "users":
        {username: name}}`` for the ids in the entries' targets and values (any
        ``..._id``), and their actors (names from the current graph; a deleted
        record has none)."""
        named = self._history_names(entries)
        ids = {value for entry in entries for side in ("before", "after")
               for key, value in json.loads(entry.get(side) or "{}").items()
               if key.endswith("_id") and isinstance(value, str) and value not in named["names"]}
        for label in ("Account", "Person", "Opportunity") if ids else ():
            named["names"] |= {row["id"]: row["name"] for row in self._read(f"history.names:{label}", ids=sorted(ids))}
        return named

    def audit_entry(self, entry_id: str) -> dict:
        """One audit entry by its id (NotFound when there is none)."""
        rows = self._read("audit.get", id=entry_id)
        if not rows:
            raise NotFound(AUDIT_LABEL, entry_id)
        return rows[0]["props"]

    def undo_change(self, entry_id: str) -> dict | None:
        """Revert the change an audit entry records, with a new audited write
        that names it (``undoes``); the log itself is never edited.

        What can be undone and how: :mod:`graphcrm.undo`.  Raises
        ValidationError (field ``entry``) saying why a change cannot be undone,
        and Conflict naming what changed when the record is no longer as the
        change left it (as an edit on a stale version is refused).  Returns
        the node or relationship written (None for a removal).
        """
        entry = self.audit_entry(entry_id)
        step = undo.plan(entry)
        if "reason" in step:
            raise ValidationError("entry", undo.REASONS[step["reason"]])
        current = self._undo_target(step)
        changed = undo.changed_since(step, current)
        if changed:
            what = ", ".join(f"{c['field']} is now {c['now']!r} (the change left {c['wrote']!r})" for c in changed)
            raise Conflict(f"this cannot be undone: it was changed since: {what}", current=current)
        kind = step["kind"]
        if kind == "node":
            return self.update(step["label"], step["id"], step["values"], version=step["version"], undoes=entry_id)
        line = (step["type"], step["start"], step["end"])
        if kind == "line":
            return self.update_relationship(*line, step["values"], version=step["version"], undoes=entry_id)
        if kind == "unrelate":
            self.unrelate(*line, undoes=entry_id)
            return None
        return self.relate(*line, step["values"], replace=step["wrote"] is not None, undoes=entry_id)

    def _undo_target(self, step: dict) -> dict | None:
        """What an undo's target holds now (None: it is not there)."""
        if step["kind"] == "node":
            return self.find(step["label"], step["id"])
        try:
            return self.get_relationship(step["type"], step["start"], step["end"])
        except NotFound:
            if step["kind"] == "relate" and step["wrote"] is None:  # both ends must be there to make it again
                self._spread(step["type"], step["start"], step["end"])
            return None

    def merged_into(self, target_id: str) -> list[str]:
        """The ids merged into ``target_id``, and into those, and so on (:meth:`merge_people`,
        :meth:`merge_accounts`)."""
        found: list[str] = []
        todo = [target_id]
        while todo and len(found) < 1000:
            rows = self._read("audit.merged_into", target=todo.pop())
            new = [row["id"] for row in rows if row["id"] and row["id"] not in found and row["id"] != target_id]
            found += new
            todo += new
        return found
