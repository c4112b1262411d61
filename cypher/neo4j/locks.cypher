// Neo4j: the writes that check something before they write take the write
// lock first.  Neo4j reads at read-committed isolation and locks only what a
// statement writes, when it writes it: two saves of one version would both
// read `version = $version` before either had written, and both pass (the
// lost update the version exists to prevent); two creates of one relationship
// would both find none.  `SET x._lock = true REMOVE x._lock` takes the lock
// and leaves nothing behind; the check after it reads what the transaction
// that held the lock committed.  (The embedded FalkorDB runs one write at a
// time, so the shared statements need no lock there.)
//
// Each statement here is the shared statement of its name with the lock
// clauses added (tests/test_neo4j.py checks that they do not drift apart).
// Property increments (`SET r.version = r.version + 1`, meta.bump) need no
// lock of ours: Neo4j takes it before such a read of the property it writes.

// name: node.update
// each: label
// except: User
MATCH (n:__LABEL__ {id: $id})
SET n._lock = true REMOVE n._lock
WITH n
WHERE n.version = $version
SET n = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(n) AS props

// name: user.update
MATCH (n:User {id: $id})
SET n._lock = true REMOVE n._lock
WITH n
WHERE n.version = $version
WITH n, n.session_token AS token, n.api_tokens AS api_tokens
SET n = $props
SET n.session_token = coalesce($props.session_token, token), n.api_tokens = api_tokens
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(n) AS props

// Both ends are locked, in the order of their ids (two writers locking the
// same two nodes in opposite orders would deadlock, and one be retried).
// name: relationship.create
// each: relationship
MATCH (a:__START__ {id: $start}), (b:__END__ {id: $end})
FOREACH (x IN CASE WHEN a.id <= b.id THEN [a, b] ELSE [b, a] END | SET x._lock = true REMOVE x._lock)
WITH a, b
WHERE NOT (a)-[:__TYPE__]->(b)
CREATE (a)-[r:__TYPE__]->(b)
SET r = $props, r.version = 1, r.created_at = $now, r.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(r) AS props

// name: relationship.update
// each: relationship
MATCH (:__START__ {id: $start})-[r:__TYPE__]->(:__END__ {id: $end})
SET r._lock = true REMOVE r._lock
WITH r
WHERE r.version = $version
SET r = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(r) AS props

// name: forget.person
MATCH (p:Person {id: $id})
SET p._lock = true REMOVE p._lock
WITH p
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

// name: interaction.update
MATCH (i:Interaction {id: $id})
SET i._lock = true REMOVE i._lock
WITH i
WHERE i.version = $version
SET i = $props
WITH i
OPTIONAL MATCH (u:User)-[a:ATTENDED]->(i)
WHERE NOT u.id IN $user_ids
WITH i, collect(a) AS gone
FOREACH (x IN gone | DELETE x)
WITH i
OPTIONAL MATCH (i)-[w:WITH]->(p:Person)
WHERE NOT p.id IN $person_ids
WITH i, collect(w) AS gone
FOREACH (x IN gone | DELETE x)
WITH i
OPTIONAL MATCH (i)-[b:ABOUT]->(o:Opportunity)
WHERE $opportunity_id IS NULL OR o.id <> $opportunity_id
WITH i, collect(b) AS gone
FOREACH (x IN gone | DELETE x)
WITH i
OPTIONAL MATCH (u:User)
WHERE u.id IN $user_ids
WITH i, collect(u) AS users
OPTIONAL MATCH (p:Person)
WHERE p.id IN $person_ids
WITH i, users, collect(p) AS people
OPTIONAL MATCH (o:Opportunity {id: $opportunity_id})
FOREACH (u IN users | MERGE (u)-[r:ATTENDED]->(i)
  ON CREATE SET r.version = 1, r.created_at = $now, r.updated_at = $now)
FOREACH (p IN people | MERGE (i)-[r:WITH]->(p)
  ON CREATE SET r.version = 1, r.created_at = $now, r.updated_at = $now)
FOREACH (x IN CASE WHEN o IS NULL THEN [] ELSE [o] END | MERGE (i)-[r:ABOUT]->(x)
  ON CREATE SET r.version = 1, r.created_at = $now, r.updated_at = $now)
FOREACH (u IN users | FOREACH (p IN people |
  MERGE (u)-[r:RELATIONSHIP]->(p)
  ON CREATE SET r.strength = 1, r.since = $today, r.version = 1, r.created_at = $now, r.updated_at = $now
  SET r.last_contact_at = CASE
    WHEN r.last_contact_at IS NULL OR r.last_contact_at < $at THEN $at
    ELSE r.last_contact_at END))
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(i) AS props

// Both records are locked, in the order of their ids, before their versions are checked.
// name: node.merge
// each: label
// except: User Opportunity Competitor Interaction
MATCH (keep:__LABEL__ {id: $keep_id}), (drop:__LABEL__ {id: $drop_id})
FOREACH (x IN CASE WHEN keep.id <= drop.id THEN [keep, drop] ELSE [drop, keep] END | SET x._lock = true REMOVE x._lock)
WITH keep, drop
WHERE keep.version = $keep_version AND drop.version = $drop_version
__LINES__
DETACH DELETE drop
SET keep = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(keep) AS props

// name: account.map_positions
MATCH (a:Account {id: $id})
SET a._lock = true REMOVE a._lock
WITH a
WHERE coalesce(a.map_positions_version, 0) = $version
SET a.map_positions = $positions, a.map_positions_version = $version + 1
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN a.map_positions AS positions, a.map_positions_version AS version
