"""Each transformer module against its pure-Python reference (billing_dagster/domain/reference) on generated
inputs, valid and invalid: identical output bytes, the same {"error": ...}, or both a trap."""

import functools
import hashlib
import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from billing_dagster.domain import reference
from billing_dagster.runtime.catalog import default_modules_dir
from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

HOST = WasmHost(Limits.for_tier("tenant"), disk_cache=False)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def module(module_id: str) -> tuple[str, bytes]:
    wasm = (default_modules_dir() / f"{module_id}.wasm").read_bytes()
    return hashlib.sha256(wasm).hexdigest(), wasm


def run_both(module_id: str, document: dict):
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    sha, wasm = module(module_id)
    HOST.load(sha, wasm)
    try:
        wasm_out = HOST.call(sha, data).output_bytes
    except ModuleError as error:
        if error.reason == "module_error":
            wasm_out = json.dumps({"error": error.detail}, separators=(",", ":"), ensure_ascii=False).encode()
        else:
            wasm_out = ("trap", error.reason)
    try:
        python_out = reference.run_bytes(module_id, data)
    except reference.Trap:
        python_out = ("trap", "trap")
    event(_outcome(document, wasm_out))  # --hypothesis-show-statistics: how often inputs priced, failed, trapped
    return wasm_out, python_out


def _outcome(document: dict, output) -> str:
    if isinstance(output, tuple):
        return "trap"
    parsed = json.loads(output)
    if "error" in parsed:
        return "error"
    return "lines added" if len(parsed["charges"]) > len(document["charges"]) else "no line added"


# --- generated pieces -----------------------------------------------------------------------------------------

DECIMAL = st.builds(lambda whole, frac: f"{whole}.{frac}" if frac else str(whole),
                    st.integers(0, 10**6), st.one_of(st.just(""), st.from_regex(r"[0-9]{1,4}", fullmatch=True)))
BAD_DECIMAL = st.sampled_from(["", "1.", ".5", "x", "1e3", "-0.5"])


def mostly(valid, invalid):
    """`valid` about nine times in ten, else `invalid`: enough bad input to compare errors, enough good to price."""
    return st.integers(0, 9).flatmap(lambda roll: invalid if roll == 9 else valid)


RATE = mostly(st.one_of(st.sampled_from(["0", "0.05", "0.0625", "0.0825", "0.09975", "0.2", "0.125", "1"]),
                        st.builds(lambda d: f"0.{d}", st.from_regex(r"[0-9]{1,5}", fullmatch=True))), BAD_DECIMAL)
TEXT = st.text(st.characters(codec="utf-8"), max_size=8)  # \f included: the SDK's reader keeps it
# Long enough that a label built from two of them passes the 300 code points a description may have.
LONG_TEXT = mostly(TEXT, st.text(st.characters(codec="utf-8"), min_size=140, max_size=170))
CATEGORY = st.sampled_from([None, "support", "food", "api", "日本"])
INSTANT = mostly(
    st.one_of(st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}T00:00:00Z", st.sampled_from([2025, 2026, 2028]),
                        st.integers(1, 12), st.integers(1, 28)),
              st.sampled_from(["2026-02-15T12:30:00.5Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z",
                               "2026-02-10T00:00:00Z", "2026-02-20T00:00:00Z", "2025-12-31T23:00:00Z"])),
    st.sampled_from(["2026-02-29T00:00:00Z", "2026-2-15", "2026-02-15T00:00:00+01:00", "", "2026-02-15T24:00:00Z"]))
POLICY = st.fixed_dictionaries({}, optional={
    "level": mostly(st.sampled_from(["line", "jurisdiction", "invoice"]), st.just("cent")),
    "tax_computation": st.sampled_from(["per_line", "on_total"]),
    "tax_inclusive": mostly(st.booleans(), st.just("yes")),
    "discounts_reduce_tax_base": st.sampled_from([True, False, None])})
LINE = st.fixed_dictionaries({
    "amount": st.one_of(st.integers(-10**6, 10**8), st.integers(0, 5000), st.integers(0, 5000)),
    "category": CATEGORY, "description": LONG_TEXT,
    "kind": st.sampled_from(["fee", "usage", "usage", "discount", "adjustment", "tax"]),
    "metric": st.sampled_from([None, "api", "api", "storage"]), "quantity": DECIMAL,
    "rule_id": st.sampled_from(["base", "api", "extra"]), "taxable": st.sampled_from([True, True, False]),
    "unit_price": DECIMAL})
LINES = st.lists(LINE, max_size=6)
RULES = st.one_of(st.none(), st.lists(st.sampled_from(["base", "api", "extra", "nothing"]), min_size=1, max_size=2))
CATEGORIES = st.one_of(st.none(), st.lists(st.sampled_from(["support", "food", "api", "other"]), min_size=1,
                                           max_size=2))
AMOUNT = mostly(st.one_of(st.integers(0, 10**7), st.integers(0, 3000)), st.just(-1))


