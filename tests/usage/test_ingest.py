"""Landing lines become accepted, duplicate or quarantined events; nothing is lost."""

import json
from datetime import date

import duckdb
import pyarrow.parquet as pq
import pytest

from billing_dagster.usage.ingest import ingest_day
from billing_dagster.usage.lake import Lake

DAY = date(2026, 10, 5)


def _event(**overrides):
    event = {"event_id": "e1", "tenant_id": "t1", "metric": "api_calls", "quantity": 3,
             "timestamp": "2026-10-05T01:00:00Z"}
    event.update(overrides)
    return {k: v for k, v in event.items() if v is not None}


def _land(tmp_path, lines, name="a.jsonl"):
    folder = Lake(tmp_path).landing_dir(DAY)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n")


def _ingest(tmp_path):
    return ingest_day(duckdb.connect(), Lake(tmp_path), DAY, ["t1", "t2"], ["api_calls", "llm_tokens"])


@pytest.mark.parametrize("line, reason", [
    (json.dumps(_event(tenant_id=None)), "tenant_id: missing"),
    (json.dumps(_event(tenant_id="")), "tenant_id: missing"),
    (json.dumps(_event(tenant_id="nobody")), "tenant_id: unknown tenant 'nobody'"),
    (json.dumps(_event(quantity=-2)), "quantity: negative (-2)"),
    (json.dumps(_event(quantity="12abc")), "quantity: not a number ('12abc')"),
    (json.dumps(_event(quantity=None)), "quantity: missing"),
    (json.dumps(_event(metric="crypto")), "metric: unknown metric 'crypto'"),
    (json.dumps(_event(timestamp="yesterday")), "timestamp: no UTC offset ('yesterday')"),
    (json.dumps(_event(timestamp="2026-10-05T01:00:00")), "timestamp: no UTC offset ('2026-10-05T01:00:00')"),
    (json.dumps(_event(timestamp="2026-13-45T01:00:00Z")), "timestamp: not an ISO-8601 instant ('2026-13-45T01:00:00Z')"),
    (json.dumps(_event(timestamp="2026-10-06T00:00:00Z")),
     "timestamp: 2026-10-06T00:00:00Z is outside the partition day"),
    (json.dumps(_event(event_id=None)), "event_id: missing"),
    ('{"event_id": "e1", "tenant_id": ', "record: not valid JSON"),
    ("[1, 2, 3]", "record: not a JSON object"),
])
def test_malformed_event_is_quarantined_with_reason(tmp_path, line, reason):
    _land(tmp_path, [line])
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.accepted, counts.quarantined) == (1, 0, 1)
    rows = pq.read_table(Lake(tmp_path).quarantine_file(DAY)).to_pylist()
    assert rows[0]["reason"] == reason
    assert rows[0]["field"] == reason.split(":")[0]
    assert rows[0]["raw"] == line and rows[0]["line_no"] == 1


def test_duplicates_keep_the_first_and_counts_add_up(tmp_path):
    lines = [json.dumps(_event(event_id=f"e{i}", quantity=i)) for i in range(1, 6)]
    lines += [lines[0], lines[2], json.dumps(_event(event_id="bad", quantity="x"))]
    _land(tmp_path, lines)
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.accepted, counts.duplicate, counts.quarantined) == (8, 5, 2, 1)
    assert counts.balanced()
    accepted = pq.read_table(Lake(tmp_path).events_file(DAY)).to_pylist()
    assert sorted(row["event_id"] for row in accepted) == ["e1", "e2", "e3", "e4", "e5"]
    assert {row["line_no"] for row in accepted} == {1, 2, 3, 4, 5}


def test_duplicates_across_landing_files_are_caught(tmp_path):
    _land(tmp_path, [json.dumps(_event())], "a.jsonl")
    _land(tmp_path, [json.dumps(_event())], "b.jsonl")
    counts = _ingest(tmp_path)
    assert (counts.accepted, counts.duplicate, counts.landing_files) == (1, 1, 2)
    accepted = pq.read_table(Lake(tmp_path).events_file(DAY)).to_pylist()
    assert accepted[0]["source_file"].endswith("a.jsonl")


def test_decimal_quantities_stay_exact(tmp_path):
    _land(tmp_path, [json.dumps(_event(event_id="a", quantity="0.1")),
                     json.dumps(_event(event_id="b", quantity="0.2"))])
    _ingest(tmp_path)
    rows = pq.read_table(Lake(tmp_path).events_file(DAY)).to_pylist()
    assert sum(row["quantity"] for row in rows) == __import__("decimal").Decimal("0.3")


def test_reingesting_a_day_replaces_its_partition(tmp_path):
    _land(tmp_path, [json.dumps(_event(event_id=f"e{i}")) for i in range(3)])
    first = _ingest(tmp_path)
    second = _ingest(tmp_path)
    assert first == second
    assert pq.read_table(Lake(tmp_path).events_file(DAY)).num_rows == 3


def test_a_day_without_landing_files_is_empty_not_an_error(tmp_path):
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.landing_files) == (0, 0)
    assert pq.read_table(Lake(tmp_path).events_file(DAY)).num_rows == 0
