"""Synthetic usage events for a month, written as landing files, with duplicates and malformed lines."""

import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from billing_dagster.demo.world import DemoTenant

_METRIC_WEIGHTS = [("api_calls", 55), ("llm_tokens", 25), ("agent_executions", 8),
                   ("compute_seconds", 8), ("bandwidth_gb", 4)]
_MALFORMED = [
    lambda e: {k: v for k, v in e.items() if k != "tenant_id"},
    lambda e: {**e, "quantity": -abs(int(float(e["quantity"])) or 1)},
    lambda e: {**e, "quantity": "lots"},
    lambda e: {**e, "metric": "crypto_mining"},
    lambda e: {**e, "timestamp": "31/10/2026 25:61"},
]


def _quantity(rng: random.Random, metric: str) -> int | str:
    if metric == "api_calls":
        return rng.randint(1, 40)
    if metric == "llm_tokens":
        return rng.randint(50, 4000)
    if metric == "agent_executions":
        return 1
    if metric == "compute_seconds":
        return rng.randint(1, 90)
    return f"{rng.randint(1, 400) / 100:.2f}"


def write_month(landing_root: Path, month: date, tenants: list[DemoTenant], seed: int = 11) -> dict[str, int]:
    """Write one landing file per day; returns how many lines (events, duplicates, malformed) were written."""
    rng = random.Random(seed)
    metrics, weights = zip(*_METRIC_WEIGHTS)
    counts = {"lines": 0, "duplicates": 0, "malformed": 0}
    day = month
    while day.month == month.month:
        lines = _day_lines(rng, day, tenants, metrics, weights, counts)
        folder = landing_root / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "events-000.jsonl").write_text("\n".join(lines) + "\n")
        counts["lines"] += len(lines)
        day += timedelta(days=1)
    return counts


def _day_lines(rng, day, tenants, metrics, weights, counts) -> list[str]:
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    lines = []
    for tenant in tenants:
        if tenant.starts_at >= start + timedelta(days=1):
            continue
        first_second = max(0, int((tenant.starts_at - start).total_seconds()))
        for n in range(tenant.events_per_day):
            metric = rng.choices(metrics, weights)[0]
            at = start + timedelta(seconds=rng.randint(first_second, 86_399))
            event = {"event_id": f"{tenant.id}-{day:%Y%m%d}-{n:05d}", "tenant_id": tenant.id, "metric": metric,
                     "quantity": _quantity(rng, metric), "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "dimensions": {"region": rng.choice(["us-east", "eu-west", "ap-south"])}}
            roll = rng.random()
            if roll < 0.001:
                event = rng.choice(_MALFORMED)(event)
                counts["malformed"] += 1
            lines.append(json.dumps(event, separators=(",", ":")))
            if 0.001 <= roll < 0.006:
                lines.append(lines[-1])
                counts["duplicates"] += 1
    if rng.random() < 0.2:
        lines.append('{"event_id": "broken-' + day.isoformat() + '", "tenant_id": ')
        counts["malformed"] += 1
    return lines
