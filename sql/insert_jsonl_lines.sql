-- Every non-blank line of JSONL files, split and numbered inside DuckDB; blank lines count in the numbering.
-- A line ends at \n only: a bare \r is a character of the line, the \r of \r\n is dropped from raw, as is a
-- UTF-8 BOM starting the file; raw_bytes then keeps the line's original bytes. A line is blank when every
-- character is str.isspace() whitespace.
-- Parameters: $paths (VARCHAR[], the files as read_text opens them), $names (VARCHAR[], same order: the paths
-- relative to the lake root, stored as source_file).
INSERT INTO landing_lines
WITH files AS (
    SELECT $names[list_position($paths, filename)] AS source_file,
           starts_with(content, chr(65279)) AS bom,
           string_split(CASE WHEN starts_with(content, chr(65279)) THEN content[2:] ELSE content END,
                        chr(10)) AS lines
    FROM read_text($paths::VARCHAR[])
),
numbered AS (
    -- The list index is the line number, whatever order the rows come out in. unnest() without
    -- generate_subscripts() beside it took minutes on a 1.6M-line file (DuckDB 2.0.1).
    SELECT source_file, bom, generate_subscripts(lines, 1) AS line_no, unnest(lines) AS line
    FROM files
),
lines AS (
    SELECT source_file, bom AND line_no = 1 AS after_bom, CAST(line_no AS BIGINT) AS line_no, line,
           ends_with(line, chr(13)) AS crlf
    FROM numbered
)
SELECT source_file, line_no,
       CASE WHEN crlf THEN left(line, -1) ELSE line END AS raw,
       NULL AS doc,
       CASE WHEN crlf OR after_bom
            THEN CASE WHEN after_bom THEN '\xEF\xBB\xBF'::BLOB ELSE ''::BLOB END || encode(line) END AS raw_bytes,
       NULL AS defect
FROM lines
WHERE starts_with(line, '{') OR NOT regexp_full_match(
    line, '[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*');
