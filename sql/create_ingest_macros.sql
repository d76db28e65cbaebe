-- Helpers of the ingest queries, as temporary macros of the connection.

-- The JSON type of a value as json_extract() writes it (minified), from its first character (json_type()
-- would parse it again). yyjson writes NaN and Infinity as they were read, so "nan" shows as null here; such
-- a record is refused as not JSON anyway.
CREATE OR REPLACE TEMP MACRO json_kind(value) AS
    CASE WHEN value IS NOT NULL THEN
        CASE value[1] WHEN '"' THEN 'string' WHEN '{' THEN 'object' WHEN '[' THEN 'array' WHEN 't' THEN 'boolean'
                      WHEN 'f' THEN 'boolean' WHEN 'n' THEN 'null' ELSE 'number' END END;

-- What DuckDB's JSON reader accepts and JSON does not: a trailing comma, NaN, Infinity or inf (outside strings).
-- The first regex skips string literals to be sure; the cheap ones say when it is worth running.
CREATE OR REPLACE TEMP MACRO lenient_json(text) AS
    regexp_matches(text, '^(?:[^"]|"(?:[^"\\]|\\.)*")*?(?:,\s*[\]}]|[-:\[,]\s*(?i:nan|inf))');
CREATE OR REPLACE TEMP MACRO may_have_trailing_comma(text) AS regexp_matches(text, ',\s*[\]}]');
CREATE OR REPLACE TEMP MACRO may_have_nan(text) AS
    regexp_matches(text, '[-:,\[ \t\r][Nn][Aa][Nn]|[-:,\[ \t\r][Ii][Nn][Ff]');

-- The key of the id index: DuckDB's 64-bit hash of (tenant_id, event_id). Not promised stable across DuckDB
-- versions: the index lives under a folder named by this hash's values on fixed inputs, so a DuckDB whose
-- hash differs builds a fresh index from the events files. A collision only costs a look at the events.
CREATE OR REPLACE TEMP MACRO event_key(tenant_id, event_id) AS hash(tenant_id, event_id);

-- The body of an event, whose sameness makes a repeat a duplicate rather than a conflict: the canonical event
-- (exact quantity, the instant to the microsecond, dimensions with sorted keys). Hashed within one ingest
-- only: both sides of every comparison are hashed by the same run.
CREATE OR REPLACE TEMP MACRO event_body_hash(event_id, tenant_id, metric, quantity, ts, dimensions) AS
    hash(event_id, tenant_id, metric, quantity, ts, dimensions);

-- The same canonical event as JSON text, to show (conflicts keep both bodies).
CREATE OR REPLACE TEMP MACRO event_body(event_id, tenant_id, metric, quantity, ts, dimensions) AS
    CAST(json_object('event_id', event_id, 'tenant_id', tenant_id, 'metric', metric,
                     'quantity', rtrim(rtrim(CAST(quantity AS VARCHAR), '0'), '.'),
                     'timestamp', strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ'),
                     'dimensions', CAST(dimensions AS JSON)) AS VARCHAR);
