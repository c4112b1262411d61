// People who move between accounts (GraphStore.move_person, graphcrm/moves.py).
// An employment that ends is not given an end date: the WORKS_AT becomes a
// WORKED_AT {since, until, title} (one per person and account: $worked_at is
// its whole property map, an earlier one's start kept), so every query of an
// account's current people, (p)-[:WORKS_AT]->(a), stays right as it is.
// Each write applies only to the person's version the caller read, and
// carries the entries of the leaving, the joining and the person's change.

// name: person.leave
MATCH (p:Person {id: $id})-[w:WORKS_AT]->(a:Account {id: $from_id})
WHERE p.version = $version
MERGE (p)-[x:WORKED_AT]->(a)
SET x = $worked_at
DELETE w
SET p = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(p) AS props

// name: person.move
MATCH (p:Person {id: $id})-[w:WORKS_AT]->(a:Account {id: $from_id}), (b:Account {id: $to_id})
WHERE p.version = $version
MERGE (p)-[x:WORKED_AT]->(a)
SET x = $worked_at
DELETE w
CREATE (p)-[n:WORKS_AT]->(b)
SET n = $works_at
SET p = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(p) AS props

// A person who works nowhere we know of starts at an account.
// name: person.join
MATCH (p:Person {id: $id}), (b:Account {id: $to_id})
WHERE p.version = $version AND NOT (p)-[:WORKS_AT]->(:Account)
CREATE (p)-[n:WORKS_AT]->(b)
SET n = $works_at
SET p = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(p) AS props

// Where a person works and worked, with the accounts' names.
// name: person.employment
MATCH (p:Person {id: $id})-[r:WORKS_AT|WORKED_AT]->(a:Account)
RETURN type(r) AS type, a.id AS account_id, a.name AS account_name, properties(r) AS props

// The people who left an account: every WORKED_AT with what the person held
// there, a role of champion or coach in a bid of that account (with its stage),
// and where they work now.  Few rows: one per ended employment.  From the
// accounts (a scan of 2,000 at scale L), not the people (100,000): FalkorDB
// starts from the first label it is given.
// name: moves.champions
MATCH (a:Account)
WITH a
MATCH (a)<-[x:WORKED_AT]-(p:Person)
OPTIONAL MATCH (p)-[r:ROLE_IN]->(o:Opportunity)-[:FOR]->(a)
WHERE r.role IN ['champion', 'coach']
OPTIONAL MATCH (p)-[:WORKS_AT]->(b:Account)
RETURN p.id AS person_id, p.name AS person_name, a.id AS account_id, a.name AS account_name,
       x.until AS until, b.id AS now_id, b.name AS now_name, b.lifecycle AS now_lifecycle,
       collect(CASE WHEN o IS NULL THEN null ELSE {id: o.id, name: o.name, stage: o.stage, role: r.role} END)
         AS roles

// The accounts these people worked at and left (their former teams see them).
// name: person.former_accounts
UNWIND $ids AS id
MATCH (:Person {id: id})-[:WORKED_AT]->(a:Account)
RETURN id, a.id AS account

// A person's roles in the bids of other accounts than $account_id (a mover's
// past roles: the person page shows them to who may see those accounts).
// name: person.roles_elsewhere
MATCH (:Person {id: $id})-[r:ROLE_IN]->(o:Opportunity)-[:FOR]->(a:Account)
WHERE a.id <> $account_id
RETURN o.id AS id, o.name AS name, o.stage AS stage, a.id AS account_id, r.role AS role
ORDER BY o.name
