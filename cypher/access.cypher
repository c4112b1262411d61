// Who may see which account: a user sees the accounts they are MEMBER_OF, and
// the account of every opportunity they are MEMBER_OF.
// name: access.member_accounts
MATCH (:User {id: $user_id})-[:MEMBER_OF]->(a:Account)
RETURN a.id AS id
UNION
MATCH (:User {id: $user_id})-[:MEMBER_OF]->(:Opportunity)-[:FOR]->(a:Account)
RETURN a.id AS id
