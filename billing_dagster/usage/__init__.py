"""Usage: landing files, validation and dedup, the Parquet lake, and DuckDB aggregation."""
