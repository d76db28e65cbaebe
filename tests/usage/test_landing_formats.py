"""Landing files in every format are read, and any other file is rejected with its reason, never skipped."""

import gzip
import io
from datetime import datetime, timezone
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from ingest_support import event, line, landing  # noqa: F401 (landing is a fixture)

FOLDER = "landing/date=2026-10-05"
HEADER = "event_id,tenant_id,metric,quantity,timestamp,dimensions\n"


def _parquet(columns: dict) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


def test_csv_records_keep_quantities_as_text_and_name_their_faults(landing):
    landing.write(HEADER
                  + 'c1,t1,api_calls,1.50,2026-10-05T01:00:00Z,"{""region"": ""eu""}"\n'
                  + "c2,t1,api_calls,0.123456789012,2026-10-05T01:00:00Z,\n"
                  + "\n"
                  + "c3,t1,api_calls,,2026-10-05T01:00:00Z,\n"
                  + "c4,t1,api_calls,1\n"
                  + '"c5\nx",t1,api_calls,2,2026-10-05T01:00:00Z,"{""note"": ""two\\nlines""}"\n'
                  + "c6,t1,api_calls,1e3,2026-10-05T01:00:00Z,not json\r\n", "events.csv")
    counts = landing.ingest()
    assert (counts.events_in, counts.accepted, counts.quarantined) == (6, 3, 3)
    assert {row["event_id"]: (row["quantity"], row["dimensions"], row["line_no"]) for row in landing.accepted()} == {
        "c1": (Decimal("1.5"), '{"region":"eu"}', 2), "c2": (Decimal("0.123456789012"), "{}", 3),
        "c5\nx": (Decimal(2), '{"note":"two\\nlines"}', 7)}
    assert [(row["line_no"], row["reason"], row["raw"]) for row in landing.quarantined()] == [
        (5, "quantity: missing", "c3,t1,api_calls,,2026-10-05T01:00:00Z,"),
        (6, "record: 4 fields where the header has 6", "c4,t1,api_calls,1"),
        (9, 'quantity: not a decimal number ("1e3")', "c6,t1,api_calls,1e3,2026-10-05T01:00:00Z,not json")]
    assert landing.quarantined()[2]["raw_bytes"] == b"c6,t1,api_calls,1e3,2026-10-05T01:00:00Z,not json\r"


def test_csv_columns_in_any_order_and_a_bom(landing):
    landing.write("\ufefftimestamp,quantity,metric,tenant_id,event_id,extra\n"
                  "2026-10-05T01:00:00Z,7,api_calls,t1,c1,ignored\n", "x.CSV")
    assert landing.ingest().accepted == 1


def test_csv_dimensions_that_are_not_an_object_are_that_field_s_fault(landing):
    landing.write(HEADER + "c1,t1,api_calls,1,2026-10-05T01:00:00Z,not json\n"
                  + 'c2,t1,api_calls,1,2026-10-05T01:00:00Z,"[1]"\n', "x.csv")
    landing.ingest()
    assert [row["reason"] for row in landing.quarantined()] == [
        "dimensions: not an object (a JSON string)", "dimensions: not an object (a JSON array)"]


def test_a_csv_without_the_required_columns_is_a_rejected_file(landing):
    landing.write("event_id,tenant_id,metric,timestamp\nc1,t1,api_calls,2026-10-05T01:00:00Z\n", "x.csv")
    landing.write("event_id,event_id,tenant_id,metric,quantity,timestamp\n", "y.csv")
    counts = landing.ingest()
    assert counts.events_in == 0 and counts.landing_files == 0
    assert counts.rejected_files == {
        f"{FOLDER}/x.csv": "csv: the header lacks quantity (it must name event_id, tenant_id, metric, quantity, "
                           "timestamp and optionally dimensions)",
        f"{FOLDER}/y.csv": "csv: the header repeats event_id (it must name event_id, tenant_id, metric, quantity, "
                           "timestamp and optionally dimensions)"}


def test_a_csv_line_that_is_not_utf8_is_quarantined_with_its_bytes(landing):
    landing.write(HEADER.encode() + b"c1,t1,api_calls,1,2026-10-05T01:00:00Z,\nc\xff,t1,api_calls,1,x,\n", "x.csv")
    counts = landing.ingest()
    assert (counts.accepted, counts.quarantined) == (1, 1)
    assert [(row["line_no"], row["reason"], row["raw_bytes"]) for row in landing.quarantined()] == [
        (3, "record: not valid UTF-8", b"c\xff,t1,api_calls,1,x,")]


