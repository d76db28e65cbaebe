"""Dedup by (tenant_id, event_id) with no time window: duplicates, conflicts, and the id index over the lake."""

import json
import os
import threading
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from billing_dagster.usage.ingest import ingest_day
from billing_dagster.usage.lake import Lake
from ingest_support import DAY, METRICS, TENANTS, event, line, landing  # noqa: F401 (landing is a fixture)

OTHER_DAY = date(2026, 10, 9)


def test_the_same_event_written_differently_is_a_duplicate(landing):
    same = [line(quantity=5, dimensions={"a": "1", "b": "2"}),
            json.dumps(event(quantity="5.000", dimensions={"b": "2", "a": "1"}), indent=1).replace("\n", " "),
            '{"timestamp": "2026-10-05T03:00:00+02:00", "quantity": "5", "metric": "api_calls", '
            '"tenant_id": "t1", "event_id": "e1", "dimensions": {"b": "2", "a": "1"}, "note": "ignored"}',
            line(quantity=5, dimensions={"a": "1", "b": "2"}, timestamp="2026-10-05T01:00:00.0000001Z")]
    landing.write(same)
    counts = landing.ingest()
    assert (counts.accepted, counts.duplicate, counts.conflict) == (1, 3, 0)
    assert landing.accepted()[0]["dimensions"] == '{"a":"1","b":"2"}'


def test_every_difference_in_the_body_is_a_conflict(landing):
    landing.write([line(), line(quantity=4), line(metric="llm_tokens"), line(timestamp="2026-10-05T01:00:01Z"),
                   line(dimensions={"a": "1"}), line(event_id="e2"), line(tenant_id="t2")])
    counts = landing.ingest()
    assert (counts.accepted, counts.duplicate, counts.conflict) == (3, 0, 4)
    assert {row["accepted_line"] for row in landing.quarantined()} == {1}


def test_a_repeat_of_a_conflict_is_still_a_conflict_and_a_repeat_of_the_accepted_one_a_duplicate(landing):
    landing.write([line(quantity=1), line(quantity=2), line(quantity=2), line(quantity=1)])
    counts = landing.ingest()
    assert (counts.accepted, counts.duplicate, counts.conflict) == (1, 1, 2)


def test_the_first_line_in_file_name_order_is_the_accepted_one(landing):
    landing.write([line(quantity=2)], "b.jsonl")
    landing.write([line(quantity=1)], "a.jsonl")
    landing.ingest()
    assert [row["source_file"] for row in landing.accepted()] == ["landing/date=2026-10-05/a.jsonl"]
    assert landing.quarantined()[0]["source_file"] == "landing/date=2026-10-05/b.jsonl"


def test_reingesting_a_day_does_not_see_its_own_ids_as_duplicates(landing):
    landing.write([line(event_id=f"e{i}") for i in range(5)])
    first = landing.ingest()
    landing.write([line(event_id="e9")], "late.jsonl")
    second = landing.ingest()
    assert (first.accepted, second.accepted, second.duplicate) == (5, 6, 0)
    assert pq.read_table(landing.index_file(DAY)).num_rows == 6


def test_whichever_day_is_ingested_first_keeps_the_key(landing):
    landing.write([line()])
    landing.write([line(timestamp="2026-10-09T01:00:00Z")], day=OTHER_DAY)
    assert landing.ingest(OTHER_DAY).accepted == 1
    counts = landing.ingest()
    assert (counts.accepted, counts.conflict) == (0, 1)
    assert landing.quarantined()[0]["accepted_day"] == OTHER_DAY
    # Reingested, the later day still holds the key: nothing accepted it elsewhere.
    assert landing.ingest(OTHER_DAY).accepted == 1


def test_a_missing_or_stale_index_is_rebuilt_from_the_events(landing):
    other = "2026-10-09T01:00:00Z"
    landing.write([line(event_id="a", timestamp=other), line(event_id="b", timestamp=other)], day=OTHER_DAY)
    landing.ingest(OTHER_DAY)
    index = landing.index_file(OTHER_DAY)
    index.unlink()
    landing.write([line(event_id="a", timestamp="2026-10-05T02:00:00Z")])
    assert landing.ingest().conflict == 1
    assert pq.read_table(index).num_rows == 2
    # The events file changed after its index (a crash between the two writes): the index follows it.
    events = landing.lake.events_file(OTHER_DAY)
    table = pq.read_table(events)
    pq.write_table(table.filter(pc.equal(table.column("event_id"), "b")), events)
    os.utime(events, ns=(index.stat().st_mtime_ns + 1, index.stat().st_mtime_ns + 1))
    counts = landing.ingest()
    assert (counts.accepted, counts.conflict) == (1, 0)
    assert pq.read_table(index).num_rows == 1


def test_a_hash_match_that_is_not_the_same_key_costs_a_look_not_an_event(landing):
    landing.write([line(event_id="x", timestamp="2026-10-09T01:00:00Z")], day=OTHER_DAY)
    landing.ingest(OTHER_DAY)
    # Forge the other day's index to hold today's key hash as if it collided with "x".
    key = landing.con.execute("SELECT event_key('t1', 'y')").fetchone()[0]
    pq.write_table(pa.table({"key_hash": pa.array([key], pa.uint64())}), landing.index_file(OTHER_DAY))
    landing.write([line(event_id="y")])
    counts = landing.ingest()
    assert (counts.accepted, counts.days_probed) == (1, 1)


def test_concurrent_ingests_of_two_days_accept_a_key_once(tmp_path):
    lake = Lake(tmp_path)
    days = [date(2026, 10, d) for d in range(1, 7)]
    for day in days:
        folder = lake.landing_dir(day)
        folder.mkdir(parents=True)
        (folder / "a.jsonl").write_text("\n".join(
            [line(event_id="shared", timestamp=f"{day.isoformat()}T05:00:00Z")]
            + [line(event_id=f"{day}-{i}", timestamp=f"{day.isoformat()}T05:00:00Z") for i in range(2000)]))
    results = {}

    def run(day):
        results[day] = ingest_day(duckdb.connect(), lake, day, TENANTS, METRICS)

    threads = [threading.Thread(target=run, args=(day,)) for day in days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts.accepted for counts in results.values()) == len(days) * 2000 + 1
    assert sum(counts.conflict for counts in results.values()) == len(days) - 1


def test_an_index_of_another_key_version_is_replaced(landing):
    landing.write([line(event_id="a", timestamp="2026-10-09T01:00:00Z")], day=OTHER_DAY)
    landing.ingest(OTHER_DAY)
    stale = landing.lake.event_ids_dir() / "key=0000000000000000" / "month=2026-10" / "date=2026-10-09.parquet"
    stale.parent.mkdir(parents=True)
    landing.index_file(OTHER_DAY).rename(stale)
    landing.write([line(event_id="a", timestamp="2026-10-05T02:00:00Z")])
    assert landing.ingest().conflict == 1
    assert not stale.exists() and landing.index_file(OTHER_DAY).is_file()
