// FalkorDB schema.  Unique constraints are not Cypher in FalkorDB: the backend
// creates them with the GRAPH.CONSTRAINT command on top of the id index below
// and waits until they are OPERATIONAL (graphcrm/graph/backends.py).

// name: schema.indexes
CALL db.indexes() YIELD label, properties
RETURN label, properties

// name: schema.id_index
// each: label
CREATE INDEX FOR (n:__LABEL__) ON (n.id)

// name: schema.name_index.Account
CREATE INDEX FOR (n:Account) ON (n.name)

// name: schema.name_index.Person
CREATE INDEX FOR (n:Person) ON (n.name)

// The audit page's name filter (audit.named).
// name: schema.name_index.Opportunity
CREATE INDEX FOR (n:Opportunity) ON (n.name)

// name: schema.audit_index
CREATE INDEX FOR (n:AuditEntry) ON (n.at)

// name: schema.audit_target_index
CREATE INDEX FOR (n:AuditEntry) ON (n.target_id)

// name: schema.audit_actor_index
CREATE INDEX FOR (n:AuditEntry) ON (n.actor)

// name: schema.audit_label_index
CREATE INDEX FOR (n:AuditEntry) ON (n.target_label)

// The end of a relationship an entry is about (a person's history: audit.list_by_names).
// name: schema.audit_end_index
CREATE INDEX FOR (n:AuditEntry) ON (n.target_end)

// The deletions since a date of an account's history (history.deletions).
// name: schema.audit_action_index
CREATE INDEX FOR (n:AuditEntry) ON (n.action)

// Backups page through the log by id (backup.audit).
// name: schema.audit_id_index
CREATE INDEX FOR (n:AuditEntry) ON (n.id)

// name: schema.username_index
CREATE INDEX FOR (n:User) ON (n.username)

// A user's open follow-ups of customer feedback (load.owner: My week).
// name: schema.follow_up_index
CREATE INDEX FOR (n:Interaction) ON (n.follow_up_owner)

// An integration's key of an interaction: its source and id in that source
// (the API's retries: interaction.by_external_key); the exact-match index the
// unique constraint on Interaction.external_key stands on (graphcrm/graph/backends.py).
// name: schema.external_key_index
CREATE INDEX FOR (n:Interaction) ON (n.external_key)

// The API's list of interactions, in the order they changed (interaction.changed_since).
// name: schema.interaction_updated_index
CREATE INDEX FOR (n:Interaction) ON (n.updated_at)

// name: schema.constraints
CALL db.constraints() YIELD type, label, properties, status
RETURN type, label, properties, status