def test_parquet_quantities_from_strings_decimals_and_integers_timestamps_with_a_time_zone(landing):
    base = {name: pa.array([value] * 3) for name, value in event().items() if name not in ("quantity", "timestamp")}
    base["event_id"] = pa.array(["p1", "p2", "p3"])
    instant = datetime(2026, 10, 5, 1, 2, 3, 456789, tzinfo=timezone.utc)
    landing.write(_parquet({**base, "quantity": pa.array(["0.000000000001", "5", None]),
                            "timestamp": pa.array(["2026-10-05T01:00:00Z"] * 3)}), "s.parquet")
    landing.write(_parquet({**base, "event_id": pa.array(["d1", "d2", "d3"]),
                            "quantity": pa.array([Decimal("1.500000000000000000"), Decimal(0), Decimal("-1")],
                                                 pa.decimal128(38, 18)),
                            "timestamp": pa.array([instant] * 3, pa.timestamp("us", tz="Europe/Paris")),
                            "dimensions": pa.array(['{"region": "eu"}', None, "{}"])}), "d.PARQUET")
    landing.write(_parquet({**base, "event_id": pa.array(["i1", "i2", "i3"]),
                            "quantity": pa.array([10**18, 0, 7], pa.int64()),
                            "timestamp": pa.array(["2026-10-05T01:00:00Z"] * 3)}), "i.parquet")
    counts = landing.ingest()
    assert (counts.events_in, counts.accepted, counts.quarantined) == (9, 6, 3)
    accepted = {row["event_id"]: row for row in landing.accepted()}
    assert {key: row["quantity"] for key, row in accepted.items()} == {
        "p1": Decimal("0.000000000001"), "p2": Decimal(5), "d1": Decimal("1.5"), "d2": Decimal(0),
        "i2": Decimal(0), "i3": Decimal(7)}
    assert accepted["d1"]["ts"] == instant and accepted["d1"]["dimensions"] == '{"region":"eu"}'
    assert {(row["source_file"].rsplit("/", 1)[1], row["line_no"], row["reason"]) for row in landing.quarantined()} == {
        ("s.parquet", 3, "quantity: missing"), ("d.PARQUET", 3, "quantity: negative (-1)"),
        ("i.parquet", 1, 'quantity: 1000000000000000000 is above the maximum 1000000000000000 of metric "api_calls"')}


def test_parquet_files_that_cannot_be_read_exactly_are_rejected(landing):
    columns = {name: pa.array([value]) for name, value in event().items()}
    landing.write(_parquet({**columns, "quantity": pa.array([1.5])}), "float.parquet")
    landing.write(_parquet({**columns, "timestamp": pa.array([datetime(2026, 10, 5, 1)])}), "naive.parquet")
    landing.write(_parquet({k: v for k, v in columns.items() if k != "metric"}), "no-metric.parquet")
    landing.write(_parquet({**columns, "event_id": pa.array([4242])}), "int-id.parquet")
    landing.write(b"PAR1 not really", "broken.parquet")
    counts = landing.ingest()
    assert counts.events_in == 0
    reasons = {name.rsplit("/", 1)[1]: reason for name, reason in counts.rejected_files.items()}
    assert reasons["float.parquet"] == ("parquet: column quantity is double: floating-point quantities are not "
                                        "exact; write them as strings or decimals")
    assert reasons["naive.parquet"] == ("parquet: column timestamp is timestamp[us]: a timestamp without a time "
                                        "zone is not an instant")
    assert reasons["no-metric.parquet"] == "parquet: no column metric"
    assert reasons["int-id.parquet"] == "parquet: column event_id is int64: expected string"
    assert reasons["broken.parquet"].startswith("not a readable Parquet file")


def test_gzip_jsonl_is_read_and_a_broken_gzip_is_rejected(landing):
    landing.write(gzip.compress(("\n".join(line(event_id=f"g{i}") for i in range(3)) + "\n").encode()),
                  "a.JSONL.GZ")
    landing.write(gzip.compress(line(event_id="cut").encode())[:-6], "b.jsonl.gz")
    counts = landing.ingest()
    assert (counts.accepted, counts.landing_files) == (3, 1)
    assert list(counts.rejected_files) == [f"{FOLDER}/b.jsonl.gz"]
    assert counts.rejected_files[f"{FOLDER}/b.jsonl.gz"].startswith("not a readable gzip file")
    assert {row["source_file"] for row in landing.accepted()} == {f"{FOLDER}/a.JSONL.GZ"}


def test_subfolders_are_read_and_hidden_names_are_skipped(landing):
    landing.write([line(event_id="top")], "a.jsonl")
    landing.write([line(event_id="deep")], "inbox/2026/b.jsonl")
    landing.write([line(event_id="hidden")], ".c.jsonl.tmp")
    landing.write([line(event_id="hidden-dir")], ".staging/d.jsonl")
    landing.write("", "empty.jsonl")
    counts = landing.ingest()
    assert sorted(row["event_id"] for row in landing.accepted()) == ["deep", "top"]
    assert (counts.landing_files, counts.rejected_files) == (3, {})


def test_unknown_files_are_rejected_and_fail_completeness(landing):
    landing.write([line()], "a.json")
    landing.write([line()], "b.ndjson")
    landing.write(b"", "README")
    counts = landing.ingest()
    assert counts.balanced() and not counts.complete()
    assert sorted(name.rsplit("/", 1)[1] for name in counts.rejected_files) == ["README", "a.json", "b.ndjson"]
