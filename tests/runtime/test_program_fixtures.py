"""Module authors' fixtures: every wasm/<folder>/<module>/fixtures/*.json runs against wasm/dist/<module>.wasm
through the same harness as `billing-dagster modules dry-run`, and must meet its `expect`."""

import json
from pathlib import Path

import pytest

from billing_dagster.commands.dry_run import dry_run
from billing_dagster.runtime.host import Limits

WASM_DIR = Path(__file__).resolve().parents[2] / "wasm"
FIXTURES = sorted(WASM_DIR.glob("*/*/fixtures/*.json"))


def test_there_are_fixtures_to_run():
    assert any(path.parts[-3] == "flat-credit" for path in FIXTURES)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_fixture(path):
    module_id = path.parts[-3]
    wasm = (WASM_DIR / "dist" / f"{module_id}.wasm").read_bytes()
    manifest = json.loads((WASM_DIR / "dist" / f"{module_id}.manifest.json").read_text())
    result = dry_run(wasm, json.loads(path.read_text()), manifest, Limits.for_tier("tenant"))
    assert result.mismatches == [], "\n".join(result.mismatches)
    assert result.ok and result.fuel > 0
