"""The id index over the lake: which (tenant_id, event_id) each day accepted, so that dedup has no time window.

lake/event_ids/key=<version>/month=YYYY-MM/date=YYYY-MM-DD.parquet holds one column, key_hash (UBIGINT,
sorted, delta-encoded): DuckDB's 64-bit hash of each (tenant_id, event_id) the day accepted (event_key in
sql/create_ingest_macros.sql). <version> names that hash function by its values on fixed inputs: a DuckDB
whose hash differs finds no index under its version and rebuilds it from the events files.
The events files stay the truth: a key found in another day's index sends the ingest to that day's events
file to compare the actual (tenant_id, event_id) and body, so a hash collision costs a look, never an event.

An index file is derived from its day's events file and rewritten with it; one missing, or older than its
events file (a crash between the two writes, a lake from before the index), is rebuilt from the events file
before any probe. Ingests of different days take an exclusive lock on the index folder, so two of them never
both accept one key.
"""

import fcntl
import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from billing_dagster.usage.lake import Lake, write_relation_parquet
from billing_dagster.usage.queries import sql

INDEX_WRITER_OPTIONS = {"use_dictionary": False, "column_encoding": {"key_hash": "DELTA_BINARY_PACKED"}}


@contextmanager
def index_lock(lake: Lake) -> Iterator[None]:
    """Held while a day is classified and written: its probe of the other days and its own index are one step."""
    folder = lake.event_ids_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def key_version(con: duckdb.DuckDBPyConnection) -> str:
    """A name for event_key() as this DuckDB computes it (the ingest macros must be created)."""
    values = con.execute(sql("select_event_key_version")).fetchall()[0]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


def index_file(lake: Lake, version: str, day: date) -> Path:
    return lake.event_ids_dir() / f"key={version}" / f"month={day:%Y-%m}" / f"date={day.isoformat()}.parquet"


def refresh(con: duckdb.DuckDBPyConnection, lake: Lake, version: str, except_day: date) -> list[date]:
    """Rebuild the missing or stale index files of every day but `except_day`, drop the index of another key
    version; returns the days indexed."""
    for stale in lake.event_ids_dir().glob("key=*"):
        if stale.name != f"key={version}":
            shutil.rmtree(stale, ignore_errors=True)
    days = [day for day in lake.event_days() if day != except_day]
    for day in days:
        events, index = lake.events_file(day), index_file(lake, version, day)
        if not index.is_file() or index.stat().st_mtime_ns < events.stat().st_mtime_ns:
            write_relation_parquet(con.sql(sql("select_lake_event_ids"), params={"events_path": str(events)}),
                                   index, **INDEX_WRITER_OPTIONS)
    return days


def create_prior_events(con: duckdb.DuckDBPyConnection, lake: Lake, version: str, days: list[date]) -> int:
    """Temp table prior_events: the events other days accepted under a key of today's valid lines (in
    checked_events). `days` are the other days with events. Returns the number of days whose events were read."""
    by_path = {str(index_file(lake, version, day).absolute()): day for day in days}
    matched: list[date] = []
    if by_path:
        rows = con.execute(sql("select_indexed_files"), {"paths": list(by_path)}).fetchall()
        matched = sorted(by_path[name] for name, in rows)
    if not matched:
        con.execute(sql("create_prior_events_empty"))
        return 0
    con.execute(sql("create_prior_events"), {
        "paths": [str(lake.events_file(day).absolute()) for day in matched], "days": matched})
    return len(matched)


def write_day(con: duckdb.DuckDBPyConnection, lake: Lake, version: str, day: date) -> Path:
    """The day's index from the accepted lines of checked_events (after its events file is written)."""
    path = index_file(lake, version, day)
    write_relation_parquet(con.sql(sql("select_event_ids")), path, **INDEX_WRITER_OPTIONS)
    return path
