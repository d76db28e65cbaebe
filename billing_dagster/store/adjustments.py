"""Manual adjustments in the billing database: add, list, void. Rows are never deleted; a void is recorded.

An adjustment belongs to the billing period containing its `applies_at`; its amount is in minor units of
the tenant's currency (the only currency it may have). A voided adjustment never reaches a fact pack.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, select, update

from billing_dagster.domain.major_amounts import minor_units
from billing_dagster.domain.period_entries import ADJUSTMENT_KINDS, AdjustmentSpec, key
from billing_dagster.store import models as m

MAX_TEXT = 300


class UnknownRecord(LookupError):
    """The tenant or adjustment named is not in the billing database."""


class AdjustmentRefused(ValueError):
    """The adjustment (or its void) is invalid; the message names the field."""


@dataclass(frozen=True, slots=True)
class NewAdjustment:
    """An adjustment as an operator types it: the amount in major units ("12.50")."""

    tenant_id: str
    kind: str
    amount: str
    description: str
    reason: str
    taxable: bool = False
    category: str | None = None
    applies_at: datetime | None = None  # None: now
    adjustment_id: str | None = None  # None: generated
    currency: str | None = None  # None: the tenant's; else must be the tenant's
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAdjustment:
    tenant_id: str
    spec: AdjustmentSpec
    applies_at: datetime
    created_at: datetime
    created_by: str | None
    voided_at: datetime | None
    void_reason: str | None

    def to_dict(self) -> dict:
        s = self.spec
        return {"tenant_id": self.tenant_id, "adjustment_id": s.adjustment_id, "kind": s.kind,
                "amount_minor": s.amount_minor, "currency": s.currency, "description": s.description,
                "reason": s.reason, "taxable": s.taxable, "category": s.category,
                "applies_at": self.applies_at.isoformat(), "created_at": self.created_at.isoformat(),
                "created_by": self.created_by, "voided_at": _iso(self.voided_at), "void_reason": self.void_reason}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def add_adjustment(engine: Engine, new: NewAdjustment) -> StoredAdjustment:
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        currency = conn.scalar(select(m.Tenant.currency).where(m.Tenant.id == new.tenant_id))
        if currency is None:
            raise UnknownRecord(f"tenant {new.tenant_id!r} is not in the billing database")
        row = _row(new, currency, now)
        taken = conn.scalar(select(m.AdjustmentRecord.id).where(
            m.AdjustmentRecord.tenant_id == new.tenant_id, m.AdjustmentRecord.adjustment_id == row["adjustment_id"]))
        if taken is not None:
            raise AdjustmentRefused(f"id: adjustment {row['adjustment_id']!r} of tenant {new.tenant_id!r} already "
                                    f"exists")
        conn.execute(m.AdjustmentRecord.__table__.insert(), row)
    return _stored(row)


def list_adjustments(engine: Engine, tenant_id: str, include_voided: bool = False) -> list[StoredAdjustment]:
    a = m.AdjustmentRecord
    query = select(a).where(a.tenant_id == tenant_id).order_by(a.applies_at, a.adjustment_id)
    if not include_voided:
        query = query.where(a.voided_at.is_(None))
    with engine.connect() as conn:
        if conn.scalar(select(m.Tenant.id).where(m.Tenant.id == tenant_id)) is None:
            raise UnknownRecord(f"tenant {tenant_id!r} is not in the billing database")
        return [_stored(dict(r._mapping)) for r in conn.execute(query)]


def void_adjustment(engine: Engine, tenant_id: str, adjustment_id: str, reason: str) -> StoredAdjustment:
    """Record the void (once): from then on the adjustment reaches no fact pack. The row stays."""
    reason = _text(reason, "reason")
    a = m.AdjustmentRecord
    mine = (a.tenant_id == tenant_id, a.adjustment_id == adjustment_id)
    with engine.begin() as conn:
        voided = conn.execute(update(a).where(*mine, a.voided_at.is_(None)).values(
            voided_at=datetime.now(timezone.utc), void_reason=reason)).rowcount
        row = conn.execute(select(a).where(*mine)).first()
    if row is None:
        raise UnknownRecord(f"no adjustment {adjustment_id!r} for tenant {tenant_id!r}")
    if not voided:
        raise AdjustmentRefused(f"adjustment {adjustment_id!r} of tenant {tenant_id!r} was already voided at "
                                f"{row.voided_at.isoformat()} ({row.void_reason})")
    return _stored(dict(row._mapping))


def _row(new: NewAdjustment, currency: str, now: datetime) -> dict:
    if new.currency is not None and new.currency.upper() != currency:
        raise AdjustmentRefused(f"currency: {new.currency} is not tenant {new.tenant_id!r}'s currency {currency}")
    if new.kind not in ADJUSTMENT_KINDS:
        raise AdjustmentRefused(f"kind: expected credit or charge, got {new.kind!r}")
    applies_at = new.applies_at or now
    if applies_at.tzinfo is None:
        raise AdjustmentRefused("applies_at: give an instant with an offset (e.g. 2026-02-10T00:00:00Z)")
    try:
        amount = minor_units(new.amount, currency)
        adjustment_id = key(new.adjustment_id or f"adj-{secrets.token_hex(8)}", "id")
        category = None if new.category is None else key(new.category, "category")
    except ValueError as error:
        raise AdjustmentRefused(str(error)) from None
    return {"tenant_id": new.tenant_id, "adjustment_id": adjustment_id, "kind": new.kind, "amount_minor": amount,
            "currency": currency, "description": _text(new.description, "description"),
            "reason": _text(new.reason, "reason"), "taxable": bool(new.taxable), "category": category,
            "applies_at": applies_at.astimezone(timezone.utc), "created_at": now, "created_by": new.created_by,
            "voided_at": None, "void_reason": None}


def _text(value: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise AdjustmentRefused(f"{field}: expected non-empty text of at most {MAX_TEXT} characters")
    return value


def _stored(row: dict) -> StoredAdjustment:
    spec = AdjustmentSpec(row["adjustment_id"], row["kind"], row["amount_minor"], row["currency"],
                          row["description"], row["reason"], row["taxable"], row["category"])
    return StoredAdjustment(row["tenant_id"], spec, row["applies_at"], row["created_at"], row["created_by"],
                            row["voided_at"], row["void_reason"])
