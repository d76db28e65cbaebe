-- The day's valid lines that are not accepted: a duplicate (same (tenant_id, event_id) and same body as the
-- accepted event) or a conflict (same key, another body), each pointing at the accepted event. The accepted
-- event of a key is the one of another day (prior_events) if there is one, else the day's first line with
-- the key (files in name order, then line order). Every other valid line is accepted.
-- Parameters: $day (DATE).
CREATE OR REPLACE TEMP TABLE dedup_outcomes AS
-- Keys are grouped by their 64-bit hash first (cheap), then compared exactly among the few candidates.
WITH repeated AS (
    SELECT key_hash FROM checked_events WHERE reason IS NULL GROUP BY key_hash HAVING count(*) > 1
    UNION
    SELECT event_key(tenant_id, event_id) FROM prior_events
),
candidates AS (
    SELECT c.tenant_id, c.event_id, c.source_file, c.line_no, c.body_hash,
           row_number() OVER (PARTITION BY c.tenant_id, c.event_id ORDER BY c.source_file, c.line_no) AS occurrence
    FROM checked_events c
    SEMI JOIN repeated r ON r.key_hash = c.key_hash
    WHERE c.reason IS NULL
),
reference AS (
    SELECT c.tenant_id, c.event_id,
           p.tenant_id IS NOT NULL AS other_day,
           coalesce(p.day, CAST($day AS DATE)) AS accepted_day,
           coalesce(p.source_file, c.source_file) AS accepted_file,
           coalesce(p.line_no, c.line_no) AS accepted_line,
           coalesce(p.body_hash, c.body_hash) AS accepted_hash
    FROM candidates c
    LEFT JOIN prior_events p ON p.tenant_id = c.tenant_id AND p.event_id = c.event_id
    WHERE c.occurrence = 1
)
SELECT c.source_file, c.line_no,
       CASE WHEN c.body_hash = r.accepted_hash THEN 'duplicate' ELSE 'conflict' END AS status,
       r.accepted_day, r.accepted_file, r.accepted_line
FROM candidates c
JOIN reference r ON r.tenant_id = c.tenant_id AND r.event_id = c.event_id
WHERE r.other_day OR c.occurrence > 1;
