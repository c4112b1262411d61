// What changed at an account since a date (GraphStore.account_history,
// graphcrm/history.py).  Entries are found by the ids they target (index on
// AuditEntry.target_id) or, for relationships (target "start->end") and
// deletions, by time (index on AuditEntry.at).

// The ids whose entries make an account's history: the account, its people,
// its opportunities and the interactions with its people.
// name: history.members
MATCH (a:Account {id: $account_id})
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
WITH a, collect(p.id) AS people
OPTIONAL MATCH (o:Opportunity)-[:FOR]->(a)
WITH a, people, collect(o.id) AS opportunities
OPTIONAL MATCH (a)<-[:WORKS_AT]-(:Person)<-[:WITH]-(i:Interaction)
RETURN people, opportunities, collect(DISTINCT i.id) AS interactions

// name: history.entries
MATCH (e:AuditEntry)
WHERE e.target_id IN $ids AND e.at >= $since
RETURN properties(e) AS props

// Relationship entries since $since with an end among $ids.
// name: history.relationship_entries
MATCH (e:AuditEntry)
WHERE e.at >= $since AND e.target_id CONTAINS '->'
WITH e, split(e.target_id, '->') AS ends
WHERE ends[0] IN $ids OR ends[1] IN $ids
RETURN properties(e) AS props

// Deletions of people, opportunities and interactions since $since (their
// account is in the entry, or in the entry that created them).
// name: history.deletions
MATCH (e:AuditEntry)
WHERE e.at >= $since AND e.action = 'delete' AND e.target_label IN ['Person', 'Opportunity', 'Interaction']
RETURN properties(e) AS props

// name: history.creations
MATCH (e:AuditEntry)
WHERE e.target_id IN $ids AND e.action = 'create'
RETURN e.target_id AS id, e.after AS after

// Display names of nodes, by id, of one label.
// name: history.names
// each: label
MATCH (n:__LABEL__)
WHERE n.id IN $ids
RETURN n.id AS id, coalesce(n.name, n.display_name, n.username, n.kind) AS name

// name: history.user_names
MATCH (u:User)
WHERE u.username IN $usernames
RETURN u.username AS username, coalesce(u.display_name, u.username) AS name

// The lines of a node about to be deleted, for its audit entry (GraphStore.delete):
// the map as it was puts them back (graphcrm/asof.py).  Interactions' lines
// are not part of that map.
// name: history.lines_of
// each: label
// except: Account User Interaction
MATCH (n:__LABEL__ {id: $id})-[r]-()
WHERE NOT type(r) IN ['ATTENDED', 'WITH', 'ABOUT']
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props

// Our relationships an interaction refreshes ($pairs: [user id, person id]),
// as they are before it (GraphStore._recency).
// name: history.recency
UNWIND $pairs AS pair
MATCH (u:User {id: pair[0]})-[r:RELATIONSHIP]->(p:Person {id: pair[1]})
RETURN u.id AS user_id, p.id AS person_id, r.last_contact_at AS last_contact_at

// How many audit entries each record has had since $since (the director's
// dashboard, GraphStore.changed_accounts): found through the index on AuditEntry.at.
// name: history.targets_since
MATCH (e:AuditEntry)
WHERE e.at >= $since
RETURN e.target_id AS target, count(*) AS n
