-- Monthly usage for a batch of tenants, composed from the daily aggregates of every day in the month.
-- The batch is a hash semi-join (a list_contains() per row scanned the whole batch for every daily row).
WITH batch AS (
    SELECT DISTINCT unnest($tenants::VARCHAR[]) AS tenant_id
)
SELECT tenant_id, metric,
       sum(event_count)::BIGINT AS event_count,
       sum(quantity_sum) AS quantity_sum,
       min(quantity_min) AS quantity_min,
       max(quantity_max) AS quantity_max
FROM read_parquet($daily_paths)
WHERE tenant_id IN (SELECT tenant_id FROM batch)
GROUP BY tenant_id, metric
ORDER BY tenant_id, metric;
