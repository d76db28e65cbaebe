"""One test per defect of issue 9 (each failed on the ingest as it was): no unit of usage lost or counted twice."""

import gzip
import io
import json
import threading
from datetime import date
from decimal import Decimal

import duckdb
import pytest
import pyarrow as pa
import pyarrow.parquet as pq

from billing_dagster.usage.aggregate import aggregate_day, monthly_usage
from billing_dagster.usage.lake import write_relation_parquet
from ingest_support import DAY, event, line, landing  # noqa: F401 (landing is a fixture)

NEXT_DAY = date(2026, 10, 6)
NEXT_MONTH = date(2026, 11, 2)


def test_dedup_is_per_tenant_so_two_tenants_may_share_an_event_id(landing):
    landing.write([line(tenant_id="t1", event_id="e1"), line(tenant_id="t2", event_id="e1")])
    counts = landing.ingest()
    assert sorted((row["tenant_id"], row["event_id"]) for row in landing.accepted()) == [("t1", "e1"), ("t2", "e1")]
    assert (counts.accepted, counts.duplicate, counts.conflict) == (2, 0, 0)


def test_the_same_key_with_another_body_is_a_conflict_holding_both_bodies(landing):
    landing.write([line(quantity=3), line(quantity=4)])
    counts = landing.ingest()
    [row] = landing.quarantined()
    assert [row["quantity"] for row in landing.accepted()] == [Decimal(3)]
    assert (counts.events_in, counts.accepted, counts.duplicate, counts.conflict, counts.quarantined) == (2, 1, 0, 1, 0)
    assert counts.balanced() and counts.quarantine_reasons == {"conflict": 1}
    assert (row["status"], row["field"], row["line_no"]) == ("conflict", "conflict", 2)
    assert (row["accepted_day"], row["accepted_file"], row["accepted_line"]) == (
        DAY, "landing/date=2026-10-05/a.jsonl", 1)
    assert json.loads(row["body"])["quantity"] == "4" and json.loads(row["accepted_body"])["quantity"] == "3"
    assert row["raw"] == line(quantity=4)
    assert "was accepted with another body (landing/date=2026-10-05/a.jsonl line 1, 2026-10-05)" in row["reason"]


def test_an_event_id_landed_again_on_a_later_day_or_month_is_not_billed_twice(landing):
    # A client that retries with a fresh timestamp lands the same (tenant, event_id) on another day: the body
    # differs (its instant), so it is a conflict with the event accepted first, quarantined, never billed.
    landing.write([line()])
    landing.write([line(timestamp="2026-10-06T09:00:00Z"), line(event_id="new", timestamp="2026-10-06T09:00:00Z")],
                  day=NEXT_DAY)
    landing.write([line(timestamp="2026-11-02T00:00:00Z")], day=NEXT_MONTH)
    assert landing.ingest().accepted == 1
    for day, accepted in ((NEXT_DAY, ["new"]), (NEXT_MONTH, [])):
        counts = landing.ingest(day)
        assert [row["event_id"] for row in landing.accepted(day)] == accepted
        assert (counts.conflict, counts.days_probed) == (1, 1)
        [row] = landing.quarantined(day)
        assert (row["status"], row["accepted_day"], row["accepted_line"]) == ("conflict", DAY, 1)
        assert json.loads(row["accepted_body"])["timestamp"] == "2026-10-05T01:00:00.000000Z"


def test_quantities_are_exact_never_cut_to_nine_digits_nor_read_through_a_double(landing):
    landing.write([line(event_id="a", quantity="0.123456789012"), line(event_id="b", quantity="0.0000000004"),
                   line(event_id="c", quantity=987654321098765)])
    landing.ingest()
    assert {row["event_id"]: row["quantity"] for row in landing.accepted()} == {
        "a": Decimal("0.123456789012"), "b": Decimal("0.0000000004"), "c": Decimal(987654321098765)}
    # 20 digits, above 2^64 (where DuckDB's JSON reader falls back to a double) and below it
    twenty_digits = 98765432109876543210
    landing.write(['{"event_id": "c", "tenant_id": "t1", "metric": "api_calls", "quantity": %d, '
                   '"timestamp": "2026-10-05T01:00:00Z"}' % twenty_digits,
                   line(event_id="d", quantity=12345678901234567890)])
    counts = landing.ingest(max_quantity={"api_calls": 10**20})
    assert counts.accepted == 2
    assert {row["event_id"]: row["quantity"] for row in landing.accepted()} == {
        "c": Decimal(twenty_digits), "d": Decimal(12345678901234567890)}


def test_a_negative_quantity_below_the_ninth_digit_is_negative_and_1_000_is_not_a_number(landing):
    landing.write([line(event_id="a", quantity="-0.0000000004"), line(event_id="b", quantity="1_000"),
                   line(event_id="c", quantity="0.0000000000001")])
    landing.ingest()
    assert [row["reason"] for row in landing.quarantined()] == [
        "quantity: negative (-0.0000000004)", 'quantity: not a decimal number ("1_000")',
        "quantity: more than 12 fractional digits (0.0000000000001)"]


