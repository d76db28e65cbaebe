-- Monthly usage for a batch of tenants, composed from the daily aggregates of every day in the month.
SELECT tenant_id, metric,
       sum(event_count)::BIGINT AS event_count,
       sum(quantity_sum) AS quantity_sum,
       min(quantity_min) AS quantity_min,
       max(quantity_max) AS quantity_max
FROM read_parquet($daily_paths)
WHERE list_contains($tenants, tenant_id)
GROUP BY tenant_id, metric
ORDER BY tenant_id, metric;
