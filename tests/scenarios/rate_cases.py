"""Whole-invoice scenario cases (cases/*.json): one rate input document and its hand-computed invoice each."""

import json
import re
from pathlib import Path

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(CASES_DIR.glob("*.json"))}


def tenant_key(name: str) -> str:
    """A partition-safe tenant id for a case (dynamic partition keys may not contain '|' or ',')."""
    return re.sub(r"[^a-z0-9-]", "-", name.lower())[:60]


def observed(charges: list[dict], invoice: dict) -> dict:
    """What a case's `expected` compares: line rule ids, kinds and amounts in order, then the totals."""
    return {"lines": [{"rule_id": c["rule_id"], "kind": c["kind"], "amount": c["amount"]} for c in charges],
            **{key: invoice[key] for key in ("subtotal", "discount", "tax", "total")}}


def expected(case: dict) -> dict:
    want = case["expected"]
    return {"lines": [{k: line[k] for k in ("rule_id", "kind", "amount")} for line in want["lines"]],
            **{key: want[key] for key in ("subtotal", "discount", "tax", "total")}}
