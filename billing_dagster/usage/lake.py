"""The local Parquet lake and landing area: one folder per day, atomic file replacement."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True, slots=True)
class Lake:
    root: Path

    def landing_dir(self, day: date) -> Path:
        return self.root / "landing" / f"date={day.isoformat()}"

    def events_file(self, day: date) -> Path:
        return self.root / "lake" / "events" / f"date={day.isoformat()}" / "events.parquet"

    def quarantine_file(self, day: date) -> Path:
        return self.root / "lake" / "quarantine" / f"date={day.isoformat()}" / "quarantine.parquet"

    def rejected_files_file(self, day: date) -> Path:
        """The landing files of the day that were not read, with the reason (see docs/ingestion.md)."""
        return self.quarantine_file(day).with_name("rejected_files.parquet")

    def daily_file(self, day: date) -> Path:
        return self.root / "lake" / "usage_daily" / f"date={day.isoformat()}" / "usage_daily.parquet"

    def event_ids_dir(self) -> Path:
        """The id index over the events (see usage/event_index.py)."""
        return self.root / "lake" / "event_ids"

    def event_days(self) -> list[date]:
        """The days with an events file in the lake."""
        folder = self.root / "lake" / "events"
        days = [date.fromisoformat(path.parent.name.removeprefix("date="))
                for path in folder.glob("date=*/events.parquet")] if folder.is_dir() else []
        return sorted(days)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write to a temporary name then rename, so a killed run never leaves half a partition."""
    with _replacing(path) as temporary:
        pq.write_table(table, temporary)


def write_relation_parquet(relation: duckdb.DuckDBPyRelation, path: Path, **writer_options) -> None:
    """Like write_parquet for a query's rows, streamed batch by batch (one row group each, at most DuckDB's
    122,880 rows; zstd, as small row groups compress less well) instead of materialised as one Arrow table.
    pyarrow still writes the file: DuckDB's own COPY TO marks a column REQUIRED when the data happen to hold
    no NULL, so the schema would vary by day."""
    with _replacing(path) as temporary:
        reader = relation.to_arrow_reader()
        options = {"compression": "zstd", **writer_options}
        with pq.ParquetWriter(temporary, reader.schema, **options) as writer:
            for batch in reader:
                writer.write_batch(batch)


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside path, unique per writer (so concurrent runs never share one), renamed over
    path when the block succeeds and removed when it fails. The writer creates it, so the file gets the
    usual umask permissions, not mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