def test_every_landing_file_is_read_or_rejected_and_counted(landing):
    landing.write([line(event_id="plain")], "a.jsonl")
    landing.write([line(event_id="upper")], "B.JSONL")
    landing.write(gzip.compress((line(event_id="gz") + "\n").encode()), "c.jsonl.gz")
    landing.write("event_id,tenant_id,metric,quantity,timestamp\ncsv,t1,api_calls,2.5,2026-10-05T01:00:00Z\n",
                  "d.csv")
    buffer = io.BytesIO()
    pq.write_table(pa.table({name: [str(value)] for name, value in event(event_id="pq").items()}), buffer)
    landing.write(buffer.getvalue(), "e.parquet")
    landing.write([line(event_id="nested")], "batch-7/f.jsonl")
    landing.write("whatever", "notes.txt")
    counts = landing.ingest()
    assert sorted(row["event_id"] for row in landing.accepted()) == ["csv", "gz", "nested", "plain", "pq", "upper"]
    assert (counts.events_in, counts.landing_files) == (6, 6)
    assert counts.rejected_files == {"landing/date=2026-10-05/notes.txt": (
        "unsupported file type '.txt': landing files are .jsonl, .jsonl.gz, .csv or .parquet")}
    assert counts.balanced() and not counts.complete()
    assert landing.rejected() == [{"source_file": "landing/date=2026-10-05/notes.txt",
                                   "reason": counts.rejected_files["landing/date=2026-10-05/notes.txt"]}]


def test_ids_that_differ_only_in_invalid_bytes_are_never_merged_and_keep_their_bytes(landing):
    template = line(event_id="e-XX").encode()
    landing.write(template.replace(b"XX", b"\xff") + b"\n" + template.replace(b"XX", b"\xfe") + b"\n")
    counts = landing.ingest()
    assert (counts.events_in, counts.duplicate, counts.quarantined) == (2, 0, 2)
    assert [(row["reason"], row["raw_bytes"]) for row in landing.quarantined()] == [
        ("record: not valid UTF-8", template.replace(b"XX", b"\xff")),
        ("record: not valid UTF-8", template.replace(b"XX", b"\xfe"))]


def test_a_bom_starting_the_file_does_not_cost_its_first_event(landing):
    landing.write(b"\xef\xbb\xbf" + line(event_id="first").encode() + b"\n" + line(event_id="second").encode())
    counts = landing.ingest()
    assert (counts.accepted, counts.quarantined) == (2, 0)


def test_a_bare_carriage_return_does_not_split_a_record(landing):
    landing.write(line(event_id="whole").replace(', "tenant_id"', ',\r"tenant_id"').encode() + b"\n")
    counts = landing.ingest()
    assert (counts.events_in, counts.accepted) == (1, 1)


def test_a_repeated_json_key_is_quarantined_not_resolved(landing):
    landing.write(['{"event_id": "e1", "tenant_id": "t1", "metric": "api_calls", "quantity": 5, "quantity": 500, '
                   '"timestamp": "2026-10-05T01:00:00Z"}'])
    counts = landing.ingest()
    assert counts.quarantined == 1
    assert landing.quarantined()[0]["reason"] == 'record: duplicate key "quantity"'


def test_a_numeric_or_object_event_id_is_quarantined_so_4242_never_collides_with_the_string(landing):
    landing.write([line(event_id="4242"), line(event_id=4242), line(event_id={"id": 1})])
    counts = landing.ingest()
    assert (counts.accepted, counts.duplicate, counts.quarantined) == (1, 0, 2)
    assert [row["reason"] for row in landing.quarantined()] == [
        "event_id: not a string (a JSON number)", "event_id: not a string (a JSON object)"]


def test_huge_quantities_cannot_overflow_the_daily_sum_and_block_the_month(landing):
    landing.write([line(event_id="a", quantity="60000000000000000000000000000"),
                   line(event_id="b", quantity="60000000000000000000000000000"),
                   line(event_id="c", quantity="2000000000000000"), line(event_id="d", quantity="7")])
    counts = landing.ingest()
    assert (counts.accepted, counts.quarantined) == (1, 3)
    assert [row["reason"] for row in landing.quarantined()] == [
        "quantity: more than 26 integer digits (60000000000000000000000000000)",
        "quantity: more than 26 integer digits (60000000000000000000000000000)",
        'quantity: 2000000000000000 is above the maximum 1000000000000000 of metric "api_calls"']
    assert aggregate_day(landing.con, landing.lake, DAY) == 1
    assert monthly_usage(landing.con, landing.lake, [DAY], ["t1"])["t1"]["api_calls"]["sum"] == Decimal(7)


def test_two_writers_of_one_lake_file_never_share_a_temporary_name(tmp_path):
    path = tmp_path / "lake" / "events.parquet"
    errors = []

    def write(n):
        try:
            write_relation_parquet(duckdb.connect().sql(f"SELECT range AS n FROM range({n})"), path)
        except Exception as error:  # noqa: BLE001 - any failure of a writer is the defect
            errors.append(error)

    threads = [threading.Thread(target=write, args=(200_000 + n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert pq.read_table(path).num_rows in {200_000 + n for n in range(4)}
    assert [p.name for p in path.parent.iterdir()] == ["events.parquet"]


def test_the_metric_maximum_is_configurable_and_checked(landing):
    landing.write([line(event_id="a", quantity="2000000000000000"), line(event_id="b", metric="llm_tokens", quantity=7)])
    counts = landing.ingest(max_quantity={"api_calls": "3000000000000000", "llm_tokens": 5})
    assert (counts.accepted, counts.quarantined) == (1, 1)
    assert landing.quarantined()[0]["reason"] == 'quantity: 7 is above the maximum 5 of metric "llm_tokens"'
    for wrong in ({"api_calls": 0}, {"api_calls": 10**21}, {"api_calls": "0.0000000000001"}, {"api_calls": 1.5},
                  {"nope": 5}):
        with pytest.raises(ValueError, match="max_quantity"):
            landing.ingest(max_quantity=wrong)
