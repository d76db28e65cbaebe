"""The time entries and adjustments of a batch of tenants in one billing period: one query per table per batch.

The caller groups tenants by period (a batch close has one period). Time entries belong to the period their
start falls in, adjustments to the period containing their applies_at; both as [period.start, period.end).
A voided adjustment is never read here, so it never reaches a fact pack.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing_dagster.domain.period_entries import AdjustmentSpec, TimeEntrySpec
from billing_dagster.domain.periods import Period
from billing_dagster.store import models as m


def period_time_entries(session: Session, tenant_ids: Sequence[str],
                        period: Period) -> dict[str, list[TimeEntrySpec]]:
    """{tenant: entries started in the period, by entry id}; tenants without any are absent."""
    t = m.TimeEntryRecord
    rows = session.execute(
        select(t.tenant_id, t.entry_id, t.user, t.user_type, t.started_at, t.seconds, t.billable, t.description)
        .where(t.tenant_id.in_(list(tenant_ids)), t.started_at >= period.start, t.started_at < period.end)
        .order_by(t.tenant_id, t.entry_id)) if tenant_ids else ()
    found: dict[str, list[TimeEntrySpec]] = {}
    for tenant, *values in rows:
        found.setdefault(tenant, []).append(TimeEntrySpec(*values))
    return found


def period_adjustments(session: Session, tenant_ids: Sequence[str],
                       period: Period) -> dict[str, list[AdjustmentSpec]]:
    """{tenant: unvoided adjustments applying in the period, by adjustment id}; tenants without any are absent."""
    a = m.AdjustmentRecord
    rows = session.execute(
        select(a.tenant_id, a.adjustment_id, a.kind, a.amount_minor, a.currency, a.description, a.reason, a.taxable,
               a.category)
        .where(a.tenant_id.in_(list(tenant_ids)), a.applies_at >= period.start, a.applies_at < period.end,
               a.voided_at.is_(None))
        .order_by(a.tenant_id, a.adjustment_id)) if tenant_ids else ()
    found: dict[str, list[AdjustmentSpec]] = {}
    for tenant, *values in rows:
        found.setdefault(tenant, []).append(AdjustmentSpec(*values))
    return found
