SELECT count(*) AS events_in,
       count(*) FILTER (WHERE status = 'accepted') AS accepted,
       count(*) FILTER (WHERE status = 'duplicate') AS duplicate,
       count(*) FILTER (WHERE status = 'quarantined') AS quarantined
FROM classified_events;