def document(exponent, rounding, policy, config, facts, charges, period=("2026-02-01T00:00:00Z",
                                                                            "2026-03-01T00:00:00Z")):
    return {"abi": 1, "charges": list(charges), "config": config,
            "context": {"currency": {"code": "XTS", "exponent": exponent},
                        "period": {"start": period[0], "end": period[1]},
                        "policy": {"rounding": rounding, **policy}, "tenant": "t0001"},
            "facts": facts}


CONTEXT = {"exponent": st.sampled_from([0, 2, 3]), "rounding": st.sampled_from(["half_even", "half_up", "up", "down"]),
           "policy": POLICY}


def _drop_none(item: dict) -> dict:
    return {k: v for k, v in item.items() if v is not None}


# --- tax ------------------------------------------------------------------------------------------------------

COMPONENT = st.fixed_dictionaries(
    {"name": st.sampled_from(["GST", "QST", "State", "County"]), "rate": RATE,
     "jurisdiction": st.sampled_from(["CA", "QC", "S"])},
    optional={"compound": st.booleans(), "effective_from": st.one_of(st.none(), INSTANT),
              "effective_to": st.one_of(st.none(), INSTANT)})
REGION = st.fixed_dictionaries(
    {"region": mostly(st.sampled_from(["US-OS", "QC"]), st.just(5)), "name": st.just("Local"), "rate": RATE,
     "categories": mostly(st.lists(st.sampled_from(["support", "api", "日本", "food"]), min_size=1, max_size=2),
                          st.sampled_from([[], None, "api", [1]]))},
    optional={"components": st.lists(COMPONENT, max_size=3)})
TAX = st.fixed_dictionaries(
    {"exempt": mostly(st.just(False), st.just(True)), "name": st.just("VAT"), "rate": RATE},
    optional={"components": st.lists(COMPONENT, max_size=4),
              "exempt_categories": mostly(st.lists(st.sampled_from(["food", "support", "x"]), max_size=2),
                                          st.just("food")),
              "regions": mostly(st.lists(REGION, max_size=2), st.just({}))})
