-- Composable daily aggregates per tenant and metric (count, sum, min, max) for one day of accepted events.
SELECT tenant_id, metric,
       count(*) AS event_count,
       sum(quantity) AS quantity_sum,
       min(quantity) AS quantity_min,
       max(quantity) AS quantity_max
FROM read_parquet($events_path)
GROUP BY tenant_id, metric
ORDER BY tenant_id, metric;
