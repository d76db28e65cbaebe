"""Documents that must validate and documents that must fail at a named field, one JSON file per case.

valid/<case>.json:   {"contract": "<schema name>", "document": ...}
invalid/<case>.json: {"contract": ..., "document": ..., "error_path": "charges.0.amount"}
Each is checked as the host reads it (parsed JSON) and from the JSON text.
"""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from billing_dagster.domain.contracts import CONTRACTS

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.json"))
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))


def _case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _paths(error: ValidationError) -> list[str]:
    return [".".join(str(part) for part in detail["loc"]) for detail in error.errors()]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_document_validates_and_round_trips(path):
    case = _case(path)
    model = CONTRACTS[case["contract"]]
    parsed = model.model_validate(case["document"])
    model.model_validate_json(json.dumps(case["document"]))
    assert parsed.model_dump(mode="json", exclude_unset=True) == _without_ignored(model, case["document"])


def _without_ignored(model, document):
    """Event ignores unknown fields, as ingest does; every other contract keeps the document as is."""
    if model.model_config.get("extra") == "ignore":
        return {k: v for k, v in document.items() if k in model.model_fields}
    return document


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
@pytest.mark.parametrize("source", ["python", "json"])
def test_invalid_document_fails_at_its_field(path, source):
    case = _case(path)
    model = CONTRACTS[case["contract"]]
    with pytest.raises(ValidationError) as raised:
        if source == "python":
            model.model_validate(case["document"])
        else:
            model.model_validate_json(json.dumps(case["document"]))
    assert case["error_path"] in _paths(raised.value)


def test_fixtures_cover_the_contracts():
    assert len(VALID) >= 3 and len(INVALID) >= 8
    for path in VALID + INVALID:
        assert _case(path)["contract"] in CONTRACTS, path.name
    covered = {_case(path)["contract"] for path in VALID + INVALID}
    for name in ("event", "context", "fact-pack", "module-input", "charge-line", "module-output", "charge-ir",
                 "program", "module-manifest", "invoice"):
        assert name in covered, name
