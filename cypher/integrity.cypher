// Consistency checks (GraphStore.integrity_problems): each row is one thing
// that a half-finished write would leave behind.  An empty result means every
// stakeholder works somewhere, every opportunity has its account, every
// interaction has who attended and who it was with, and every node and
// relationship carries the id / version the store always writes.

// name: integrity.problems
MATCH (p:Person)
WHERE NOT (p)-[:WORKS_AT]->(:Account)
RETURN 'person without account' AS problem, p.id AS id
UNION ALL
MATCH (o:Opportunity)
WHERE NOT (o)-[:FOR]->(:Account)
RETURN 'opportunity without account' AS problem, o.id AS id
UNION ALL
MATCH (i:Interaction)
WHERE NOT (:User)-[:ATTENDED]->(i) OR NOT (i)-[:WITH]->(:Person)
RETURN 'interaction without attendee or stakeholder' AS problem, i.id AS id
UNION ALL
MATCH (n)
WHERE NOT n:AuditEntry AND (n.id IS NULL OR n.version IS NULL)
RETURN 'node without id or version' AS problem, labels(n)[0] AS id
UNION ALL
MATCH (a)-[r]->(b)
WHERE r.version IS NULL
RETURN 'relationship without version' AS problem, type(r) + ' ' + a.id + ' -> ' + b.id AS id
