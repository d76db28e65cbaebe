"""The DuckDB queries, one <verb>_<object>.sql each; shipped inside the wheel as the package billing_dagster.sql
(see setup.py) and read by billing_dagster.usage.queries.sql(name)."""
