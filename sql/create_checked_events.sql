-- Check every landed line of one day against the Event contract and the day's context; one row per line of
-- landing_lines (which keeps the lines' text: it is not copied here), reason NULL when it passes. The first failing check names the record: record, then the fields in the
-- contract's order (event_id, tenant_id, metric, quantity, timestamp, dimensions), then the context: the
-- tenant and metric exist (stronger than the contract's key grammar), the quantity is within its metric's
-- maximum, the instant falls in the partition day.
-- The contract's rules come from billing_dagster.domain.contracts_usage as parameters: $decimal_syntax,
-- $quantity_pattern, $integer_digits, $fraction_digits, $event_id_pattern, $event_id_max_length,
-- $timestamp_pattern, $dimensions_max_entries, $dimension_value_max_length; the lake's quantity type is
-- LAKE_QUANTITY_TYPE, DECIMAL(38, 12) (a type cannot be a parameter; a test holds the two together).
-- The day's: $day_start, $day_end (TIMESTAMPTZ), $tenants, $metrics, $max_quantities (VARCHAR[]: the maximum
-- quantity of metrics[i] is max_quantities[i]), $plain_layouts (VARCHAR[][], see keys_problem).
-- Speed: each line is parsed once for its six fields (json_extract of a list of paths; each value comes back
-- as its minified JSON text, whose first character is its type) and once for its keys. A valid line takes
-- the cheap tests of each field; the detailed CASE that names the fault runs only for a field that failed
-- them. Known tenants and metrics are hash joins (a list_contains() per line scanned the
-- whole list: 10,000 tenants x 1.6 M lines took 14 s).
CREATE OR REPLACE TEMP TABLE checked_events AS
WITH known_tenants AS (
    SELECT DISTINCT unnest($tenants::VARCHAR[]) AS tenant_id
),
known_metrics AS (
    SELECT unnest($metrics::VARCHAR[]) AS metric,
           CAST(unnest($max_quantities::VARCHAR[]) AS DECIMAL(38, 12)) AS max_quantity
),
fields AS (
    SELECT source_file, line_no, defect, doc, doc_is_object, doc_keys,
           v[1] AS event_id_json, CASE WHEN v[1][1] = '"' THEN s[1] END AS event_id,
           v[2] AS tenant_json, CASE WHEN v[2][1] = '"' THEN s[2] END AS tenant_id,
           v[3] AS metric_json, CASE WHEN v[3][1] = '"' THEN s[3] END AS metric,
           -- A number's text is exact when it is an integer: a 64-bit one as it was, a larger one kept as its
           -- literal (DuckDB's reader keeps big numbers raw). Any other number went through a double.
           v[4] AS quantity_json,
           CASE WHEN v[4][1] = '"' THEN s[4] WHEN NOT contains(v[4], '.') THEN v[4] END AS quantity_text,
           v[5] AS ts_json, CASE WHEN v[5][1] = '"' THEN s[5] END AS ts_text,
           v[6] AS dimensions_json
    FROM (
        SELECT *,
               CASE WHEN starts_with(doc, '{') THEN true ELSE json_type(doc) = 'OBJECT' END AS doc_is_object,
               CASE WHEN doc_is_object THEN json_keys(doc) END AS doc_keys,
               CAST(json_extract(doc, ['$.event_id', '$.tenant_id', '$.metric', '$.quantity', '$.timestamp',
                                       '$.dimensions']) AS VARCHAR[]) AS v,
               json_extract_string(doc, ['$.event_id', '$.tenant_id', '$.metric', '$.quantity', '$.timestamp'])
                   AS s
        FROM (
            SELECT source_file, line_no, defect,
                   CASE WHEN defect IS NOT NULL OR NOT json_valid(coalesce(doc, raw)) THEN NULL
                        WHEN NOT may_have_trailing_comma(coalesce(doc, raw)) THEN coalesce(doc, raw)
                        WHEN NOT lenient_json(coalesce(doc, raw)) THEN coalesce(doc, raw) END AS doc
            FROM landing_lines
        )
    )
),
valued AS (
    SELECT fields.*,
           tenant_id IN (SELECT tenant_id FROM known_tenants) AS known_tenant,
           known_metrics.metric IS NOT NULL AS known_metric,
           known_metrics.max_quantity,
           CASE WHEN regexp_full_match(quantity_text, $quantity_pattern)
                THEN TRY_CAST(quantity_text AS DECIMAL(38, 12)) END AS quantity,
           CASE WHEN regexp_matches(ts_text, $timestamp_pattern) THEN TRY_CAST(ts_text AS TIMESTAMPTZ) END AS ts,
           -- NULL when fine. Lines with one of the day's usual key lists (known fields only, none repeated:
           -- $plain_layouts, from select_key_layouts) pass without the tests.
           CASE WHEN doc_keys IS NULL OR list_contains(CAST($plain_layouts AS VARCHAR[][]), doc_keys) THEN NULL
                -- NaN or Infinity in an unknown field (in an Event field, that field's check refuses it).
                WHEN NOT list_has_all(['event_id', 'tenant_id', 'metric', 'quantity', 'timestamp', 'dimensions'],
                                      doc_keys)
                     AND CASE WHEN may_have_nan(doc) THEN lenient_json(doc) ELSE false END
                    THEN 'record: not valid JSON'
                WHEN len(doc_keys) <> len(list_distinct(doc_keys))
                    THEN 'record: duplicate key ' || to_json(list_filter(doc_keys, lambda k, i:
                             list_position(doc_keys, k) < i)[1])
           END AS keys_problem,
           -- NULL when fine. {} or one short string entry pass cheaply (in minified JSON a "," only ever
           -- separates entries); anything else gets the detailed checks.
           CASE WHEN dimensions_json IS NULL OR dimensions_json = '{}' THEN NULL
                WHEN strlen(dimensions_json) <= $dimension_value_max_length AND NOT contains(dimensions_json, '","')
                     AND regexp_full_match(dimensions_json, '\{"(?:[^"\\]|\\.)*":"(?:[^"\\]|\\.)*"\}') THEN NULL
                ELSE CASE
                    WHEN NOT starts_with(dimensions_json, '{')
                        THEN 'dimensions: not an object (a JSON ' || json_kind(dimensions_json) || ')'
                    WHEN len(json_keys(dimensions_json)) <> len(list_distinct(json_keys(dimensions_json)))
                        THEN 'dimensions: duplicate key ' || to_json(list_filter(json_keys(dimensions_json), lambda k, i:
                                 list_position(json_keys(dimensions_json), k) < i)[1])
                    WHEN len(json_keys(dimensions_json)) > $dimensions_max_entries
                        THEN 'dimensions: more than ' || $dimensions_max_entries || ' entries'
                    WHEN NOT list_bool_and(list_transform(CAST(json_extract(dimensions_json, '$.*') AS VARCHAR[]),
                                                          lambda x: x[1] = '"'))
                        THEN 'dimensions: values must be strings'
                    WHEN list_max(list_transform(CAST(json_extract(dimensions_json, '$.*') AS VARCHAR[]),
                                                 lambda x: length(x ->> '$'))) > $dimension_value_max_length
                        THEN 'dimensions: a value is longer than ' || $dimension_value_max_length || ' characters'
                END
           END AS dimensions_problem
    FROM fields LEFT JOIN known_metrics ON known_metrics.metric = fields.metric
),
checked AS (
    SELECT *,
        CASE
            WHEN defect IS NOT NULL THEN defect
            WHEN doc IS NULL THEN 'record: not valid JSON'
            WHEN NOT doc_is_object THEN 'record: not a JSON object'
            WHEN keys_problem IS NOT NULL THEN keys_problem
            WHEN event_id IS NULL THEN CASE WHEN event_id_json IS NULL OR event_id_json = 'null' THEN 'event_id: missing'
                                            ELSE 'event_id: not a string (a JSON ' || json_kind(event_id_json) || ')' END
            WHEN event_id = '' OR NOT (event_id[1] NOT IN (' ', chr(9), chr(10), chr(13))
                                       OR regexp_matches(event_id, $event_id_pattern))
                THEN 'event_id: empty or only whitespace'
            WHEN length(event_id) > $event_id_max_length
                THEN 'event_id: longer than ' || $event_id_max_length || ' characters'
            WHEN tenant_id IS NULL THEN CASE WHEN tenant_json IS NULL OR tenant_json = 'null' THEN 'tenant_id: missing'
                                             ELSE 'tenant_id: not a string (a JSON ' || json_kind(tenant_json) || ')' END
            WHEN tenant_id = '' THEN 'tenant_id: empty'
            WHEN metric IS NULL THEN CASE WHEN metric_json IS NULL OR metric_json = 'null' THEN 'metric: missing'
                                          ELSE 'metric: not a string (a JSON ' || json_kind(metric_json) || ')' END
            WHEN metric = '' THEN 'metric: empty'
            WHEN quantity IS NULL THEN CASE
                WHEN quantity_json IS NULL OR quantity_json = 'null' THEN 'quantity: missing'
                WHEN json_kind(quantity_json) NOT IN ('string', 'number')
                    THEN 'quantity: not a number or decimal string (a JSON ' || json_kind(quantity_json) || ')'
                WHEN quantity_text IS NULL OR json_kind(quantity_json) = 'number'
                                              AND NOT regexp_full_match(quantity_text, '-?[0-9]+')
                    THEN 'quantity: JSON number ' || quantity_json
                         || ' has a fraction or exponent; send it as a decimal string'
                WHEN NOT regexp_full_match(quantity_text, $decimal_syntax)
                    THEN 'quantity: not a decimal number (' || to_json(quantity_text) || ')'
                WHEN starts_with(quantity_text, '-') THEN 'quantity: negative (' || quantity_text || ')'
                WHEN length(split_part(quantity_text, '.', 2)) > $fraction_digits
                    THEN 'quantity: more than ' || $fraction_digits || ' fractional digits (' || quantity_text || ')'
                ELSE 'quantity: more than ' || $integer_digits || ' integer digits (' || quantity_text || ')' END
            WHEN ts IS NULL THEN CASE
                WHEN ts_json IS NULL OR ts_json = 'null' THEN 'timestamp: missing'
                WHEN ts_text IS NULL THEN 'timestamp: not a string (a JSON ' || json_kind(ts_json) || ')'
                WHEN NOT regexp_matches(ts_text, $timestamp_pattern)
                    THEN 'timestamp: not RFC 3339 with Z or a +HH:MM offset (' || to_json(ts_text) || ')'
                ELSE 'timestamp: not a calendar date-time (' || to_json(ts_text) || ')' END
            WHEN dimensions_problem IS NOT NULL THEN dimensions_problem
            WHEN NOT known_tenant THEN 'tenant_id: unknown tenant ' || to_json(tenant_id)
            WHEN NOT known_metric THEN 'metric: unknown metric ' || to_json(metric)
            WHEN quantity > max_quantity
                THEN 'quantity: ' || quantity_text || ' is above the maximum '
                     || rtrim(rtrim(CAST(max_quantity AS VARCHAR), '0'), '.') || ' of metric ' || to_json(metric)
            WHEN ts < $day_start OR ts >= $day_end THEN 'timestamp: ' || ts_text || ' is outside the partition day'
        END AS reason
    FROM valued
)
SELECT source_file, line_no,
       -- A field refused for a NaN or Infinity it holds is the record's fault: it is not JSON.
       CASE WHEN reason IS NULL OR starts_with(reason, 'record:') THEN reason
            WHEN lenient_json(doc) THEN 'record: not valid JSON' ELSE reason END AS reason,
       event_id, tenant_id, metric, quantity, ts, dimensions,
       CASE WHEN reason IS NULL THEN event_key(tenant_id, event_id) END AS key_hash,
       CASE WHEN reason IS NULL THEN event_body_hash(event_id, tenant_id, metric, quantity, ts, dimensions) END
           AS body_hash
FROM (
    SELECT *,
           -- Canonical dimensions: minified JSON (json_extract writes it so), keys sorted when there are several.
           CASE WHEN reason IS NOT NULL THEN NULL
                WHEN dimensions_json IS NULL THEN '{}'
                WHEN NOT contains(dimensions_json, '","') THEN dimensions_json
                ELSE CAST(to_json(map_from_entries(list_sort(map_entries(
                         CAST(CAST(dimensions_json AS JSON) AS MAP(VARCHAR, JSON)))))) AS VARCHAR) END AS dimensions
    FROM checked
);
