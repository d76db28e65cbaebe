"""Tables of the billing database. Unique keys make every write idempotent."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from billing_dagster.store.types import ExactDecimal, UTCDateTime


class Base(DeclarativeBase):
    """The metadata every billing table (and Alembic) shares."""


class TaxRegion(Base):
    __tablename__ = "tax_regions"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)


class Metric(Base):
    __tablename__ = "metrics"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(32))
    # The largest quantity one event may carry; NULL: contracts_usage.DEFAULT_MAX_QUANTITY.
    max_event_quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    tax_region: Mapped[str] = mapped_column(ForeignKey("tax_regions.code"))
    tax_exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    net_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    rounding_policy: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # RoundingPolicy.to_dict()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The billing cycle (domain/billing_cycle.py): periods run between local midnights of `timezone`.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    billing_interval: Mapped[str] = mapped_column(String(8), default="month", server_default="month")
    billing_anchor_day: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    billing_anchor_month: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # An explicit pricing program [{module, kind, config}], used instead of the one the prices imply.
    program: Mapped[list | None] = mapped_column(JSON, nullable=True)
    prices: Mapped[list["Price"]] = relationship(back_populates="plan", order_by="Price.position")


class Price(Base):
    """One priced component of a plan in one currency: a base fee or a metric's tiers."""

    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("plan_id", "currency", "rule_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    currency: Mapped[str] = mapped_column(String(3))
    rule_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    component: Mapped[str] = mapped_column(String(16))  # base_fee | usage
    description: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str | None] = mapped_column(ForeignKey("metrics.code"), nullable=True)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tier_mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tiers: Mapped[list | None] = mapped_column(JSON, nullable=True)
    plan: Mapped[Plan] = relationship(back_populates="prices")


class PlanBucket(Base):
    """An allowance a plan includes each period; unused units roll over through the Charge IR's carry."""

    __tablename__ = "plan_buckets"
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    bucket_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(64))
    included: Mapped[Decimal] = mapped_column(ExactDecimal)


class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # seats
    trial_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # no fixed fee before


class UsageIngestCount(Base):
    """What one daily usage_events materialization saw: in = accepted + duplicate + quarantined."""

    __tablename__ = "usage_ingest_counts"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    events_in: Mapped[int] = mapped_column(BigInteger)
    accepted: Mapped[int] = mapped_column(BigInteger)
    duplicate: Mapped[int] = mapped_column(BigInteger)
    quarantined: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FactPack(Base):
    __tablename__ = "fact_packs"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChargeDocument(Base):
    """The Charge IR of one tenant-period: the program's output, canonical JSON."""

    __tablename__ = "charge_documents"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    facts_sha256: Mapped[str] = mapped_column(String(64))
    carry: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # state for the next period (bucket lots)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Execution(Base):
    """One module call: the audit trail that makes every line reproducible."""

    __tablename__ = "billing_executions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    period: Mapped[date] = mapped_column(Date)
    run_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[int] = mapped_column(Integer)
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[str] = mapped_column(String(32))
    module_sha256: Mapped[str] = mapped_column(String(64))
    input_sha256: Mapped[str] = mapped_column(String(64))
    output_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fuel: Mapped[int] = mapped_column(BigInteger)
    duration_us: Mapped[int] = mapped_column(BigInteger)
    warnings: Mapped[list] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("tenant_id", "period", "kind", "revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    period: Mapped[date] = mapped_column(Date)  # the billing period's local start date
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)  # its last local day
    kind: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    plan_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    charges_sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan")


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(300))
    metric: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)
    amount: Mapped[int] = mapped_column(BigInteger)
    taxable: Mapped[bool] = mapped_column(Boolean)
    module_id: Mapped[str] = mapped_column(String(64))
    module_sha256: Mapped[str] = mapped_column(String(64))
    input_sha256: Mapped[str] = mapped_column(String(64))
    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class StripeCustomer(Base):
    """The Stripe customer that mirrors a tenant; created once, then only read."""

    __tablename__ = "stripe_customers"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    stripe_customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StripeInvoiceSync(Base):
    """The Stripe invoice that mirrors one of our invoices (identity: tenant, period, kind, revision).

    `generation` grows each time our invoice's content (charges_sha256) changed after a sync began; the
    idempotency keys of every Stripe write carry it, so a retry repeats the same keys and a change uses new ones.
    """

    __tablename__ = "stripe_invoices"
    __table_args__ = (UniqueConstraint("tenant_id", "period", "kind", "revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    period: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer)
    charges_sha256: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16))  # pending | synced
    stripe_invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    stripe_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    items: Mapped[list["StripeInvoiceItem"]] = relationship(
        back_populates="sync", order_by="(StripeInvoiceItem.generation, StripeInvoiceItem.position)",
        cascade="all, delete-orphan")


