"""Writes the published JSON Schemas (schemas/<name>.schema.json) from the contract models.

    python -m billing_dagster.schemas            # regenerate schemas/
    python -m billing_dagster.schemas --check    # exit 1, naming the files, if schemas/ is stale
"""

import argparse
import json
import sys
from pathlib import Path

from billing_dagster.domain.contracts import CONTRACTS

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "schemas"


def schema_documents() -> dict[str, str]:
    """File name -> file text for every contract, generated in memory."""
    return {f"{name}.schema.json": _text(name, model) for name, model in CONTRACTS.items()}


def _text(name: str, model) -> str:
    schema = {"$schema": JSON_SCHEMA_DIALECT, "$id": f"{name}.schema.json",
              **model.model_json_schema(mode="validation")}
    _strip_property_titles(schema)
    _key_patterns_as_property_names(schema)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _strip_property_titles(node: object) -> None:
    """Pydantic titles every property after its name ("Active Days"): noise in a published schema."""
    if isinstance(node, dict):
        for prop in node.get("properties", {}).values():
            if isinstance(prop, dict):
                prop.pop("title", None)
        for value in node.values():
            _strip_property_titles(value)
    elif isinstance(node, list):
        for item in node:
            _strip_property_titles(item)


def _key_patterns_as_property_names(node: object) -> None:
    """Pydantic writes a constrained dict key as `patternProperties`, which lets keys that do not match
    through unchecked; publish it as `propertyNames` + `additionalProperties` so every key is checked."""
    if isinstance(node, dict):
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in node:
            (pattern, value_schema), = patterns.items()
            del node["patternProperties"]
            node["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
            node["additionalProperties"] = value_schema
        for value in node.values():
            _key_patterns_as_property_names(value)
    elif isinstance(node, list):
        for item in node:
            _key_patterns_as_property_names(item)


def stale_files(directory: Path = SCHEMAS_DIR) -> list[str]:
    """Files that differ from the models, are missing, or belong to no contract."""
    expected = schema_documents()
    present = {p.name for p in directory.glob("*.schema.json")} if directory.is_dir() else set()
    differing = [name for name, text in expected.items()
                 if name not in present or (directory / name).read_text(encoding="utf-8") != text]
    return sorted(differing + sorted(present - set(expected)))


def write(directory: Path = SCHEMAS_DIR) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    expected = schema_documents()
    for path in directory.glob("*.schema.json"):
        if path.name not in expected:
            path.unlink()
    for name, text in expected.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sorted(expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m billing_dagster.schemas", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--dir", type=Path, default=SCHEMAS_DIR, help=f"default: {SCHEMAS_DIR}")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.dir)
        for name in stale:
            print(f"stale: {args.dir / name} (run python -m billing_dagster.schemas)", file=sys.stderr)
        return 1 if stale else 0
    for name in write(args.dir):
        print(args.dir / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
