"""The committed copy of the ingestion API's OpenAPI document, schemas/openapi.json.

    python -m billing_dagster.api.openapi_file            # regenerate schemas/openapi.json
    python -m billing_dagster.api.openapi_file --check    # exit 1 if schemas/openapi.json is stale
"""

import argparse
import json
import sys
from pathlib import Path

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"


def text() -> str:
    """The document as committed: the app's /openapi.json, indented, one trailing newline."""
    from billing_dagster.api.app import create_app

    return json.dumps(create_app("sqlite://").openapi(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale, writing nothing")
    parser.add_argument("--file", type=Path, default=OPENAPI_FILE)
    args = parser.parse_args(argv)
    current = text()
    if args.check:
        stale = not args.file.exists() or args.file.read_text(encoding="utf-8") != current
        if stale:
            print(f"{args.file} is stale: run python -m billing_dagster.api.openapi_file", file=sys.stderr)
        return 1 if stale else 0
    args.file.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
