"""What the batch close reads and writes, one statement per batch rather than one round trip per tenant.

Writes are upserts keyed like the tables' identities, so a re-run replaces and two runs closing the same
tenant-month at once take turns on the rows instead of failing on a unique constraint.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.orm import Session

from billing_dagster.domain.accounts import TenantAccount
from billing_dagster.domain.billing_cycle import BillingCycle
from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.invoicing import InvoiceDraft
from billing_dagster.domain.period_entries import AdjustmentSpec, TimeEntrySpec
from billing_dagster.domain.periods import Period
from billing_dagster.store import models as m
from billing_dagster.store.period_facts import period_adjustments, period_time_entries
from billing_dagster.store.repository import BillingRepository
from billing_dagster.store.upsert import upsert


@dataclass(frozen=True, slots=True)
class StoredDocument:
    document: object
    sha256: str


@dataclass(frozen=True, slots=True)
class RatedDocument:
    tenant_id: str
    charges: list[dict]
    sha256: str
    facts_sha256: str
    carry: dict
    executions: list


@dataclass(frozen=True, slots=True)
class DraftRow:
    tenant_id: str
    plan_id: str | None
    draft: InvoiceDraft
    charges_sha256: str


@dataclass(frozen=True, slots=True)
class InvoiceCheck:
    """What the totals check compares, read back from the stored rows."""

    total: int
    subtotal: int
    discount: int
    tax: int
    line_sum: int
    lines: int
    untraced_lines: int
    charges_sha256: str

    def totals_agree(self, charges_total: int) -> bool:
        return self.total == self.line_sum == charges_total == self.subtotal - self.discount + self.tax


def _now() -> datetime:
    return datetime.now(timezone.utc)


class CloseStore:
    """The billing database in the close's verbs, for a batch of tenants of one period."""

    def __init__(self, repo: BillingRepository):
        self.repo = repo

    def session(self) -> Session:
        return self.repo.session()

    def known_accounts(self, tenant_ids: Sequence[str], period: Period) -> dict[str, TenantAccount]:
        """Accounts of the tenants the billing database knows; the others are simply absent."""
        with self.session() as s:
            known = set(s.scalars(select(m.Tenant.id).where(m.Tenant.id.in_(list(tenant_ids)))))
        return self.repo.accounts([t for t in tenant_ids if t in known], period) if known else {}

    def billing_cycles(self, tenant_ids: Sequence[str]) -> dict[str, BillingCycle]:
        return self.repo.billing_cycles(list(tenant_ids))

    def carried_into(self, tenant_ids: Sequence[str], previous: date) -> dict[str, dict]:
        """What each tenant's program carried forward from the period keyed `previous`."""
        with self.session() as s:
            rows = s.execute(select(m.ChargeDocument.tenant_id, m.ChargeDocument.carry).where(
                m.ChargeDocument.tenant_id.in_(list(tenant_ids)), m.ChargeDocument.period == previous))
            return {tenant: dict(carry or {}) for tenant, carry in rows}

    def time_entries(self, tenant_ids: Sequence[str], period: Period) -> dict[str, list[TimeEntrySpec]]:
        """The batch's time entries started in `period` (one query)."""
        with self.session() as s:
            return period_time_entries(s, tenant_ids, period)

    def adjustments(self, tenant_ids: Sequence[str], period: Period) -> dict[str, list[AdjustmentSpec]]:
        """The batch's unvoided adjustments applying in `period` (one query)."""
        with self.session() as s:
            return period_adjustments(s, tenant_ids, period)

    def save_fact_packs(self, period: date, packs: dict[str, StoredDocument]) -> None:
        rows = [{"tenant_id": tenant, "period": period, "document": pack.document, "sha256": pack.sha256,
                 "built_at": _now()} for tenant, pack in packs.items()]
        with self.session() as s, s.begin():
            upsert(s, m.FactPack.__table__, rows, ("tenant_id", "period"))

    def fact_packs(self, tenant_ids: Sequence[str], period: date) -> dict[str, StoredDocument]:
        with self.session() as s:
            rows = s.execute(select(m.FactPack.tenant_id, m.FactPack.document, m.FactPack.sha256).where(
                m.FactPack.tenant_id.in_(list(tenant_ids)), m.FactPack.period == period))
            return {tenant: StoredDocument(json.loads(document), sha) for tenant, document, sha in rows}

    def save_ratings(self, period: date, run_id: str, rated: Sequence[RatedDocument],
                     failed: dict[str, list]) -> None:
        """Charge IR of the rated tenants; a failed tenant loses its stale Charge IR (never invoiced) and
        keeps the audit of its failed calls. One transaction for the batch."""
        rows = [{"tenant_id": r.tenant_id, "period": period, "document": canonical_json(r.charges), "sha256": r.sha256,
                 "facts_sha256": r.facts_sha256, "carry": r.carry or None, "rated_at": _now()} for r in rated]
        executions = [row for r in rated for row in _execution_dicts(r.tenant_id, period, run_id, r.executions)]
        executions += [row for tenant, calls in failed.items()
                       for row in _execution_dicts(tenant, period, run_id, calls)]
        with self.session() as s, s.begin():
            upsert(s, m.ChargeDocument.__table__, rows, ("tenant_id", "period"))
            if failed:
                s.execute(delete(m.ChargeDocument).where(
                    m.ChargeDocument.tenant_id.in_(sorted(failed)), m.ChargeDocument.period == period))
            if executions:
                s.execute(m.Execution.__table__.insert(), executions)

    def charge_documents(self, tenant_ids: Sequence[str], period: date) -> dict[str, StoredDocument]:
        with self.session() as s:
            rows = s.execute(select(m.ChargeDocument.tenant_id, m.ChargeDocument.document,
                                    m.ChargeDocument.sha256).where(
                m.ChargeDocument.tenant_id.in_(list(tenant_ids)), m.ChargeDocument.period == period))
            return {tenant: StoredDocument(json.loads(document), sha) for tenant, document, sha in rows}

    def save_draft_invoices(self, period: date, drafts: Sequence[DraftRow], discard: Iterable[str],
                            period_end: date | None = None) -> set[str]:
        """Insert or replace the draft invoices of the batch (identity: tenant, period, kind, revision) and
        remove the drafts of `discard` tenants (no Charge IR behind them any more). A finalized invoice is never
        touched: the tenants whose invoice is not a draft are returned."""
        discard = sorted(discard)
        with self.session() as s, s.begin():
            written = upsert(s, m.Invoice.__table__, [_invoice_row(period, period_end, d) for d in drafts],
                             ("tenant_id", "period", "kind", "revision"), where=m.Invoice.status == "draft",
                             returning=(m.Invoice.id, m.Invoice.tenant_id))
            ids = {tenant: invoice_id for invoice_id, tenant in written}
            if ids:
                s.execute(delete(m.InvoiceLine).where(m.InvoiceLine.invoice_id.in_(sorted(ids.values()))))
                lines = [_line_row(ids[d.tenant_id], position, line)
                         for d in drafts if d.tenant_id in ids for position, line in enumerate(d.draft.lines)]
                if lines:  # an empty parameter list would insert one row of defaults
                    s.execute(m.InvoiceLine.__table__.insert(), lines)
            if discard:
                s.execute(delete(m.Invoice).where(m.Invoice.tenant_id.in_(discard), m.Invoice.period == period,
                                                  m.Invoice.status == "draft"))
        return {d.tenant_id for d in drafts} - set(ids)

    def invoice_checks(self, tenant_ids: Sequence[str], period: date) -> dict[str, InvoiceCheck]:
        """Stored totals and line sums of the batch's standard invoices, in one query over the batch's rows
        only (grouping every invoice line of the table would grow with all tenants ever invoiced)."""
        invoice, line = m.Invoice, m.InvoiceLine
        # An invoice without lines (nothing billed: no time, no adjustments) joins one all-NULL row: not untraced.
        untraced = case((and_(line.id.is_not(None), or_(func.coalesce(line.module_sha256, "") == "",
                                                        func.coalesce(line.input_sha256, "") == "")), 1), else_=0)
        query = (select(invoice.tenant_id, invoice.total, invoice.subtotal, invoice.discount, invoice.tax,
                        func.coalesce(func.sum(line.amount), 0), func.count(line.id),
                        func.coalesce(func.sum(untraced), 0), invoice.charges_sha256)
                 .outerjoin(line, line.invoice_id == invoice.id)
                 .where(invoice.tenant_id.in_(list(tenant_ids)), invoice.period == period,
                        invoice.kind == "standard", invoice.revision == 0)
                 .group_by(invoice.id, invoice.tenant_id, invoice.total, invoice.subtotal, invoice.discount,
                           invoice.tax, invoice.charges_sha256))
        with self.session() as s:
            return {row[0]: InvoiceCheck(*(int(v) for v in row[1:8]), row[8]) for row in s.execute(query)}


