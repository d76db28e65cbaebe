"""The domain is pure: no Dagster, no I/O libraries, no file or network access in its source."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import billing_dagster.domain

DOMAIN = Path(billing_dagster.domain.__file__).parent
SOURCES = sorted(DOMAIN.rglob("*.py"))
MODULES = [".".join(("billing_dagster", "domain", *p.relative_to(DOMAIN).with_suffix("").parts)).removesuffix(".__init__")
           for p in SOURCES]
FORBIDDEN_PACKAGES = {"dagster", "sqlalchemy", "alembic", "duckdb", "wasmtime", "requests", "httpx", "urllib3",
                      "psycopg2", "stripe", "pandas", "pyarrow"}
FORBIDDEN_STDLIB = {"os", "pathlib", "io", "shutil", "socket", "subprocess", "tempfile", "sqlite3", "urllib", "http"}


def test_importing_the_domain_loads_no_io_or_orchestration_library():
    script = ("import importlib, json, sys\n"
              f"for name in {MODULES!r}: importlib.import_module(name)\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                                       text=True).stdout)
    assert FORBIDDEN_PACKAGES.isdisjoint(loaded), sorted(FORBIDDEN_PACKAGES & set(loaded))


def test_domain_source_neither_imports_io_modules_nor_opens_files():
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                roots = set()
            assert not roots & FORBIDDEN_STDLIB, f"{path.name} imports {roots & FORBIDDEN_STDLIB}"
            is_open = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"
            assert not is_open, f"{path.name}:{node.lineno} calls open()"
