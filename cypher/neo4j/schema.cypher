// Neo4j 5 schema: unique ids per label and lookup indexes, all idempotent.

// name: schema.id_constraint
// each: label
CREATE CONSTRAINT graphcrm___LABEL___id IF NOT EXISTS
FOR (n:__LABEL__) REQUIRE n.id IS UNIQUE

// name: schema.name_index.Account
CREATE INDEX graphcrm_account_name IF NOT EXISTS FOR (n:Account) ON (n.name)

// name: schema.name_index.Person
CREATE INDEX graphcrm_person_name IF NOT EXISTS FOR (n:Person) ON (n.name)

// The audit page's name filter (audit.named).
// name: schema.name_index.Opportunity
CREATE INDEX graphcrm_opportunity_name IF NOT EXISTS FOR (n:Opportunity) ON (n.name)

// name: schema.audit_index
CREATE INDEX graphcrm_audit_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at)

// name: schema.audit_target_index
CREATE INDEX graphcrm_audit_target IF NOT EXISTS FOR (n:AuditEntry) ON (n.target_id)

// name: schema.audit_actor_index
CREATE INDEX graphcrm_audit_actor IF NOT EXISTS FOR (n:AuditEntry) ON (n.actor)

// name: schema.audit_label_index
CREATE INDEX graphcrm_audit_label IF NOT EXISTS FOR (n:AuditEntry) ON (n.target_label)

// The end of a relationship an entry is about (a person's history: audit.list_by_names).
// name: schema.audit_end_index
CREATE INDEX graphcrm_audit_end IF NOT EXISTS FOR (n:AuditEntry) ON (n.target_end)

// The deletions since a date of an account's history (history.deletions).
// name: schema.audit_action_index
CREATE INDEX graphcrm_audit_action IF NOT EXISTS FOR (n:AuditEntry) ON (n.action)

// Backups page through the log by id (backup.audit).
// name: schema.audit_id_index
CREATE INDEX graphcrm_audit_id IF NOT EXISTS FOR (n:AuditEntry) ON (n.id)

// A user's open follow-ups of customer feedback (load.owner: My week).
// name: schema.follow_up_index
CREATE INDEX graphcrm_interaction_follow_up IF NOT EXISTS FOR (n:Interaction) ON (n.follow_up_owner)

// An integration's key of an interaction: its source and id in that source,
// once (the API's retries: interaction.by_external_key).  Two copies logged at
// the same moment: the second is refused by the constraint, not stored twice.
// name: schema.external_key_constraint
CREATE CONSTRAINT graphcrm_interaction_external_key IF NOT EXISTS
FOR (n:Interaction) REQUIRE n.external_key IS UNIQUE

// The API's list of interactions, in the order they changed (interaction.changed_since).
// name: schema.interaction_updated_index
CREATE INDEX graphcrm_interaction_updated IF NOT EXISTS FOR (n:Interaction) ON (n.updated_at)

// name: schema.username_constraint
CREATE CONSTRAINT graphcrm_user_username IF NOT EXISTS
FOR (n:User) REQUIRE n.username IS UNIQUE

// The change stamp's node (meta.cypher): MERGE creates one only under this
// constraint, which makes concurrent first writes wait for each other's node.
// name: schema.meta_constraint
CREATE CONSTRAINT graphcrm_meta_id IF NOT EXISTS
FOR (n:GraphCRMMeta) REQUIRE n.id IS UNIQUE
