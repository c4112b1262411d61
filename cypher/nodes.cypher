// Node statements, one of each per label (see graphcrm/graph/statements.py).
// Every node carries id, version, created_at and updated_at.

// name: node.create
// each: label
CREATE (n:__LABEL__)
SET n = $props
RETURN properties(n) AS props

// name: node.get
// each: label
MATCH (n:__LABEL__ {id: $id})
RETURN properties(n) AS props

// name: node.get_many
// each: label
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN properties(n) AS props

// Optimistic concurrency: the update applies only to the version the caller read.
// name: node.update
// each: label
MATCH (n:__LABEL__ {id: $id})
WHERE n.version = $version
SET n += $changes, n.version = n.version + 1, n.updated_at = $now
RETURN properties(n) AS props

// name: node.delete
// each: label
MATCH (n:__LABEL__ {id: $id})
WITH n, n.id AS id
DETACH DELETE n
RETURN id

// name: node.list
// each: label
MATCH (n:__LABEL__)
RETURN properties(n) AS props
ORDER BY n.id
SKIP $skip
LIMIT $limit

// name: node.count
// each: label
MATCH (n:__LABEL__)
RETURN count(n) AS n

// Bulk upsert keyed by id (demo data, imports, restore).  A row that changes
// nothing still counts as a write, so its version goes up.
// name: node.merge_batch
// each: label
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
ON CREATE SET n.created_at = $now, n.version = 0
SET n += row, n.version = n.version + 1, n.updated_at = $now
RETURN count(n) AS n

// name: person.by_account
MATCH (p:Person)-[:WORKS_AT]->(:Account {id: $account_id})
RETURN properties(p) AS props
ORDER BY p.name

// name: opportunity.by_account
MATCH (o:Opportunity)-[:FOR]->(:Account {id: $account_id})
RETURN properties(o) AS props
ORDER BY o.name

// name: opportunity.account_id
MATCH (:Opportunity {id: $id})-[:FOR]->(a:Account)
RETURN a.id AS id

// name: person.account_id
MATCH (:Person {id: $id})-[:WORKS_AT]->(a:Account)
RETURN a.id AS id

// name: user.by_username
MATCH (u:User {username: $username})
RETURN properties(u) AS props

// name: search.accounts
MATCH (n:Account)
WHERE toLower(n.name) CONTAINS toLower($q)
RETURN properties(n) AS props
ORDER BY n.name
LIMIT $limit

// name: search.people
MATCH (n:Person)
WHERE toLower(n.name) CONTAINS toLower($q)
   OR toLower(coalesce(n.title, '')) CONTAINS toLower($q)
OPTIONAL MATCH (n)-[:WORKS_AT]->(a:Account)
RETURN properties(n) AS props, a.id AS account_id, a.name AS account_name
ORDER BY n.name
LIMIT $limit

// A stakeholder and where they work, written together.
// name: person.create_at_account
MATCH (a:Account {id: $account_id})
CREATE (p:Person)
SET p = $props
CREATE (p)-[w:WORKS_AT]->(a)
SET w = $works_at, w.version = 1, w.created_at = $now, w.updated_at = $now
RETURN properties(p) AS props

// An opportunity and its account, written together.
// name: opportunity.create_for_account
MATCH (a:Account {id: $account_id})
CREATE (o:Opportunity)
SET o = $props
CREATE (o)-[f:FOR]->(a)
SET f.version = 1, f.created_at = $now, f.updated_at = $now
RETURN properties(o) AS props

// Bulk load of new nodes (GraphStore.bulk_load): CREATE without looking for an
// existing node first; an id that exists already violates the unique
// constraint and the whole batch is refused.
// name: node.create_batch
// each: label
UNWIND $rows AS row
CREATE (n:__LABEL__)
SET n = row, n.version = 1, n.created_at = $now, n.updated_at = $now
RETURN count(n) AS n
