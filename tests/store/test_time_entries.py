"""The time-entry import: every row or none, every problem named by line, idempotent, --replace."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from store_world import seed_tenants

from billing_dagster.domain.period_entries import TimeEntrySpec
from billing_dagster.domain.time_entry_rows import TimeEntryRow
from billing_dagster.store import models as m
from billing_dagster.store.time_entries import ImportCounts, ImportRefused, import_time_entries, list_time_entries

START = datetime(2026, 2, 3, 9, tzinfo=timezone.utc)


def _row(entry_id: str, tenant: str = "acme", seconds: int = 3600) -> TimeEntryRow:
    return TimeEntryRow(tenant, TimeEntrySpec(entry_id, "ann", "engineer", START, seconds, True, "Review"))


def _count(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(m.TimeEntryRecord))


def test_import_then_reimport_is_a_no_op(engine):
    seed_tenants(engine)
    rows = [(2, _row("e1")), (3, _row("e2", "kaisha"))]
    assert import_time_entries(engine, rows, "a.csv") == ImportCounts(2, 0, 0)
    assert import_time_entries(engine, rows, "a.csv") == ImportCounts(0, 0, 2)
    assert _count(engine) == 2
    stored = list_time_entries(engine, "acme")
    assert [(s.entry, s.source) for s in stored] == [(_row("e1").entry, "a.csv")]


def test_every_problem_is_reported_and_nothing_is_written(engine):
    seed_tenants(engine)
    import_time_entries(engine, [(2, _row("old"))], "first.csv")
    rows = [(2, _row("e1")), (3, _row("e2", "ghost")), (4, _row("e1")), (5, _row("old", seconds=60))]
    with pytest.raises(ImportRefused) as refused:
        import_time_entries(engine, rows, "b.csv", problems=["b.csv:6: seconds: bad"])
    assert refused.value.problems == [
        "b.csv:6: seconds: bad",
        "b.csv:4: entry_id: 'e1' of tenant 'acme' repeats line 2",
        "b.csv:3: tenant_id: 'ghost' is not in the billing database",
        "b.csv:5: entry_id: 'old' of tenant 'acme' is already imported with other values (seconds 3600 -> 60); "
        "pass --replace to overwrite"]
    assert _count(engine) == 1


def test_replace_overwrites_in_place(engine):
    seed_tenants(engine)
    import_time_entries(engine, [(2, _row("e1"))], "a.csv")
    counts = import_time_entries(engine, [(2, _row("e1", seconds=60)), (3, _row("e2"))], "b.csv", replace=True)
    assert counts == ImportCounts(1, 1, 0)
    stored = {s.entry.entry_id: s for s in list_time_entries(engine, "acme")}
    assert (stored["e1"].entry.seconds, stored["e1"].source) == (60, "b.csv") and _count(engine) == 2


def test_the_same_entry_id_may_belong_to_two_tenants(engine):
    seed_tenants(engine)
    assert import_time_entries(engine, [(2, _row("e1")), (3, _row("e1", "kaisha"))], "a.csv").inserted == 2
