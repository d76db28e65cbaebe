-- The events accepted on other days with the (tenant_id, event_id) of one of today's valid lines, the
-- earliest (day, file, line) per key, with their body hash and canonical body.
-- Parameters: $paths (VARCHAR[], the events files of the days the id index matched), $days (DATE[], same order).
CREATE OR REPLACE TEMP TABLE prior_events AS
WITH today AS (
    SELECT DISTINCT tenant_id, event_id FROM checked_events WHERE reason IS NULL
),
matched AS (
    SELECT e.*, $days[list_position($paths, e.filename)] AS day
    FROM read_parquet($paths::VARCHAR[], filename = true) e
    SEMI JOIN today ON today.tenant_id = e.tenant_id AND today.event_id = e.event_id
)
SELECT DISTINCT ON (tenant_id, event_id)
       tenant_id, event_id, day, source_file, line_no,
       event_body_hash(event_id, tenant_id, metric, quantity, ts, dimensions) AS body_hash,
       event_body(event_id, tenant_id, metric, quantity, ts, dimensions) AS body
FROM matched
ORDER BY tenant_id, event_id, day, source_file, line_no;
