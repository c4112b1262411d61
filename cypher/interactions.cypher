// Logging an interaction writes the Interaction, who attended, who it was with,
// the opportunity it was about, and refreshes the recency of every
// RELATIONSHIP between an attendee and a person met (creating a weak one,
// strength 1, where none existed).  One statement, so it is all or nothing.
// name: interaction.log
MATCH (u:User) WHERE u.id IN $user_ids
WITH collect(u) AS users
MATCH (p:Person) WHERE p.id IN $person_ids
WITH users, collect(p) AS people
OPTIONAL MATCH (o:Opportunity {id: $opportunity_id})
CREATE (i:Interaction)
SET i = $props
FOREACH (u IN users | CREATE (u)-[:ATTENDED {version: 1, created_at: $now, updated_at: $now}]->(i))
FOREACH (p IN people | CREATE (i)-[:WITH {version: 1, created_at: $now, updated_at: $now}]->(p))
FOREACH (x IN CASE WHEN o IS NULL THEN [] ELSE [o] END |
  CREATE (i)-[:ABOUT {version: 1, created_at: $now, updated_at: $now}]->(x))
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
WITH i, users, people
UNWIND users AS u
UNWIND people AS p
MERGE (u)-[r:RELATIONSHIP]->(p)
ON CREATE SET r.strength = 1, r.since = $today, r.version = 1, r.created_at = $now, r.updated_at = $now
SET r.last_contact_at = CASE
  WHEN r.last_contact_at IS NULL OR r.last_contact_at < $at THEN $at
  ELSE r.last_contact_at END
RETURN DISTINCT properties(i) AS props

// $people: [id, name, account id] of everyone the interaction was with.
// name: interaction.timeline
MATCH (i:Interaction)-[:WITH]->(:Person {id: $person_id})
OPTIONAL MATCH (u:User)-[:ATTENDED]->(i)
WITH i, collect(DISTINCT u.display_name) AS users
OPTIONAL MATCH (i)-[:WITH]->(p:Person)
OPTIONAL MATCH (p)-[:WORKS_AT]->(pa:Account)
WITH i, users, collect(DISTINCT [p.id, p.name, pa.id]) AS people
OPTIONAL MATCH (i)-[:ABOUT]->(o:Opportunity)
OPTIONAL MATCH (o)-[:FOR]->(oa:Account)
RETURN properties(i) AS props, users, people, o.id AS opportunity_id, o.name AS opportunity_name,
       oa.id AS opportunity_account_id
ORDER BY i.at DESC
LIMIT $limit

// One interaction with the ids of who attended, who it was with and what it was about.
// name: interaction.get
MATCH (i:Interaction {id: $id})
OPTIONAL MATCH (u:User)-[:ATTENDED]->(i)
WITH i, collect(DISTINCT u.id) AS user_ids
OPTIONAL MATCH (i)-[:WITH]->(p:Person)
WITH i, user_ids, collect(DISTINCT p.id) AS person_ids
OPTIONAL MATCH (i)-[:ABOUT]->(o:Opportunity)
RETURN properties(i) AS props, user_ids, person_ids, collect(DISTINCT o.id) AS opportunity_ids

// Editing an interaction, if it is still at the version the editor read: its
// properties ($props, the whole new map), and its ATTENDED / WITH / ABOUT
// lines made those of $user_ids, $person_ids and $opportunity_id (null: none),
// lines that stay keeping their own version.  As interaction.log does, it
// refreshes the recency of every RELATIONSHIP between an attendee and a
// person met (never moving it back); a person or colleague taken off keeps
// the recency the interaction gave them.  One statement: all or nothing.
// name: interaction.update
MATCH (i:Interaction {id: $id})
WHERE i.version = $version
SET i = $props
WITH i
OPTIONAL MATCH (u:User)-[a:ATTENDED]->(i)
WHERE NOT u.id IN $user_ids
WITH i, collect(a) AS gone
FOREACH (x IN gone | DELETE x)
WITH i
OPTIONAL MATCH (i)-[w:WITH]->(p:Person)
WHERE NOT p.id IN $person_ids
WITH i, collect(w) AS gone
FOREACH (x IN gone | DELETE x)
WITH i
OPTIONAL MATCH (i)-[b:ABOUT]->(o:Opportunity)
WHERE $opportunity_id IS NULL OR o.id <> $opportunity_id
WITH i, collect(b) AS gone
FOREACH (x IN gone | DELETE x)
WITH i
OPTIONAL MATCH (u:User)
WHERE u.id IN $user_ids
WITH i, collect(u) AS users
OPTIONAL MATCH (p:Person)
WHERE p.id IN $person_ids
WITH i, users, collect(p) AS people
OPTIONAL MATCH (o:Opportunity {id: $opportunity_id})
FOREACH (u IN users | MERGE (u)-[r:ATTENDED]->(i)
  ON CREATE SET r.version = 1, r.created_at = $now, r.updated_at = $now)
