"""ABI v1 through the host: a WAT module and the system modules, the error type, both call paths."""

import hashlib
import json
import pickle
from pathlib import Path

import pytest
import wasmtime

from billing_dagster.runtime import calls
from billing_dagster.runtime.errors import REASONS
from billing_dagster.runtime.host import CallResult, Limits, ModuleError, WasmHost

MODULES = Path(__file__).with_name("modules")
DIST = Path(__file__).resolve().parents[2] / "wasm" / "dist"
TENANT = Limits.for_tier("tenant")


def wat(name: str) -> tuple[str, bytes]:
    wasm = wasmtime.wat2wasm((MODULES / f"{name}.wat").read_text())
    return hashlib.sha256(wasm).hexdigest(), wasm


def dist(name: str) -> tuple[str, bytes]:
    wasm = (DIST / f"{name}.wasm").read_bytes()
    return hashlib.sha256(wasm).hexdigest(), wasm


def document(config: dict, facts: dict, charges=()) -> bytes:
    return json.dumps({
        "abi": 1, "charges": list(charges), "config": config,
        "context": {"currency": {"code": "USD", "exponent": 2},
                    "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
                    "policy": {"rounding": "half_even"}, "tenant": "t0001"},
        "facts": facts}, sort_keys=True, separators=(",", ":")).encode()


@pytest.fixture
def host():
    return WasmHost(TENANT, disk_cache=False)


def test_a_hand_written_wat_module_speaks_abi_v1(host):
    sha, wasm = wat("echo")
    host.load(sha, wasm)
    result = host.call(sha, b'{"tenant":"t1","qty":1234,"name":"\xc3\xa9"}')
    assert isinstance(result, CallResult)
    assert result.output == {"charges": [], "echo": {"tenant": "t1", "qty": 1234, "name": "é"}, "warnings": []}
    assert result.output_bytes.startswith(b'{"charges":[],"echo":{"tenant"')
    assert result.fuel > 0 and result.duration_us > 0


def test_load_is_idempotent_and_call_needs_load(host):
    """Compiled modules are content-addressed and shared by the process's hosts; unknown ones never run."""
    with pytest.raises(ModuleError) as caught:
        host.call("0" * 64, b"{}")
    assert caught.value.reason == "invalid_module"
    sha, wasm = wat("echo")
    host.load(sha, wasm)
    host.load(sha, wasm)
    assert host.is_loaded(sha)
    assert WasmHost(TENANT, disk_cache=False).is_loaded(sha)


def test_wrong_abi_signature_is_refused_at_load(host):
    sha, wasm = wat("wrong_signature")
    with pytest.raises(ModuleError) as caught:
        host.load(sha, wasm)
    assert caught.value.reason == "invalid_module"
    assert "`run`" in caught.value.detail


@pytest.mark.parametrize("name", ["fixed-fee", "usage-tiers", "tax"])
def test_system_modules_pass_the_load_checks(host, name):
    host.load(*dist(name))


def test_a_module_that_answers_error_is_a_module_error_with_its_message(host):
    sha, wasm = dist("usage-tiers")
    host.load(sha, wasm)
    with pytest.raises(ModuleError) as caught:
        host.call(sha, document({"rule_id": "x"}, {}))
    assert (caught.value.reason, caught.value.detail) == ("module_error", "config.description: missing")
    assert caught.value.fuel > 0


def test_an_sdk_abort_reaches_the_error_with_its_message(host):
    """The SDK traps on an input integer of 2^53 or more; the abort message says so."""
    sha, wasm = dist("fixed-fee")
    host.load(sha, wasm)
    data = document({"amount": 2**53, "description": "Fee", "proration": "none", "rule_id": "fee"}, {})
    with pytest.raises(ModuleError) as caught:
        host.call(sha, data)
    assert (caught.value.reason, caught.value.trap_code) == ("trap", "abort")
    assert "JSON integer too large" in caught.value.detail


def test_fuel_is_recorded_and_repeatable(host):
    sha, wasm = dist("tax")
    host.load(sha, wasm)
    line = {"amount": 10000, "description": "Fee", "kind": "fee", "metric": None, "quantity": "1",
            "rule_id": "fee", "taxable": True, "unit_price": "100.00"}
    data = document({"rule_id": "tax"}, {"tax": {"exempt": False, "name": "VAT", "rate": "0.2"}}, [line])
    first, second = host.call(sha, data), host.call(sha, data)
    assert first.output["charges"][-1]["amount"] == 2000
    assert first.fuel == second.fuel > 0


def test_model_error_is_one_type_with_reason_detail_fuel_and_pickles():
    error = ModuleError("out_of_fuel", "used all 5 fuel", 5, "out_of_fuel")
    assert (error.reason, error.detail, error.fuel, error.trap_code) == ("out_of_fuel", "used all 5 fuel", 5,
                                                                          "out_of_fuel")
    assert str(error) == "out_of_fuel: used all 5 fuel"
    assert ModuleError("trap", "x").fuel == 0
    copy = pickle.loads(pickle.dumps(error))  # crosses process boundaries (executors, pools)
    assert (copy.reason, copy.detail, copy.fuel, copy.trap_code) == (error.reason, error.detail, 5, "out_of_fuel")
    assert {"out_of_fuel", "interrupted", "memory", "trap", "invalid_json", "schema_violation", "oversize_input",
            "oversize_output", "bad_output", "bad_import", "invalid_module", "module_error"} == set(REASONS)


@pytest.mark.parametrize("name", ["echo", "abort", "unreachable", "infinite_loop", "pointer_out_of_bounds",
                                  "bad_alloc", "memory_bomb"])
def test_fast_and_public_call_paths_agree(monkeypatch, name):
    """calls.py uses wasmtime-py internals for speed; the public API must give the same results."""
    sha, wasm = wat(name)
    outcomes = []
    for fast in (True, False):
        monkeypatch.setattr(calls, "FAST", fast and calls.FAST)
        host = WasmHost(TENANT.with_(fuel=1_000_000), disk_cache=False)
        host.load(sha, wasm)
        try:
            result = host.call(sha, b'{"k":[1,2,3]}')
            outcomes.append(("ok", result.output_bytes, result.fuel))
        except ModuleError as error:
            outcomes.append((error.reason, error.detail, error.fuel, error.trap_code))
    assert outcomes[0] == outcomes[1]


def test_fast_and_public_paths_agree_on_a_system_module(monkeypatch):
    sha, wasm = dist("usage-tiers")
    data = document({"description": "API", "metric": "api", "mode": "volume", "rule_id": "api",
                     "tiers": [{"unit_price": "0.02", "up_to": "10"}, {"unit_price": "0.01", "up_to": None}]},
                    {"usage": {"api": {"sum": "12.5"}}})
    results = []
    for fast in (True, False):
        monkeypatch.setattr(calls, "FAST", fast and calls.FAST)
        host = WasmHost(TENANT, disk_cache=False)
        host.load(sha, wasm)
        result = host.call(sha, data)
        results.append((result.output_bytes, result.fuel))
    assert results[0] == results[1]
    assert json.loads(results[0][0])["charges"][0]["amount"] == 12
