"""The committed JSON Schemas under schemas/ are exactly what the models generate, and are float-free."""

import json
from pathlib import Path

import pytest

from billing_dagster import schemas
from billing_dagster.domain.contracts import CONTRACTS

FIXTURES = Path(__file__).parent / "fixtures"


def test_committed_schemas_match_the_models():
    stale = schemas.stale_files(schemas.SCHEMAS_DIR)
    assert not stale, f"schemas/ is stale for {stale}: run python -m billing_dagster.schemas"


def test_one_schema_file_per_contract():
    names = sorted(p.name for p in schemas.SCHEMAS_DIR.glob("*.schema.json"))
    assert names == sorted(f"{name}.schema.json" for name in CONTRACTS)


def test_check_flags_drift_and_write_repairs_it(tmp_path):
    schemas.write(tmp_path)
    assert schemas.main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "invoice.schema.json").write_text("{}\n")
    (tmp_path / "retired.schema.json").write_text("{}\n")
    assert schemas.stale_files(tmp_path) == ["invoice.schema.json", "retired.schema.json"]
    assert schemas.main(["--check", "--dir", str(tmp_path)]) == 1
    schemas.main(["--dir", str(tmp_path)])
    assert schemas.stale_files(tmp_path) == []


def test_generation_is_deterministic():
    assert schemas.schema_documents() == schemas.schema_documents()


def _types(node):
    if isinstance(node, dict):
        if "type" in node:
            yield from node["type"] if isinstance(node["type"], list) else [node["type"]]
        for value in node.values():
            yield from _types(value)
    elif isinstance(node, list):
        for item in node:
            yield from _types(item)


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_no_floats_in_any_schema(name):
    document = json.loads(schemas.schema_documents()[f"{name}.schema.json"])
    assert "number" not in set(_types(document))


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_schema_is_valid_json_schema_2020_12(name):
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(schemas.schema_documents()[f"{name}.schema.json"])
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.json")), ids=lambda p: p.stem)
def test_valid_fixtures_also_pass_the_published_schema(path):
    """What module authors validate against (the JSON Schema) accepts what the host accepts."""
    jsonschema = pytest.importorskip("jsonschema")
    case = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads((schemas.SCHEMAS_DIR / f"{case['contract']}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(case["document"])


@pytest.mark.parametrize("path", sorted((FIXTURES / "invalid").glob("*.json")), ids=lambda p: p.stem)
def test_invalid_fixtures_fail_the_published_schema_unless_host_only(path):
    """The schema refuses what it can express; "host_only" cases (cross-field rules, calendar checks, 3.0 as
    an integer) are refused by the host's models alone, and are listed as such in the fixture."""
    jsonschema = pytest.importorskip("jsonschema")
    case = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads((schemas.SCHEMAS_DIR / f"{case['contract']}.schema.json").read_text(encoding="utf-8"))
    schema_errors = list(jsonschema.Draft202012Validator(schema).iter_errors(case["document"]))
    assert bool(schema_errors) != ("host_only" in case)
