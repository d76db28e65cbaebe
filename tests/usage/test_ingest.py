"""Landing lines become accepted, duplicate, conflicting or quarantined events; nothing is lost."""

import json
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from billing_dagster.domain.contracts_usage import QUANTITY_PRECISION, QUANTITY_SCALE
from billing_dagster.usage import event_index
from billing_dagster.usage.ingest import ingest_day
from billing_dagster.usage.lake import Lake, write_relation_parquet

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
    (json.dumps(_event(tenant_id="")), "tenant_id: empty"),
    (json.dumps(_event(tenant_id="nobody")), 'tenant_id: unknown tenant "nobody"'),
    (json.dumps(_event(tenant_id=7)), "tenant_id: not a string (a JSON number)"),
    (json.dumps(_event(quantity=-2)), "quantity: negative (-2)"),
    (json.dumps(_event(quantity="12abc")), 'quantity: not a decimal number ("12abc")'),
    (json.dumps(_event(quantity=None)), "quantity: missing"),
    (json.dumps(_event(quantity=[1])), "quantity: not a number or decimal string (a JSON array)"),
    (json.dumps(_event(metric="crypto")), 'metric: unknown metric "crypto"'),
    (json.dumps(_event(timestamp="yesterday")), 'timestamp: not RFC 3339 with Z or a +HH:MM offset ("yesterday")'),
    (json.dumps(_event(timestamp="2026-10-05T01:00:00")),
     'timestamp: not RFC 3339 with Z or a +HH:MM offset ("2026-10-05T01:00:00")'),
    (json.dumps(_event(timestamp="2026-13-45T01:00:00Z")),
     'timestamp: not RFC 3339 with Z or a +HH:MM offset ("2026-13-45T01:00:00Z")'),
    (json.dumps(_event(timestamp="2026-02-30T01:00:00Z")), 'timestamp: not a calendar date-time ("2026-02-30T01:00:00Z")'),
    (json.dumps(_event(timestamp="2026-10-06T00:00:00Z")),
     "timestamp: 2026-10-06T00:00:00Z is outside the partition day"),
    (json.dumps(_event(timestamp="2026-10-05T01:00:00+02:00")),
     "timestamp: 2026-10-05T01:00:00+02:00 is outside the partition day"),
    (json.dumps(_event(event_id=None)), "event_id: missing"),
    (json.dumps(_event(dimensions={"region": 1})), "dimensions: values must be strings"),
    (json.dumps(_event(dimensions=["a"])), "dimensions: not an object (a JSON array)"),
    (json.dumps(_event(dimensions={f"k{i}": "v" for i in range(33)})), "dimensions: more than 32 entries"),
    (json.dumps(_event(dimensions={"k": "v" * 201})), "dimensions: a value is longer than 200 characters"),
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


def _land_bytes(tmp_path, data: bytes, name="a.jsonl"):
    folder = Lake(tmp_path).landing_dir(DAY)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def _accepted(tmp_path):
    return pq.read_table(Lake(tmp_path).events_file(DAY)).to_pylist()


def _quarantined(tmp_path):
    return pq.read_table(Lake(tmp_path).quarantine_file(DAY)).to_pylist()


def test_line_numbers_count_the_blank_lines_before_them(tmp_path):
    _land(tmp_path, [json.dumps(_event(event_id="e1")), "", "   ", json.dumps(_event(event_id="e2")), "\t", "oops"])
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.accepted, counts.quarantined) == (3, 2, 1)
    assert {row["event_id"]: row["line_no"] for row in _accepted(tmp_path)} == {"e1": 1, "e2": 4}
    assert [(row["line_no"], row["raw"]) for row in _quarantined(tmp_path)] == [(6, "oops")]


def test_each_landing_file_numbers_its_own_lines_and_files_go_in_name_order(tmp_path):
    _land(tmp_path, ["", json.dumps(_event(event_id="b1")), "bad b"], "events-001.jsonl")
    _land(tmp_path, [json.dumps(_event(event_id="a1")), "bad a", json.dumps(_event(event_id="b1"))],
          "events-000.jsonl")
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.accepted, counts.duplicate, counts.quarantined) == (5, 2, 1, 2)
    assert counts.landing_files == 2
    folder = "landing/date=2026-10-05"
    assert {row["event_id"]: (row["source_file"], row["line_no"]) for row in _accepted(tmp_path)} == {
        "a1": (f"{folder}/events-000.jsonl", 1), "b1": (f"{folder}/events-000.jsonl", 3)}
    assert [(row["source_file"], row["line_no"], row["raw"]) for row in _quarantined(tmp_path)] == [
        (f"{folder}/events-000.jsonl", 2, "bad a"), (f"{folder}/events-001.jsonl", 3, "bad b")]


