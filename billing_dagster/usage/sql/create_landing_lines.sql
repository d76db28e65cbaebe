-- Every non-blank line of one day's landing files, numbered from 1 within its file (blank lines count).
-- As Python's text mode: a line ends at \n, \r\n or a lone \r, none of which stays in raw, and a line is blank
-- when every character is str.isspace() whitespace. Files DuckDB cannot read (not valid UTF-8, or a glob
-- character in the path) come already split by Python in the registered relation fallback_lines.
-- Parameters: $paths (VARCHAR[], the files as read_text opens them), $names (VARCHAR[], same order: the paths
-- relative to the lake root, stored as source_file).
CREATE OR REPLACE TEMP TABLE landing_lines AS
WITH files AS (
    SELECT $names[list_position($paths, filename)] AS source_file,
           string_split(CASE WHEN contains(content, chr(13))
                             THEN replace(replace(content, chr(13) || chr(10), chr(10)), chr(13), chr(10))
                             ELSE content END, chr(10)) AS lines
    FROM read_text($paths::VARCHAR[])
),
numbered AS (
    -- The list index is the line number, whatever order the rows come out in. unnest() without
    -- generate_subscripts() beside it took minutes on a 1.6M-line file (DuckDB 2.0.1).
    SELECT source_file, generate_subscripts(lines, 1) AS line_no, unnest(lines) AS raw
    FROM files
)
SELECT source_file, CAST(line_no AS BIGINT) AS line_no, raw
FROM numbered
WHERE NOT regexp_full_match(
    raw, '[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*')
UNION ALL
SELECT source_file, line_no, raw
FROM fallback_lines;
