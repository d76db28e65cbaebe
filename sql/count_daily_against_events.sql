-- Events counted by one day's aggregates, next to the accepted events they came from.
SELECT (SELECT coalesce(sum(event_count), 0) FROM read_parquet($daily_path)) AS aggregated,
       (SELECT count(*) FROM read_parquet($events_path)) AS accepted;