FOREACH (p IN people | MERGE (i)-[r:WITH]->(p)
  ON CREATE SET r.version = 1, r.created_at = $now, r.updated_at = $now)
FOREACH (x IN CASE WHEN o IS NULL THEN [] ELSE [o] END | MERGE (i)-[r:ABOUT]->(x)
  ON CREATE SET r.version = 1, r.created_at = $now, r.updated_at = $now)
FOREACH (u IN users | FOREACH (p IN people |
  MERGE (u)-[r:RELATIONSHIP]->(p)
  ON CREATE SET r.strength = 1, r.since = $today, r.version = 1, r.created_at = $now, r.updated_at = $now
  SET r.last_contact_at = CASE
    WHEN r.last_contact_at IS NULL OR r.last_contact_at < $at THEN $at
    ELSE r.last_contact_at END))
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
RETURN properties(i) AS props

// Who answers a customer's feedback by default (GraphStore.log_interaction):
// a key-account manager on the team of the account of one of the people who
// gave it, the first by person and user id; none when the account has none.
// name: follow_up.default_owner
MATCH (p:Person)-[:WORKS_AT]->(:Account)<-[:MEMBER_OF]-(u:User)
WHERE p.id IN $person_ids AND u.role = 'manager' AND coalesce(u.active, true) = true
RETURN u.id AS id
ORDER BY p.id, u.id
LIMIT 1

// Closing the follow-up of a customer's feedback ($follow_up_id): the
// interaction that answers it is logged as interaction.log logs one, and the
// feedback records it as follow_up_closed_by, in one statement.  Nothing is
// written when the feedback has no open follow-up (none, or closed meanwhile).
// name: interaction.close_follow_up
MATCH (f:Interaction {id: $follow_up_id})
WHERE f.follow_up_owner IS NOT NULL AND f.follow_up_closed_by IS NULL
OPTIONAL MATCH (u:User) WHERE u.id IN $user_ids
WITH f, collect(u) AS users
OPTIONAL MATCH (p:Person) WHERE p.id IN $person_ids
WITH f, users, collect(p) AS people
OPTIONAL MATCH (o:Opportunity {id: $opportunity_id})
SET f.follow_up_closed_by = $closed_by, f.version = f.version + 1, f.updated_at = $now
CREATE (i:Interaction)
SET i = $props
FOREACH (u IN users | CREATE (u)-[:ATTENDED {version: 1, created_at: $now, updated_at: $now}]->(i))
FOREACH (p IN people | CREATE (i)-[:WITH {version: 1, created_at: $now, updated_at: $now}]->(p))
FOREACH (x IN CASE WHEN o IS NULL THEN [] ELSE [o] END |
  CREATE (i)-[:ABOUT {version: 1, created_at: $now, updated_at: $now}]->(x))
FOREACH (entry IN $audit | CREATE (e:AuditEntry) SET e = entry)
WITH i, users, people
UNWIND users AS u
UNWIND people AS p
MERGE (u)-[r:RELATIONSHIP]->(p)
ON CREATE SET r.strength = 1, r.since = $today, r.version = 1, r.created_at = $now, r.updated_at = $now
SET r.last_contact_at = CASE
  WHEN r.last_contact_at IS NULL OR r.last_contact_at < $at THEN $at
  ELSE r.last_contact_at END
