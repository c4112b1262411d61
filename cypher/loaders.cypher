// The loaders behind GraphStore.account_graph / portfolio_graph.  Node
// statements return (label, props) rows, relationship statements return
// (type, start, end, props) rows; graphcrm/graph/nxgraph.py documents the
// networkx graph they become.  An account's graph holds its former employees
// too (WORKED_AT, with our relationships to them): their past roles stay with
// it, and warm paths run through them (graphcrm/analysis/paths.py).

// name: load.account.nodes
MATCH (n:Account {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})-[:PART_OF]-(n:Account)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)-[:REPORTS_TO|INFLUENCES|KNOWS]-(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)-[:REPORTS_TO|INFLUENCES|KNOWS]-(:Person)-[:WORKS_AT]->(n:Account)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)-[:REPORTS_TO|INFLUENCES|KNOWS*0..1]-(:Person)<-[:RELATIONSHIP]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:MEMBER_OF|FOR]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:FOR]-(:Opportunity)<-[:MEMBER_OF|COMPETES_FOR|ROLE_IN|ABOUT]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)<-[:WITH]-(n:Interaction)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)<-[:WITH]-(:Interaction)<-[:ATTENDED]-(n:User)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKED_AT]-(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKED_AT]-(:Person)<-[:RELATIONSHIP]-(n)
RETURN labels(n)[0] AS label, properties(n) AS props

// name: load.account.relationships
MATCH (:Account {id: $id})-[r:PART_OF]-(:Account)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[r:WORKS_AT|WORKED_AT|MEMBER_OF|FOR]-()
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)-[r:REPORTS_TO|INFLUENCES|KNOWS]-(:Person)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)-[:REPORTS_TO|INFLUENCES|KNOWS]-(:Person)-[r:WORKS_AT]->(:Account)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)-[:REPORTS_TO|INFLUENCES|KNOWS*0..1]-(:Person)<-[r:RELATIONSHIP]-()
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:FOR]-(:Opportunity)<-[r:MEMBER_OF|COMPETES_FOR|ROLE_IN|ABOUT]-()
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)<-[r:WITH]-(:Interaction)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Person)<-[:WITH]-(:Interaction)<-[r:ATTENDED]-(:User)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:Account {id: $id})<-[:WORKED_AT]-(:Person)<-[r:RELATIONSHIP]-()
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props

// The portfolio: every node but interactions, except customer feedback (the
// satisfaction figures, graphcrm/analysis/satisfaction.py), which comes with
// the WITH lines to the people who gave it.
// name: load.portfolio.nodes
MATCH (n)
WHERE NOT n:AuditEntry AND NOT n:GraphCRMMeta AND (NOT n:Interaction OR n.kind = 'feedback')
RETURN labels(n)[0] AS label, properties(n) AS props

// name: load.portfolio.relationships
MATCH (a)-[r]->(b)
WHERE NOT type(r) IN ['ATTENDED', 'WITH', 'ABOUT'] OR (type(r) = 'WITH' AND a.kind = 'feedback')
RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props

// The same relationships with only the properties the analysis reads: at
// scale L the bookkeeping properties (version, created_at, updated_at, since)
// of half a million relationships took 40% of the client's time to read them.
// Four statements, asked for at once (GraphStore.portfolio_graph): the
// database computes the later ones while the client builds the graph from
// the earlier ones.
// name: load.portfolio.analysis_relationships.structure
MATCH (a)-[r:WORKS_AT|WORKED_AT|REPORTS_TO|PART_OF|FOR|MEMBER_OF|COMPETES_FOR]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, {} AS props

// name: load.portfolio.analysis_relationships.ties
MATCH (a)-[r:KNOWS|INFLUENCES]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, r {.strength} AS props

// name: load.portfolio.analysis_relationships.roles
MATCH (a)-[r:ROLE_IN]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, r {.role, .influence, .stance} AS props

// name: load.portfolio.analysis_relationships.ours
MATCH (a)-[r:RELATIONSHIP]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, r {.strength, .last_contact_at} AS props

// name: load.portfolio.analysis_relationships.feedback
MATCH (a:Interaction {kind: 'feedback'})-[r:WITH]->(b:Person)
RETURN type(r) AS type, a.id AS start, b.id AS end, {} AS props

// One of our people with the stakeholders they have a relationship with,
// where those work, the deals they have a role in and the feedback they gave;
// and the open follow-ups of feedback the user owns, with who gave it and
// where they work (a maintenance plan).
// name: load.owner.nodes
MATCH (n:User {id: $id})
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:User {id: $id})-[:RELATIONSHIP]->(n:Person)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:User {id: $id})-[:RELATIONSHIP]->(:Person)-[:WORKS_AT|ROLE_IN]->(n)
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (:User {id: $id})-[:RELATIONSHIP]->(:Person)<-[:WITH]-(n:Interaction {kind: 'feedback'})
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (n:Interaction {follow_up_owner: $id})
WHERE n.follow_up_closed_by IS NULL
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (i:Interaction {follow_up_owner: $id})-[:WITH]->(n:Person)
WHERE i.follow_up_closed_by IS NULL
RETURN labels(n)[0] AS label, properties(n) AS props
UNION
MATCH (i:Interaction {follow_up_owner: $id})-[:WITH]->(:Person)-[:WORKS_AT]->(n:Account)
WHERE i.follow_up_closed_by IS NULL
RETURN labels(n)[0] AS label, properties(n) AS props

// name: load.owner.relationships
MATCH (:User {id: $id})-[r:RELATIONSHIP]->(:Person)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:User {id: $id})-[:RELATIONSHIP]->(:Person)-[r:WORKS_AT|ROLE_IN]->()
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (:User {id: $id})-[:RELATIONSHIP]->(:Person)<-[r:WITH]-(:Interaction {kind: 'feedback'})
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (i:Interaction {follow_up_owner: $id})-[r:WITH]->(:Person)
WHERE i.follow_up_closed_by IS NULL
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
UNION
MATCH (i:Interaction {follow_up_owner: $id})-[:WITH]->(:Person)-[r:WORKS_AT]->(:Account)
WHERE i.follow_up_closed_by IS NULL
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props
