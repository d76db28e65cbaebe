"""Helpers to land files for a day, ingest them and read what the ingest wrote; the `landing` fixture (imported
by the test modules that use it: a conftest.py here would shadow tests/conftest.py, which others import)."""

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from billing_dagster.usage import event_index
from billing_dagster.usage.ingest import ingest_day
from billing_dagster.usage.lake import Lake

DAY = date(2026, 10, 5)
TENANTS = ["t1", "t2"]
METRICS = ["api_calls", "llm_tokens"]


def event(**overrides) -> dict:
    """A valid event of DAY for t1; an override of None drops the field."""
    document = {"event_id": "e1", "tenant_id": "t1", "metric": "api_calls", "quantity": 3,
                "timestamp": f"{DAY.isoformat()}T01:00:00Z"}
    document.update(overrides)
    return {k: v for k, v in document.items() if v is not None}


def line(**overrides) -> str:
    return json.dumps(event(**overrides))


class Landing:
    """One lake in a temporary folder: land files, ingest a day, read its outputs."""

    def __init__(self, root: Path):
        self.root = root
        self.lake = Lake(root)
        self.con = duckdb.connect()

    def write(self, data: bytes | str | list[str], name: str = "a.jsonl", day: date = DAY) -> Path:
        if isinstance(data, list):
            data = "\n".join(data) + "\n"
        if isinstance(data, str):
            data = data.encode()
        path = self.lake.landing_dir(day) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def ingest(self, day: date = DAY, tenants=TENANTS, metrics=METRICS, **options):
        return ingest_day(self.con, self.lake, day, list(tenants), list(metrics), **options)

    def accepted(self, day: date = DAY) -> list[dict]:
        return pq.read_table(self.lake.events_file(day)).to_pylist()

    def quarantined(self, day: date = DAY) -> list[dict]:
        return pq.read_table(self.lake.quarantine_file(day)).to_pylist()

    def index_file(self, day: date = DAY) -> Path:
        """The day's id index file (after an ingest on this connection, which creates the macros)."""
        return event_index.index_file(self.lake, event_index.key_version(self.con), day)

    def rejected(self, day: date = DAY) -> list[dict]:
        return pq.read_table(self.lake.rejected_files_file(day)).to_pylist()


@pytest.fixture
def landing(tmp_path) -> Landing:
    return Landing(tmp_path)
