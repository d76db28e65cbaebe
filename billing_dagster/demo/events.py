"""Synthetic usage events for a month, written as landing files, with duplicates, malformed and late lines.

Every random choice about an event is drawn from a counter-based hash (splitmix64) of (seed, tenant, day,
event number), computed with numpy for a chunk of events at once, and landing_writer renders the chunk
without a Python loop per event. The files therefore depend only on the arguments: not on the chunk size,
the number of worker threads or the order in which the days are written.
"""

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from billing_dagster.demo.landing_writer import MALFORMED_KINDS, VALID, LineRenderer, truncated_line
from billing_dagster.demo.world import DemoTenant

_METRIC_WEIGHTS = [("api_calls", 55), ("llm_tokens", 25), ("agent_executions", 8),
                   ("compute_seconds", 8), ("bandwidth_gb", 4)]
# metric -> lowest and highest quantity; bandwidth_gb is drawn in hundredths and written as "1.37"
_QUANTITY_RANGES = {"api_calls": (1, 40), "llm_tokens": (50, 4000), "agent_executions": (1, 1),
                    "compute_seconds": (1, 90), "bandwidth_gb": (1, 400)}
_DECIMAL_METRIC = "bandwidth_gb"
_REGIONS = ["us-east", "eu-west", "ap-south"]
_TRUNCATED_PER_DAY = 0.2  # chance that a day's file ends in a truncated line (when malformed_rate > 0)
_CHUNK_EVENTS = 1 << 16  # events drawn and rendered at once: about 30 MB of working memory per worker
_EVENTS_PER_FILE = 1 << 18  # a day's events go to events-000.jsonl, events-001.jsonl, ... so many to a file
_MAX_WORKERS = 8
_SECONDS_PER_DAY = 86_400
_COUNTS = ("lines", "duplicates", "malformed", "late")

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_STREAMS = 3  # hashes drawn per event


