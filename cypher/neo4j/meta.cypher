// The change stamp on Neo4j (GraphStore.change_stamp): a counter on one node
// of its own, bumped by every write in the write's own transaction
// (Neo4jBackend.run).  ``epoch`` is set when the node is
// created, so that a cleared graph never repeats an earlier stamp.  (The
// embedded FalkorDB keeps the counter in a key beside the graph instead.)

// name: meta.bump
MERGE (m:GraphCRMMeta {id: 'change-stamp'})
ON CREATE SET m.epoch = randomUUID(), m.counter = 0
SET m.counter = m.counter + 1
RETURN m.epoch + ':' + toString(m.counter) AS stamp

// name: meta.stamp
MATCH (m:GraphCRMMeta {id: 'change-stamp'})
RETURN m.epoch + ':' + toString(m.counter) AS stamp

// One stamp node before its unique constraint is created (Neo4jBackend.setup_schema):
// concurrent first writes made several before there was one.  Each has an epoch
// of its own, so the one kept never repeats a stamp the others gave out.
// name: meta.deduplicate
MATCH (m:GraphCRMMeta {id: 'change-stamp'})
WITH m ORDER BY m.counter DESC
SKIP 1
DELETE m
RETURN count(*) AS deleted
