// name: stats.labels
MATCH (n)
WHERE NOT n:AuditEntry AND NOT n:GraphCRMMeta
RETURN labels(n)[0] AS label, count(n) AS n

// name: stats.types
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS n

// Everything but the audit log, which records the clearing.
// name: graph.clear
MATCH (n)
WHERE NOT n:AuditEntry AND NOT n:GraphCRMMeta
DETACH DELETE n
WITH count(*) AS deleted
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
