"""Validate and deduplicate one day of landed events into the lake; rejects go to quarantine."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import duckdb
import pyarrow as pa

from billing_dagster.usage.lake import Lake, write_parquet
from billing_dagster.usage.queries import sql

_LANDING_SCHEMA = pa.schema([("source_file", pa.string()), ("line_no", pa.int64()), ("raw", pa.string())])


@dataclass(frozen=True, slots=True)
class IngestCounts:
    events_in: int
    accepted: int
    duplicate: int
    quarantined: int
    quarantine_reasons: dict[str, int]
    landing_files: int

    def balanced(self) -> bool:
        return self.events_in == self.accepted + self.duplicate + self.quarantined


def ingest_day(con: duckdb.DuckDBPyConnection, lake: Lake, day: date, tenants: list[str],
               metrics: list[str]) -> IngestCounts:
    files = sorted(lake.landing_dir(day).glob("*.jsonl"))
    con.register("landing_lines", _read_lines(files, lake.root))
    day_start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(sql("create_classified_events"), {
        "day_start": day_start, "day_end": day_start + timedelta(days=1), "tenants": tenants, "metrics": metrics})
    write_parquet(con.sql(sql("select_accepted_events")).to_arrow_table(), lake.events_file(day))
    write_parquet(con.sql(sql("select_quarantined_events")).to_arrow_table(), lake.quarantine_file(day))
    events_in, accepted, duplicate, quarantined = con.execute(sql("count_classified_events")).fetchall()[0]
    reasons = dict(con.execute(sql("count_quarantine_reasons")).fetchall())
    con.unregister("landing_lines")
    return IngestCounts(events_in, accepted, duplicate, quarantined, reasons, len(files))


def _read_lines(files, root) -> pa.Table:
    """Every non-blank line of every landing file, with its file and line number for lineage."""
    sources, numbers, lines = [], [], []
    for path in files:
        name = str(path.relative_to(root))
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    sources.append(name)
                    numbers.append(number)
                    lines.append(line.rstrip("\n"))
    return pa.table([sources, numbers, lines], schema=_LANDING_SCHEMA)
