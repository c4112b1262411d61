// Node statements, one of each per label (see graphcrm/graph/statements.py).
// Every node carries id, version, created_at and updated_at.
//
// Every write statement ends with the audit clause: $audit is a list holding
// the AuditEntry of the write (graphcrm/audit.py), created in the same
// statement, hence the same transaction, only when the write happens.

// name: node.create
// each: label
CREATE (n:__LABEL__)
SET n = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(n) AS props

// name: node.get
// each: label
MATCH (n:__LABEL__ {id: $id})
RETURN properties(n) AS props

// name: node.get_many
// each: label
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN properties(n) AS props

// Optimistic concurrency: the update applies only to the version the caller
// read.  $props is the node's whole new property map (GraphStore.update):
// FalkorDB 4.16 can drop unrelated properties when one SET removes several
// (`SET n += {a: null, b: null, ...}`), while replacing the map is exact.
// name: node.update
// each: label
// except: User
MATCH (n:__LABEL__ {id: $id})
WHERE n.version = $version
SET n = $props
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(n) AS props

// The same for a user, whose session token is written without a version
// (user.set_session_token): it is kept unless the change sets it.  Their API
// tokens (user.set_api_tokens) are always kept.
// name: user.update
MATCH (n:User {id: $id})
WHERE n.version = $version
WITH n, n.session_token AS token, n.api_tokens AS api_tokens
SET n = $props
SET n.session_token = coalesce($props.session_token, token), n.api_tokens = api_tokens
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(n) AS props

// Accounts and people take what belongs to them along: account.delete, person.delete.
// name: node.delete
// each: label
// except: Account Person
MATCH (n:__LABEL__ {id: $id})
WITH n, n.id AS id
DETACH DELETE n
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN id

// name: node.list
// each: label
MATCH (n:__LABEL__)
RETURN properties(n) AS props
ORDER BY n.id
SKIP $skip
LIMIT $limit

// name: node.count
// each: label
MATCH (n:__LABEL__)
RETURN count(n) AS n

// Bulk upsert keyed by id (demo data, imports, restore).  A row that changes
// nothing still counts as a write, so its version goes up.
// name: node.merge_batch
// each: label
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
ON CREATE SET n.created_at = $now, n.version = 0
SET n += row, n.version = n.version + 1, n.updated_at = $now
WITH count(n) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// name: person.by_account
MATCH (p:Person)-[:WORKS_AT]->(:Account {id: $account_id})
RETURN properties(p) AS props
ORDER BY p.name

// name: opportunity.by_account
MATCH (o:Opportunity)-[:FOR]->(:Account {id: $account_id})
RETURN properties(o) AS props
ORDER BY o.name

// name: opportunity.account_id
MATCH (:Opportunity {id: $id})-[:FOR]->(a:Account)
RETURN a.id AS id

// A person's account: their employer, else the one they worked at last
// (a former employee who works nowhere we know of stays with it).
// name: person.account_id
MATCH (:Person {id: $id})-[r:WORKS_AT|WORKED_AT]->(a:Account)
RETURN a.id AS id
ORDER BY CASE type(r) WHEN 'WORKS_AT' THEN 0 ELSE 1 END, coalesce(r.until, '') DESC
LIMIT 1


// The accounts of these nodes: an account itself, a person's employer, an
// opportunity's account (GraphStore.accounts_of: the accounts a write changes).
// name: node.accounts
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN a.id AS id
UNION
UNWIND $ids AS id
MATCH (:Person {id: id})-[:WORKS_AT]->(a:Account)
RETURN a.id AS id
UNION
UNWIND $ids AS id
MATCH (:Opportunity {id: id})-[:FOR]->(a:Account)
RETURN a.id AS id

// Sign-in sessions carry the user's session token; a new one ends them all.
// Not a change of the user's record: the version stays (an admin's open edit
// form of the user stays valid).
// Without $replace, a token already there stays (two first sign-ins at once).
// name: user.set_session_token
MATCH (u:User {id: $id})
SET u.session_token = CASE WHEN $replace OR u.session_token IS NULL THEN $token ELSE u.session_token END
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN u.session_token AS token

// A user's personal API tokens (graphcrm/tokens.py, JSON text), written without
// a version, if they are still $before (null: none): nothing when a token was
// made or revoked in between.
// name: user.set_api_tokens
MATCH (u:User {id: $id})
WHERE coalesce(u.api_tokens, '') = coalesce($before, '')
SET u.api_tokens = $tokens
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN u.id AS id

