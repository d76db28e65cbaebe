SELECT split_part(reason, ':', 1) AS field, count(*) AS events
FROM classified_events
WHERE status = 'quarantined'
GROUP BY field
ORDER BY events DESC, field;