RETURN DISTINCT properties(i) AS props

// The interaction an integration logged with this id of its own system
// (the API's idempotency key: graphcrm.model.external_key, unique).
// name: interaction.by_external_key
MATCH (i:Interaction {external_key: $key})
RETURN i.id AS id


// The API's list of interactions: those changed at $since or later, in the
// order they changed (then by id), a page of them ($skip, $limit), each as
// interaction.get gives it.  Of every account (directors, admins): the
// index on updated_at.
// name: interaction.changed_since
MATCH (i:Interaction)
WHERE i.updated_at >= $since
WITH i ORDER BY i.updated_at, i.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (u:User)-[:ATTENDED]->(i)
WITH i, collect(DISTINCT u.id) AS user_ids
OPTIONAL MATCH (i)-[:WITH]->(p:Person)
WITH i, user_ids, collect(DISTINCT p.id) AS person_ids
OPTIONAL MATCH (i)-[:ABOUT]->(o:Opportunity)
RETURN properties(i) AS props, user_ids, person_ids, collect(DISTINCT o.id) AS opportunity_ids
ORDER BY props.updated_at, props.id

// ... those with people of the accounts $accounts or about their bids (UNWIND:
// an index lookup per account), and of these those whose every account (as
// access.node_accounts finds them) is one of $visible (null: any).
// name: interaction.changed_since_in
UNWIND $accounts AS account_id
MATCH (a:Account {id: account_id})
OPTIONAL MATCH (a)<-[:WORKS_AT]-(:Person)<-[:WITH]-(met:Interaction)
WHERE met.updated_at >= $since
WITH a, collect(DISTINCT met) AS found
OPTIONAL MATCH (a)<-[:FOR]-(:Opportunity)<-[:ABOUT]-(about:Interaction)
WHERE about.updated_at >= $since
WITH found, collect(DISTINCT about) AS more
UNWIND found + more AS i
WITH DISTINCT i
OPTIONAL MATCH (i)-[:WITH]->(:Person)-[:WORKS_AT]->(pa:Account)
WITH i, collect(DISTINCT pa.id) AS people_accounts
OPTIONAL MATCH (i)-[:ABOUT]->(:Opportunity)-[:FOR]->(oa:Account)
WITH i, people_accounts, collect(DISTINCT oa.id) AS bid_accounts
WHERE $visible IS NULL OR all(x IN people_accounts + bid_accounts WHERE x IN $visible)
WITH i ORDER BY i.updated_at, i.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (u:User)-[:ATTENDED]->(i)
WITH i, collect(DISTINCT u.id) AS user_ids
OPTIONAL MATCH (i)-[:WITH]->(p:Person)
WITH i, user_ids, collect(DISTINCT p.id) AS person_ids
OPTIONAL MATCH (i)-[:ABOUT]->(o:Opportunity)
RETURN properties(i) AS props, user_ids, person_ids, collect(DISTINCT o.id) AS opportunity_ids
ORDER BY props.updated_at, props.id

// Who of ours met which stakeholders from $since to $until (ISO moments, both
// included): one row per interaction, attendee and person met (the manager
// scorecard's maintenance, graphcrm/analysis/scorecard.py).
// name: interaction.contacts_between
MATCH (u:User)-[:ATTENDED]->(i:Interaction)
WHERE i.at >= $since AND i.at <= $until
MATCH (i)-[:WITH]->(p:Person)
RETURN u.id AS user, p.id AS person, i.at AS at

// The team of accounts ($accounts): who is a member of each account or of one
// of its opportunities (who may own a follow-up, GraphStore.follow_up_owners).
// name: account.team
UNWIND $accounts AS account_id
MATCH (a:Account {id: account_id})<-[:MEMBER_OF]-(u:User)
RETURN a.id AS account, u.id AS user
UNION
UNWIND $accounts AS account_id
MATCH (a:Account {id: account_id})<-[:FOR]-(:Opportunity)<-[:MEMBER_OF]-(u:User)
RETURN a.id AS account, u.id AS user
