// The change stamps on Neo4j (GraphStore.change_stamp, GraphStore.account_stamps),
// moved by every write in the write's own transaction (Neo4jBackend.run).
// The change stamp is a counter on a node of its own; ``epoch`` is set when
// that node is created, so that a dropped database never repeats an earlier
// stamp.  Each account stamp is a counter on a node of its own too
// ('account-stamp:' + the account id, or '*' for the writes that may change
// any account), read with the change stamp's epoch.  Nodes, not properties of
// one node: writes to different accounts lock different nodes.  The
// increments are atomic: Neo4j takes the write lock before it reads a
// property it writes, and MERGE makes one node under the unique constraint on
// GraphCRMMeta.id.  $accounts comes sorted, so two writes lock their nodes in
// the same order.  (The embedded FalkorDB keeps the counters beside the graph.)

// name: meta.bump
MERGE (m:GraphCRMMeta {id: 'change-stamp'})
ON CREATE SET m.epoch = randomUUID(), m.counter = 0
SET m.counter = m.counter + 1
FOREACH (account IN $accounts |
  MERGE (a:GraphCRMMeta {id: 'account-stamp:' + account})
  ON CREATE SET a.counter = 0
  SET a.counter = a.counter + 1)
RETURN m.epoch + ':' + toString(m.counter) AS stamp

// name: meta.stamp
MATCH (m:GraphCRMMeta {id: 'change-stamp'})
RETURN m.epoch + ':' + toString(m.counter) AS stamp

// An account never written to since the epoch began has the stamp epoch:0;
// before the first write every stamp is '0'.
// name: meta.account_stamps
OPTIONAL MATCH (m:GraphCRMMeta {id: 'change-stamp'})
UNWIND $accounts AS account
OPTIONAL MATCH (a:GraphCRMMeta {id: 'account-stamp:' + account})
RETURN account, CASE WHEN m IS NULL THEN '0' ELSE m.epoch + ':' + toString(coalesce(a.counter, 0)) END AS stamp

// One stamp node before its unique constraint is created (Neo4jBackend.setup_schema):
// concurrent first writes made several before there was one.  Each has an epoch
// of its own, so the one kept never repeats a stamp the others gave out.
// name: meta.deduplicate
MATCH (m:GraphCRMMeta {id: 'change-stamp'})
WITH m ORDER BY m.counter DESC
SKIP 1
DELETE m
RETURN count(*) AS deleted

// The indexes there are, with the ones backing the unique constraints (a
// constraint's index has its name): Neo4jBackend.missing_schema.
// name: meta.schema
SHOW INDEXES YIELD name, state
RETURN name, state
