// Tender compliance (graphcrm/compliance.py).  What the rule on an interaction
// needs about each person met: their compliance role and the opportunities of
// their account, with the stage and dates that make a quiet period.
// name: compliance.people
UNWIND $person_ids AS person_id
MATCH (p:Person {id: person_id})
OPTIONAL MATCH (p)-[:WORKS_AT]->(:Account)<-[:FOR]-(o:Opportunity)
WITH p, collect(o) AS opportunities
RETURN p.id AS id, p.name AS name, p.compliance_role AS compliance_role,
       [o IN opportunities | {id: o.id, name: o.name, stage: o.stage, quiet_start: o.quiet_start,
                              quiet_end: o.quiet_end}] AS opportunities

// The gifts given to each person met from $since up to $until (ISO, both
// included: the start of the year and the interaction's own moment) on other
// interactions than $except_id: [value, currency] pairs.
// name: compliance.gifts
UNWIND $person_ids AS person_id
MATCH (p:Person {id: person_id})<-[:WITH]-(i:Interaction)
WHERE i.gift_value IS NOT NULL AND i.at >= $since AND i.at <= $until AND i.id <> $except_id
RETURN p.id AS id, collect([i.gift_value, i.gift_currency]) AS gifts

// The compliance report (GraphStore.compliance_report): every interaction from
// $since to $until that recorded a gift or was flagged, with who it was with
// (id, name, compliance role, account id and name) and who of ours attended.
// name: compliance.report
MATCH (i:Interaction)
WHERE i.at >= $since AND i.at < $until
  AND (i.gift_value IS NOT NULL OR i.quiet_period_flag = true OR i.gift_limit_flag = true)
OPTIONAL MATCH (i)-[:WITH]->(p:Person)
OPTIONAL MATCH (p)-[:WORKS_AT]->(a:Account)
WITH i, collect(DISTINCT [p.id, p.name, p.compliance_role, a.id, a.name]) AS people
OPTIONAL MATCH (u:User)-[:ATTENDED]->(i)
WITH i, people, collect(DISTINCT coalesce(u.display_name, u.username)) AS users
RETURN properties(i) AS props, people, users
ORDER BY i.at DESC, i.id
