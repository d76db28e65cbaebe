-- Quarantined records of the given days' quarantine files, oldest day first, with the day each came from.
-- Parameters: $paths (VARCHAR[]: lake/quarantine/date=…/quarantine.parquet files that exist).
SELECT CAST(regexp_extract(filename, 'date=([0-9-]+)', 1) AS DATE) AS day,
       source_file, line_no, field, reason, status, raw, raw_bytes, body, accepted_body, accepted_day,
       accepted_file, accepted_line
FROM read_parquet($paths, filename = true, union_by_name = true)
ORDER BY day, source_file, line_no;
