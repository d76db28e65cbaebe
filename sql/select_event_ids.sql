-- The day's id index: the key of every accepted event, sorted (delta-encoded in the file).
SELECT c.key_hash
FROM checked_events c
ANTI JOIN dedup_outcomes o ON o.source_file = c.source_file AND o.line_no = c.line_no
WHERE c.reason IS NULL
ORDER BY c.key_hash;
