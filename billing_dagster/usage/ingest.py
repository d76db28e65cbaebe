"""Validate and deduplicate one day of landed events into the lake; rejects go to quarantine."""

import codecs
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from billing_dagster.usage.lake import Lake, write_relation_parquet
from billing_dagster.usage.queries import sql

_LANDING_SCHEMA = pa.schema([("source_file", pa.string()), ("line_no", pa.int64()), ("raw", pa.string())])

# read_text() expands these as a glob, so it could read another file than the one named.
_GLOB_CHARACTERS = frozenset("*?[]{}\\")


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
    _create_landing_lines(con, files, lake.root)
    day_start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(sql("create_classified_events"), {
        "day_start": day_start, "day_end": day_start + timedelta(days=1), "tenants": tenants, "metrics": metrics})
    con.execute("DROP TABLE landing_lines")  # classified_events holds every line now; free the copy
    write_relation_parquet(con.sql(sql("select_accepted_events")), lake.events_file(day))
    write_relation_parquet(con.sql(sql("select_quarantined_events")), lake.quarantine_file(day))
    events_in, accepted, duplicate, quarantined = con.execute(sql("count_classified_events")).fetchall()[0]
    reasons = dict(con.execute(sql("count_quarantine_reasons")).fetchall())
    return IngestCounts(events_in, accepted, duplicate, quarantined, reasons, len(files))


def _create_landing_lines(con: duckdb.DuckDBPyConnection, files: list[Path], root: Path) -> None:
    """Temp table landing_lines: every non-blank line of the files, split and numbered inside DuckDB.

    A file read_text() cannot open as named (a glob character in its path) or decode (not valid UTF-8) is
    read by Python instead, invalid bytes replaced by U+FFFD, so none of its lines is lost.
    """
    by_python = [path for path in files if _GLOB_CHARACTERS & set(str(path.absolute()))]
    while True:
        by_duckdb = [path for path in files if path not in by_python]
        con.register("fallback_lines", _read_lines(by_python, root))
        try:
            con.execute(sql("create_landing_lines"), {
                "paths": [str(path.absolute()) for path in by_duckdb],
                "names": [str(path.relative_to(root)) for path in by_duckdb]})
            return
        except duckdb.InvalidInputException as error:
            if "UTF-8" not in str(error):
                raise
            # Python and DuckDB agree on what is valid UTF-8; should they not, Python reads them all.
            by_python += [path for path in by_duckdb if not _is_utf8(path)] or by_duckdb
        finally:
            con.unregister("fallback_lines")


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


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
