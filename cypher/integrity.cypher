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

// The formal org chart's rules (GraphStore.relate): one manager per person and
// no REPORTS_TO cycle.  The chain $end already reports up through to $start, if
// any (a new $start -> $end line would close it into a cycle).
// name: org.chain_up
MATCH p = (:Person {id: $end})-[:REPORTS_TO*1..]->(:Person {id: $start})
RETURN [n IN nodes(p) | n.name] AS names
LIMIT 1

// The manager $id reports to, if any.
// name: org.manager_of
MATCH (:Person {id: $id})-[:REPORTS_TO]->(m:Person)
RETURN m.id AS id, m.name AS name

// What breaks those rules or looks like a duplicate, in a database made before
// they were enforced (GraphStore.map_problems; graphcrm db check).
// name: integrity.map_problems
MATCH (p:Person)-[:REPORTS_TO]->(m:Person)
WITH p, count(m) AS managers
WHERE managers > 1
RETURN 'person with more than one manager' AS problem, p.id AS id, p.name AS name
UNION ALL
MATCH (p:Person)-[:REPORTS_TO*1..]->(p)
RETURN DISTINCT 'reports-to cycle' AS problem, p.id AS id, p.name AS name
UNION ALL
MATCH (p:Person)-[:WORKS_AT]->(a:Account)
WITH a, toLower(trim(p.name)) AS key, collect(p) AS same
WHERE size(same) > 1
RETURN 'people of one name at one account' AS problem,
       trim(reduce(ids = '', p IN same | ids + ' ' + p.id)) AS id, same[0].name AS name
UNION ALL
MATCH (a:Account)
WITH toLower(trim(a.name)) AS key, collect(a) AS same
WHERE size(same) > 1
RETURN 'accounts of one name' AS problem,
       trim(reduce(ids = '', a IN same | ids + ' ' + a.id)) AS id, same[0].name AS name

// Records of the same name as one being saved (the forms ask before a second
// "David Chen" at one account, or a second account of one name).
// name: duplicates.people_named
// (the account first, then its WORKS_AT lines: in one pattern FalkorDB starts
// from the person, the side with the filter, and scans every node)
MATCH (a:Account {id: $account_id})
WITH a
MATCH (a)<-[:WORKS_AT]-(p:Person)
WHERE toLower(trim(p.name)) = toLower(trim($name)) AND p.id <> $other_than
RETURN properties(p) AS props

// name: duplicates.accounts_named
MATCH (a:Account)
WHERE toLower(trim(a.name)) = toLower(trim($name)) AND a.id <> $other_than
RETURN properties(a) AS props
