// The analysis results kept between restarts on Neo4j (GraphStore.analysis_results,
// graphcrm/cache.py): a text (JSON) on a node of its own per key, beside the
// change stamps' nodes (meta.cypher), never part of the graph model.  Written
// without moving a stamp (Neo4jBackend.save_results): they record what was
// computed, they change nothing a result is computed from.  (The embedded
// FalkorDB keeps them in a hash beside the graph.)

// name: meta.results
UNWIND $keys AS key
OPTIONAL MATCH (r:GraphCRMMeta {id: 'result:' + key})
RETURN key, r.value AS value

// name: meta.save_results
UNWIND $results AS result
MERGE (r:GraphCRMMeta {id: 'result:' + result.key})
SET r.value = result.value
RETURN count(*) AS saved

// name: meta.forget_results
MATCH (r:GraphCRMMeta)
WHERE r.id STARTS WITH 'result:'
DELETE r
