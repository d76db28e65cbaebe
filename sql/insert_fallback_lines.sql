-- JSONL lines split by Python (files read_text cannot open as named or decode), from the registered
-- relation fallback_lines(source_file, line_no, raw, raw_bytes, defect).
INSERT INTO landing_lines
SELECT source_file, line_no, raw, NULL AS doc, raw_bytes, defect
FROM fallback_lines;
