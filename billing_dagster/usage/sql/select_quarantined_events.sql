SELECT source_file, line_no, split_part(reason, ':', 1) AS field, reason, raw
FROM classified_events
WHERE status = 'quarantined'
ORDER BY source_file, line_no;