def write_month(landing_root: Path, month: date, tenants: list[DemoTenant], seed: int = 11, *,
                duplicate_rate: float = 0.005, malformed_rate: float = 0.001, late_rate: float = 0.0,
                workers: int | None = None) -> dict[str, int]:
    """Write landing_root/date=YYYY-MM-DD/events-000.jsonl (and -001, ... for days of over 262,144 events)
    for each day from `month` to the end of its month.

    A tenant draws `events_per_day` events a day, none before its `starts_at`. Each event is, exclusively,
    malformed (one of five kinds; with probability malformed_rate), followed by a byte-identical duplicate
    (duplicate_rate) or late: stamped on the previous day (late_rate; only where the tenant had started by
    then). Some days (when malformed_rate > 0) end in a truncated JSON line, counted as malformed.
    `workers` threads write the files (default: one per CPU, at most 8); the bytes do not depend on it.

    Returns exact counts of what was written: lines (all of them, duplicates included), duplicates,
    malformed and late.
    """
    rates = _Rates.of(malformed=malformed_rate, duplicate=duplicate_rate, late=late_rate)
    world = _World.of(tenants, seed)
    next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    files = []
    for day in (month + timedelta(days=offset) for offset in range((next_month - month).days)):
        plan = _Day.of(world, day)
        folder = Path(landing_root) / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        parts = max(1, -(-plan.total // _EVENTS_PER_FILE))
        for stale in folder.glob("events-[0-9][0-9][0-9].jsonl"):  # left by an earlier, bigger world
            if int(stale.stem.removeprefix("events-")) >= parts:
                stale.unlink()
        files += [(plan, folder / f"events-{part:03d}.jsonl", part, part == parts - 1) for part in range(parts)]
    totals = dict.fromkeys(_COUNTS, 0)
    with ThreadPoolExecutor(max_workers=workers or min(_MAX_WORKERS, os.cpu_count() or 1)) as pool:
        for counts in pool.map(lambda file: _write_file(world, rates, *file), files):
            for name in _COUNTS:
                totals[name] += counts[name]
    return totals


@dataclass(frozen=True, slots=True)
class _Rates:
    """Thresholds on a 53-bit roll r: malformed if r < malformed, duplicate below duplicate, late below late."""
    malformed: int
    duplicate: int
    late: int
    truncated: bool

    @classmethod
    def of(cls, *, malformed: float, duplicate: float, late: float) -> "_Rates":
        for name, rate in (("malformed_rate", malformed), ("duplicate_rate", duplicate), ("late_rate", late)):
            if not 0 <= rate <= 1:
                raise ValueError(f"{name} must be between 0 and 1, not {rate}")
        if malformed + duplicate + late > 1:
            raise ValueError("malformed_rate + duplicate_rate + late_rate must not exceed 1")
        scale = 1 << 53
        return cls(round(malformed * scale), round((malformed + duplicate) * scale),
                   round((malformed + duplicate + late) * scale), malformed > 0)


@dataclass(frozen=True, slots=True)
class _World:
    """The tenants as arrays, their hash keys, and the texts to render their events."""
    seed_key: int
    tenant_keys: np.ndarray  # uint64, from the seed and the tenant id
    starts: np.ndarray  # int64 epoch seconds of starts_at, rounded up to a whole second
    events: np.ndarray  # int64 events per day
    renderer: LineRenderer
    metric_of_roll: np.ndarray  # metric index for each of sum(weights) equally likely rolls
    quantity_low: np.ndarray  # uint64 per metric
    quantity_span: np.ndarray  # uint64 per metric

    @classmethod
    def of(cls, tenants: list[DemoTenant], seed: int) -> "_World":
        seed_key = _mix(seed & _MASK)
        keys = [_mix(seed_key ^ int.from_bytes(hashlib.blake2b(t.id.encode(), digest_size=8).digest(), "little"))
                for t in tenants]
        starts = [-(-(t.starts_at - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(seconds=1))
                  for t in tenants]
        metrics = [metric for metric, _ in _METRIC_WEIGHTS]
        low, high = zip(*(_QUANTITY_RANGES[metric] for metric in metrics))
        renderer = LineRenderer([t.id for t in tenants], metrics, _DECIMAL_METRIC, _REGIONS, max(high),
                                max((t.events_per_day for t in tenants), default=0))
        return cls(seed_key, np.array(keys, dtype=np.uint64), np.array(starts, dtype=np.int64),
                   np.array([t.events_per_day for t in tenants], dtype=np.int64), renderer,
                   np.repeat(np.arange(len(metrics), dtype=np.int64), [weight for _, weight in _METRIC_WEIGHTS]),
                   np.array(low, dtype=np.uint64), np.array(high, dtype=np.uint64) - np.array(low, dtype=np.uint64) + 1)


@dataclass(frozen=True, slots=True)
class _Day:
    """The tenants with events on one day: which, where their events start in the day's sequence, and when."""
    day: date
    key: int
    tenant: np.ndarray  # index into the world's tenants
    offsets: np.ndarray  # first event position per tenant, then the total
    tenant_keys: np.ndarray
    first_second: np.ndarray  # uint64: earliest second of the day (the tenant's start on its first day)
    previous_first: np.ndarray  # uint64: earliest second of the previous day, for late events
    late_possible: np.ndarray  # bool: had the tenant started on the previous day

    @classmethod
    def of(cls, world: _World, day: date) -> "_Day":
        day_start = (day - date(1970, 1, 1)).days * _SECONDS_PER_DAY
        first = np.maximum(world.starts - day_start, 0)
        tenant = np.flatnonzero((first < _SECONDS_PER_DAY) & (world.events > 0))
        first = first[tenant]
        previous_first = np.maximum(world.starts[tenant] - (day_start - _SECONDS_PER_DAY), 0)
        late_possible = previous_first < _SECONDS_PER_DAY
        key = _mix(world.seed_key ^ _mix(day.toordinal()))
        return cls(day, key, tenant, np.concatenate([[0], np.cumsum(world.events[tenant])]),
                   _mix_array(world.tenant_keys[tenant] ^ np.uint64(key)), first.astype(np.uint64),
                   np.where(late_possible, previous_first, 0).astype(np.uint64), late_possible)

    @property
    def total(self) -> int:
        return int(self.offsets[-1])

    def ends_truncated(self) -> bool:
        return _mix(self.key ^ _GOLDEN) < _TRUNCATED_PER_DAY * 2 ** 64


def _write_file(world: _World, rates: _Rates, plan: _Day, path: Path, part: int, last: bool) -> dict[str, int]:
    """Events part * _EVENTS_PER_FILE onwards of the day, and the day's truncated line if any, into one file."""
    counts = dict.fromkeys(_COUNTS, 0)
    stop = min(plan.total, (part + 1) * _EVENTS_PER_FILE)
    with open(path, "wb") as handle:
        for start in range(part * _EVENTS_PER_FILE, stop, _CHUNK_EVENTS):
            handle.write(_render_chunk(world, rates, plan, start, min(stop, start + _CHUNK_EVENTS), counts))
        if last and rates.truncated and plan.ends_truncated():
            handle.write(truncated_line(plan.day))
            counts["lines"] += 1
            counts["malformed"] += 1
    return counts


def _render_chunk(world: _World, rates: _Rates, plan: _Day, start: int, stop: int,
                  counts: dict[str, int]) -> memoryview:
    """Events start..stop of the day (tenant by tenant, in event number order), each duplicate after its original."""
    position = np.arange(start, stop, dtype=np.int64)
    local = np.searchsorted(plan.offsets, position, side="right") - 1
    n = position - plan.offsets[local]
    state = plan.tenant_keys[local] + n.astype(np.uint64) * np.uint64(_STREAMS * _GOLDEN & _MASK)
    when, what, roll = (_mix_array(state + np.uint64(stream * _GOLDEN & _MASK)) for stream in range(_STREAMS))

    low32 = np.uint64(0xFFFFFFFF)
    metric = world.metric_of_roll[((when >> 32) * np.uint64(len(world.metric_of_roll))) >> 32]
    time_roll = when & low32
    second = plan.first_second[local] + ((time_roll * (_SECONDS_PER_DAY - plan.first_second[local])) >> 32)
    previous_second = plan.previous_first[local] + (
        (time_roll * (_SECONDS_PER_DAY - plan.previous_first[local])) >> 32)
    quantity = world.quantity_low[metric] + (((what & low32) * world.quantity_span[metric]) >> 32)
    region = (((what >> 32) & np.uint64(0xFFFF)) * np.uint64(len(_REGIONS))) >> 16
    malformed_kind = ((roll & np.uint64(0x7FF)) * np.uint64(MALFORMED_KINDS)) >> 11

    roll = roll >> 11
    malformed = roll < rates.malformed
    duplicate = (roll >= rates.malformed) & (roll < rates.duplicate)
    late = (roll >= rates.duplicate) & (roll < rates.late) & plan.late_possible[local]
    fields = {
        "tenant": plan.tenant[local], "n": n, "metric": metric, "quantity": quantity.astype(np.int64),
        "second": np.where(late, previous_second, second).astype(np.int64), "late": late,
        "region": region.astype(np.int64), "kind": np.where(malformed, malformed_kind.astype(np.int64), VALID),
    }
    duplicates = int(np.count_nonzero(duplicate))
    counts["lines"] += len(position) + duplicates
    counts["duplicates"] += duplicates
    counts["malformed"] += int(np.count_nonzero(malformed))
    counts["late"] += int(np.count_nonzero(late))
    repeat = np.repeat(np.arange(len(position)), 1 + duplicate) if duplicates else None
    return world.renderer.render(plan.day, plan.day - timedelta(days=1), repeat=repeat, **fields)


def _mix(value: int) -> int:
    """splitmix64 of one 64-bit integer."""
    value = (value + _GOLDEN) & _MASK
    value = ((value ^ (value >> 30)) * _MIX1) & _MASK
    value = ((value ^ (value >> 27)) * _MIX2) & _MASK
    return value ^ (value >> 31)


def _mix_array(values: np.ndarray) -> np.ndarray:
    """splitmix64 of each element of a uint64 array (multiplication wraps modulo 2**64)."""
    values = values + np.uint64(_GOLDEN)
    values ^= values >> 30
    values *= np.uint64(_MIX1)
    values ^= values >> 27
    values *= np.uint64(_MIX2)
    values ^= values >> 31
    return values