def _execution_dicts(tenant_id: str, period: date, run_id: str, executions: list) -> list[dict]:
    now = _now()
    return [{"tenant_id": tenant_id, "period": period, "run_id": run_id, "step": e.step, "module_id": e.module_id,
             "module_version": e.module_version, "module_sha256": e.module_sha256, "input_sha256": e.input_sha256,
             "output_sha256": e.output_sha256, "fuel": e.fuel, "duration_us": e.duration_us,
             "warnings": e.warnings, "error": e.error, "created_at": now} for e in executions]


def _invoice_row(period: date, period_end: date | None, row: DraftRow) -> dict:
    draft = row.draft
    return {"tenant_id": row.tenant_id, "period": period, "period_end": period_end, "kind": "standard", "revision": 0, "status": "draft",
            "plan_id": row.plan_id, "currency": draft.currency, "subtotal": draft.subtotal,
            "discount": draft.discount, "tax": draft.tax, "total": draft.total, "issue_date": draft.issue_date,
            "due_date": draft.due_date, "charges_sha256": row.charges_sha256, "updated_at": _now()}


def _line_row(invoice_id: int, position: int, line: dict) -> dict:
    return {"invoice_id": invoice_id, "position": position, "rule_id": line["rule_id"], "kind": line["kind"],
            "description": line["description"], "metric": line.get("metric"), "quantity": line["quantity"],
            "unit_price": line["unit_price"], "amount": line["amount"], "taxable": line["taxable"],
            "module_id": line["module_id"], "module_sha256": line["module_sha256"],
            "input_sha256": line["input_sha256"]}
