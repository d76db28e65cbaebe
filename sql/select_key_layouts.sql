-- The key lists of the first lines of the day (its usual layouts): lines with one of them, when it repeats
-- no key and names no unknown field, skip those two tests in create_checked_events.
SELECT DISTINCT json_keys(coalesce(doc, raw)) AS doc_keys
FROM (SELECT doc, raw, defect FROM landing_lines LIMIT 10000)
WHERE defect IS NULL AND json_valid(coalesce(doc, raw)) AND json_type(coalesce(doc, raw)) = 'OBJECT'
LIMIT 64;
