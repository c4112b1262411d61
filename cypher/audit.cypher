// The audit log (graphcrm/audit.py).  Entries are created by the audit clause
// of every write statement; audit.record adds one for an event that writes
// nothing else (an export).  No statement deletes an entry; forget.person alone
// blanks the erased values in the history of the person it erases.

// name: audit.record
UNWIND $audit AS entry
CREATE (e:AuditEntry)
SET e = entry
RETURN e.id AS id

// The admin page's list (GraphStore.audit_log), newest first, and the count.
// Filters are optional (null: any); $since / $until are ISO timestamps
// (until exclusive).  $target matches the id or the label of what changed,
// $targets is $target with the ids merged into it (GraphStore.merged_into).
// Each statement starts from the index of the filter that narrows most
// (AuditEntry target_id and target_label, else actor, else at; checked with
// EXPLAIN in tests/test_store.py), so none reads the whole log for a
// filtered page; without filters, Neo4j reads the page off the index on at
// in order (FalkorDB still sorts).  The page is sorted and cut before the
// entries' properties are read: Neo4j otherwise built the map of every
// matching entry (0.6 s for a person with 2,000 entries at scale L,
// bench/bench_audit.py).
// name: audit.list
MATCH (e:AuditEntry)
WHERE e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
WITH e
ORDER BY e.at DESC
SKIP $skip
LIMIT $limit
RETURN properties(e) AS props

// name: audit.list_by_actor
MATCH (e:AuditEntry {actor: $actor})
WHERE e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
WITH e
ORDER BY e.at DESC
SKIP $skip
LIMIT $limit
RETURN properties(e) AS props

// name: audit.list_by_target
CALL {
  MATCH (e:AuditEntry) WHERE e.target_id IN $targets RETURN e
  UNION
  MATCH (e:AuditEntry) WHERE e.target_label = $target RETURN e
}
WITH e
WHERE ($actor IS NULL OR e.actor = $actor) AND e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
WITH e
ORDER BY e.at DESC
SKIP $skip
LIMIT $limit
RETURN properties(e) AS props

// name: audit.count
MATCH (e:AuditEntry)
WHERE e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
RETURN count(e) AS n

// name: audit.count_by_actor
MATCH (e:AuditEntry {actor: $actor})
WHERE e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
RETURN count(e) AS n

// name: audit.count_by_target
CALL {
  MATCH (e:AuditEntry) WHERE e.target_id IN $targets RETURN e
  UNION
  MATCH (e:AuditEntry) WHERE e.target_label = $target RETURN e
}
WITH e
WHERE ($actor IS NULL OR e.actor = $actor) AND e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
RETURN count(e) AS n

// One entry by its id (index on AuditEntry.id): the change an undo reverts.
// name: audit.get
MATCH (e:AuditEntry {id: $id})
RETURN properties(e) AS props

// The people, accounts and opportunities of a name (the audit page's name
// filter): first those of exactly that name, through the name indexes (a few
// milliseconds at scale L) ...
// name: audit.named
MATCH (n:Person {name: $q})
RETURN n.id AS id
UNION
MATCH (n:Account {name: $q})
RETURN n.id AS id
UNION
MATCH (n:Opportunity {name: $q})
RETURN n.id AS id

// ... else any whose name holds $q in any case (Chinese has none): a scan of
// the names (0.3-0.6 s at scale L: bench/bench_audit.py), LIMIT $limit.
// name: audit.named_like
CALL {
  MATCH (n:Person) WHERE toLower(n.name) CONTAINS toLower($q) RETURN n.id AS id
  UNION
  MATCH (n:Account) WHERE toLower(n.name) CONTAINS toLower($q) RETURN n.id AS id
  UNION
  MATCH (n:Opportunity) WHERE toLower(n.name) CONTAINS toLower($q) RETURN n.id AS id
}
RETURN id
LIMIT $limit

// The entries of a name's records (GraphStore.audit_log with a name): those
// whose target is one of $targets, and those of the relationships starting
// there (the range of target_id 'id->' to 'id->~': ids hold no '~') or ending
// there (target_end), all through indexes.
// name: audit.list_by_names
CALL {
  MATCH (e:AuditEntry) WHERE e.target_id IN $targets RETURN e
  UNION
  UNWIND $targets AS t
  MATCH (e:AuditEntry) WHERE e.target_id >= t + '->' AND e.target_id < t + '->~' RETURN e
  UNION
  UNWIND $targets AS t
  MATCH (e:AuditEntry {target_end: t}) RETURN e
}
WITH e
WHERE ($actor IS NULL OR e.actor = $actor) AND e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
WITH e
ORDER BY e.at DESC
SKIP $skip
LIMIT $limit
RETURN properties(e) AS props

// name: audit.count_by_names
CALL {
  MATCH (e:AuditEntry) WHERE e.target_id IN $targets RETURN e
  UNION
  UNWIND $targets AS t
  MATCH (e:AuditEntry) WHERE e.target_id >= t + '->' AND e.target_id < t + '->~' RETURN e
  UNION
  UNWIND $targets AS t
  MATCH (e:AuditEntry {target_end: t}) RETURN e
}
WITH e
WHERE ($actor IS NULL OR e.actor = $actor) AND e.at >= coalesce($since, '') AND e.at < coalesce($until, '~')
RETURN count(e) AS n

// The upgrade step that gives the relationship entries written before
// target_end was recorded their end (GraphStore.fill_audit_ends): $limit
// entries at a time, each batch a transaction of its own with an entry of
// its own (action 'upgrade'); none left: 0.
// name: audit.fill_ends
MATCH (e:AuditEntry)
WHERE e.target_end IS NULL AND e.target_id CONTAINS '->'
WITH e
LIMIT $limit
SET e.target_end = split(e.target_id, '->')[1]
WITH count(e) AS n
FOREACH (entry IN $audit | CREATE (a:AuditEntry) SET a = entry)
RETURN n

// How many relationship entries have no end yet (GraphStore.fill_audit_ends
// writes only when some have: one read of the log).
// name: audit.without_end
MATCH (e:AuditEntry)
WHERE e.target_end IS NULL AND e.target_id CONTAINS '->'
RETURN count(e) AS n
