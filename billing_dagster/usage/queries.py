"""DuckDB queries live in sql/*.sql beside this module, named <verb>_<object>.sql."""

from functools import cache
from importlib.resources import files


@cache
def sql(name: str) -> str:
    return (files("billing_dagster.usage") / "sql" / f"{name}.sql").read_text()
