"""Provider ids of the Stripe mirror. Each id is committed on its own, right after Stripe returned it."""

from datetime import date, datetime, timezone

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from billing_dagster.store import models as m


def _now() -> datetime:
    return datetime.now(timezone.utc)


class PaymentsRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # what is mirrored -----------------------------------------------------------------------------
    def invoice_and_tenant(self, tenant_id: str, period: date) -> tuple[m.Invoice, m.Tenant] | None:
        """The latest revision of the tenant-period's standard invoice, with its lines, and its tenant."""
        with self.session() as s:
            invoice = s.scalars(select(m.Invoice).where(
                m.Invoice.tenant_id == tenant_id, m.Invoice.period == period, m.Invoice.kind == "standard")
                .order_by(m.Invoice.revision.desc()).limit(1).options(selectinload(m.Invoice.lines))).first()
            return None if invoice is None else (invoice, s.get(m.Tenant, tenant_id))

    # customers ------------------------------------------------------------------------------------
    def customer_id(self, tenant_id: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(m.StripeCustomer.stripe_customer_id).where(m.StripeCustomer.tenant_id == tenant_id))

    def save_customer(self, tenant_id: str, stripe_customer_id: str) -> str:
        """Store the tenant's customer id; a concurrent run that stored one first wins and its id is returned."""
        try:
            with self.session() as s, s.begin():
                s.add(m.StripeCustomer(tenant_id=tenant_id, stripe_customer_id=stripe_customer_id, created_at=_now()))
        except IntegrityError:
            if self.customer_id(tenant_id) is None:
                raise
        return self.customer_id(tenant_id)

    # invoices -------------------------------------------------------------------------------------
    def sync(self, tenant_id: str, period: date, kind: str = "standard",
             revision: int = 0) -> m.StripeInvoiceSync | None:
        with self.session() as s:
            return s.scalars(select(m.StripeInvoiceSync).where(
                m.StripeInvoiceSync.tenant_id == tenant_id, m.StripeInvoiceSync.period == period,
                m.StripeInvoiceSync.kind == kind, m.StripeInvoiceSync.revision == revision,
            ).options(selectinload(m.StripeInvoiceSync.items))).one_or_none()

    def open_sync(self, tenant_id: str, period: date, kind: str, revision: int, charges_sha256: str,
                  currency: str, total: int) -> tuple[m.StripeInvoiceSync, bool]:
        """The sync record of an invoice, created at generation 1 if absent; True when it already existed."""
        existing = self.sync(tenant_id, period, kind, revision)
        if existing is not None:
            return existing, True
        try:
            with self.session() as s, s.begin():
                s.add(m.StripeInvoiceSync(
                    tenant_id=tenant_id, period=period, kind=kind, revision=revision, generation=1,
                    charges_sha256=charges_sha256, currency=currency, total=total, state="pending",
                    updated_at=_now()))
        except IntegrityError:
            return self.sync(tenant_id, period, kind, revision), True
        return self.sync(tenant_id, period, kind, revision), False

    def new_generation(self, sync_id: int, charges_sha256: str, currency: str, total: int) -> m.StripeInvoiceSync:
        with self.session() as s, s.begin():
            row = s.get(m.StripeInvoiceSync, sync_id)
            row.generation += 1
            row.charges_sha256, row.currency, row.total = charges_sha256, currency, total
            row.state, row.synced_at, row.updated_at = "pending", None, _now()
        return self._by_id(sync_id)

    def save_invoice_id(self, sync_id: int, stripe_invoice_id: str) -> None:
        with self.session() as s, s.begin():
            row = s.get(m.StripeInvoiceSync, sync_id)
            row.stripe_invoice_id, row.stripe_status, row.updated_at = stripe_invoice_id, "draft", _now()

    def mark_synced(self, sync_id: int, stripe_status: str, total: int) -> None:
        with self.session() as s, s.begin():
            row = s.get(m.StripeInvoiceSync, sync_id)
            row.state, row.stripe_status, row.total = "synced", stripe_status, total
            row.synced_at = row.updated_at = _now()

    def save_status(self, sync_id: int, stripe_status: str) -> None:
        with self.session() as s, s.begin():
            row = s.get(m.StripeInvoiceSync, sync_id)
            if row.stripe_status != stripe_status:
                row.stripe_status, row.updated_at = stripe_status, _now()

    # invoice items --------------------------------------------------------------------------------
    def items(self, sync_id: int) -> list[m.StripeInvoiceItem]:
        with self.session() as s:
            return list(s.scalars(select(m.StripeInvoiceItem).where(m.StripeInvoiceItem.sync_id == sync_id)
                                  .order_by(m.StripeInvoiceItem.generation, m.StripeInvoiceItem.position)))

    def save_item(self, sync_id: int, generation: int, position: int, stripe_invoice_item_id: str, amount: int,
                  idempotency_key: str) -> None:
        """Store an item id; storing the same id twice (a concurrent run got Stripe's replay) is a no-op."""
        try:
            with self.session() as s, s.begin():
                s.add(m.StripeInvoiceItem(
                    sync_id=sync_id, generation=generation, position=position,
                    stripe_invoice_item_id=stripe_invoice_item_id, amount=amount,
                    idempotency_key=idempotency_key, created_at=_now()))
        except IntegrityError:
            with self.session() as s:
                stored = s.scalar(select(m.StripeInvoiceItem.stripe_invoice_item_id).where(
                    m.StripeInvoiceItem.sync_id == sync_id, m.StripeInvoiceItem.generation == generation,
                    m.StripeInvoiceItem.position == position))
            if stored != stripe_invoice_item_id:
                raise

    def drop_items(self, sync_id: int, stripe_invoice_item_ids: list[str]) -> None:
        if not stripe_invoice_item_ids:
            return
        with self.session() as s, s.begin():
            s.execute(delete(m.StripeInvoiceItem).where(
                m.StripeInvoiceItem.sync_id == sync_id,
                m.StripeInvoiceItem.stripe_invoice_item_id.in_(stripe_invoice_item_ids)))

    def _by_id(self, sync_id: int) -> m.StripeInvoiceSync:
        with self.session() as s:
            return s.scalars(select(m.StripeInvoiceSync).where(m.StripeInvoiceSync.id == sync_id)
                             .options(selectinload(m.StripeInvoiceSync.items))).one()
