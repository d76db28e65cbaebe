"""DuckDB queries live in the top-level sql/ folder, named <verb>_<object>.sql, shipped inside the package as
billing_dagster.sql (setup.py maps it; editable installs and wheels alike)."""

from functools import cache
from importlib.resources import files


@cache
def sql(name: str) -> str:
    return (files("billing_dagster.sql") / f"{name}.sql").read_text(encoding="utf-8")