class StripeInvoiceItem(Base):
    """One Stripe invoice item: the mirror of the invoice line at `position`, in one generation."""

    __tablename__ = "stripe_invoice_items"
    __table_args__ = (UniqueConstraint("sync_id", "generation", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("stripe_invoices.id", ondelete="CASCADE"))
    generation: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    stripe_invoice_item_id: Mapped[str] = mapped_column(String(255), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sync: Mapped[StripeInvoiceSync] = relationship(back_populates="items")


class UsageInbox(Base):
    """An event the ingestion API acknowledged: committed before the 202, drained later to a landing file.

    (tenant_id, event_id) is unique, so a retried event is stored once. `body` is the validated event's JSON
    text exactly as it will be landed; `day` is the UTC date of its timestamp (its landing partition).
    """

    __tablename__ = "usage_inbox"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_id"),
        # What drain_inbox_to_landing and the sensor look for; a partial index stays as small as the backlog.
        Index("ix_usage_inbox_undrained", "day", "id", postgresql_where=text("drained_at IS NULL"),
              sqlite_where=text("drained_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    day: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    drained_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiKey(Base):
    """A tenant's key for the ingestion API. `id` is the key's public part; only a hash of the secret is kept."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TaxComponent(Base):
    """One tax of a region (a state rate, a county rate, GST, QST), in the order the tax module charges them.

    A compound component is charged on the base plus the components before it. A rate change is two rows of
    the same name with adjoining windows: [effective_from, effective_to), NULL meaning open.
    """

    __tablename__ = "tax_components"
    region_code: Mapped[str] = mapped_column(ForeignKey("tax_regions.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    jurisdiction: Mapped[str] = mapped_column(String(64))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    compound: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    effective_to: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TenantTaxExemption(Base):
    """A category of charge lines a tenant pays no tax on (e.g. a certificate for training services)."""

    __tablename__ = "tenant_tax_exemptions"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)


class TenantTaxLineRegion(Base):
    """The tax region of a tenant's charge lines of one category when it is not the tenant's own region
    (e.g. on-site services taxed where they are performed)."""

    __tablename__ = "tenant_tax_line_regions"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("tax_regions.code"))


class TimeEntryRecord(Base):
    """A tracked block of work, imported from a file (billing-dagster time-entries import); it belongs to the
    billing period its start falls in. Re-importing an entry id with the same values changes nothing."""

    __tablename__ = "time_entries"
    __table_args__ = (UniqueConstraint("tenant_id", "entry_id"),
                      Index("ix_time_entries_tenant_started", "tenant_id", "started_at"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    entry_id: Mapped[str] = mapped_column(String(64))
    user: Mapped[str] = mapped_column(String(64))
    user_type: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[int] = mapped_column(BigInteger)
    billable: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(255))  # the imported file's name


class AdjustmentRecord(Base):
    """An operator-entered credit or charge of the billing period containing `applies_at`. Never deleted:
    a void is recorded (voided_at, void_reason) and keeps it out of every later fact pack."""

    __tablename__ = "adjustments"
    __table_args__ = (UniqueConstraint("tenant_id", "adjustment_id"),
                      CheckConstraint("amount_minor > 0", name="ck_adjustments_amount_positive"),
                      CheckConstraint("kind IN ('credit', 'charge')", name="ck_adjustments_kind"),
                      Index("ix_adjustments_tenant_applies", "tenant_id", "applies_at"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    adjustment_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # credit | charge
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # positive minor units; the kind gives the sign
    currency: Mapped[str] = mapped_column(String(3))  # always the tenant's currency
    description: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(300))
    taxable: Mapped[bool] = mapped_column(Boolean)
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    applies_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
