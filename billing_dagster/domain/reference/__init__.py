"""Pure-Python references of the system pricing modules (wasm/modules), for differential tests and benchmarks.

Same semantics as the WebAssembly modules, byte for byte: `run_bytes(module_id, input_bytes)` answers
what the module's `run` answers for the same input, and raises `Trap` where the module would trap.
No I/O. Not used to price anything in production: the sandboxed modules are the source of truth.
"""

from billing_dagster.domain.reference import fixed_fee, tax, usage_tiers
from billing_dagster.domain.reference.sdk import Trap, dump_output, parse_input, run_pricing

PRICE_FUNCTIONS = {"fixed-fee": fixed_fee.price, "usage-tiers": usage_tiers.price, "tax": tax.price}

# Producers added with issue 5 (fixed-fee and usage-tiers above were extended in place).
from billing_dagster.domain.reference import bucket_overage, hourly  # noqa: E402

PRICE_FUNCTIONS.update({"hourly": hourly.price, "bucket-overage": bucket_overage.price})

# Transformers added with issue 5 (tax above was extended in place).
from billing_dagster.domain.reference import (  # noqa: E402
    bundle_flat_rate, cap_total, category_coupons, first_n_free, manual_adjustments)

PRICE_FUNCTIONS.update({
    "bundle-flat-rate": bundle_flat_rate.price, "first-n-free": first_n_free.price,
    "category-coupons": category_coupons.price, "cap-total": cap_total.price,
    "manual-adjustments": manual_adjustments.price})

__all__ = ["PRICE_FUNCTIONS", "Trap", "run", "run_bytes"]


def run(module_id: str, document: dict) -> dict:
    """The module's output document for an input document already in memory."""
    return run_pricing(document, PRICE_FUNCTIONS[module_id])


def run_bytes(module_id: str, data: bytes) -> bytes:
    """ABI v1 in Python: UTF-8 JSON in, the module's exact output bytes out."""
    return dump_output(run_pricing(parse_input(data), PRICE_FUNCTIONS[module_id]))
