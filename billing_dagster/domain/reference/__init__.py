"""Pure-Python references of the system pricing modules (wasm/modules), for differential tests and benchmarks.

Same semantics as the WebAssembly modules, byte for byte: `run_bytes(module_id, input_bytes)` answers
what the module's `run` answers for the same input, and raises `Trap` where the module would trap.
No I/O. Not used to price anything in production: the sandboxed modules are the source of truth.
"""

from billing_dagster.domain.reference import fixed_fee, tax, usage_tiers
from billing_dagster.domain.reference.sdk import Trap, dump_output, parse_input, run_pricing

PRICE_FUNCTIONS = {"fixed-fee": fixed_fee.price, "usage-tiers": usage_tiers.price, "tax": tax.price}

__all__ = ["PRICE_FUNCTIONS", "Trap", "run", "run_bytes"]


def run(module_id: str, document: dict) -> dict:
    """The module's output document for an input document already in memory."""
    return run_pricing(document, PRICE_FUNCTIONS[module_id])


def run_bytes(module_id: str, data: bytes) -> bytes:
    """ABI v1 in Python: UTF-8 JSON in, the module's exact output bytes out."""
    return dump_output(run_pricing(parse_input(data), PRICE_FUNCTIONS[module_id]))
