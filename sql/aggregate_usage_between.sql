-- Usage of a batch of tenants between two instants from the accepted events of the days a period only partly
-- covers (a period between local midnights of a tenant's time zone starts or ends inside a UTC day); whole
-- days come from their daily aggregates (aggregate_usage_monthly.sql) and the two compose.
WITH batch AS (
    SELECT DISTINCT unnest($tenants::VARCHAR[]) AS tenant_id
)
SELECT tenant_id, metric,
       count(*)::BIGINT AS event_count,
       sum(quantity) AS quantity_sum,
       min(quantity) AS quantity_min,
       max(quantity) AS quantity_max
FROM read_parquet($events_paths)
WHERE tenant_id IN (SELECT tenant_id FROM batch) AND ts >= $start AND ts < $end
GROUP BY tenant_id, metric
ORDER BY tenant_id, metric;
