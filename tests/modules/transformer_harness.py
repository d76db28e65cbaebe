"""Calls a transformer module as the program runner does (facts cut to the manifest's reads, output checked
against the Charge IR schema) and checks that the pure-Python reference answers the very same bytes.

Modules come from billing_dagster.runtime.catalog.default_modules_dir() (BILLING_MODULES_DIR, else wasm/dist).
"""

import json

import pytest

from billing_dagster.domain import reference
from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.facts import visible_facts
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import Limits, ModuleError, WasmHost
from billing_dagster.runtime.program import validate_output

CATALOG = ModuleCatalog(default_modules_dir())
HOST = WasmHost(Limits.for_tier("system"), disk_cache=False)
EXPONENTS = {"USD": 2, "EUR": 2, "CAD": 2, "JPY": 0, "KWD": 3}
FEB = ("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")


def line(rule_id: str, kind: str, amount: int, taxable: bool = True, category: str | None = None,
         description: str | None = None, metric: str | None = None, quantity: str = "1",
         unit_price: str | None = None, exponent: int = 2) -> dict:
    """A Charge IR line as a producer would have written it (unit price: the amount in major units)."""
    if unit_price is None:
        digits = str(abs(amount)).rjust(exponent + 1, "0")
        whole = digits if exponent == 0 else f"{digits[:-exponent]}.{digits[-exponent:]}"
        unit_price = ("-" if amount < 0 else "") + whole
    return {"amount": amount, "category": category, "description": description or rule_id, "kind": kind,
            "metric": metric, "quantity": quantity, "rule_id": rule_id, "taxable": taxable, "unit_price": unit_price}


def document(module_id: str, config: dict, facts: dict, charges: list[dict], currency: str = "USD",
             rounding: str = "half_even", policy: dict | None = None, period: tuple[str, str] = FEB) -> dict:
    return {"abi": 1, "charges": list(charges), "config": config,
            "context": {"currency": {"code": currency, "exponent": EXPONENTS[currency]},
                        "period": {"start": period[0], "end": period[1]},
                        "policy": {"rounding": rounding, **(policy or {})}, "tenant": "t0001"},
            "facts": visible_facts(facts, CATALOG.get(module_id).reads)}


def call_bytes(module_id: str, data: bytes):
    """(output bytes, output) of the module; {"error": ...} for a module error; raises ModuleError on a trap."""
    module = CATALOG.get(module_id)
    HOST.load(module.sha256, module.wasm)
    try:
        result = HOST.call(module.sha256, data)
    except ModuleError as error:
        if error.reason != "module_error":
            raise
        output = {"error": error.detail}
        return json.dumps(output, separators=(",", ":"), ensure_ascii=False).encode(), output
    validate_output(result.output, result.fuel)
    return result.output_bytes, result.output


def run(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> dict:
    """The module's output document; the reference must give the same bytes."""
    data = canonical_json(document(module_id, config, facts or {}, list(charges), **context)).encode()
    raw, output = call_bytes(module_id, data)
    assert reference.run_bytes(module_id, data) == raw
    return output


def added(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> list:
    """(rule_id, kind, amount) of the lines after the input lines, which must pass through unchanged first."""
    output = run(module_id, config, facts, charges, **context)
    assert "error" not in output, output
    assert output["charges"][:len(charges)] == list(charges)
    return [(c["rule_id"], c["kind"], c["amount"]) for c in output["charges"][len(charges):]]


def error(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> str:
    output = run(module_id, config, facts, charges, **context)
    assert list(output) == ["error"], output
    return output["error"]


def traps(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> None:
    """The module traps and the reference raises Trap."""
    data = canonical_json(document(module_id, config, facts or {}, list(charges), **context)).encode()
    with pytest.raises(ModuleError) as caught:
        call_bytes(module_id, data)
    assert caught.value.reason == "trap"
    with pytest.raises(reference.Trap):
        reference.run_bytes(module_id, data)