// The user who holds the API token of this SHA-256 hash (a scan of the few users).
// name: user.by_api_token
MATCH (u:User)
WHERE u.api_tokens CONTAINS $hash
RETURN properties(u) AS props

// Users with API tokens (the administrator's list).
// name: user.with_api_tokens
MATCH (u:User)
WHERE u.api_tokens IS NOT NULL
RETURN properties(u) AS props
ORDER BY u.username

// name: user.by_username
MATCH (u:User {username: $username})
RETURN properties(u) AS props

// $accounts: the accounts the searcher may see (null: all), applied before the limit
// name: search.accounts
MATCH (n:Account)
WHERE toLower(n.name) CONTAINS toLower($q) AND ($accounts IS NULL OR n.id IN $accounts)
RETURN properties(n) AS props
ORDER BY n.name
LIMIT $limit

// name: search.people
MATCH (n:Person)
WHERE toLower(n.name) CONTAINS toLower($q)
   OR toLower(coalesce(n.title, '')) CONTAINS toLower($q)
OPTIONAL MATCH (n)-[:WORKS_AT]->(a:Account)
WITH n, a
WHERE $accounts IS NULL OR a.id IN $accounts
RETURN properties(n) AS props, a.id AS account_id, a.name AS account_name
ORDER BY n.name
LIMIT $limit

// A stakeholder and where they work, written together.
// name: person.create_at_account
MATCH (a:Account {id: $account_id})
CREATE (p:Person)
SET p = $props
CREATE (p)-[w:WORKS_AT]->(a)
SET w = $works_at, w.version = 1, w.created_at = $now, w.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(p) AS props

// Many stakeholders of one account, their employment, their managers and who
// influences them (a pasted list: graphcrm/transfer/paste.py; the new-person
// form), in one statement.  $people: [{id, props, manager, influencers}]:
// manager is the id of a person (stored or another row) or null, influencers
// the ids of the people who influence this one (strength 3).
// name: person.create_many_at_account
MATCH (a:Account {id: $account_id})
UNWIND $people AS row
CREATE (p:Person)
SET p = row.props
CREATE (p)-[w:WORKS_AT]->(a)
SET w.version = 1, w.created_at = $now, w.updated_at = $now
WITH collect(p) AS created
UNWIND $people AS row
MATCH (p:Person {id: row.id})
OPTIONAL MATCH (m:Person {id: row.manager})
FOREACH (found IN CASE WHEN m IS NULL THEN [] ELSE [m] END |
  CREATE (p)-[:REPORTS_TO {version: 1, created_at: $now, updated_at: $now}]->(found))
WITH created, row, p
// one index lookup per influencer (FalkorDB scans every person for "id IN <a list of the row>")
UNWIND (CASE WHEN size(row.influencers) = 0 THEN [null] ELSE row.influencers END) AS influencer_id
OPTIONAL MATCH (i:Person {id: influencer_id})
WITH created, p, collect(i) AS influencers
FOREACH (x IN influencers |
  CREATE (x)-[:INFLUENCES {strength: 3, version: 1, created_at: $now, updated_at: $now}]->(p))
WITH created, count(*) AS rows
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN size(created) AS people

// An opportunity and its account, written together.
// name: opportunity.create_for_account
MATCH (a:Account {id: $account_id})
CREATE (o:Opportunity)
SET o = $props
CREATE (o)-[f:FOR]->(a)
SET f.version = 1, f.created_at = $now, f.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(o) AS props

// An account created by a manager, who joins its team in the same write.
// name: account.create_with_member
MATCH (u:User {id: $user_id})
CREATE (a:Account)
SET a = $props
CREATE (u)-[m:MEMBER_OF]->(a)
SET m.version = 1, m.created_at = $now, m.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(a) AS props

// An account map's layout (GraphStore.save_map_positions): $positions, the
// JSON text of {node id: [x, y]} (null: none, the automatic layout), if the
// layout is still at $version.  The layout has a version of its own: the
// account's is left alone, so that arranging the map never makes an edit of
// the account stale.
// name: account.map_positions
MATCH (a:Account {id: $id})
WHERE coalesce(a.map_positions_version, 0) = $version
SET a.map_positions = $positions, a.map_positions_version = $version + 1
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN a.map_positions AS positions, a.map_positions_version AS version

// A competitor and the opportunity it competes for, written together.
// name: competitor.create_for_opportunity
MATCH (o:Opportunity {id: $opportunity_id})
CREATE (c:Competitor)
SET c = $props
CREATE (c)-[f:COMPETES_FOR]->(o)
SET f.version = 1, f.created_at = $now, f.updated_at = $now
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(c) AS props