PERIOD = mostly(st.sampled_from([("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
                                 ("2026-02-01T05:00:00Z", "2026-03-01T05:00:00Z")]),
                st.sampled_from([("2026-03-01T00:00:00Z", "2026-02-01T00:00:00Z"), ("bad", "2026-03-01T00:00:00Z")]))


@settings(SETTINGS, max_examples=150)
@given(**CONTEXT, lines=st.lists(LINE, min_size=1, max_size=6), tax=mostly(TAX, st.none()), period=PERIOD)
def test_tax(exponent, rounding, policy, lines, tax, period):
    facts = {} if tax is None else {"tax": tax}
    wasm, python = run_both("tax", document(exponent, rounding, policy, {"rule_id": "vat"}, facts, lines, period))
    assert wasm == python


VALID_REGION = st.fixed_dictionaries(
    {"region": st.sampled_from(["US-OS", "QC"]), "name": st.just("Local"), "rate": RATE,
     "categories": st.lists(st.sampled_from(["support", "api", "日本", "food"]), min_size=1, max_size=2, unique=True)},
    optional={"components": st.lists(COMPONENT, max_size=3)})
REGIONED_TAX = st.fixed_dictionaries(
    {"exempt": st.just(False), "name": st.just("VAT"), "rate": RATE,
     "regions": st.lists(VALID_REGION, min_size=1, max_size=2)},
    optional={"components": st.lists(COMPONENT, max_size=3),
              "exempt_categories": st.lists(st.sampled_from(["food", "support", "x"]), max_size=1)})


@settings(SETTINGS, max_examples=150)
@given(**CONTEXT, lines=st.lists(LINE, min_size=1, max_size=6), tax=REGIONED_TAX, period=PERIOD)
def test_tax_regions(exponent, rounding, policy, lines, tax, period):
    """Lines taxed in other regions (facts.tax.regions) price alike too."""
    wasm, python = run_both("tax", document(exponent, rounding, policy, {"rule_id": "vat"}, {"tax": tax}, lines,
                                            period))
    assert wasm == python


# --- bundle-flat-rate -----------------------------------------------------------------------------------------

BUNDLE = st.builds(_drop_none, st.fixed_dictionaries({
    "rule_id": st.sampled_from(["suite", "pack"]), "description": LONG_TEXT, "amount": AMOUNT,
    "rule_ids": mostly(st.lists(st.sampled_from(["base", "api", "extra", "nothing"]), min_size=1, max_size=2),
                       st.none()), "categories": CATEGORIES,
    "category": mostly(st.sampled_from([None, "bundle"]), st.just("")),
    "taxable": st.sampled_from([None, True, False])}))


@SETTINGS
@given(**CONTEXT, lines=LINES, bundles=mostly(st.lists(BUNDLE, min_size=1, max_size=3), st.just([])))
def test_bundle_flat_rate(exponent, rounding, policy, lines, bundles):
    doc = document(exponent, rounding, policy, {"bundles": bundles}, {}, lines)
    wasm, python = run_both("bundle-flat-rate", doc)
    assert wasm == python


# --- first-n-free ---------------------------------------------------------------------------------------------

FREE_UNITS = {"units": mostly(DECIMAL, BAD_DECIMAL), "metric": mostly(st.sampled_from(["api", "storage"]), st.none()),
              "periods": mostly(st.none(), st.just(2))}
FREE_PERIODS = {"periods": mostly(st.integers(1, 4), st.integers(-1, 0)), "units": mostly(st.none(), st.just("5"))}
FREE = st.one_of(*(st.builds(_drop_none, st.fixed_dictionaries({
    "rule_id": st.just("intro"), "description": TEXT, "rule_ids": mostly(st.none(), RULES),
    "categories": mostly(st.none(), CATEGORIES), **mode})) for mode in (FREE_UNITS, FREE_PERIODS)))


@SETTINGS
@given(**CONTEXT, lines=LINES, config=FREE, start=mostly(INSTANT, st.none()),
       period=st.sampled_from(["2026-02-01T00:00:00Z", "2026-01-31T13:00:00Z", "2026-02-01"]))
def test_first_n_free(exponent, rounding, policy, lines, config, start, period):
    facts = {} if start is None else {"subscription": {"start": start}}
    doc = document(exponent, rounding, policy, config, facts, lines, (period, "2026-03-01T00:00:00Z"))
    wasm, python = run_both("first-n-free", doc)
    assert wasm == python


# --- category-coupons -----------------------------------------------------------------------------------------

PERCENT = mostly(st.sampled_from(["10", "12.5", "100", "33.333", "5", "50"]), st.sampled_from(["0", "150", "x"]))
COUPON_KIND = st.one_of(st.fixed_dictionaries({"percent": PERCENT, "amount": mostly(st.none(), AMOUNT)}),
                        st.fixed_dictionaries({"amount": AMOUNT, "percent": mostly(st.none(), PERCENT)}))
COUPON = st.builds(lambda kind, rest: _drop_none({**kind, **rest}), COUPON_KIND, st.fixed_dictionaries({
    "rule_id": st.sampled_from(["spring", "loyal"]), "description": TEXT, "categories": CATEGORIES,
    "min_total": st.one_of(st.none(), AMOUNT), "max_amount": st.one_of(st.none(), AMOUNT),
    "max_redemptions": st.one_of(st.none(), mostly(st.integers(1, 3), st.just(0))),
    "redeemed": st.one_of(st.none(), mostly(st.integers(0, 4), st.just(-1)))}))


@SETTINGS
@given(**CONTEXT, lines=LINES, coupons=mostly(st.lists(COUPON, min_size=1, max_size=3), st.just([])))
def test_category_coupons(exponent, rounding, policy, lines, coupons):
    doc = document(exponent, rounding, policy, {"coupons": coupons}, {}, lines)
    wasm, python = run_both("category-coupons", doc)
    assert wasm == python


# --- cap-total ------------------------------------------------------------------------------------------------

CAP = st.builds(_drop_none, st.fixed_dictionaries({
    "rule_id": st.sampled_from(["cap", "support_cap"]), "description": TEXT,
    "amount": mostly(st.integers(0, 20_000), st.just(-1)),
    "categories": CATEGORIES}))


@SETTINGS
@given(**CONTEXT, lines=LINES, caps=mostly(st.lists(CAP, min_size=1, max_size=3), st.just([])))
def test_cap_total(exponent, rounding, policy, lines, caps):
    wasm, python = run_both("cap-total", document(exponent, rounding, policy, {"caps": caps}, {}, lines))
    assert wasm == python


# --- manual-adjustments ---------------------------------------------------------------------------------------

ADJUSTMENT = st.builds(_drop_none, st.fixed_dictionaries({
    "kind": mostly(st.sampled_from(["credit", "charge"]), st.just("refund")),
    "amount": mostly(st.integers(1, 10**9), st.sampled_from([0, -5, "12"])),
    "description": LONG_TEXT, "reason": LONG_TEXT, "taxable": st.sampled_from([None, True, False]),
    "category": mostly(st.sampled_from([None, "support"]), st.just(""))}))
ADJUSTMENTS = st.dictionaries(st.text(st.characters(codec="utf-8"), min_size=1, max_size=4), ADJUSTMENT,
                              min_size=1, max_size=3)


@SETTINGS
@given(**CONTEXT, lines=LINES, adjustments=mostly(ADJUSTMENTS, st.none()),
       rule_id=mostly(st.just("manual"), st.none()))
def test_manual_adjustments(exponent, rounding, policy, lines, adjustments, rule_id):
    facts = {} if adjustments is None else {"adjustments": adjustments}
    config = {} if rule_id is None else {"rule_id": rule_id}
    wasm, python = run_both("manual-adjustments", document(exponent, rounding, policy, config, facts, lines))
    assert wasm == python
