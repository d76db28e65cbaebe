"""The billing database in domain verbs. Every write is keyed so that a re-run replaces, never duplicates."""

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, selectinload

from billing_dagster.domain.accounts import (BucketSpec, PlanTerms, PriceSpec, SubscriptionSpec, TaxSpec,
                                             TenantAccount)
from billing_dagster.domain.billing_cycle import BillingCycle
from billing_dagster.domain.canonical import canonical_json, sha256_hex
from billing_dagster.domain.invoicing import InvoiceDraft
from billing_dagster.domain.periods import Period
from billing_dagster.store import models as m
from billing_dagster.store.tax_store import tax_specs


class NotFound(LookupError):
    """A tenant, fact pack or other record the caller needs is not in the billing database."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


class BillingRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # reference data -------------------------------------------------------------------------------
    def tenant_ids(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(m.Tenant.id).order_by(m.Tenant.id)))

    def metric_codes(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(m.Metric.code).order_by(m.Metric.code)))

    def metric_maxima(self) -> dict[str, Decimal]:
        """The metrics whose events have a maximum quantity of their own (the others use the default)."""
        with self.session() as s:
            rows = s.execute(select(m.Metric.code, m.Metric.max_event_quantity)
                             .where(m.Metric.max_event_quantity.is_not(None)))
            return {code: maximum for code, maximum in rows}

    def accounts(self, tenant_ids: list[str], period: Period) -> dict[str, TenantAccount]:
        with self.session() as s:
            tenants = {t.id: t for t in s.scalars(select(m.Tenant).where(m.Tenant.id.in_(tenant_ids)))}
            missing = sorted(set(tenant_ids) - set(tenants))
            if missing:
                raise NotFound(f"tenants not in the billing database: {', '.join(missing[:10])}")
            taxes = tax_specs(s, tenants.values())
            subs = self._subscriptions(s, tenant_ids, period)
            plans = {p.id: p for p in s.scalars(select(m.Plan).options(selectinload(m.Plan.prices)))}
            buckets: dict[str, list] = {}
            for bucket in s.scalars(select(m.PlanBucket).order_by(m.PlanBucket.bucket_id)):
                buckets.setdefault(bucket.plan_id, []).append(
                    BucketSpec(bucket.bucket_id, bucket.metric, bucket.included))
            return {tid: _account(tenants[tid], taxes[tid], subs.get(tid), plans, buckets)
                    for tid in tenant_ids}

    @staticmethod
    def _subscriptions(s: Session, tenant_ids: list[str], period: Period) -> dict[str, list[m.Subscription]]:
        """Every subscription of each tenant that overlaps the period, in start order."""
        rows = s.scalars(select(m.Subscription).where(
            m.Subscription.tenant_id.in_(tenant_ids), m.Subscription.starts_at < period.end,
            (m.Subscription.ends_at.is_(None)) | (m.Subscription.ends_at > period.start),
        ).order_by(m.Subscription.starts_at, m.Subscription.id))
        overlapping: dict[str, list[m.Subscription]] = {}
        for row in rows:
            overlapping.setdefault(row.tenant_id, []).append(row)
        return overlapping

    def billing_cycles(self, tenant_ids: list[str]) -> dict[str, BillingCycle]:
        """The billing cycle of each tenant the database knows (the others are absent)."""
        with self.session() as s:
            rows = s.execute(select(m.Tenant.id, m.Tenant.timezone, m.Tenant.billing_interval,
                                    m.Tenant.billing_anchor_day, m.Tenant.billing_anchor_month)
                             .where(m.Tenant.id.in_(tenant_ids)))
            return {tenant: _cycle(tenant, *settings) for tenant, *settings in rows}

    # usage ----------------------------------------------------------------------------------------
    def record_ingest_counts(self, day: date, events_in: int, accepted: int, duplicate: int,
                             quarantined: int) -> None:
        with self.session() as s, s.begin():
            s.merge(m.UsageIngestCount(day=day, events_in=events_in, accepted=accepted, duplicate=duplicate,
                                       quarantined=quarantined, recorded_at=_now()))

    def ingest_totals(self, days: Iterable[date]) -> dict[str, int]:
        with self.session() as s:
            row = s.execute(select(
                func.count(), func.coalesce(func.sum(m.UsageIngestCount.events_in), 0),
                func.coalesce(func.sum(m.UsageIngestCount.accepted), 0),
                func.coalesce(func.sum(m.UsageIngestCount.duplicate), 0),
                func.coalesce(func.sum(m.UsageIngestCount.quarantined), 0),
            ).where(m.UsageIngestCount.day.in_(list(days)))).one()
        return dict(zip(("days", "events_in", "accepted", "duplicate", "quarantined"), map(int, row)))

    # fact packs and charges -----------------------------------------------------------------------
    def save_fact_pack(self, tenant_id: str, period: date, pack: dict) -> str:
        document = canonical_json(pack)
        digest = sha256_hex(document)
        with self.session() as s, s.begin():
            s.merge(m.FactPack(tenant_id=tenant_id, period=period, document=document, sha256=digest,
                               built_at=_now()))
        return digest

    def fact_pack(self, tenant_id: str, period: date) -> tuple[dict, str]:
        with self.session() as s:
            row = s.get(m.FactPack, (tenant_id, period))
        if row is None:
            raise NotFound(f"no fact pack for tenant {tenant_id} period {period.isoformat()}; materialize fact_packs")
        return json.loads(row.document), row.sha256

    def save_charges(self, tenant_id: str, period: date, charges: list[dict], facts_sha256: str,
                     run_id: str, executions: list, carry: dict | None = None) -> str:
        document = canonical_json(charges)
        digest = sha256_hex(document)
        with self.session() as s, s.begin():
            s.merge(m.ChargeDocument(tenant_id=tenant_id, period=period, document=document, sha256=digest,
                                     facts_sha256=facts_sha256, carry=carry or None, rated_at=_now()))
            s.add_all(_execution_rows(tenant_id, period, run_id, executions))
        return digest

    def record_failed_rating(self, tenant_id: str, period: date, run_id: str, executions: list) -> None:
        """Keep the audit of a failed program and drop the stale Charge IR so it is never invoiced."""
        with self.session() as s, s.begin():
            s.execute(delete(m.ChargeDocument).where(
                m.ChargeDocument.tenant_id == tenant_id, m.ChargeDocument.period == period))
            s.add_all(_execution_rows(tenant_id, period, run_id, executions))

    def carried_into(self, tenant_id: str, period: date) -> dict:
        """What the previous period's program carried forward into `period` (empty when nothing)."""
        previous = (period - timedelta(days=1)).replace(day=1)
        with self.session() as s:
            row = s.get(m.ChargeDocument, (tenant_id, previous))
        return dict(row.carry or {}) if row is not None else {}

    def charges(self, tenant_id: str, period: date) -> tuple[list[dict], str] | None:
        """The Charge IR of a tenant-period, or None when it was never rated or its rating failed."""
        with self.session() as s:
            row = s.get(m.ChargeDocument, (tenant_id, period))
        return None if row is None else (json.loads(row.document), row.sha256)

    # invoices -------------------------------------------------------------------------------------
    def save_draft_invoice(self, tenant_id: str, period: date, plan_id: str | None, draft: InvoiceDraft,
                           charges_sha256: str) -> int:
        """Insert or replace the draft invoice of a tenant-period (identity: tenant, period, kind, revision)."""
        with self.session() as s, s.begin():
            invoice = s.scalars(select(m.Invoice).where(
                m.Invoice.tenant_id == tenant_id, m.Invoice.period == period,
                m.Invoice.kind == "standard", m.Invoice.revision == 0)).one_or_none()
            if invoice is None:
                invoice = m.Invoice(tenant_id=tenant_id, period=period, kind="standard", revision=0,
                                    period_end=(period.replace(day=28) + timedelta(days=4)).replace(day=1)
                                    - timedelta(days=1))  # this single-invoice path bills calendar months
                s.add(invoice)
            elif invoice.status != "draft":
                raise ValueError(f"invoice {invoice.id} of {tenant_id} {period} is {invoice.status}; "
                                 "finalized invoices are corrected by credit notes, never edited")
            else:
                s.execute(delete(m.InvoiceLine).where(m.InvoiceLine.invoice_id == invoice.id))
                s.expire(invoice, ["lines"])
            _fill_invoice(invoice, plan_id, draft, charges_sha256)
            s.flush()
            return invoice.id

    def discard_draft_invoice(self, tenant_id: str, period: date) -> bool:
        """Remove a draft that no longer has Charge IR behind it; finalized invoices are never removed."""
        with self.session() as s, s.begin():
            result = s.execute(delete(m.Invoice).where(
                m.Invoice.tenant_id == tenant_id, m.Invoice.period == period, m.Invoice.status == "draft"))
        return result.rowcount > 0

    def stored_invoice(self, tenant_id: str, period: date) -> m.Invoice | None:
        with self.session() as s:
            return s.scalars(select(m.Invoice).where(
                m.Invoice.tenant_id == tenant_id, m.Invoice.period == period, m.Invoice.kind == "standard",
                m.Invoice.revision == 0).options(selectinload(m.Invoice.lines))).one_or_none()

    def invoices(self, month: date) -> list[m.Invoice]:
        """The invoices closed in `month`: those of every billing period whose last local day falls in it."""
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        with self.session() as s:
            return list(s.scalars(select(m.Invoice).where(
                m.Invoice.period_end >= month, m.Invoice.period_end < following)
                .options(selectinload(m.Invoice.lines)).order_by(m.Invoice.tenant_id, m.Invoice.period)))

    def invoice_line_count(self, period: date) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(m.InvoiceLine).join(m.Invoice)
                            .where(m.Invoice.period == period))


