"""Same input + same module hashes = byte-identical output and identical fuel: across calls, hosts,
tiers, compiled-vs-cached code, and processes (with different hash seeds)."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from billing_dagster.runtime.cache import ArtifactCache
from billing_dagster.runtime.engine import engine_slot
from billing_dagster.runtime.host import Limits, WasmHost

DIST = Path(__file__).resolve().parents[2] / "wasm" / "dist"
CONTEXT = {"currency": {"code": "USD", "exponent": 2},
           "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
           "policy": {"rounding": "half_even"}, "tenant": "t0042"}
TIERS = [{"unit_price": "0.0125", "up_to": "1000"}, {"unit_price": "0.005", "up_to": "100000"},
         {"unit_price": "0.001", "up_to": None}]
PROGRAM = [
    ("fixed-fee", {"amount": 9900, "description": "Platform", "proration": "day", "rule_id": "base"}),
    ("usage-tiers", {"description": "API", "metric": "api", "mode": "graduated", "rule_id": "api", "tiers": TIERS}),
    ("usage-tiers", {"description": "Storage", "metric": "gb", "mode": "volume", "rule_id": "gb", "tiers": TIERS}),
    ("usage-tiers", {"description": "Seats", "metric": "seats", "mode": "graduated", "rule_id": "seats",
                     "tiers": TIERS}),
    ("usage-tiers", {"description": "Events", "metric": "events", "mode": "volume", "rule_id": "ev", "tiers": TIERS}),
    ("tax", {"rule_id": "sales_tax"}),
]
FACTS = {"subscription": {"active_days": 17, "active_seconds": 1_468_800, "period_days": 31,
                          "period_seconds": 2_678_400},
         "usage": {"api": {"sum": "123456.789"}, "events": {"sum": "999.5"}, "gb": {"sum": "1000.0001"},
                   "seats": {"sum": "7"}},
         "tax": {"exempt": False, "name": "Sales tax", "rate": "0.0825"}}

# Runs the same program in a fresh interpreter and prints [output sha256, fuel] per call.
CHILD = """
import hashlib, json, sys
from billing_dagster.runtime.host import Limits, WasmHost
sys.path.insert(0, sys.argv[1])
from test_determinism import run_program
print(json.dumps(run_program(WasmHost(Limits.for_tier(sys.argv[2]), disk_cache=False))))
"""


def encode(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def run_program(host: WasmHost) -> list[list]:
    """The 6-module program, lines flowing from producers into tax: [sha256 of output, fuel] per call."""
    hashes = {}
    for module_id in {step[0] for step in PROGRAM}:
        wasm = (DIST / f"{module_id}.wasm").read_bytes()
        hashes[module_id] = hashlib.sha256(wasm).hexdigest()
        host.load(hashes[module_id], wasm)
    lines, trace = [], []
    for module_id, config in PROGRAM:
        transformer = module_id == "tax"
        data = encode({"abi": 1, "charges": lines if transformer else [], "config": config,
                       "context": CONTEXT, "facts": FACTS})
        result = host.call(hashes[module_id], data)
        lines = result.output["charges"] if transformer else lines + result.output["charges"]
        trace.append([hashlib.sha256(result.output_bytes).hexdigest(), result.fuel])
    trace.append([hashlib.sha256(encode(lines)).hexdigest(), len(lines)])
    return trace


def test_repeated_runs_in_one_process_are_identical():
    host = WasmHost(Limits.for_tier("tenant"), disk_cache=False)
    first = run_program(host)
    assert all(run_program(host) == first for _ in range(5))
    assert run_program(WasmHost(Limits.for_tier("tenant"), disk_cache=False)) == first
    assert first[-1][1] == 8  # fee, api 3 tiers, gb, seats, events, tax


def test_fuel_and_output_do_not_depend_on_the_tier_or_the_limits():
    traces = [run_program(WasmHost(Limits.for_tier(tier), disk_cache=False)) for tier in ("tenant", "system")]
    traces.append(run_program(WasmHost(Limits().with_(fuel=123_456_789, wall_ms=60_000), disk_cache=False)))
    assert traces[0] == traces[1] == traces[2]


def test_code_loaded_from_the_disk_cache_behaves_exactly_like_freshly_compiled_code(tmp_path):
    limits = Limits.for_tier("partner")
    slot = engine_slot(limits.max_stack_bytes)
    slot.modules.clear()
    compiled_host = WasmHost(limits, cache=ArtifactCache(tmp_path, b"k" * 32))
    compiled = run_program(compiled_host)
    slot.modules.clear()
    cached_host = WasmHost(limits, cache=ArtifactCache(tmp_path, b"k" * 32))
    cached = run_program(cached_host)
    assert compiled_host.compiled == 3 and (cached_host.compiled, cached_host.cache.hits) == (0, 3)
    assert cached == compiled


def test_other_processes_produce_the_same_bytes_and_fuel():
    expected = run_program(WasmHost(Limits.for_tier("tenant"), disk_cache=False))
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        child = subprocess.run([sys.executable, "-c", CHILD, str(Path(__file__).parent), "tenant"],
                               capture_output=True, text=True, env=env, timeout=120, check=True)
        assert json.loads(child.stdout) == expected
