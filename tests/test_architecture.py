"""The pure domain core imports neither Dagster nor any I/O library, nor the rest of the package."""

import ast
from pathlib import Path

import billing_dagster

DOMAIN = Path(billing_dagster.__file__).parent / "domain"
FORBIDDEN = {"dagster", "dagster_duckdb", "dagster_postgres", "sqlalchemy", "alembic", "duckdb", "wasmtime",
             "pyarrow", "pandas", "stripe", "requests", "httpx", "urllib", "socket", "http", "psycopg2",
             "sqlite3", "os", "pathlib", "io", "shutil", "subprocess", "tempfile", "threading", "multiprocessing"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_domain_has_modules_to_check():
    assert len(list(DOMAIN.rglob("*.py"))) >= 8


def test_domain_imports_no_io_and_no_dagster():
    offenders = {}
    for path in DOMAIN.rglob("*.py"):
        bad = sorted(name for name in _imports(path)
                     if name.split(".")[0] in FORBIDDEN
                     or (name.startswith("billing_dagster.") and not name.startswith("billing_dagster.domain")))
        if bad:
            offenders[str(path.relative_to(DOMAIN))] = bad
    assert offenders == {}


def test_domain_opens_no_files():
    calls = [str(path.relative_to(DOMAIN)) for path in DOMAIN.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"]
    assert calls == []
