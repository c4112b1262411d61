// Statements behind imports, backup / restore and the right to erasure
// (graphcrm/transfer/).  Every batch is one UNWIND statement, hence one
// transaction.

// The stored nodes among $ids with the values of the properties $keys: an
// import compares them with its rows so that unchanged rows are not written
// again (a list of the values it compares is much faster to read than every
// property).
// name: transfer.node_values
// each: label
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN id, [k IN $keys | n[k]] AS values

// The same for the relationships between given (start, end) pairs.
// name: transfer.relationships_between
// each: relationship
UNWIND $pairs AS row
MATCH (:__START__ {id: row.start})-[r:__TYPE__]->(:__END__ {id: row.end})
RETURN row.start AS start, row.end AS end, [k IN $keys | r[k]] AS values

// The same for rows without properties: only whether the relationship exists
// (returning no property map makes a large comparison much faster).
// name: transfer.relationships_exist
// each: relationship
UNWIND $pairs AS row
MATCH (:__START__ {id: row.start})-[:__TYPE__]->(:__END__ {id: row.end})
RETURN row.start AS start, row.end AS end

// The stored relationships leaving the given nodes: an import that holds the
// complete set of a node's relationships of a type (Salesforce's ReportsToId,
// ParentId, Opportunity.AccountId) removes the ones it no longer has.
// name: transfer.outgoing
// each: relationship
UNWIND $ids AS id
MATCH (:__START__ {id: id})-[:__TYPE__]->(b:__END__)
RETURN id AS start, b.id AS end

// name: transfer.delete_batch
// each: relationship
UNWIND $rows AS row
MATCH (:__START__ {id: row.start})-[r:__TYPE__]->(:__END__ {id: row.end})
DELETE r
WITH count(*) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// name: transfer.users_by_username
UNWIND $usernames AS username
MATCH (u:User {username: username})
RETURN properties(u) AS props

// Backup: the nodes of a label in pages ordered by id (keyset: ids after $after).
// name: backup.nodes
// each: label
MATCH (n:__LABEL__)
WHERE n.id > $after
RETURN properties(n) AS props
ORDER BY n.id
LIMIT $limit

// Backup: every relationship leaving the given nodes of a label.
// name: backup.relationships
// each: label
UNWIND $ids AS id
MATCH (a:__LABEL__ {id: id})-[r]->(b)
RETURN a.id AS start, type(r) AS type, labels(b)[0] AS end_label, b.id AS end, properties(r) AS props

// Backup: the audit log in pages ordered by id.
// name: backup.audit
MATCH (e:AuditEntry)
WHERE e.id > $after
RETURN properties(e) AS props
ORDER BY e.id
LIMIT $limit

// Restore: the audit entries of a backup, as they were (restore leaves out
// the ones the database holds already).
// name: restore.audit
UNWIND $rows AS row
CREATE (n:AuditEntry)
SET n = row
WITH count(n) AS written
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// Restore: nodes with exactly the stored properties (id, version and
// timestamps included); an existing node of the id is overwritten (--merge).
// name: restore.nodes
// each: label
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n = row
WITH count(n) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// name: restore.relationships
// each: relationship
UNWIND $rows AS row
MATCH (a:__START__ {id: row.start}), (b:__END__ {id: row.end})
MERGE (a)-[r:__TYPE__]->(b)
SET r = row.props
WITH count(r) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// Undoing a restore into an empty database that failed part-way
// (GraphStore.undo_restore): the nodes it wrote, with their relationships.
// A batch deletes what of it is there, so it can run again.
// name: restore.undo_nodes
// each: label
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
DETACH DELETE n
WITH count(*) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// The same for the audit entries it copied from the backup (not its own,
// which record the writes made, nor those the database held before), found
// through the index on `at`.
// name: restore.undo_audit
UNWIND $rows AS row
MATCH (n:AuditEntry {at: row.at})
WHERE n.id = row.id
DELETE n
WITH count(*) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// Right to erasure: the person keeps its id, relationships, influence, stance,
// seniority and department (an anonymous placeholder for the analysis); its
// name becomes $placeholder, every other personal property is removed, the
// notes of its interactions are emptied, and who erased it and when is kept.
// The audit history of the person and of those interactions loses its before
// and after values ($erased instead), since they hold the erased data.
// $props is the person's whole new property map (the store works it out),
// written only if the person is still at $version: FalkorDB 4.16 mixes up the
// other properties when one SET removes several (SET p.a = NULL, p.b = NULL or
// SET p += {a: null, b: null} keeps some, drops others such as created_at).
// name: forget.person
MATCH (p:Person {id: $id})
WHERE p.version = $version
SET p = $props
WITH p
OPTIONAL MATCH (i:Interaction)-[:WITH]->(p)
WITH p, collect(i) AS interactions
FOREACH (i IN interactions | SET i.summary = '', i.version = i.version + 1, i.updated_at = $now)
WITH p, interactions, [i IN interactions | i.id] + [p.id] AS targets
UNWIND targets AS target
OPTIONAL MATCH (h:AuditEntry {target_id: target})
WITH p, interactions, collect(h) AS history
FOREACH (h IN history | SET h.before = CASE WHEN h.before IS NULL THEN NULL ELSE $erased END,
                            h.after = CASE WHEN h.after IS NULL THEN NULL ELSE $erased END)
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(p) AS props, size(interactions) AS interactions
