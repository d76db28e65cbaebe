"""Trust tiers: documented numbers, tenant tightest, and each tier fits what a system module needs."""

import hashlib
import json
from dataclasses import fields
from pathlib import Path

import pytest

from billing_dagster.runtime.host import Limits, ModuleError, WasmHost
from billing_dagster.runtime.limits import TIERS

DIST = Path(__file__).resolve().parents[2] / "wasm" / "dist"
MiB, KiB = 1 << 20, 1 << 10


def test_documented_numbers():
    assert Limits.for_tier("tenant") == Limits(fuel=100_000_000, wall_ms=2_000, memory_bytes=32 * MiB,
                                               max_input_bytes=256 * KiB, max_output_bytes=256 * KiB,
                                               max_stack_bytes=256 * KiB, max_table_elements=10_000)
    assert Limits.for_tier("system") == Limits()
    assert Limits().fuel == 1_000_000_000


def test_tenant_is_tighter_than_partner_is_tighter_than_system():
    for field in fields(Limits):
        tenant, partner, system = (getattr(TIERS[t], field.name) for t in ("tenant", "partner", "system"))
        assert tenant <= partner <= system, field.name
        assert tenant < system, field.name


def test_unknown_tier_and_nonsense_values_are_refused():
    with pytest.raises(ValueError, match="unknown trust tier"):
        Limits.for_tier("root")
    for bad in ({"fuel": 0}, {"wall_ms": -1}, {"memory_bytes": 1.5}, {"max_stack_bytes": 1024}, {"fuel": True}):
        with pytest.raises(ValueError):
            Limits(**bad)


def test_epoch_deadline_covers_at_least_the_wall_clock_limit():
    assert Limits(wall_ms=100).epoch_ticks == 11
    assert Limits(wall_ms=95).epoch_ticks == 11
    assert Limits(wall_ms=1).epoch_ticks == 2


def usage_input(target_bytes: int) -> bytes:
    """A usage-tiers input of at most `target_bytes`, nearly all of it the usage pack (a big tenant)."""
    usage: dict = {}
    document = {
        "abi": 1, "charges": [],
        "config": {"description": "API", "metric": "m000000", "mode": "graduated", "rule_id": "api",
                   "tiers": [{"unit_price": "0.01", "up_to": "1000"}, {"unit_price": "0.005", "up_to": None}]},
        "context": {"currency": {"code": "USD", "exponent": 2},
                    "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
                    "policy": {"rounding": "half_even"}, "tenant": "t0001"},
        "facts": {"usage": usage},
    }
    size = len(json.dumps(document, separators=(",", ":"))) - 1
    while True:
        name, entry = f"m{len(usage):06d}", {"sum": f"{1000 + len(usage)}.25"}
        size += len(name) + len(entry["sum"]) + 15  # "name":{"sum":"..."},
        if size > target_bytes:
            break
        usage[name] = entry
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize("tier", ["tenant", "partner"])
def test_a_system_module_reads_an_input_at_the_tiers_cap_with_headroom(tier):
    """The tier's caps are consistent: the biggest input it accepts fits its fuel and memory twice over."""
    limits = Limits.for_tier(tier)
    data = usage_input(limits.max_input_bytes - 64)
    assert limits.max_input_bytes // 2 < len(data) <= limits.max_input_bytes
    wasm = (DIST / "usage-tiers.wasm").read_bytes()
    sha = hashlib.sha256(wasm).hexdigest()
    host = WasmHost(limits.with_(fuel=limits.fuel // 2, memory_bytes=limits.memory_bytes // 2), disk_cache=False)
    host.load(sha, wasm)
    result = host.call(sha, data)
    assert result.output["charges"][0]["amount"] == 1000
    assert result.fuel < limits.fuel // 2


def test_the_same_input_over_the_tenant_cap_is_refused_but_fits_the_partner_tier():
    data = usage_input(300 * KiB)
    wasm = (DIST / "usage-tiers.wasm").read_bytes()
    sha = hashlib.sha256(wasm).hexdigest()
    tenant, partner = (WasmHost(Limits.for_tier(t), disk_cache=False) for t in ("tenant", "partner"))
    for host in (tenant, partner):
        host.load(sha, wasm)
    with pytest.raises(ModuleError) as caught:
        tenant.call(sha, data)
    assert caught.value.reason == "oversize_input"
    assert partner.call(sha, data).output["charges"]
