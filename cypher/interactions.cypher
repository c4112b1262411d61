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

// name: interaction.timeline
MATCH (i:Interaction)-[:WITH]->(:Person {id: $person_id})
OPTIONAL MATCH (u:User)-[:ATTENDED]->(i)
OPTIONAL MATCH (i)-[:ABOUT]->(o:Opportunity)
OPTIONAL MATCH (o)-[:FOR]->(oa:Account)
WITH i, o, oa, collect(DISTINCT u.display_name) AS users
RETURN properties(i) AS props, users, o.id AS opportunity_id, o.name AS opportunity_name,
       oa.id AS opportunity_account_id
ORDER BY i.at DESC
LIMIT $limit