def _account(tenant: m.Tenant, tax: TaxSpec, subs: list[m.Subscription] | None, plans: dict,
             buckets: dict[str, list]) -> TenantAccount:
    subscriptions = tuple(SubscriptionSpec(sub.plan_id, sub.starts_at, sub.ends_at, sub.quantity, sub.trial_ends_at,
                                           f"sub_{sub.id}") for sub in subs or ())
    terms = tuple(_plan_terms(plans[plan_id], tenant.currency, buckets)
                  for plan_id in dict.fromkeys(sub.plan_id for sub in subscriptions))
    latest = next((t for t in terms if t.plan_id == subscriptions[-1].plan_id), None) if subscriptions else None
    cycle = _cycle(tenant.id, tenant.timezone, tenant.billing_interval, tenant.billing_anchor_day,
                   tenant.billing_anchor_month)
    return TenantAccount(tenant.id, tenant.currency, tenant.net_terms_days, tax,
                         subscriptions[-1] if subscriptions else None, latest.prices if latest else (),
                         latest.program if latest else None, tenant.rounding_policy,
                         latest.buckets if latest else (), cycle, subscriptions, terms, tenant.name)


def _plan_terms(plan: m.Plan, currency: str, buckets: dict[str, list]) -> PlanTerms:
    return PlanTerms(plan.id, tuple(_price(p) for p in plan.prices if p.currency == currency),
                     None if plan.program is None else tuple(plan.program), tuple(buckets.get(plan.id, ())))


