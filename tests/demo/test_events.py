"""The synthetic landing files: deterministic, exactly counted, and shaped like real (and broken) usage."""

import dataclasses
import hashlib
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import duckdb
import pyarrow.parquet as pq
import pytest

from billing_dagster.demo import events
from billing_dagster.demo.events import write_month
from billing_dagster.demo.world import METRICS, demo_tenants
from billing_dagster.usage.ingest import ingest_day
from billing_dagster.usage.lake import Lake

MONTH = date(2026, 10, 1)
KEYS = ["event_id", "tenant_id", "metric", "quantity", "timestamp", "dimensions"]
RANGES = {"api_calls": (1, 40), "llm_tokens": (50, 4000), "agent_executions": (1, 1), "compute_seconds": (1, 90)}
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
LATE_START = datetime(2026, 10, 10, 13, 30, 15, 250_000, tzinfo=timezone.utc)


def _tenants(count=12, scale=10):
    """The demo world (some tenants start mid-month) at 1/scale of its volume, plus a tenant starting mid-day."""
    tenants = [dataclasses.replace(t, events_per_day=t.events_per_day // scale)
               for t in demo_tenants(MONTH, count=count)]
    return tenants + [dataclasses.replace(tenants[1], id="late-starter", starts_at=LATE_START)]


def _steady(count, events_per_day):
    """Tenants that all started long ago, each with the same volume."""
    return [dataclasses.replace(t, starts_at=datetime(2025, 1, 1, tzinfo=timezone.utc), events_per_day=events_per_day)
            for t in demo_tenants(MONTH, count=count)]


def _days(root):
    """{day: the day's lines, its files in name order}."""
    return {date.fromisoformat(folder.name.removeprefix("date=")):
            [line for path in sorted(folder.glob("*.jsonl")) for line in path.read_text().splitlines()]
            for folder in sorted(root.glob("date=*"))}


def _event(line):
    """The parsed event, or None if the line is malformed: not JSON, or failing an obvious check."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(event, dict) or not event.get("event_id") or not event.get("tenant_id"):
        return None
    quantity = event.get("quantity")
    if event.get("metric") not in METRICS or isinstance(quantity, bool):
        return None
    if isinstance(quantity, str):
        if not re.fullmatch(r"\d+\.\d\d", quantity):
            return None
    elif not isinstance(quantity, int) or quantity < 0:
        return None
    if not isinstance(event.get("timestamp"), str) or not INSTANT.fullmatch(event["timestamp"]):
        return None
    try:
        event["at"] = datetime.fromisoformat(event["timestamp"])
    except ValueError:
        return None
    return event


def _kind(line):
    """Which of the six kinds of malformed line this is."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        assert re.fullmatch(r'\{"event_id": "broken-2026-10-\d\d", "tenant_id": ', line)
        return "truncated"
    if "tenant_id" not in event:
        return "missing tenant_id"
    if event["quantity"] == "lots":
        return "quantity lots"
    if isinstance(event["quantity"], int) and event["quantity"] < 0:
        return "negative quantity"
    if event["metric"] == "crypto_mining":
        return "unknown metric"
    assert event["timestamp"] == "31/10/2026 25:61"
    return "bad timestamp"


def _census(root):
    """Counts as write_month reports them, found from the files alone; the valid events by day; and how
    many malformed lines of each kind."""
    counts, kinds = Counter(), Counter()
    parsed = {}
    for day, lines in _days(root).items():
        seen = set()
        parsed[day] = []
        for line in lines:
            counts["lines"] += 1
            if line in seen:
                counts["duplicates"] += 1
                continue
            seen.add(line)
            event = _event(line)
            if event is None:
                counts["malformed"] += 1
                kinds[_kind(line)] += 1
                continue
            parsed[day].append(event)
            if event["at"].date() == day - timedelta(days=1):
                counts["late"] += 1
    return {name: counts[name] for name in ("lines", "duplicates", "malformed", "late")}, parsed, kinds


def _digests(root):
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*.jsonl"))}


def test_same_arguments_give_byte_identical_files_whatever_the_thread_count(tmp_path):
    tenants = _tenants()
    first = write_month(tmp_path / "a", MONTH, tenants, late_rate=0.01, workers=1)
    second = write_month(tmp_path / "b", MONTH, tenants, late_rate=0.01, workers=4)
    assert first == second
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert len(_digests(tmp_path / "a")) == 31
    write_month(tmp_path / "c", MONTH, tenants, seed=12, late_rate=0.01)
    assert _digests(tmp_path / "c") != _digests(tmp_path / "a")


def test_chunk_and_file_sizes_do_not_change_the_bytes(tmp_path, monkeypatch):
    tenants = _tenants(count=5)
    month = date(2026, 10, 28)
    write_month(tmp_path / "default", month, tenants, late_rate=0.01)
    monkeypatch.setattr(events, "_CHUNK_EVENTS", 37)
    monkeypatch.setattr(events, "_EVENTS_PER_FILE", 100)
    split = write_month(tmp_path / "split", month, tenants, late_rate=0.01)
    assert _days(tmp_path / "split") == _days(tmp_path / "default")
    names = {path.name for path in (tmp_path / "split" / "date=2026-10-28").iterdir()}
    assert len(names) == -(-sum(t.events_per_day for t in tenants) // 100) > 1
    monkeypatch.undo()
    assert write_month(tmp_path / "split", month, tenants, late_rate=0.01) == split
    assert [path.name for path in (tmp_path / "split" / "date=2026-10-28").iterdir()] == ["events-000.jsonl"]


def test_counts_are_exactly_what_the_files_hold(tmp_path):
    counts = write_month(tmp_path, MONTH, _tenants(), duplicate_rate=0.02, malformed_rate=0.01, late_rate=0.02)
    found, _, _ = _census(tmp_path)
    assert counts == found
    assert all(counts[name] > 0 for name in counts)


def test_lines_are_compact_json_like_the_ingest_expects(tmp_path):
    tenants = _tenants()
    write_month(tmp_path, MONTH, tenants, duplicate_rate=0, malformed_rate=0)
    volume = {t.id: t.events_per_day for t in tenants}
    for day, lines in _days(tmp_path).items():
        for line in lines:
            event = json.loads(line)
            assert json.dumps(event, separators=(",", ":")) == line
            assert list(event) == KEYS and list(event["dimensions"]) == ["region"]
            assert event["dimensions"]["region"] in {"us-east", "eu-west", "ap-south"}
            tenant, stamp, number = event["event_id"].rsplit("-", 2)
            assert (tenant, stamp) == (event["tenant_id"], f"{day:%Y%m%d}") and len(number) == 5
            assert int(number) < volume[tenant]
            assert re.fullmatch(rf"{day.isoformat()}T\d\d:\d\d:\d\dZ", event["timestamp"])
            if event["metric"] == "bandwidth_gb":
                assert re.fullmatch(r"\d\.\d\d", event["quantity"]) and 0.01 <= float(event["quantity"]) <= 4
            else:
                low, high = RANGES[event["metric"]]
                assert type(event["quantity"]) is int and low <= event["quantity"] <= high


def test_no_event_before_its_tenant_starts(tmp_path):
    tenants = _tenants()
    starts = {t.id: t.starts_at for t in tenants}
    assert sum(start > datetime(2026, 10, 1, tzinfo=timezone.utc) for start in starts.values()) >= 2
    write_month(tmp_path, MONTH, tenants, late_rate=0.05)
    _, parsed, _ = _census(tmp_path)
    for day_events in parsed.values():
        for event in day_events:
            assert event["at"] >= starts[event["tenant_id"]]
    first_day = [e["at"] for e in parsed[LATE_START.date()] if e["tenant_id"] == "late-starter"]
    assert first_day and min(first_day) >= LATE_START.replace(second=16, microsecond=0)
    assert not any(e["tenant_id"] == "late-starter" for day in parsed if day < LATE_START.date()
                   for e in parsed[day])


def test_event_ids_are_unique_per_day_except_duplicates(tmp_path):
    write_month(tmp_path, MONTH, _tenants(), duplicate_rate=0.05, malformed_rate=0.01, late_rate=0.02)
    for day, lines in _days(tmp_path).items():
        ids = Counter()
        for line in dict.fromkeys(lines):  # each distinct line once
            if line.startswith('{"event_id":"'):
                ids[json.loads(line)["event_id"]] += 1
        assert ids and max(ids.values()) == 1
        repeated = [line for index, line in enumerate(lines) if index and line == lines[index - 1]]
        assert len(repeated) == len(lines) - len(dict.fromkeys(lines))  # a duplicate follows its original


def test_late_events_carry_the_previous_days_timestamp(tmp_path):
    counts = write_month(tmp_path, MONTH, _tenants(), late_rate=0.05)
    _, parsed, _ = _census(tmp_path)
    late = 0
    for day, day_events in parsed.items():
        for event in day_events:
            assert event["at"].date() in (day, day - timedelta(days=1))
            assert event["event_id"].split("-")[-2] == f"{day:%Y%m%d}"
            late += event["at"].date() != day
    assert late == counts["late"] > 0


def test_rates_are_honoured(tmp_path):
    month = date(2026, 10, 25)  # 7 days of 30 tenants x 1,000 events: 210,000 events
    counts = write_month(tmp_path, month, _steady(30, 1000), duplicate_rate=0.03, malformed_rate=0.01,
                         late_rate=0.02)
    found, parsed, kinds = _census(tmp_path)
    assert counts == found
    drawn, malformed_events = 210_000, found["malformed"] - kinds["truncated"]
    assert counts["lines"] == drawn + counts["duplicates"] + kinds["truncated"]
    assert counts["duplicates"] == pytest.approx(0.03 * drawn, rel=0.1)
    assert malformed_events == pytest.approx(0.01 * drawn, rel=0.1)
    assert counts["late"] == pytest.approx(0.02 * drawn, rel=0.1)
    assert all(n == pytest.approx(malformed_events / 5, rel=0.25) for kind, n in kinds.items() if kind != "truncated")
    metrics = Counter(e["metric"] for day_events in parsed.values() for e in day_events)
    for metric, weight in events._METRIC_WEIGHTS:
        assert metrics[metric] / metrics.total() == pytest.approx(weight / 100, abs=0.01)
    regions = Counter(e["dimensions"]["region"] for day_events in parsed.values() for e in day_events)
    assert all(n / regions.total() == pytest.approx(1 / 3, abs=0.01) for n in regions.values())


def test_default_rates_and_every_kind_of_malformed_line(tmp_path):
    counts = write_month(tmp_path, MONTH, _steady(10, 1000))  # 310,000 events
    found, _, kinds = _census(tmp_path)
    assert counts == found
    assert counts["duplicates"] == pytest.approx(0.005 * 310_000, rel=0.15)
    assert found["malformed"] - kinds["truncated"] == pytest.approx(0.001 * 310_000, rel=0.25)
    assert counts["late"] == 0
    assert set(kinds) == {"truncated", "missing tenant_id", "negative quantity", "quantity lots",
                          "unknown metric", "bad timestamp"}
    assert 1 <= kinds["truncated"] <= 31


def test_zero_rates_give_none_of_each(tmp_path):
    counts = write_month(tmp_path, MONTH, _tenants(), duplicate_rate=0, malformed_rate=0, late_rate=0)
    found, _, kinds = _census(tmp_path)
    assert counts == found and not kinds
    assert (counts["duplicates"], counts["malformed"], counts["late"]) == (0, 0, 0) and counts["lines"] > 0


def test_the_ingest_sorts_a_generated_day_as_counted(tmp_path):
    tenants = _tenants()
    day = date(2026, 10, 31)  # write_month starts at the given day: one day
    counts = write_month(tmp_path / "landing", day, tenants, duplicate_rate=0.02, malformed_rate=0.01,
                         late_rate=0.02)
    ingested = ingest_day(duckdb.connect(), Lake(tmp_path), day, [t.id for t in tenants], list(METRICS))
    assert ingested.events_in == counts["lines"] and ingested.balanced()
    assert ingested.duplicate == counts["duplicates"]
    assert ingested.quarantined == counts["malformed"] + counts["late"]
    reasons = pq.read_table(Lake(tmp_path).quarantine_file(day)).column("reason").to_pylist()
    assert sum("outside the partition day" in reason for reason in reasons) == counts["late"] > 0


@pytest.mark.parametrize("rates", [{"duplicate_rate": -0.1}, {"late_rate": 1.5},
                                   {"duplicate_rate": 0.5, "malformed_rate": 0.3, "late_rate": 0.3}])
def test_impossible_rates_are_refused(tmp_path, rates):
    with pytest.raises(ValueError):
        write_month(tmp_path, MONTH, _tenants(count=2), **rates)
