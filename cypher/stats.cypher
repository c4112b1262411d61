// name: stats.labels
MATCH (n)
WHERE NOT n:GraphCRMMeta
RETURN labels(n)[0] AS label, count(n) AS n

// name: stats.types
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS n

// name: graph.clear
MATCH (n)
DETACH DELETE n
