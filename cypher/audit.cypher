// The audit log (graphcrm/audit.py).  Entries are created by the audit clause
// of every write statement; audit.record adds one for an event that writes
// nothing else (an export).  No statement deletes an entry; forget.person alone
// blanks the erased values in the history of the person it erases.

// name: audit.record
UNWIND $audit AS entry
CREATE (e:AuditEntry)
SET e = entry
RETURN e.id AS id

// Filters are optional (null: any); $since / $until are ISO timestamps
// (until exclusive); $target matches the id or the label of what changed, and
// $merged the ids merged into it (GraphStore.merged_into).
// name: audit.list
MATCH (e:AuditEntry)
WHERE ($actor IS NULL OR e.actor = $actor)
  AND ($target IS NULL OR e.target_id = $target OR e.target_label = $target OR e.target_id IN $merged)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
RETURN properties(e) AS props
ORDER BY e.at DESC
SKIP $skip
LIMIT $limit

// name: audit.count
MATCH (e:AuditEntry)
WHERE ($actor IS NULL OR e.actor = $actor)
  AND ($target IS NULL OR e.target_id = $target OR e.target_label = $target OR e.target_id IN $merged)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
RETURN count(e) AS n
