// Relationship statements, one of each per allowed (start label, type, end label)
// (see graphcrm/graph/statements.py).  Between two nodes there is at most one
// relationship of a type; it carries version, created_at and updated_at.

// name: relationship.merge
// each: relationship
MATCH (a:__START__ {id: $start}), (b:__END__ {id: $end})
MERGE (a)-[r:__TYPE__]->(b)
ON CREATE SET r.created_at = $now, r.version = 0
SET r += $props, r.version = r.version + 1, r.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(r) AS props

// Create only: nothing is written when the relationship exists already.
// name: relationship.create
// each: relationship
MATCH (a:__START__ {id: $start}), (b:__END__ {id: $end})
WHERE NOT (a)-[:__TYPE__]->(b)
CREATE (a)-[r:__TYPE__]->(b)
SET r = $props, r.version = 1, r.created_at = $now, r.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(r) AS props

// name: relationship.get
// each: relationship
MATCH (:__START__ {id: $start})-[r:__TYPE__]->(:__END__ {id: $end})
RETURN properties(r) AS props

// Optimistic concurrency, as for nodes ($props: the whole new property map).
// name: relationship.update
// each: relationship
MATCH (:__START__ {id: $start})-[r:__TYPE__]->(:__END__ {id: $end})
WHERE r.version = $version
SET r = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(r) AS props

// name: relationship.delete
// each: relationship
MATCH (:__START__ {id: $start})-[r:__TYPE__]->(:__END__ {id: $end})
DELETE r
WITH count(*) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// name: relationship.merge_batch
// each: relationship
UNWIND $rows AS row
MATCH (a:__START__ {id: row.start}), (b:__END__ {id: row.end})
MERGE (a)-[r:__TYPE__]->(b)
ON CREATE SET r.created_at = $now, r.version = 0
SET r += row.props, r.version = r.version + 1, r.updated_at = $now
WITH count(r) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// Bulk load of new relationships (GraphStore.bulk_load): created between nodes
// found by id, no check for an existing relationship of the type.
// name: relationship.create_batch
// each: relationship
UNWIND $rows AS row
MATCH (a:__START__ {id: row.start}), (b:__END__ {id: row.end})
CREATE (a)-[r:__TYPE__]->(b)
SET r = row.props, r.version = 1, r.created_at = $now, r.updated_at = $now
WITH count(r) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n
