"""System pricing modules (wasm/dist/*.wasm) run through ABI v1 with wasmtime.

Each call gets a fresh Store with fuel on, exactly like the host: alloc(len), write
the input JSON, run(ptr, len) -> (out_ptr << 32) | out_len, read the output JSON.
Expected amounts are computed by hand in the comments.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import pytest
import wasmtime

DIST = Path(__file__).resolve().parents[2] / "wasm" / "dist"
MODULES = ("fixed-fee", "tax", "usage-tiers")
FUEL = 50_000_000

_config = wasmtime.Config()
_config.consume_fuel = True
ENGINE = wasmtime.Engine(_config)


@cache
def _module(name: str) -> wasmtime.Module:
    return wasmtime.Module(ENGINE, (DIST / f"{name}.wasm").read_bytes())


def _as_string(caller: wasmtime.Caller, ptr: int) -> str:
    """An AssemblyScript string: UTF-16LE, byte length in the 4 bytes before it."""
    if ptr == 0:
        return ""
    memory = caller.get("memory")
    size = int.from_bytes(bytes(memory.read(caller, ptr - 4, ptr)), "little")
    return bytes(memory.read(caller, ptr, ptr + size)).decode("utf-16-le", "replace")


def _abort(caller: wasmtime.Caller, msg: int, file: int, line: int, col: int) -> None:
    raise wasmtime.Trap(f"abort: {_as_string(caller, msg)} ({_as_string(caller, file)}:{line}:{col})")


def invoke_raw(name: str, doc: dict) -> tuple[bytes, int]:
    """Runs one module on one input; returns the output bytes and the fuel used."""
    return invoke_bytes(name, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode())


def invoke_bytes(name: str, data: bytes) -> tuple[bytes, int]:
    store = wasmtime.Store(ENGINE)
    store.set_fuel(FUEL)
    linker = wasmtime.Linker(ENGINE)
    i32 = wasmtime.ValType.i32()
    linker.define_func("env", "abort", wasmtime.FuncType([i32] * 4, []), _abort, access_caller=True)
    exports = linker.instantiate(store, _module(name)).exports(store)
    memory, alloc, run = exports["memory"], exports["alloc"], exports["run"]
    ptr = alloc(store, len(data))
    assert 0 <= ptr and ptr + len(data) <= memory.data_len(store)
    memory.write(store, data, ptr)
    packed = run(store, ptr, len(data)) & 0xFFFF_FFFF_FFFF_FFFF
    out_ptr, out_len = packed >> 32, packed & 0xFFFF_FFFF
    assert out_ptr + out_len <= memory.data_len(store)
    out = bytes(memory.read(store, out_ptr, out_ptr + out_len))
    return out, FUEL - store.get_fuel()


def invoke(name: str, doc: dict) -> dict:
    return json.loads(invoke_raw(name, doc)[0])


def make_input(config, facts=None, charges=(), currency="USD", exponent=2, rounding="half_even") -> dict:
    return {
        "abi": 1,
        "charges": list(charges),
        "config": config,
        "context": {
            "currency": {"code": currency, "exponent": exponent},
            "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
            "policy": {"rounding": rounding},
            "tenant": "t0001",
        },
        "facts": facts or {},
    }


def line(rule_id, kind, description, metric, quantity, unit_price, amount, taxable) -> dict:
    return {
        "amount": amount,
        "description": description,
        "kind": kind,
        "metric": metric,
        "quantity": quantity,
        "rule_id": rule_id,
        "taxable": taxable,
        "category": None,
        "unit_price": unit_price,
    }


# --- the artifacts -------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODULES)
def test_only_import_is_env_abort_and_abi_exports_exist(name):
    module = _module(name)
    assert [(i.module, i.name) for i in module.imports] == [("env", "abort")]
    exports = {e.name: e.type for e in module.exports}
    assert isinstance(exports["memory"], wasmtime.MemoryType)
    assert [str(t) for t in exports["alloc"].params] == ["i32"]
    assert [str(t) for t in exports["alloc"].results] == ["i32"]
    assert [str(t) for t in exports["run"].params] == ["i32", "i32"]
    assert [str(t) for t in exports["run"].results] == ["i64"]


@pytest.mark.parametrize("name", MODULES)
def test_manifest_matches_module(name):
    manifest = json.loads((DIST / f"{name}.manifest.json").read_text())
    assert manifest["id"] == name
    assert manifest["abi"] == 1
    assert manifest["kind"] == ("transformer" if name == "tax" else "producer")
    assert manifest["config_schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_sha256sums_cover_dist():
    listed = {}
    for row in (DIST / "SHA256SUMS").read_text().splitlines():
        digest, filename = row.split("  ", 1)
        listed[filename] = digest
    files = sorted(p.name for p in DIST.iterdir() if p.name != "SHA256SUMS")
    assert sorted(listed) == files
    for filename, digest in listed.items():
        assert hashlib.sha256((DIST / filename).read_bytes()).hexdigest() == digest


# --- usage-tiers ---------------------------------------------------------------------------

TIERS_2 = [{"up_to": "100000", "unit_price": "0"}, {"up_to": None, "unit_price": "0.0005"}]
TIERS_3 = [
    {"up_to": "1000", "unit_price": "0.01"},
    {"up_to": "10000", "unit_price": "0.008"},
    {"up_to": None, "unit_price": "0.005"},
]


def tiers_config(mode="graduated", tiers=TIERS_2):
    return {"rule_id": "api_calls", "description": "API calls", "metric": "api_calls", "mode": mode, "tiers": tiers}


def usage(total: str, metric="api_calls"):
    return {"usage": {metric: {"count": 3, "max": total, "min": "0", "sum": total}}}


def test_graduated_free_tier_then_paid():
    out = invoke("usage-tiers", make_input(tiers_config(), usage("150000")))
    # 100000 free, then 50000 * 0.0005 = 25.00 USD
    assert out == {
        "charges": [
            line("api_calls", "usage", "API calls (tier 1)", "api_calls", "100000", "0", 0, True),
            line("api_calls", "usage", "API calls (tier 2)", "api_calls", "50000", "0.0005", 2500, True),
        ],
        "warnings": [],
    }


def test_graduated_stops_in_first_tier():
    out = invoke("usage-tiers", make_input(tiers_config(), usage("100000")))
    assert [(c["quantity"], c["amount"]) for c in out["charges"]] == [("100000", 0)]


@pytest.mark.parametrize(("rounding", "last"), [("half_even", 1172), ("half_up", 1173), ("down", 1172), ("up", 1173)])
def test_graduated_rounds_each_line(rounding, last):
    out = invoke("usage-tiers", make_input(tiers_config(tiers=TIERS_3), usage("12345"), rounding=rounding))
    # 1000 * 0.01 = 10.00; 9000 * 0.008 = 72.000; 2345 * 0.005 = 11.725 -> 1172.5 cents
    assert [(c["quantity"], c["unit_price"], c["amount"]) for c in out["charges"]] == [
        ("1000", "0.01", 1000),
        ("9000", "0.008", 7200),
        ("2345", "0.005", last),
    ]


@pytest.mark.parametrize(
    ("total", "unit_price", "amount"),
    [("5000", "0.008", 4000), ("1000", "0.01", 1000), ("1000.5", "0.008", 800), ("20000", "0.005", 10000)],
)
def test_volume_prices_everything_at_one_tier(total, unit_price, amount):
    out = invoke("usage-tiers", make_input(tiers_config("volume", TIERS_3), usage(total)))
    # 1000.5 * 0.008 = 8.0040 -> 800
    assert out["charges"] == [line("api_calls", "usage", "API calls", "api_calls", total, unit_price, amount, True)]


def test_no_usage_means_no_lines():
    assert invoke("usage-tiers", make_input(tiers_config(), {})) == {"charges": [], "warnings": []}
    assert invoke("usage-tiers", make_input(tiers_config(), usage("0"))) == {"charges": [], "warnings": []}
    assert invoke("usage-tiers", make_input(tiers_config(), usage("9", metric="other"))) == {"charges": [], "warnings": []}


@pytest.mark.parametrize(
    ("rounding", "amount"), [("half_even", 0), ("half_up", 1), ("up", 1), ("down", 0)]
)
def test_exact_half_cent(rounding, amount):
    config = tiers_config("volume", [{"up_to": None, "unit_price": "0.005"}])
    out = invoke("usage-tiers", make_input(config, usage("1"), rounding=rounding))
    assert out["charges"][0]["amount"] == amount  # 0.005 USD = 0.5 cents


@pytest.mark.parametrize(("total", "half_even", "half_up"), [("1235", 618, 618), ("1233", 616, 617)])
def test_jpy_has_no_minor_unit(total, half_even, half_up):
    config = tiers_config("volume", [{"up_to": None, "unit_price": "0.5"}])
    for rounding, expected in (("half_even", half_even), ("half_up", half_up)):
        out = invoke("usage-tiers", make_input(config, usage(total), currency="JPY", exponent=0, rounding=rounding))
        assert out["charges"][0]["amount"] == expected  # 617.5 / 616.5 yen


def test_kwd_has_three_decimals():
    config = tiers_config("volume", [{"up_to": None, "unit_price": "0.0005"}])
    out = invoke("usage-tiers", make_input(config, usage("1234"), currency="KWD", exponent=3))
    assert out["charges"][0]["amount"] == 617  # 0.6170 KWD = 617 fils


def test_fractional_usage_keeps_its_digits():
    config = tiers_config("volume", [{"up_to": None, "unit_price": "0.01"}])
    out = invoke("usage-tiers", make_input(config, usage("1234.5")))
    assert (out["charges"][0]["quantity"], out["charges"][0]["amount"]) == ("1234.5", 1234)  # 12.345 -> even


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({k: v for k, v in tiers_config().items() if k != "mode"}, "config.mode: missing"),
        (tiers_config(mode="stairs"), "config.mode: must be one of graduated, volume"),
        (tiers_config(tiers=[]), "config.tiers: must not be empty"),
        (tiers_config(tiers=[{"up_to": "10", "unit_price": "1"}]), "config.tiers[0].up_to: must be null"),
        (tiers_config(tiers=[{"up_to": "10", "unit_price": "1"}, {"up_to": "5", "unit_price": "1"}, {"up_to": None, "unit_price": "1"}]), "config.tiers[1].up_to"),
        (tiers_config(tiers=[{"up_to": None, "unit_price": "1e-3"}]), "config.tiers[0].unit_price: must be a decimal string"),
        (tiers_config(tiers=[{"up_to": None, "unit_price": 0.001}]), "config.tiers[0].unit_price: must be a string"),
    ],
)
def test_invalid_tiers_config_is_an_error(config, field):
    out = invoke("usage-tiers", make_input(config, usage("10")))
    assert list(out) == ["error"]
    assert out["error"].startswith(field)


def test_decimal_overflow_traps():
    config = tiers_config("volume", [{"up_to": None, "unit_price": "0.0005"}])
    with pytest.raises(wasmtime.Trap, match="overflow"):
        invoke("usage-tiers", make_input(config, usage("9000000000000000000")))  # mantissa 9e18 * 5
    with pytest.raises(wasmtime.Trap, match="overflow"):
        invoke("usage-tiers", make_input(config, usage("99999999999999999999")))  # not an i64


# --- fixed-fee -----------------------------------------------------------------------------


def fee_config(proration="day", amount=9900):
    return {"rule_id": "base_fee", "description": "Standard plan", "amount": amount, "proration": proration}


def subscription(active_days=31, period_days=31, active_seconds=None, period_seconds=None):
    return {
        "subscription": {
            "active_days": active_days,
            "active_seconds": active_days * 86400 if active_seconds is None else active_seconds,
            "end": None,
            "period_days": period_days,
            "period_seconds": period_days * 86400 if period_seconds is None else period_seconds,
            "plan": "standard",
            "start": "2026-10-15T00:00:00Z",
        }
    }


def test_fee_prorated_by_day():
    out = invoke("fixed-fee", make_input(fee_config(), subscription(17)))
    # 9900 * 17 / 31 = 5429.03
    assert out == {
        "charges": [line("base_fee", "fee", "Standard plan (prorated 17/31 days)", None, "1", "99.00", 5429, True)],
        "warnings": [],
    }


def test_fee_prorated_by_second():
    out = invoke("fixed-fee", make_input(fee_config("second"), subscription(17, active_seconds=1468801)))
    # 9900 * 1468801 / 2678400 = 5429.04
    assert out["charges"][0]["amount"] == 5429
    assert out["charges"][0]["description"] == "Standard plan (prorated 1468801/2678400 seconds)"


def test_full_period_and_no_proration_charge_the_full_amount():
    full = invoke("fixed-fee", make_input(fee_config(), subscription()))
    assert full["charges"] == [line("base_fee", "fee", "Standard plan", None, "1", "99.00", 9900, True)]
    flat = invoke("fixed-fee", make_input(fee_config("none"), subscription(3)))
    assert flat["charges"] == full["charges"]


def test_inactive_or_absent_subscription_charges_nothing():
    assert invoke("fixed-fee", make_input(fee_config(), subscription(0)))["charges"] == []
    out = invoke("fixed-fee", make_input(fee_config(), {}))
    assert out["charges"] == [] and out["warnings"] == ["facts.subscription is absent: no fee charged"]


@pytest.mark.parametrize(("rounding", "amount"), [("half_even", 12), ("half_up", 13), ("up", 13), ("down", 12)])
def test_proration_rounding_policy(rounding, amount):
    out = invoke("fixed-fee", make_input(fee_config(amount=100), subscription(1, 8), rounding=rounding))
    assert out["charges"][0]["amount"] == amount  # 100 / 8 = 12.5


@pytest.mark.parametrize(("currency", "exponent", "unit_price"), [("JPY", 0, "15000"), ("KWD", 3, "15.000")])
def test_fee_unit_price_uses_the_currency_exponent(currency, exponent, unit_price):
    out = invoke("fixed-fee", make_input(fee_config(amount=15000), subscription(), currency=currency, exponent=exponent))
    assert (out["charges"][0]["unit_price"], out["charges"][0]["amount"]) == (unit_price, 15000)


@pytest.mark.parametrize(
    ("config", "facts", "error"),
    [
        ({"rule_id": "base_fee", "description": "x", "proration": "day"}, subscription(), "config.amount: missing"),
        (fee_config(amount=99.5), subscription(), "config.amount: must be an integer"),
        (fee_config(amount=-1), subscription(), "config.amount: must not be negative"),
        (fee_config("week"), subscription(), "config.proration: must be one of day, second, none"),
        (fee_config(), subscription(40, 31), "facts.subscription.active_days: must be between 0 and period_days"),
        (fee_config(), {"subscription": {"active_days": 3}}, "facts.subscription.period_days: missing"),
    ],
)
def test_invalid_fee_input_is_an_error(config, facts, error):
    assert invoke("fixed-fee", make_input(config, facts)) == {"error": error}


def test_fee_overflow_traps():
    huge = 2**53 - 1
    facts = subscription(active_seconds=2678399, period_seconds=2678400)
    with pytest.raises(wasmtime.Trap, match="overflow"):
        invoke("fixed-fee", make_input(fee_config("second", amount=huge), facts))
    with pytest.raises(wasmtime.Trap, match="2\\^53"):
        invoke("fixed-fee", make_input(fee_config(amount=2**63 - 1), subscription()))


# --- tax -----------------------------------------------------------------------------------

CHARGES = [
    line("base_fee", "fee", "Standard plan", None, "1", "100.00", 10000, True),
    line("api_calls", "usage", "API calls (tier 2)", "api_calls", "50000", "0.0005", 2500, True),
    line("support", "fee", "Support (not taxable)", None, "1", "7.00", 700, False),
]


def tax_facts(rate="0.0825", exempt=False, name="Texas sales tax"):
    return {"tax": {"exempt": exempt, "name": name, "rate": rate, "region": "US-TX"}}


def test_tax_on_taxable_lines():
    out = invoke("tax", make_input({"rule_id": "sales_tax"}, tax_facts(), CHARGES))
    # (10000 + 2500) * 0.0825 = 1031.25 cents -> 1031
    assert out == {
        "charges": CHARGES
        + [line("sales_tax", "tax", "Texas sales tax 8.25%", None, "125.00", "0.0825", 1031, False)],
        "warnings": [],
    }


@pytest.mark.parametrize(("rounding", "amount"), [("half_even", 12), ("half_up", 13), ("up", 13), ("down", 12)])
def test_tax_rounding_policy(rounding, amount):
    charges = [line("base_fee", "fee", "Plan", None, "1", "10.00", 1000, True)]
    out = invoke("tax", make_input({"rule_id": "sales_tax"}, tax_facts("0.0125"), charges, rounding=rounding))
    assert out["charges"][-1]["amount"] == amount  # 1000 * 0.0125 = 12.5


@pytest.mark.parametrize(("rate", "percent"), [("0.2", "20"), ("0.1", "10"), ("0.0825", "8.25"), ("0.07250", "7.25")])
def test_tax_description_shows_the_percentage(rate, percent):
    out = invoke("tax", make_input({"rule_id": "vat"}, tax_facts(rate, name="VAT"), CHARGES[:1]))
    assert out["charges"][-1]["description"] == f"VAT {percent}%"
    assert out["charges"][-1]["unit_price"] == rate


def test_tax_in_jpy():
    charges = [line("base_fee", "fee", "Plan", None, "1", "1234", 1234, True)]
    out = invoke("tax", make_input({"rule_id": "ct"}, tax_facts("0.1"), charges, currency="JPY", exponent=0))
    assert (out["charges"][-1]["quantity"], out["charges"][-1]["amount"]) == ("1234", 123)  # 123.4 yen


@pytest.mark.parametrize(
    "facts", [tax_facts(exempt=True), tax_facts("0"), tax_facts("0.0"), {}]
)
def test_no_tax_line_when_exempt_zero_rate_or_no_profile(facts):
    out = invoke("tax", make_input({"rule_id": "sales_tax"}, facts, CHARGES))
    assert out["charges"] == CHARGES


def test_no_tax_on_zero_base():
    out = invoke("tax", make_input({"rule_id": "sales_tax"}, tax_facts(), CHARGES[2:]))
    assert out == {"charges": CHARGES[2:], "warnings": []}


@pytest.mark.parametrize(
    ("config", "facts", "charges", "error"),
    [
        ({}, tax_facts(), CHARGES, "config.rule_id: missing"),
        ({"rule_id": "t"}, tax_facts("-0.1"), CHARGES, "facts.tax.rate: must not be negative"),
        ({"rule_id": "t"}, tax_facts("8.25%"), CHARGES, "facts.tax.rate: must be a decimal string"),
        ({"rule_id": "t"}, tax_facts(), [dict(CHARGES[0], kind="bonus")], "charges[0].kind: must be one of"),
        ({"rule_id": "t"}, tax_facts(), [dict(CHARGES[0], amount="10000")], "charges[0].amount: must be an integer"),
    ],
)
def test_invalid_tax_input_is_an_error(config, facts, charges, error):
    out = invoke("tax", make_input(config, facts, charges))
    assert list(out) == ["error"] and out["error"].startswith(error)


def test_tax_base_overflow_traps():
    big = 2**53 - 1
    charges = [dict(CHARGES[0], amount=big) for _ in range(1100)]  # sum exceeds 2^63
    with pytest.raises(wasmtime.Trap, match="overflow"):
        invoke("tax", make_input({"rule_id": "t"}, tax_facts(), charges))


# --- ABI details shared by every module -----------------------------------------------------


def test_unsupported_abi_version_is_an_error():
    doc = make_input({"rule_id": "t"}, tax_facts(), CHARGES)
    doc["abi"] = 2
    assert invoke("tax", doc) == {"error": "abi: unsupported version 2"}


def test_bad_context_is_an_error():
    doc = make_input(fee_config(), subscription(), rounding="bankers")
    assert invoke("fixed-fee", doc) == {"error": "context.policy.rounding: must be one of half_even, half_up, up, down"}


def test_output_is_canonical_json_and_strings_round_trip():
    description = 'Plan "Pro" \\ — ünï\u00e7ødé\n\ttab\u0001 ✓ 𝄞'
    config = dict(fee_config(), description=description)
    raw, _ = invoke_raw("fixed-fee", make_input(config, subscription()))
    parsed = json.loads(raw)
    assert parsed["charges"][0]["description"] == description
    assert raw == json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.mark.parametrize("name", MODULES)
def test_same_input_same_bytes_and_fuel(name):
    doc = make_input(
        {"rule_id": "r", "description": "d", "amount": 9900, "proration": "day", "metric": "api_calls",
         "mode": "graduated", "tiers": TIERS_3},
        {**subscription(17), **usage("12345"), **tax_facts()},
        CHARGES if name == "tax" else [],
    )
    first, second = invoke_raw(name, doc), invoke_raw(name, doc)
    assert first == second
    assert b'"error"' not in first[0]


def test_malformed_input_is_an_error_or_a_trap():
    for data in (b"", b"[]", b'"x"', b'{"abi":1}{"abi":1}'):
        assert json.loads(invoke_bytes("tax", data)[0]) == {"error": "input: must be one JSON object"}
    with pytest.raises(wasmtime.Trap):
        invoke_bytes("tax", b'{"abi":1,"charges":[')
