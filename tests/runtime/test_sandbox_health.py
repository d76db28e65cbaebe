"""The host stays healthy through thousands of failures, and other tenants' modules keep working.

A real system module (wasm/dist/usage-tiers.wasm) is called before, between and after the failures,
and must answer exactly the same bytes each time.
"""

import gc
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
import wasmtime

from billing_dagster.runtime.host import Limits, ModuleError, WasmHost

MODULES = Path(__file__).with_name("modules")
DIST = Path(__file__).resolve().parents[2] / "wasm" / "dist"
TENANT = Limits.for_tier("tenant")
FAILING = ["unreachable", "divide_by_zero", "deep_recursion", "memory_bomb", "not_json", "abort",
           "pointer_out_of_bounds", "oversized_output", "bad_alloc", "huge_memory", "infinite_loop"]

GOOD_INPUT = json.dumps({
    "abi": 1, "charges": [],
    "config": {"description": "API calls", "metric": "api_calls", "mode": "graduated", "rule_id": "api",
               "tiers": [{"unit_price": "0.01", "up_to": "1000"}, {"unit_price": "0.005", "up_to": None}]},
    "context": {"currency": {"code": "USD", "exponent": 2},
                "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
                "policy": {"rounding": "half_even"}, "tenant": "t0002"},
    "facts": {"usage": {"api_calls": {"sum": "1500"}}},
}, sort_keys=True, separators=(",", ":")).encode()
GOOD_OUTPUT = (
    b'{"charges":[{"amount":1000,"category":null,"description":"API calls (tier 1)","kind":"usage","metric":"api_calls",'
    b'"quantity":"1000","rule_id":"api","taxable":true,"unit_price":"0.01"},'
    b'{"amount":250,"category":null,"description":"API calls (tier 2)","kind":"usage","metric":"api_calls",'
    b'"quantity":"500","rule_id":"api","taxable":true,"unit_price":"0.005"}],"warnings":[]}')


def rss_bytes() -> int:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(scope="module")
def loaded():
    """One tenant-tier host with every failing module and the real usage-tiers module loaded."""
    host = WasmHost(TENANT.with_(fuel=2_000_000), disk_cache=False)  # small fuel: loops fail fast
    hashes = {}
    for name in FAILING:
        wasm = wasmtime.wat2wasm((MODULES / f"{name}.wat").read_text())
        hashes[name] = hashlib.sha256(wasm).hexdigest()
        host.load(hashes[name], wasm)
    good = (DIST / "usage-tiers.wasm").read_bytes()
    hashes["good"] = hashlib.sha256(good).hexdigest()
    host.load(hashes["good"], good)
    return host, hashes


def test_thousands_of_failures_leave_memory_flat_and_other_tenants_unaffected(loaded):
    host, hashes = loaded
    assert host.call(hashes["good"], GOOD_INPUT).output_bytes == GOOD_OUTPUT

    def fail_many(count: int) -> dict[str, int]:
        reasons: dict[str, int] = {}
        for index in range(count):
            name = FAILING[index % len(FAILING)]
            with pytest.raises(ModuleError) as caught:
                host.call(hashes[name], GOOD_INPUT)
            reasons[caught.value.reason] = reasons.get(caught.value.reason, 0) + 1
            if index % 100 == 99:  # another tenant's module in the same run, between the failures
                assert host.call(hashes["good"], GOOD_INPUT).output_bytes == GOOD_OUTPUT
        return reasons

    fail_many(300)  # warm-up: caches, allocator arenas
    gc.collect()
    before = rss_bytes()
    reasons = fail_many(2_000)
    gc.collect()
    growth = rss_bytes() - before

    assert set(reasons) == {"trap", "memory", "invalid_json", "bad_output", "oversize_output", "out_of_fuel"}
    print(f"RSS growth over 2,000 failures: {growth / 2**20:.2f} MiB")
    assert growth < 24 << 20, f"RSS grew by {growth / 2**20:.1f} MiB over 2,000 failed calls"
    assert host.call(hashes["good"], GOOD_INPUT).output_bytes == GOOD_OUTPUT


def test_a_runaway_module_on_another_thread_does_not_stop_good_calls():
    """wasm releases the GIL: while one tenant's module spins until its deadline, others still run."""
    host = WasmHost(TENANT.with_(fuel=10**15, wall_ms=600), disk_cache=False)
    loop = wasmtime.wat2wasm((MODULES / "infinite_loop.wat").read_text())
    good = (DIST / "usage-tiers.wasm").read_bytes()
    loop_sha, good_sha = hashlib.sha256(loop).hexdigest(), hashlib.sha256(good).hexdigest()
    host.load(loop_sha, loop)
    host.load(good_sha, good)
    outcome = {}

    def runaway():
        try:
            host.call(loop_sha, GOOD_INPUT)
        except ModuleError as error:
            outcome["reason"] = error.reason

    thread = threading.Thread(target=runaway)
    thread.start()
    done, deadline = 0, time.monotonic() + 0.3
    while time.monotonic() < deadline:
        assert host.call(good_sha, GOOD_INPUT).output_bytes == GOOD_OUTPUT
        done += 1
    thread.join(timeout=10)
    assert outcome == {"reason": "interrupted"}
    assert done >= 10