def test_crlf_line_endings_leave_no_carriage_return_in_raw_but_keep_it_in_raw_bytes(tmp_path):
    # Only \n ends a line; the \r of \r\n is dropped from raw, a bare \r is a character of its line.
    good = json.dumps(_event(event_id="e1"))
    _land_bytes(tmp_path, f"{good}\r\n\r\nnot json\r\nlone\rcr\r\n".encode())
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.accepted, counts.quarantined) == (3, 1, 2)
    assert _accepted(tmp_path)[0]["line_no"] == 1
    assert [(row["line_no"], row["raw"], row["raw_bytes"]) for row in _quarantined(tmp_path)] == [
        (3, "not json", b"not json\r"), (4, "lone\rcr", b"lone\rcr\r")]


def test_tabs_pipes_and_quotes_survive_byte_for_byte_in_raw(tmp_path):
    line = ('{"event_id":\t"e1", "tenant_id": "t|9", "metric": "api_calls", "quantity": 3, '
            '"timestamp": "2026-10-05T01:00:00Z", "dimensions": {"note": "say \\"hi\\" | bye"}}\t')
    _land(tmp_path, [line])
    counts = _ingest(tmp_path)
    assert counts.quarantined == 1
    row = _quarantined(tmp_path)[0]
    assert row["raw"] == line
    assert row["reason"] == 'tenant_id: unknown tenant "t|9"'


def test_a_line_that_is_not_utf8_is_quarantined_with_its_bytes_and_the_file_s_other_lines_count(tmp_path):
    _land_bytes(tmp_path, json.dumps(_event(event_id="e1")).encode() + b"\n\nbad \xff\xfe byte\n", "a.jsonl")
    _land(tmp_path, [json.dumps(_event(event_id="e2"))], "b.jsonl")
    counts = _ingest(tmp_path)
    assert (counts.events_in, counts.accepted, counts.quarantined, counts.landing_files) == (3, 2, 1, 2)
    assert counts.balanced()
    [row] = _quarantined(tmp_path)
    assert (row["line_no"], row["reason"], row["raw"], row["raw_bytes"]) == (
        3, "record: not valid UTF-8", "bad \ufffd\ufffd byte", b"bad \xff\xfe byte")


def test_a_file_name_with_glob_characters_is_read_as_named(tmp_path):
    _land(tmp_path, [json.dumps(_event(event_id="bracket"))], "events[1].jsonl")
    _land(tmp_path, [json.dumps(_event(event_id="plain"))], "events1.jsonl")
    counts = _ingest(tmp_path)
    assert (counts.accepted, counts.landing_files) == (2, 2)
    assert {row["event_id"]: row["source_file"] for row in _accepted(tmp_path)} == {
        "bracket": "landing/date=2026-10-05/events[1].jsonl", "plain": "landing/date=2026-10-05/events1.jsonl"}


def test_lake_files_keep_their_schema_whatever_the_day_holds(tmp_path):
    # DuckDB's own COPY TO would mark a column with no NULL that day REQUIRED; the files are written by pyarrow.
    _land(tmp_path, [json.dumps(_event())])
    con, lake = duckdb.connect(), Lake(tmp_path)
    ingest_day(con, lake, DAY, ["t1"], ["api_calls"])
    assert pq.read_schema(lake.events_file(DAY)) == pa.schema([
        ("event_id", pa.string()), ("tenant_id", pa.string()), ("metric", pa.string()),
        ("quantity", pa.decimal128(QUANTITY_PRECISION, QUANTITY_SCALE)), ("ts", pa.timestamp("us", tz="UTC")),
        ("dimensions", pa.string()), ("source_file", pa.string()), ("line_no", pa.int64())])
    assert pq.read_schema(lake.quarantine_file(DAY)) == pa.schema([
        ("source_file", pa.string()), ("line_no", pa.int64()), ("field", pa.string()), ("reason", pa.string()),
        ("raw", pa.string()), ("raw_bytes", pa.binary()), ("status", pa.string()), ("body", pa.string()),
        ("accepted_body", pa.string()), ("accepted_day", pa.date32()), ("accepted_file", pa.string()),
        ("accepted_line", pa.int64())])
    assert pq.read_schema(lake.rejected_files_file(DAY)) == pa.schema([
        ("source_file", pa.string()), ("reason", pa.string())])
    index = event_index.index_file(lake, event_index.key_version(con), DAY)
    assert pq.read_schema(index) == pa.schema([("key_hash", pa.uint64())])
    assert [path.name for path in lake.events_file(DAY).parent.iterdir()] == ["events.parquet"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out" / "events.parquet"
    con = duckdb.connect()
    write_relation_parquet(con.sql("SELECT 1 AS n"), path)
    with pytest.raises((duckdb.Error, OSError), match="boom"):  # raised mid-stream, through pyarrow's reader
        write_relation_parquet(con.sql("SELECT CASE WHEN n < 300000 THEN n ELSE error('boom') END AS n "
                                       "FROM range(400000) r(n)"), path)
    assert pq.read_table(path).to_pylist() == [{"n": 1}]
    assert [p.name for p in path.parent.iterdir()] == ["events.parquet"]