def _cycle(tenant_id: str, timezone_name: str, interval: str, anchor_day: int, anchor_month: int) -> BillingCycle:
    try:
        return BillingCycle(timezone_name, interval, anchor_day, anchor_month)
    except ValueError as error:
        raise ValueError(f"tenant {tenant_id!r}: billing cycle: {error}") from None


def _price(p: m.Price) -> PriceSpec:
    return PriceSpec(rule_id=p.rule_id, component=p.component, description=p.description, metric=p.metric,
                     amount_minor=p.amount_minor, tier_mode=p.tier_mode, tiers=tuple(p.tiers or ()))


def _execution_rows(tenant_id: str, period: date, run_id: str, executions: list) -> list[m.Execution]:
    return [m.Execution(tenant_id=tenant_id, period=period, run_id=run_id, step=e.step, module_id=e.module_id,
                        module_version=e.module_version, module_sha256=e.module_sha256,
                        input_sha256=e.input_sha256, output_sha256=e.output_sha256, fuel=e.fuel,
                        duration_us=e.duration_us, warnings=e.warnings, error=e.error, created_at=_now())
            for e in executions]


def _fill_invoice(invoice: m.Invoice, plan_id: str | None, draft: InvoiceDraft, charges_sha256: str) -> None:
    invoice.status = "draft"
    invoice.plan_id = plan_id
    invoice.currency = draft.currency
    invoice.subtotal, invoice.discount, invoice.tax, invoice.total = (
        draft.subtotal, draft.discount, draft.tax, draft.total)
    invoice.issue_date, invoice.due_date = draft.issue_date, draft.due_date
    invoice.charges_sha256 = charges_sha256
    invoice.updated_at = _now()
    invoice.lines = [m.InvoiceLine(
        position=i, rule_id=line["rule_id"], kind=line["kind"], description=line["description"],
        metric=line.get("metric"), quantity=line["quantity"], unit_price=line["unit_price"],
        amount=line["amount"], taxable=line["taxable"], module_id=line["module_id"],
        module_sha256=line["module_sha256"], input_sha256=line["input_sha256"])
        for i, line in enumerate(draft.lines)]
