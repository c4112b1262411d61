// The change stamp on Neo4j (GraphStore.change_stamp): a counter on one node
// of its own, bumped after every write.  ``epoch`` is set when the node is
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
