"""The AssemblyScript SDK helpers (wasm/sdk), through wasm/sdk/selftest compiled with the pinned asc.

The self-test module is built once per SDK source hash into wasm/node_modules/.cache (git-ignored). The test
fails, saying so, where node or the pinned toolchain is missing: `bash wasm/build.sh` installs it
(`make test` runs the WASM check first).
"""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from billing_dagster.domain.allocation import allocate
from billing_dagster.domain.canonical import canonical_json
from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

WASM_DIR = Path(__file__).resolve().parents[2] / "wasm"
ASC = WASM_DIR / "node_modules" / "assemblyscript" / "bin" / "asc.js"


@pytest.fixture(scope="module")
def selftest():
    if shutil.which("node") is None or not ASC.is_file():
        pytest.fail("node or the pinned AssemblyScript toolchain is missing: run bash wasm/build.sh first")
    sources = sorted((WASM_DIR / "sdk").rglob("*.ts")) + [WASM_DIR / "package-lock.json"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
    target = WASM_DIR / "node_modules" / ".cache" / "sdk-selftest" / f"{digest}.wasm"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial.wasm")
        subprocess.run(["node", str(ASC), "sdk/selftest/index.ts", "--runtime", "stub", "-O3", "--noAssert",
                        "--outFile", str(partial)], cwd=WASM_DIR, check=True, capture_output=True, timeout=300)
        partial.replace(target)
    wasm = target.read_bytes()
    host = WasmHost(Limits(), disk_cache=False)
    sha = hashlib.sha256(wasm).hexdigest()
    host.load(sha, wasm)

    def call(config, rounding="half_even", currency=("USD", 2), facts=None, charges=()):
        doc = {"abi": 1, "charges": list(charges), "config": config, "facts": facts or {}, "context": {
            "tenant": "t", "currency": {"code": currency[0], "exponent": currency[1]},
            "period": {"start": "2026-02-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"},
            "policy": {"rounding": rounding}}}
        return host.call(sha, canonical_json(doc).encode()).output["warnings"]

    return call


@pytest.mark.parametrize("amount, weights", [
    (100, [1, 1, 1]), (-100, [1, 1, 1]), (10, [3, 0, 7]), (1, [1, 1]), (7, [2, 2, 1, 1]), (0, [5]),
    (999_999_999_999, [1, 2, 3, 4, 5, 6, 7]),
])
def test_allocate_matches_the_host_and_loses_no_minor_unit(selftest, amount, weights):
    (result,) = selftest({"op": "allocate", "amount": amount, "weights": [{"w": w} for w in weights]})
    assert [int(x) for x in result.split(",")] == allocate(amount, weights)


def test_allocate_traps_instead_of_overflowing(selftest):
    with pytest.raises(ModuleError) as error:
        selftest({"op": "allocate", "amount": 2**52, "weights": [{"w": 2**40}, {"w": 1}]})
    assert error.value.reason == "trap" and "overflow" in error.value.detail


@pytest.mark.parametrize("rounding, expected", [("half_even", "1250"), ("down", "1249"), ("up", "1250")])
def test_prorate_rounds_once(selftest, rounding, expected):
    # 2499 * 15 / 30 = 1249.5
    assert selftest({"op": "prorate", "amount": 2499, "active": 15, "total": 30}, rounding) == [expected]


def test_typed_subscription_facts_prorate_and_report_bad_facts(selftest):
    facts = {"subscription": {"active_days": 14, "period_days": 28, "active_seconds": 1, "period_seconds": 3}}
    assert selftest({"op": "subscription", "amount": 1001, "unit": "day"}, facts=facts) == ["500"]
    assert selftest({"op": "subscription", "amount": 1000, "unit": "second"}, "up", facts=facts) == ["334"]
    with pytest.raises(ModuleError, match="facts.subscription.active_days: must be between"):
        selftest({"op": "subscription", "amount": 1, "unit": "day"},
                 facts={"subscription": {"active_days": 29, "period_days": 28}})


TIERS = [{"up_to": "1000", "unit_price": "0.01"}, {"up_to": "10000", "unit_price": "0.008"},
         {"up_to": None, "unit_price": "0.005"}]


def test_graduated_and_volume_tiers(selftest):
    facts = {"usage": {"api_calls": {"sum": "12345.5"}}}
    assert selftest({"op": "graduated", "metric": "api_calls", "tiers": TIERS}, facts=facts) == [
        "0:1000x0.01=1000", "1:9000x0.008=7200", "2:2345.5x0.005=1173"]  # 11.7275 -> 11.73
    assert selftest({"op": "volume", "metric": "api_calls", "tiers": TIERS}, facts=facts) == ["2:12345.5x0.005=6173"]
    # up_to is inclusive; absent usage is zero
    assert selftest({"op": "volume", "metric": "api_calls", "tiers": TIERS},
                    facts={"usage": {"api_calls": {"sum": "1000"}}}) == ["0:1000x0.01=1000"]
    assert selftest({"op": "graduated", "metric": "none", "tiers": TIERS}, facts=facts) == []


def test_tiers_are_validated(selftest):
    bad = [{"up_to": "10", "unit_price": "1"}, {"up_to": "5", "unit_price": "1"}, {"up_to": None, "unit_price": "1"}]
    with pytest.raises(ModuleError, match=r"config.tiers\[1\].up_to: must be greater"):
        selftest({"op": "graduated", "metric": "m", "tiers": bad})


@pytest.mark.parametrize("quantity, size, packages", [("0", "100", 0), ("1", "100", 1), ("100", "100", 1),
                                                        ("100.5", "100", 2), ("2.5", "0.5", 5)])
def test_packages_round_up(selftest, quantity, size, packages):
    assert selftest({"op": "package", "quantity": quantity, "size": size}) == [str(packages)]


def test_money_helpers(selftest):
    charges = [{"amount": 1000, "description": "a", "kind": "fee", "metric": None, "quantity": "1", "rule_id": "a",
                "taxable": True, "unit_price": "10"},
               {"amount": 250, "description": "t", "kind": "tax", "metric": None, "quantity": "1", "rule_id": "t",
                "taxable": False, "unit_price": "2.5"}]
    assert selftest({"op": "money", "a": 1001, "b": -1, "rate": "0.0725"}, currency=("KWD", 3), charges=charges) == [
        "1.000 KWD", "1002", "73", "-1,1001", "334,334,333", "1000/1250"]  # 1.001 * 0.0725 = 0.0725725 -> 73 fils


def test_money_refuses_mixed_currencies(selftest):
    with pytest.raises(ModuleError, match="currencies differ"):
        selftest({"op": "mixed_currencies"})


def test_decimal_arithmetic_is_exact(selftest):
    assert selftest({"op": "decimal", "x": "1.50", "y": "0.0725"}) == ["1.5725 1.4275 0.108750 1", "11"]
    with pytest.raises(ModuleError, match="overflow"):
        selftest({"op": "decimal", "x": "9223372036854775807", "y": "1"})


def test_selftest_is_not_a_shipped_module():
    assert not (WASM_DIR / "dist" / "selftest.wasm").exists()
    assert json.loads((WASM_DIR / "dist" / "tax.manifest.json").read_text())["id"] == "tax"
