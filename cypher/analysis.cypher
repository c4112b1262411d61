// The accounts' analysis graphs behind GraphStore.analysis_graph: what one
// account's part of the portfolio report reads (graphcrm/analysis/parts.py,
// "analysis scope"), for a batch of accounts at once.  Nodes come with every
// property (as in the portfolio graph), relationships with the properties the
// analysis reads (as load.portfolio.analysis_relationships.*), interactions
// only when they are customer feedback.  Each UNWIND looks its nodes up by id;
// the feedback is reached from the person, matched first (FalkorDB otherwise
// scanned every interaction for each person: 0.4 s for 50 accounts at scale M).

// name: analysis.accounts
MATCH (a:Account)
RETURN a.id AS id
ORDER BY id

// The people an account's analysis is about: its own and its bids' buying centers.
// name: load.analysis.people
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:WORKS_AT]-(p:Person)
RETURN p.id AS id
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(:Opportunity)<-[:ROLE_IN]-(p:Person)
RETURN p.id AS id

// $accounts, and $people: the ids load.analysis.people gave.
// name: load.analysis.nodes
UNWIND $accounts AS id
MATCH (n:Account {id: id})
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(n:Opportunity)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(:Opportunity)<-[:COMPETES_FOR]-(n:Competitor)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:MEMBER_OF]-(n:User)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(:Opportunity)<-[:MEMBER_OF]-(n:User)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (n:Person {id: id})
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[:WORKS_AT|ROLE_IN]->(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[:ROLE_IN]->(:Opportunity)-[:FOR]->(n:Account)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})<-[:RELATIONSHIP]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})<-[:INFLUENCES]-(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[:REPORTS_TO]->(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})<-[:INFLUENCES]-(:Person)-[:WORKS_AT]->(n:Account)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[:REPORTS_TO]->(:Person)-[:WORKS_AT]->(n:Account)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})<-[:INFLUENCES]-(:Person)<-[:RELATIONSHIP]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[:REPORTS_TO]->(:Person)<-[:RELATIONSHIP]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (p:Person {id: id})
WITH p
MATCH (p)<-[:WITH]-(n:Interaction)
WHERE n.kind = 'feedback'
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (p:Person {id: id})
WITH p
MATCH (p)<-[:WITH]-(i:Interaction)
WHERE i.kind = 'feedback'
WITH i
MATCH (i)-[:WITH]->(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (p:Person {id: id})
WITH p
MATCH (p)<-[:WITH]-(i:Interaction)
WHERE i.kind = 'feedback'
WITH i
MATCH (i)-[:WITH]->(:Person)-[:WORKS_AT]->(n:Account)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
UNWIND $people AS id
MATCH (p:Person {id: id})
WITH p
MATCH (p)<-[:WITH]-(i:Interaction)
WHERE i.kind = 'feedback' AND i.follow_up_owner IS NOT NULL
WITH i.follow_up_owner AS owner
MATCH (n:User {id: owner})
RETURN labels(n)[0] AS label, properties(n) AS props

// $accounts, and $people: every person load.analysis.nodes gave.  Relationships
// whose far end was not loaded are left out when the graph is built.
// name: load.analysis.relationships
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[r:FOR]-(o:Opportunity)
RETURN type(r) AS type, o.id AS start, id AS end, {} AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(o:Opportunity)<-[r:COMPETES_FOR]-(c:Competitor)
RETURN type(r) AS type, c.id AS start, o.id AS end, {} AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[r:MEMBER_OF]-(u:User)
RETURN type(r) AS type, u.id AS start, id AS end, {} AS props
UNION
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(o:Opportunity)<-[r:MEMBER_OF]-(u:User)
RETURN type(r) AS type, u.id AS start, o.id AS end, {} AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[r:WORKS_AT|REPORTS_TO]->(b)
RETURN type(r) AS type, id AS start, b.id AS end, {} AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[r:KNOWS|INFLUENCES]->(b:Person)
RETURN type(r) AS type, id AS start, b.id AS end, r {.strength} AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[r:ROLE_IN]->(o:Opportunity)
RETURN type(r) AS type, id AS start, o.id AS end, r {.role, .influence, .stance} AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})-[:ROLE_IN]->(o:Opportunity)-[r:FOR]->(b:Account)
RETURN type(r) AS type, o.id AS start, b.id AS end, {} AS props
UNION
UNWIND $people AS id
MATCH (:Person {id: id})<-[r:RELATIONSHIP]-(a)
RETURN type(r) AS type, a.id AS start, id AS end, r {.strength, .last_contact_at} AS props
UNION
UNWIND $people AS id
MATCH (p:Person {id: id})
WITH p, id
MATCH (p)<-[r:WITH]-(a:Interaction)
WHERE a.kind = 'feedback'
RETURN type(r) AS type, a.id AS start, id AS end, {} AS props

// The bids of every account load.analysis.nodes gave ($accounts): whether one is
// in its quiet period decides whether that account's people may be approached
// (graphcrm/analysis/compliance.py), wherever they show in a scope.
// name: load.analysis.bids
UNWIND $accounts AS id
MATCH (:Account {id: id})<-[:FOR]-(o:Opportunity)
RETURN id AS account, properties(o) AS props