// An account with everything that belongs to it, in one write: its people,
// its opportunities, and the interactions left with nobody once its people
// are gone (an interaction that also met people elsewhere stays with them).
// name: account.delete
// (every lookup follows the account's own lines: "id IN <a list built here>"
// would make FalkorDB scan every person, or every node, of the portfolio)
MATCH (a:Account {id: $id})
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
WITH a, collect(p.id) AS ids
OPTIONAL MATCH (i:Interaction)-[:WITH]->(:Person)-[:WORKS_AT]->(a)
WITH a, ids, collect(DISTINCT i) AS interactions
UNWIND (CASE WHEN size(interactions) = 0 THEN [null] ELSE interactions END) AS i
OPTIONAL MATCH (i)-[:WITH]->(other:Person)
WHERE NOT other.id IN ids
WITH a, ids, i, count(other) AS others
WITH a, collect(CASE WHEN others = 0 THEN i END) AS orphans
FOREACH (n IN orphans | DETACH DELETE n)
WITH a
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
WITH a, collect(p) AS people
FOREACH (n IN people | DETACH DELETE n)
WITH a
OPTIONAL MATCH (o:Opportunity)-[:FOR]->(a)
WITH a, collect(o) AS opportunities
FOREACH (n IN opportunities | DETACH DELETE n)
WITH a, a.id AS id
DETACH DELETE a
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN id

// A stakeholder with the interactions that met nobody else.
// name: person.delete
MATCH (p:Person {id: $id})
OPTIONAL MATCH (i:Interaction)-[:WITH]->(p)
OPTIONAL MATCH (i)-[:WITH]->(other:Person)
WHERE other.id <> p.id
WITH p, i, count(other) AS others
WITH p, collect(CASE WHEN others = 0 THEN i END) AS orphans, p.id AS id
DETACH DELETE p
FOREACH (n IN orphans | DETACH DELETE n)
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN id

// The accounts whose opportunities a competitor competes for.
// name: competitor.account_ids
MATCH (:Competitor {id: $id})-[:COMPETES_FOR]->(:Opportunity)-[:FOR]->(a:Account)
RETURN DISTINCT a.id AS id

// Bulk load of new nodes (GraphStore.bulk_load): created without looking for an
// existing node first; an id that exists already violates the unique
// constraint and the whole batch is refused.
// name: node.create_batch
// each: label
UNWIND $rows AS row
CREATE (n:__LABEL__)
SET n = row, n.version = 1, n.created_at = $now, n.updated_at = $now
WITH count(n) AS written
FOREACH (entry IN CASE WHEN written > 0 THEN $audit ELSE [] END | CREATE (e:AuditEntry) SET e = entry)
RETURN written AS n

// People changed since $since, a page of them in the order they changed (the
// API's list), with their account: of every account ...
// name: person.changed_since
MATCH (a:Account)<-[:WORKS_AT]-(p:Person)
WHERE p.updated_at >= $since
RETURN properties(p) AS props, a.id AS account_id
ORDER BY p.updated_at, p.id
SKIP $skip
LIMIT $limit

// ... or of the accounts $accounts only (UNWIND: an index lookup per account,
// then its people; in one pattern FalkorDB scans every person).
// name: person.changed_since_in
UNWIND $accounts AS account_id
MATCH (a:Account {id: account_id})
WITH a
MATCH (a)<-[:WORKS_AT]-(p:Person)
WHERE p.updated_at >= $since
RETURN properties(p) AS props, a.id AS account_id
ORDER BY p.updated_at, p.id
SKIP $skip
LIMIT $limit

// The API's list of opportunities: those changed at $since or later, in the
// order they changed (then by id), a page of them ($skip, $limit), each with
// its account's id.
// name: opportunity.changed_since
MATCH (a:Account)<-[:FOR]-(o:Opportunity)
WHERE o.updated_at >= $since
RETURN properties(o) AS props, a.id AS account_id
ORDER BY o.updated_at, o.id
SKIP $skip
LIMIT $limit

// ... or of the accounts $accounts only (UNWIND: an index lookup per account,
// then its opportunities; in one pattern FalkorDB scans every opportunity).
// name: opportunity.changed_since_in
UNWIND $accounts AS account_id
MATCH (a:Account {id: account_id})
WITH a
MATCH (a)<-[:FOR]-(o:Opportunity)
WHERE o.updated_at >= $since
RETURN properties(o) AS props, a.id AS account_id
ORDER BY o.updated_at, o.id
SKIP $skip
LIMIT $limit
