-- The day's quarantine by field ('conflict' for conflicts). Parameters: $quarantine_path.
SELECT field, count(*) AS events
FROM read_parquet($quarantine_path)
GROUP BY field
ORDER BY events DESC, field;
