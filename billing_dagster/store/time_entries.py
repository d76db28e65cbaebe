"""Time entries in the billing database: an all-or-nothing import and a listing.

An import checks every row (tenant known, entry id not repeated in the file, an entry already stored with
other values only with `replace`) inside one transaction and writes every row or none, reporting every
problem with its file line. Re-importing an entry with the same values changes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, bindparam, select, update

from billing_dagster.domain.period_entries import TimeEntrySpec
from billing_dagster.domain.time_entry_rows import TimeEntryRow
from billing_dagster.store import models as m

_CHUNK = 500  # entry ids per lookup query (SQLite caps bound parameters)
_VALUES = ("user", "user_type", "started_at", "seconds", "billable", "description")


class UnknownTenant(LookupError):
    """The tenant named is not in the billing database."""


class ImportRefused(ValueError):
    """The import wrote nothing; `problems` names every bad row as "source:line: field: message"."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s), nothing imported:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ImportCounts:
    inserted: int
    replaced: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class StoredTimeEntry:
    tenant_id: str
    entry: TimeEntrySpec
    source: str
    imported_at: datetime


def import_time_entries(engine: Engine, rows: Sequence[tuple[int, TimeEntryRow]], source: str,
                        replace: bool = False, problems: Sequence[str] = ()) -> ImportCounts:
    """Write `rows` ((line, row) pairs) in one transaction, or raise ImportRefused with every problem, those
    already found while reading the file (`problems`) included."""
    problems = list(problems) + _repeats(rows, source)
    with engine.begin() as conn:
        problems += _unknown_tenants(conn, rows, source)
        stored = _stored(conn, rows)
        inserts, updates, unchanged = [], [], 0
        for line, row in rows:
            values = _values(row.entry)
            existing = stored.get((row.tenant_id, row.entry.entry_id))
            if existing is None:
                inserts.append(values | {"tenant_id": row.tenant_id, "entry_id": row.entry.entry_id})
            elif {k: existing[k] for k in _VALUES} == values:
                unchanged += 1
            elif replace:
                updates.append({f"new_{k}": v for k, v in values.items()} | {"row_id": existing["id"]})
            else:
                problems.append(f"{source}:{line}: entry_id: {row.entry.entry_id!r} of tenant {row.tenant_id!r} is "
                                f"already imported with other values ({_differences(existing, values)}); "
                                f"pass --replace to overwrite")
        if problems:
            raise ImportRefused(problems)
        _write(conn, inserts, updates, source)
    return ImportCounts(len(inserts), len(updates), unchanged)


def list_time_entries(engine: Engine, tenant_id: str, start: datetime | None = None,
                      end: datetime | None = None) -> list[StoredTimeEntry]:
    """A tenant's entries whose start is in [start, end) (either bound optional), by start then entry id;
    UnknownTenant when the billing database does not know the tenant."""
    t = m.TimeEntryRecord
    query = select(t).where(t.tenant_id == tenant_id).order_by(t.started_at, t.entry_id)
    if start is not None:
        query = query.where(t.started_at >= start)
    if end is not None:
        query = query.where(t.started_at < end)
    with engine.connect() as conn:
        if conn.scalar(select(m.Tenant.id).where(m.Tenant.id == tenant_id)) is None:
            raise UnknownTenant(f"tenant {tenant_id!r} is not in the billing database")
        return [StoredTimeEntry(r.tenant_id, TimeEntrySpec(r.entry_id, r.user, r.user_type, r.started_at, r.seconds,
                                                           r.billable, r.description), r.source, r.imported_at)
                for r in conn.execute(query)]


def _values(entry: TimeEntrySpec) -> dict:
    return {"user": entry.user, "user_type": entry.user_type, "started_at": entry.start, "seconds": entry.seconds,
            "billable": entry.billable, "description": entry.description}


def _differences(existing: dict, values: dict) -> str:
    return ", ".join(f"{k} {_shown(existing[k])} -> {_shown(values[k])}" for k in _VALUES if existing[k] != values[k])


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else repr(value)


def _repeats(rows: Sequence[tuple[int, TimeEntryRow]], source: str) -> list[str]:
    first: dict[tuple[str, str], int] = {}
    problems = []
    for line, row in rows:
        key = (row.tenant_id, row.entry.entry_id)
        if key in first:
            problems.append(f"{source}:{line}: entry_id: {key[1]!r} of tenant {key[0]!r} repeats line {first[key]}")
        else:
            first[key] = line
    return problems


def _unknown_tenants(conn, rows: Sequence[tuple[int, TimeEntryRow]], source: str) -> list[str]:
    named = sorted({row.tenant_id for _, row in rows})
    known = set(conn.scalars(select(m.Tenant.id).where(m.Tenant.id.in_(named)))) if named else set()
    return [f"{source}:{line}: tenant_id: {row.tenant_id!r} is not in the billing database"
            for line, row in rows if row.tenant_id not in known]


def _stored(conn, rows: Sequence[tuple[int, TimeEntryRow]]) -> dict[tuple[str, str], dict]:
    """The stored entries the rows name, by (tenant, entry id): one query per tenant and chunk of ids."""
    by_tenant: dict[str, list[str]] = {}
    for _, row in rows:
        by_tenant.setdefault(row.tenant_id, []).append(row.entry.entry_id)
    t = m.TimeEntryRecord
    stored = {}
    for tenant, ids in by_tenant.items():
        for chunk in range(0, len(ids), _CHUNK):
            query = select(t.id, t.tenant_id, t.entry_id, *(getattr(t, k) for k in _VALUES)).where(
                t.tenant_id == tenant, t.entry_id.in_(ids[chunk:chunk + _CHUNK]))
            stored.update({(r.tenant_id, r.entry_id): dict(r._mapping) for r in conn.execute(query)})
    return stored


def _write(conn, inserts: list[dict], updates: list[dict], source: str) -> None:
    now = datetime.now(timezone.utc)
    if inserts:
        conn.execute(m.TimeEntryRecord.__table__.insert(),
                     [row | {"imported_at": now, "source": source} for row in inserts])
    if updates:
        t = m.TimeEntryRecord.__table__
        conn.execute(update(t).where(t.c.id == bindparam("row_id")).values(
            **{k: bindparam(f"new_{k}") for k in _VALUES}, imported_at=now, source=source), updates)
