-- The id index files (other days) holding the key of one of today's valid lines. 64-bit keys: a match that is
-- not the same (tenant_id, event_id) is possible, rare, and only costs reading that day's events.
-- Parameters: $paths (VARCHAR[], the index files of every other day).
SELECT DISTINCT filename
FROM read_parquet($paths::VARCHAR[], filename = true)
WHERE key_hash IN (SELECT key_hash FROM checked_events WHERE reason IS NULL);
