"""The pure-Python reference (billing_dagster/domain/reference) answers the same bytes as the modules.

The benchmark compares the sandbox with this reference, so it must be the same program: generated
inputs, including invalid ones, give identical output bytes, the same {"error": ...} or both a trap.
"""

import functools
import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing_dagster.domain import reference
from billing_dagster.runtime.catalog import default_modules_dir
from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

DIST = default_modules_dir()  # wasm/dist unless BILLING_MODULES_DIR names another build
HOST = WasmHost(Limits.for_tier("tenant"), disk_cache=False)

ROUNDING = st.sampled_from(["half_even", "half_up", "up", "down"])
DECIMAL = st.builds(lambda whole, frac: f"{whole}.{frac}" if frac else str(whole),
                    st.integers(0, 10**7), st.one_of(st.just(""), st.from_regex(r"[0-9]{1,6}", fullmatch=True)))
MAYBE_BAD_DECIMAL = st.one_of(DECIMAL, DECIMAL.map(lambda d: "-" + d), st.sampled_from(["", "1.", ".5", "x", "1e3"]))


@functools.cache
def module(module_id: str) -> tuple[str, bytes]:
    wasm = (DIST / f"{module_id}.wasm").read_bytes()
    return hashlib.sha256(wasm).hexdigest(), wasm


def run_both(module_id: str, document: dict):
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    sha, wasm = module(module_id)
    HOST.load(sha, wasm)  # cheap when loaded, as before every call in the program runner
    try:
        wasm = HOST.call(sha, data).output_bytes
    except ModuleError as error:
        if error.reason == "module_error":
            wasm = json.dumps({"error": error.detail}, separators=(",", ":"), ensure_ascii=False).encode()
        else:
            wasm = ("trap", error.reason)
    try:
        python = reference.run_bytes(module_id, data)
    except reference.Trap:
        python = ("trap", "trap")
    return wasm, python


def document(context_exponent, rounding, config, facts, charges=()):
    return {"abi": 1, "charges": list(charges), "config": config,
            "context": {"currency": {"code": "XTS", "exponent": context_exponent},
                        "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
                        "policy": {"rounding": rounding}, "tenant": "t0001"},
            "facts": facts}


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(exponent=st.sampled_from([0, 2, 3]), rounding=ROUNDING,
       amount=st.one_of(st.integers(0, 10**13), st.integers(-5, -1), st.just("12")),
       proration=st.sampled_from(["day", "second", "none", "week"]),
       period=st.integers(-1, 40), active=st.integers(-1, 41), present=st.booleans())
def test_fixed_fee(exponent, rounding, amount, proration, period, active, present):
    subscription = {"active_days": active, "period_days": period,
                    "active_seconds": active * 86_400, "period_seconds": period * 86_400}
    doc = document(exponent, rounding, {"amount": amount, "description": "Base fee", "proration": proration,
                                        "rule_id": "base"}, {"subscription": subscription} if present else {})
    wasm, python = run_both("fixed-fee", doc)
    assert wasm == python


TIER_LIST = st.lists(st.tuples(st.integers(1, 10**5), MAYBE_BAD_DECIMAL), min_size=0, max_size=4)


@SETTINGS
@given(exponent=st.sampled_from([0, 2, 3]), rounding=ROUNDING, mode=st.sampled_from(["graduated", "volume", "x"]),
       tiers=TIER_LIST, total=st.one_of(DECIMAL, MAYBE_BAD_DECIMAL), open_end=st.booleans())
def test_usage_tiers(exponent, rounding, mode, tiers, total, open_end):
    up_to, configured = 0, []
    for step, price in tiers:
        up_to += step
        configured.append({"up_to": str(up_to), "unit_price": price})
    if configured and open_end:
        configured[-1]["up_to"] = None
    doc = document(exponent, rounding, {"description": "API", "metric": "api", "mode": mode, "rule_id": "api",
                                        "tiers": configured}, {"usage": {"api": {"sum": total}}})
    wasm, python = run_both("usage-tiers", doc)
    assert wasm == python


TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
LINE = st.fixed_dictionaries({
    "amount": st.integers(-10**9, 10**12), "description": TEXT,
    "kind": st.sampled_from(["fee", "usage", "discount"]), "metric": st.one_of(st.none(), st.just("api")),
    "quantity": DECIMAL, "rule_id": st.just("r"), "taxable": st.booleans(), "unit_price": DECIMAL})


@SETTINGS
@given(exponent=st.sampled_from([0, 2, 3]), rounding=ROUNDING, lines=st.lists(LINE, max_size=5),
       rate=MAYBE_BAD_DECIMAL, exempt=st.booleans(), present=st.booleans())
def test_tax(exponent, rounding, lines, rate, exempt, present):
    facts = {"tax": {"exempt": exempt, "name": "VAT", "rate": rate}} if present else {}
    wasm, python = run_both("tax", document(exponent, rounding, {"rule_id": "vat"}, facts, lines))
    assert wasm == python


@pytest.mark.parametrize("description", ["a\fb", "\f", "\\f", "\\\f\f", "x\\", "\u000c\"\\f"])
def test_form_feed_in_input_strings_survives(description):
    """json_reader.ts rewrites the escape "\\f" (which the library's scanner dropped) before scanning; an escaped
    backslash followed by "f" stays a backslash and an "f"."""
    line = {"amount": 0, "description": description, "kind": "fee", "metric": None, "quantity": "0", "rule_id": "r",
            "taxable": False, "unit_price": "0"}
    wasm, python = run_both("tax", document(2, "half_even", {"rule_id": "vat"}, {}, [line]))
    assert wasm == python
    assert json.loads(wasm)["charges"][0]["description"] == description
