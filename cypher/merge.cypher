// Merging duplicate people (GraphStore.merge_people).
//
// person.merge moves every line of the dropped person onto the survivor and
// deletes the dropped person, in one statement (one transaction: all or
// nothing), if both are still at the versions the caller read.  One block per
// (direction, type, other label) of graphcrm.model.RELATIONSHIP_TYPES that
// touches a Person (tests/test_merge.py checks none is missing): types cannot
// be parameters, so the blocks are written out.  In each block, where the
// survivor has a line of that type to the same other end already, it is kept
// once: the survivor's properties win, the missing ones come from the dropped
// line; a RELATIONSHIP (our coverage) keeps the higher strength and the later
// last_contact_at of the two.  Lines between the two people themselves are not
// moved: they go with the dropped person (no self-loops).  $props: the
// survivor's whole new property map (its values win, its empty ones filled
// from the dropped person's).

// name: person.merge
MATCH (keep:Person {id: $keep_id}), (drop:Person {id: $drop_id})
WHERE keep.version = $keep_version AND drop.version = $drop_version
OPTIONAL MATCH (drop)-[r:WORKS_AT]->(o:Account)
OPTIONAL MATCH (keep)-[k:WORKS_AT]->(o)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (keep)-[n:WORKS_AT]->(o)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (drop)-[r:REPORTS_TO]->(o:Person)
WHERE o <> keep
OPTIONAL MATCH (keep)-[k:REPORTS_TO]->(o)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (keep)-[n:REPORTS_TO]->(o)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (o:Person)-[r:REPORTS_TO]->(drop)
WHERE o <> keep
OPTIONAL MATCH (o)-[k:REPORTS_TO]->(keep)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (o)-[n:REPORTS_TO]->(keep)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (drop)-[r:INFLUENCES]->(o:Person)
WHERE o <> keep
OPTIONAL MATCH (keep)-[k:INFLUENCES]->(o)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (keep)-[n:INFLUENCES]->(o)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (o:Person)-[r:INFLUENCES]->(drop)
WHERE o <> keep
OPTIONAL MATCH (o)-[k:INFLUENCES]->(keep)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (o)-[n:INFLUENCES]->(keep)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (drop)-[r:KNOWS]->(o:Person)
WHERE o <> keep
OPTIONAL MATCH (keep)-[k:KNOWS]->(o)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (keep)-[n:KNOWS]->(o)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (o:Person)-[r:KNOWS]->(drop)
WHERE o <> keep
OPTIONAL MATCH (o)-[k:KNOWS]->(keep)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (o)-[n:KNOWS]->(keep)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (drop)-[r:ROLE_IN]->(o:Opportunity)
OPTIONAL MATCH (keep)-[k:ROLE_IN]->(o)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (keep)-[n:ROLE_IN]->(o)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (o:User)-[r:RELATIONSHIP]->(drop)
OPTIONAL MATCH (o)-[k:RELATIONSHIP]->(keep)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (o)-[n:RELATIONSHIP]->(keep)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  SET n.strength = CASE WHEN moved.strength > n.strength THEN moved.strength ELSE n.strength END,
      n.last_contact_at = CASE WHEN moved.last_contact_at > n.last_contact_at
                          THEN moved.last_contact_at ELSE n.last_contact_at END
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (o:Competitor)-[r:RELATIONSHIP]->(drop)
OPTIONAL MATCH (o)-[k:RELATIONSHIP]->(keep)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (o)-[n:RELATIONSHIP]->(keep)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  SET n.strength = CASE WHEN moved.strength > n.strength THEN moved.strength ELSE n.strength END,
      n.last_contact_at = CASE WHEN moved.last_contact_at > n.last_contact_at
                          THEN moved.last_contact_at ELSE n.last_contact_at END
  DELETE r)
WITH DISTINCT keep, drop
OPTIONAL MATCH (o:Interaction)-[r:WITH]->(drop)
OPTIONAL MATCH (o)-[k:WITH]->(keep)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (o)-[n:WITH]->(keep)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  DELETE r)
WITH DISTINCT keep, drop
DETACH DELETE drop
SET keep = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(keep) AS props

// The lines of a person: their type and the id of the other end, with the
// people and opportunities an interaction at the other end was with or about
// (the merge page's counts; the accounts a merge changes).
// name: person.lines
MATCH (p:Person {id: $id})-[r]-(o)
OPTIONAL MATCH (o:Interaction)-[:WITH|ABOUT]->(x)
WHERE x <> p
RETURN type(r) AS type, startNode(r) = p AS outgoing, o.id AS id, collect(DISTINCT x.id) AS beyond

// The ids merged into $target (GraphStore.audit_log: the history of a survivor
// holds the history of the people merged into it).
// name: audit.merged_into
MATCH (e:AuditEntry)
WHERE e.action = 'merge' AND e.target_id = $target
RETURN e.merged_from AS id
