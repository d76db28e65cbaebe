"""Calls a pricing module as the program runner does (facts cut to the manifest's reads, output checked against
the Charge IR schema) and checks that the pure-Python reference answers the very same bytes. Shared by the
producer and transformer harnesses.

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


def document(module_id: str, config: dict, facts: dict, charges: list[dict] = (), currency: str = "USD",
             rounding: str = "half_even", policy: dict | None = None, period: tuple[str, str] = FEB) -> bytes:
    """The canonical input bytes of one call."""
    return canonical_json({
        "abi": 1, "charges": list(charges), "config": config,
        "context": {"currency": {"code": currency, "exponent": EXPONENTS[currency]},
                    "period": {"start": period[0], "end": period[1]},
                    "policy": {"rounding": rounding, **(policy or {})}, "tenant": "t0001"},
        "facts": visible_facts(facts, CATALOG.get(module_id).reads)}).encode()


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


def run_checked(module_id: str, data: bytes) -> dict:
    """The module's output document; the reference must give the same bytes."""
    raw, output = call_bytes(module_id, data)
    assert reference.run_bytes(module_id, data) == raw
    return output


def assert_traps(module_id: str, data: bytes) -> None:
    """The module traps and the reference raises Trap."""
    with pytest.raises(ModuleError) as caught:
        call_bytes(module_id, data)
    assert caught.value.reason == "trap"
    with pytest.raises(reference.Trap):
        reference.run_bytes(module_id, data)
