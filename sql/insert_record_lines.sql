-- CSV and Parquet records, their fields as text, from the registered relation record_rows(source_file,
-- line_no, raw, raw_bytes, defect, event_id, tenant_id, metric, quantity, timestamp, dimensions): each becomes
-- the JSON document the JSONL path would have read. An absent field is JSON null; an absent dimensions is {};
-- dimensions that are not JSON stay a string (and fail the contract there). A Parquet row's raw is its document.
INSERT INTO landing_lines
SELECT source_file, line_no, coalesce(raw, doc) AS raw, doc, raw_bytes, defect
FROM (
    SELECT *,
           CASE WHEN defect IS NULL THEN CAST(json_object(
               'event_id', event_id, 'tenant_id', tenant_id, 'metric', metric, 'quantity', quantity,
               'timestamp', "timestamp",
               'dimensions', CASE WHEN dimensions IS NULL THEN CAST('{}' AS JSON)
                                  WHEN json_valid(dimensions) THEN CAST(dimensions AS JSON)
                                  ELSE to_json(dimensions) END) AS VARCHAR) END AS doc
    FROM record_rows
);
