// Merging duplicates (GraphStore.merge_people, GraphStore.merge_accounts).
//
// node.merge moves every line of the dropped node onto the survivor and
// deletes the dropped node, in one statement (one transaction: all or
// nothing), if both are still at the versions the caller read.  Types cannot
// be parameters, so __LINES__ is written out as one block (the fragment
// merge.line) per (direction, type, other label) of
// graphcrm.model.RELATIONSHIP_TYPES that touches the label
// (graph/statements.py; tests/test_merge.py checks none is missing).  In each
// block, where the survivor has a line of that type to the same other end
// already, it is kept once: the survivor's properties win, the missing ones
// come from the dropped line; a RELATIONSHIP (our coverage) keeps the higher
// strength and the later last_contact_at of the two.  Lines between the two
// themselves are not moved: they go with the dropped node (no self-loops: a
// person reporting to their duplicate, an account part of its duplicate).
// $props: the survivor's whole new property map (its values win, its empty
// ones filled from the dropped node's).

// One kind of line, written for the lines out of the node; the blocks of the
// lines into it have each arrow reversed.
// fragment: merge.line
OPTIONAL MATCH (drop)-[r:__TYPE__]->(o:__OTHER__)
WHERE o <> keep
OPTIONAL MATCH (keep)-[k:__TYPE__]->(o)
WITH keep, drop, r, o, CASE WHEN r IS NULL THEN {} ELSE properties(r) END AS moved,
     CASE WHEN k IS NULL THEN {} ELSE properties(k) END AS kept
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  MERGE (keep)-[n:__TYPE__]->(o)
  SET n = moved
  SET n += kept
  SET n.version = coalesce(kept.version, moved.version, 0) + 1, n.updated_at = $now
  __RULE__
  DELETE r)
WITH DISTINCT keep, drop

// A type's own rule for a line both have, in place of __RULE__ above (a type
// without one: the survivor's properties win): our coverage, and a rival's,
// keep the higher strength and the later last contact of the two.
// fragment: merge.rule:RELATIONSHIP
  SET n.strength = CASE WHEN moved.strength > n.strength THEN moved.strength ELSE n.strength END,
      n.last_contact_at = CASE WHEN moved.last_contact_at > n.last_contact_at
                          THEN moved.last_contact_at ELSE n.last_contact_at END

// name: node.merge
// each: label
// except: User Opportunity Competitor Interaction
MATCH (keep:__LABEL__ {id: $keep_id}), (drop:__LABEL__ {id: $drop_id})
WHERE keep.version = $keep_version AND drop.version = $drop_version
__LINES__
DETACH DELETE drop
SET keep = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(keep) AS props

// The lines of a person or an account: their type and the id of the other
// end, with the people and opportunities an interaction at the other end was
// with or about (the merge page's counts; the accounts a merge changes).
// name: node.lines
// each: label
// except: User Opportunity Competitor Interaction
MATCH (p:__LABEL__ {id: $id})-[r]-(o)
OPTIONAL MATCH (o:Interaction)-[:WITH|ABOUT]->(x)
WHERE x <> p
RETURN type(r) AS type, startNode(r) = p AS outgoing, o.id AS id, collect(DISTINCT x.id) AS beyond

// The ids merged into $target (GraphStore.audit_log: the history of a survivor
// holds the history of the people or accounts merged into it).
// name: audit.merged_into
MATCH (e:AuditEntry)
WHERE e.action = 'merge' AND e.target_id = $target
RETURN e.merged_from AS id
