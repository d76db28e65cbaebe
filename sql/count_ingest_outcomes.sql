-- What one ingest did, counted from what it wrote: lines in, accepted events in the lake, duplicates, and the
-- quarantine's conflicts and other rejects.
-- Parameters: $events_path, $quarantine_path.
SELECT (SELECT count(*) FROM checked_events) AS events_in,
       (SELECT count(*) FROM read_parquet($events_path)) AS accepted,
       (SELECT count(*) FROM dedup_outcomes WHERE status = 'duplicate') AS duplicate,
       (SELECT count(*) FROM read_parquet($quarantine_path) WHERE status = 'conflict') AS conflict,
       (SELECT count(*) FROM read_parquet($quarantine_path) WHERE status = 'quarantined') AS quarantined;
