// Neo4j: statements over the whole graph that differ from the shared ones.

// As the shared integrity.problems, but the change stamp's node (meta.cypher)
// is not a node of the graph model: it has an id and no version.
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
WHERE NOT n:AuditEntry AND NOT n:GraphCRMMeta AND (n.id IS NULL OR n.version IS NULL)
RETURN 'node without id or version' AS problem, labels(n)[0] AS id
UNION ALL
MATCH (a)-[r]->(b)
WHERE r.version IS NULL
RETURN 'relationship without version' AS problem, type(r) + ' ' + a.id + ' -> ' + b.id AS id

// Everything, the audit log and the change stamp's node included (Neo4jBackend.drop;
// the schema stays), in transactions of 10,000 nodes with their relationships:
// one transaction for a large graph would exceed Neo4j's transaction memory.
// CALL { } IN TRANSACTIONS runs only in an auto-commit transaction (session.run);
// the scope clause CALL (n) needs Neo4j 5.23 or later (`CALL { WITH n ...}` is deprecated).
// name: graph.drop
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS

// As the shared graph.clear (everything but the audit log and the stamps), in
// transactions of 10,000 nodes as graph.drop; run as graph.drop is
// (Neo4jBackend.run).  The audit entry after them is written by the
// statement's own transaction, which commits only once every batch has.
// name: graph.clear
MATCH (n)
WHERE NOT n:AuditEntry AND NOT n:GraphCRMMeta
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
WITH count(*) AS deleted
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
