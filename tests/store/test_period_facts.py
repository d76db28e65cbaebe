"""The period's time entries and unvoided adjustments of a batch of tenants: [start, end) bounds, one query
per table per batch."""

from datetime import date, datetime, timezone

from sqlalchemy import event
from sqlalchemy.orm import Session
from store_world import seed_tenants

from billing_dagster.domain.period_entries import AdjustmentSpec, TimeEntrySpec
from billing_dagster.domain.periods import month_period
from billing_dagster.domain.time_entry_rows import TimeEntryRow
from billing_dagster.store.adjustments import NewAdjustment, add_adjustment, void_adjustment
from billing_dagster.store.period_facts import period_adjustments, period_time_entries
from billing_dagster.store.time_entries import import_time_entries

FEB = month_period(date(2026, 2, 1))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _entry(entry_id: str, start: str, seconds: int = 3600) -> TimeEntrySpec:
    return TimeEntrySpec(entry_id, "ann", "engineer", _at(start), seconds, True, f"work {entry_id}")


def _adjust(engine, tenant: str, adjustment_id: str, applies_at: str, amount: str = "1") -> None:
    add_adjustment(engine, NewAdjustment(tenant, "credit", amount, "Credit", "Goodwill", applies_at=_at(applies_at),
                                         adjustment_id=adjustment_id))


def test_time_entries_start_within_the_period(engine):
    seed_tenants(engine)
    rows = [("acme", _entry("before", "2026-01-31T23:59:59")), ("acme", _entry("first", "2026-02-01T00:00:00")),
            ("acme", _entry("last", "2026-02-28T23:59:59")), ("acme", _entry("after", "2026-03-01T00:00:00")),
            ("kaisha", _entry("k1", "2026-02-10T12:00:00")), ("souk", _entry("s1", "2026-02-10T12:00:00"))]
    import_time_entries(engine, [(n, TimeEntryRow(t, e)) for n, (t, e) in enumerate(rows, 2)], "t.csv")
    with Session(engine) as session:
        found = period_time_entries(session, ["acme", "kaisha"], FEB)
    assert {tenant: [e.entry_id for e in entries] for tenant, entries in found.items()} == {
        "acme": ["first", "last"], "kaisha": ["k1"]}
    assert found["acme"][0] == _entry("first", "2026-02-01T00:00:00")
    assert found["acme"][0].start.tzinfo is not None


def test_adjustments_apply_within_the_period_unless_voided(engine):
    seed_tenants(engine)
    _adjust(engine, "acme", "jan", "2026-01-31T23:59:59")
    _adjust(engine, "acme", "feb-first", "2026-02-01T00:00:00", "12.50")
    _adjust(engine, "acme", "feb-void", "2026-02-14T00:00:00")
    _adjust(engine, "acme", "mar", "2026-03-01T00:00:00")
    _adjust(engine, "souk", "s1", "2026-02-14T00:00:00", "1.250")
    void_adjustment(engine, "acme", "feb-void", "entered twice")
    with Session(engine) as session:
        found = period_adjustments(session, ["acme", "souk", "kaisha"], FEB)
    assert found == {"acme": [AdjustmentSpec("feb-first", "credit", 1250, "USD", "Credit", "Goodwill")],
                     "souk": [AdjustmentSpec("s1", "credit", 1250, "KWD", "Credit", "Goodwill")]}


def test_an_empty_batch_reads_nothing(engine):
    with Session(engine) as session:
        assert period_time_entries(session, [], FEB) == {} and period_adjustments(session, [], FEB) == {}


def test_one_query_per_table_whatever_the_batch_size(engine):
    tenants = seed_tenants(engine, extra=40)
    rows = [(n, TimeEntryRow(t, _entry(f"{t}-e", "2026-02-05T10:00:00"))) for n, t in enumerate(tenants, 2)]
    import_time_entries(engine, rows, "many.csv")
    for tenant in tenants[:3] + tenants[-3:]:
        _adjust(engine, tenant, f"{tenant}-a", "2026-02-05T10:00:00")
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with Session(engine) as session:
        entries = period_time_entries(session, tenants, FEB)
        adjustments = period_adjustments(session, tenants, FEB)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects
    assert len(entries) == len(tenants) and len(adjustments) == 6
