-- The day's quarantine: every line the contract or the day's context refused (status 'quarantined', reason
-- naming the field), then every conflict (status 'conflict') with both canonical bodies and a pointer to the
-- accepted event. raw (from landing_lines): the record's text; raw_bytes its original bytes (raw encoded as UTF-8
-- unless the reader kept others).
-- Parameters: $day (DATE).
SELECT c.source_file, c.line_no, split_part(c.reason, ':', 1) AS field, c.reason, l.raw,
       coalesce(l.raw_bytes, encode(l.raw)) AS raw_bytes, 'quarantined' AS status,
       CAST(NULL AS VARCHAR) AS body, CAST(NULL AS VARCHAR) AS accepted_body, CAST(NULL AS DATE) AS accepted_day,
       CAST(NULL AS VARCHAR) AS accepted_file, CAST(NULL AS BIGINT) AS accepted_line
FROM checked_events c
JOIN landing_lines l ON l.source_file = c.source_file AND l.line_no = c.line_no
WHERE c.reason IS NOT NULL
UNION ALL
SELECT c.source_file, c.line_no, 'conflict' AS field,
       'conflict: event_id ' || to_json(c.event_id) || ' of tenant ' || to_json(c.tenant_id)
           || ' was accepted with another body (' || o.accepted_file || ' line ' || o.accepted_line
           || ', ' || strftime(o.accepted_day, '%Y-%m-%d') || ')' AS reason,
       l.raw, coalesce(l.raw_bytes, encode(l.raw)) AS raw_bytes, 'conflict' AS status,
       event_body(c.event_id, c.tenant_id, c.metric, c.quantity, c.ts, c.dimensions) AS body,
       coalesce(p.body, event_body(a.event_id, a.tenant_id, a.metric, a.quantity, a.ts, a.dimensions))
           AS accepted_body,
       o.accepted_day, o.accepted_file, o.accepted_line
FROM dedup_outcomes o
JOIN checked_events c ON c.source_file = o.source_file AND c.line_no = o.line_no
JOIN landing_lines l ON l.source_file = o.source_file AND l.line_no = o.line_no
LEFT JOIN prior_events p ON p.tenant_id = c.tenant_id AND p.event_id = c.event_id
LEFT JOIN checked_events a
    ON o.accepted_day = CAST($day AS DATE) AND a.source_file = o.accepted_file AND a.line_no = o.accepted_line
WHERE o.status = 'conflict'
ORDER BY source_file, line_no;
