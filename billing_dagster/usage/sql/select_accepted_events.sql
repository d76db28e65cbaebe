SELECT event_id, tenant_id, metric, quantity, ts, dimensions, source_file, line_no
FROM classified_events
WHERE status = 'accepted'
ORDER BY tenant_id, metric, ts, event_id;
