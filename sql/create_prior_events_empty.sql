-- No other day's id index matched a key of today's valid lines: no earlier accepted event to compare with.
CREATE OR REPLACE TEMP TABLE prior_events (
    tenant_id VARCHAR, event_id VARCHAR, day DATE, source_file VARCHAR, line_no BIGINT, body_hash UBIGINT,
    body VARCHAR
);
