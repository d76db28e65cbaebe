-- Classify every landed line of one day: accepted, duplicate (same event_id seen earlier), or quarantined.
-- Parameters: $day_start, $day_end (TIMESTAMPTZ), $tenants, $metrics (VARCHAR[]).
-- Known tenants and metrics are hash semi-joins: a list_contains() inside the CASE scanned the whole list
-- for every line (10,000 tenants x 1.6 M lines a day took 14 s of a 20 s ingest).
CREATE OR REPLACE TEMP TABLE classified_events AS
WITH known_tenants AS (
    SELECT DISTINCT unnest($tenants::VARCHAR[]) AS tenant_id
),
known_metrics AS (
    SELECT DISTINCT unnest($metrics::VARCHAR[]) AS metric
),
documents AS (
    SELECT source_file, line_no, raw,
           CASE WHEN json_valid(raw) THEN raw::JSON END AS doc
    FROM landing_lines
),
fields AS (
    SELECT source_file, line_no, raw, doc,
           json_type(doc) AS doc_type,
           doc ->> '$.event_id' AS event_id,
           doc ->> '$.tenant_id' AS tenant_id,
           doc ->> '$.metric' AS metric,
           doc ->> '$.quantity' AS quantity_text,
           TRY_CAST(doc ->> '$.quantity' AS DECIMAL(38, 9)) AS quantity,
           doc ->> '$.timestamp' AS ts_text,
           TRY_CAST(doc ->> '$.timestamp' AS TIMESTAMPTZ) AS ts,
           coalesce(CAST(json_extract(doc, '$.dimensions') AS VARCHAR), '{}') AS dimensions
    FROM documents
),
resolved AS (
    SELECT fields.*,
           fields.tenant_id IN (SELECT tenant_id FROM known_tenants) AS known_tenant,
           fields.metric IN (SELECT metric FROM known_metrics) AS known_metric
    FROM fields
),
checked AS (
    SELECT *,
        CASE
            WHEN doc IS NULL THEN 'record: not valid JSON'
            WHEN doc_type <> 'OBJECT' THEN 'record: not a JSON object'
            WHEN event_id IS NULL OR trim(event_id) = '' THEN 'event_id: missing'
            WHEN tenant_id IS NULL OR trim(tenant_id) = '' THEN 'tenant_id: missing'
            WHEN NOT known_tenant THEN 'tenant_id: unknown tenant ''' || tenant_id || ''''
            WHEN metric IS NULL OR trim(metric) = '' THEN 'metric: missing'
            WHEN NOT known_metric THEN 'metric: unknown metric ''' || metric || ''''
            WHEN quantity_text IS NULL THEN 'quantity: missing'
            WHEN quantity IS NULL THEN 'quantity: not a number (''' || quantity_text || ''')'
            WHEN quantity < 0 THEN 'quantity: negative (' || quantity_text || ')'
            WHEN ts_text IS NULL THEN 'timestamp: missing'
            WHEN NOT regexp_matches(ts_text, '(Z|[+-][0-9]{2}:?[0-9]{2})$')
                THEN 'timestamp: no UTC offset (''' || ts_text || ''')'
            WHEN ts IS NULL THEN 'timestamp: not an ISO-8601 instant (''' || ts_text || ''')'
            WHEN ts < $day_start OR ts >= $day_end
                THEN 'timestamp: ' || ts_text || ' is outside the partition day'
        END AS reason
    FROM resolved
)
SELECT *,
    CASE
        WHEN reason IS NOT NULL THEN 'quarantined'
        WHEN row_number() OVER (PARTITION BY reason IS NULL, event_id ORDER BY source_file, line_no) = 1
            THEN 'accepted'
        ELSE 'duplicate'
    END AS status
FROM checked;
