"""The DuckDB queries live in the top-level sql/ folder and ship inside the wheel as billing_dagster.sql."""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from billing_dagster.usage.queries import sql

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted(path.stem for path in (ROOT / "sql").glob("*.sql"))


def test_every_query_named_in_the_code_is_a_file_of_sql_and_every_file_is_used():
    code = "\n".join(path.read_text() for path in (ROOT / "billing_dagster").rglob("*.py"))
    named = set(re.findall(r'sql\("([a-z_]+)"\)', code)) | set(re.findall(r'_insert\(con, "([a-z_]+)"', code))
    assert len(named) > 10 and named - set(QUERIES) == set()
    for name in QUERIES:
        assert name in code, f"sql/{name}.sql is never used"
        assert re.fullmatch(r"(aggregate|count|create|insert|select)_[a-z_]+", name), name
    assert not list((ROOT / "billing_dagster").rglob("*.sql")), "queries belong in the top-level sql/ folder"


def test_the_loader_reads_the_sql_folder():
    assert sql("count_daily_against_events") == (ROOT / "sql" / "count_daily_against_events.sql").read_text()


def test_the_wheel_ships_the_queries(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "billing_dagster", source / "billing_dagster", ignore=ignore)
    shutil.copytree(ROOT / "sql", source / "sql", ignore=ignore)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"billing_dagster/sql/{name}.sql" for name in QUERIES} <= names
    assert "billing_dagster/sql/__init__.py" in names and "billing_dagster/usage/ingest.py" in names
