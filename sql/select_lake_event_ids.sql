-- A day's id index rebuilt from its events file (one the index lacks or that is newer than its index).
-- Parameters: $events_path.
SELECT event_key(tenant_id, event_id) AS key_hash
FROM read_parquet($events_path)
ORDER BY key_hash;
