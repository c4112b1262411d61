// What changed at an account since a date (GraphStore.account_history,
// graphcrm/history.py).  Its entries are found by an index lookup per id
// (UNWIND, then the index on AuditEntry target_id, target_end or action;
// FalkorDB scans the label for `x.id IN $list`), not through the index on
// `at`: since a date 90 days back that walked the whole portfolio's 75,000
// entries of those days at scale L (2.1-2.8 s, bench/bench_asof.py).  The
// time is checked after the lookup, on a name of its own (`WITH e, e.at AS
// at`): FalkorDB folds `WITH e WHERE e.at >= $since` into the lookup and
// reads the range of `at` once per id (5 s for 200 ids in 60,000 entries;
// 0.03 s so).

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
UNWIND $ids AS node_id
MATCH (e:AuditEntry {target_id: node_id})
WITH e, e.at AS at
WHERE at >= $since
RETURN properties(e) AS props

// Relationship entries since $since with an end among $ids: those starting
// there (the range of target_id 'id->' to 'id->~': ids hold no '~'), then
// those ending there (target_end; GraphStore.fill_audit_ends gave it to the
// entries written before it was recorded).  An entry may come twice (a line
// between two of $ids): the caller keeps one.
// name: history.relationship_entries
UNWIND $ids AS node_id
MATCH (e:AuditEntry)
WHERE e.target_id >= node_id + '->' AND e.target_id < node_id + '->~'
WITH e, e.at AS at
WHERE at >= $since
RETURN properties(e) AS props
UNION ALL
UNWIND $ids AS node_id
MATCH (e:AuditEntry {target_end: node_id})
WITH e, e.at AS at
WHERE at >= $since
RETURN properties(e) AS props

// Deletions of people, opportunities and interactions since $since (their
// account is in the entry, or in the entry that created them), through the
// index on action: every delete entry of the log is read, a small part of it.
// name: history.deletions
MATCH (e:AuditEntry {action: 'delete'})
WITH e, e.at AS at
WHERE at >= $since AND e.target_label IN ['Person', 'Opportunity', 'Interaction']
RETURN properties(e) AS props

// name: history.creations
UNWIND $ids AS node_id
MATCH (e:AuditEntry {target_id: node_id})
WITH e
WHERE e.action = 'create'
RETURN e.target_id AS id, e.after AS after

// Display names of nodes, by id, of one label.
// name: history.names
// each: label
UNWIND $ids AS node_id
MATCH (n:__LABEL__ {id: node_id})
RETURN n.id AS id, coalesce(n.name, n.display_name, n.username, n.kind) AS name

// name: history.user_names
UNWIND $usernames AS username
MATCH (u:User {username: username})
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
