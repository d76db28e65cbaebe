"""Malicious modules (tests/runtime/modules/*.wat): each ends as the typed ModuleError within its limit.

Every module runs under the tenant tier, the tightest one, as an uploaded module would.
"""

import hashlib
import time
from pathlib import Path

import pytest
import wasmtime

from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

MODULES = Path(__file__).with_name("modules")
TENANT = Limits.for_tier("tenant")
INPUT = b'{"abi":1,"charges":[],"config":{},"context":{},"facts":{}}'


def wat(name: str) -> tuple[str, bytes]:
    wasm = wasmtime.wat2wasm((MODULES / f"{name}.wat").read_text())
    return hashlib.sha256(wasm).hexdigest(), wasm


def run(name: str, limits: Limits = TENANT) -> tuple[ModuleError, float]:
    """Loads and calls one module; returns the error it must end with and the seconds it took."""
    host = WasmHost(limits, disk_cache=False)
    sha, wasm = wat(name)
    started = time.perf_counter()
    with pytest.raises(ModuleError) as caught:
        host.load(sha, wasm)
        host.call(sha, INPUT)
    return caught.value, time.perf_counter() - started


def test_infinite_loop_runs_out_of_fuel_not_wall_clock():
    error, seconds = run("infinite_loop")
    assert (error.reason, error.trap_code) == ("out_of_fuel", "out_of_fuel")
    assert error.fuel == TENANT.fuel  # the whole budget, deterministically
    assert seconds < TENANT.wall_ms / 1000  # fuel stopped it before the wall-clock backstop


def test_infinite_loop_with_plentiful_fuel_is_interrupted_by_the_epoch_deadline():
    limits = TENANT.with_(fuel=10**15, wall_ms=100)
    error, seconds = run("infinite_loop", limits)
    assert (error.reason, error.trap_code) == ("interrupted", "interrupt")
    assert 0.08 < seconds < 2.0  # deadline (100 ms) + one 10 ms tick, with room for a loaded machine
    assert 0 < error.fuel < limits.fuel


def test_loop_in_the_start_function_is_stopped_by_fuel_at_instantiation():
    error, seconds = run("start_loop")
    assert (error.reason, error.fuel) == ("out_of_fuel", TENANT.fuel)
    assert seconds < TENANT.wall_ms / 1000


def test_memory_growth_bomb_stops_at_the_memory_cap():
    error, _ = run("memory_bomb")
    assert (error.reason, error.trap_code) == ("memory", "unreachable")
    assert f"cap {TENANT.memory_bytes}" in error.detail


def test_deep_recursion_overflows_the_stack_cap():
    error, _ = run("deep_recursion")
    assert (error.reason, error.trap_code) == ("trap", "stack_overflow")
    assert "call stack exhausted" in error.detail
    assert 0 < error.fuel < TENANT.fuel


def test_smaller_stack_cap_overflows_sooner():
    tenant, _ = run("deep_recursion")
    system, _ = run("deep_recursion", Limits.for_tier("system"))
    assert system.trap_code == tenant.trap_code == "stack_overflow"
    assert system.fuel > 2 * tenant.fuel  # 1 MiB of stack holds more frames than 256 KiB


@pytest.mark.parametrize("name, code", [("unreachable", "unreachable"),
                                        ("divide_by_zero", "integer_division_by_zero")])
def test_traps_carry_their_trap_code(name, code):
    error, _ = run(name)
    assert (error.reason, error.trap_code) == ("trap", code)
    assert error.detail.startswith(f"{code}: wasm trap:")


def test_abort_is_a_trap_with_the_modules_message():
    error, _ = run("abort")
    assert (error.reason, error.trap_code) == ("trap", "abort")
    assert error.detail == "abort: boom!!!"


@pytest.mark.parametrize("name, detail", [
    ("not_json", "can't decode byte 0xff"),
    ("float_output", "float 1.5 in module output"),
    ("array_output", "output is not a JSON object"),
])
def test_output_that_is_not_a_json_object_of_integers_is_invalid_json(name, detail):
    error, _ = run(name)
    assert error.reason == "invalid_json"
    assert detail in error.detail


def test_output_pointer_out_of_bounds_is_bad_output_not_a_silent_clamp():
    error, _ = run("pointer_out_of_bounds")
    assert error.reason == "bad_output"
    assert "4294967280" in error.detail


def test_alloc_answering_a_negative_pointer_is_bad_output():
    error, _ = run("bad_alloc")
    assert error.reason == "bad_output"


@pytest.mark.parametrize("name", ["oversized_output", "big_output"])
def test_oversized_output_is_refused_before_it_is_read(name):
    error, _ = run(name)
    assert error.reason == "oversize_output"
    assert f"> {TENANT.max_output_bytes}" in error.detail


@pytest.mark.parametrize("name, named", [("wasi_clock", "wasi_snapshot_preview1.clock_time_get"),
                                         ("env_other", "env.system")])
def test_forbidden_imports_are_refused_at_load(name, named):
    host = WasmHost(TENANT, disk_cache=False)
    sha, wasm = wat(name)
    with pytest.raises(ModuleError) as caught:
        host.load(sha, wasm)
    assert caught.value.reason == "bad_import"
    assert named in caught.value.detail
    assert not host.is_loaded(sha)
    with pytest.raises(ModuleError) as never_ran:
        host.call(sha, INPUT)
    assert never_ran.value.reason == "invalid_module"


@pytest.mark.parametrize("name, what", [("huge_memory", "memory minimum size"),
                                        ("huge_table", "table minimum size")])
def test_huge_declared_memory_or_table_fails_at_instantiation(name, what):
    error, seconds = run(name)
    assert error.reason == "memory"
    assert what in error.detail
    assert seconds < 1.0


def test_oversized_input_is_refused_before_any_store_exists():
    host = WasmHost(TENANT, disk_cache=False)
    sha, wasm = wat("echo")
    host.load(sha, wasm)
    with pytest.raises(ModuleError) as caught:
        host.call(sha, b" " * (TENANT.max_input_bytes + 1))
    assert (caught.value.reason, caught.value.fuel) == ("oversize_input", 0)
