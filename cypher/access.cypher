// Who may see which account: a user sees the accounts they are MEMBER_OF, and
// the account of every opportunity they are MEMBER_OF.
// name: access.member_accounts
MATCH (:User {id: $user_id})-[:MEMBER_OF]->(a:Account)
RETURN a.id AS id
UNION
MATCH (:User {id: $user_id})-[:MEMBER_OF]->(:Opportunity)-[:FOR]->(a:Account)
RETURN a.id AS id

// The accounts each of these records belongs to (graphcrm/access.py): an
// account itself, a person's employer, an opportunity's account, the accounts
// of the people an interaction was with and of the bids it was about, the
// accounts a competitor bids at.  Rows: one per record and account.
// name: access.node_accounts
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN id, a.id AS account
UNION ALL
UNWIND $ids AS id
MATCH (:Person {id: id})-[:WORKS_AT]->(a:Account)
RETURN id, a.id AS account
UNION ALL
UNWIND $ids AS id
MATCH (:Opportunity {id: id})-[:FOR]->(a:Account)
RETURN id, a.id AS account
UNION ALL
UNWIND $ids AS id
MATCH (:Interaction {id: id})-[:WITH]->(:Person)-[:WORKS_AT]->(a:Account)
RETURN id, a.id AS account
UNION ALL
UNWIND $ids AS id
MATCH (:Interaction {id: id})-[:ABOUT]->(:Opportunity)-[:FOR]->(a:Account)
RETURN id, a.id AS account
UNION ALL
UNWIND $ids AS id
MATCH (:Competitor {id: id})-[:COMPETES_FOR]->(:Opportunity)-[:FOR]->(a:Account)
RETURN id, a.id AS account
