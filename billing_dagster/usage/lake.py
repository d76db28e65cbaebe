"""The local Parquet lake and landing area: one folder per day, atomic file replacement."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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

    def daily_file(self, day: date) -> Path:
        return self.root / "lake" / "usage_daily" / f"date={day.isoformat()}" / "usage_daily.parquet"


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write to a temporary name then rename, so a killed run never leaves half a partition."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".parquet.tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, path)
