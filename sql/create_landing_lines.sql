-- One row per landed record of a day (see billing_dagster/usage/landing.py): the line's or record's text,
-- the JSON text to classify when it is not that text (CSV, Parquet), the original bytes when they differ
-- from the text, and a reason decided while reading.
CREATE OR REPLACE TEMP TABLE landing_lines (
    source_file VARCHAR,
    line_no BIGINT,
    raw VARCHAR,
    doc VARCHAR,
    raw_bytes BLOB,
    defect VARCHAR
);
