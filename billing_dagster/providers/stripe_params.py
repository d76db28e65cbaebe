"""What is sent to Stripe, and under which idempotency key: pure functions of our invoice."""

from dataclasses import dataclass
from datetime import date, datetime

from billing_dagster.domain.money import Money
from billing_dagster.domain.periods import month_period
from billing_dagster.providers.stripe_api import StripeSyncError
from billing_dagster.store import models as m

MAX_KEY_LENGTH = 255
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})  # Stripe takes these in multiples of 10


@dataclass(frozen=True, slots=True)
class LineToSync:
    position: int
    rule_id: str
    description: str
    amount: int


@dataclass(frozen=True, slots=True)
class InvoiceToSync:
    tenant_id: str
    tenant_name: str
    period: date
    kind: str
    revision: int
    currency: str
    total: int
    days_until_due: int
    charges_sha256: str
    lines: tuple[LineToSync, ...]

    @property
    def label(self) -> str:
        return f"{self.tenant_id} {self.period:%Y-%m}"


def invoice_to_sync(invoice: m.Invoice, tenant: m.Tenant) -> InvoiceToSync:
    return InvoiceToSync(
        tenant_id=tenant.id, tenant_name=tenant.name, period=invoice.period, kind=invoice.kind,
        revision=invoice.revision, currency=invoice.currency, total=invoice.total,
        days_until_due=(invoice.due_date - invoice.issue_date).days, charges_sha256=invoice.charges_sha256,
        lines=tuple(LineToSync(line.position, line.rule_id, line.description, line.amount)
                    for line in invoice.lines))


def customer_key(prefix: str, tenant_id: str) -> str:
    return f"{prefix}:{tenant_id}:customer"


class Keys:
    """Deterministic idempotency keys: the same logical write always sends the same key."""

    def __init__(self, prefix: str, invoice: InvoiceToSync):
        self.identity = f"{prefix}:{invoice.tenant_id}:{invoice.period:%Y-%m}:{invoice.kind}:r{invoice.revision}"
        if len(self.item(10**6, 10**6)) > MAX_KEY_LENGTH:
            raise StripeSyncError(f"idempotency keys of {invoice.label} would exceed {MAX_KEY_LENGTH} characters; "
                                  "shorten the stripe resource's key_prefix")

    def invoice(self, generation: int) -> str:
        return f"{self.identity}:g{generation}:invoice"

    def update(self, generation: int) -> str:
        return f"{self.identity}:g{generation}:update"

    def item(self, generation: int, position: int) -> str:
        return f"{self.identity}:g{generation}:item:{position}"


def stripe_amount(amount: int, code: str, where: str) -> int:
    """Our minor units are Stripe's, except that Stripe takes three-decimal currencies in multiples of 10."""
    if code.upper() in THREE_DECIMAL and amount % 10:
        raise StripeSyncError(f"{where}: {Money.of(amount, code)} cannot be sent to Stripe, which accepts "
                              f"{code.upper()} amounts only in multiples of 10 minor units")
    return amount


def invoice_params(invoice: InvoiceToSync, customer: str, keys: Keys, generation: int) -> dict:
    return {
        "customer": customer, "currency": invoice.currency.lower(), "collection_method": "send_invoice",
        "days_until_due": invoice.days_until_due, "auto_advance": False,
        "pending_invoice_items_behavior": "exclude",
        "description": f"{invoice.tenant_name}: {invoice.period:%B %Y}",
        "metadata": {"billing_key": keys.identity, "billing_tenant": invoice.tenant_id,
                     "billing_period": f"{invoice.period:%Y-%m}", "billing_revision": str(invoice.revision),
                     "billing_generation": str(generation), "billing_charges_sha256": invoice.charges_sha256},
    }


def item_params(invoice: InvoiceToSync, line: LineToSync, customer: str, invoice_id: str, keys: Keys,
                 generation: int) -> dict:
    period = month_period(invoice.period)
    return {
        "customer": customer, "invoice": invoice_id, "currency": invoice.currency.lower(),
        "amount": stripe_amount(line.amount, invoice.currency, f"{invoice.label} line {line.position}"),
        "description": line.description or line.rule_id,
        "period": {"start": _unix(period.start), "end": _unix(period.end)},
        "metadata": {"billing_key": keys.identity, "billing_generation": str(generation),
                     "billing_position": str(line.position), "billing_rule": line.rule_id},
    }


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())
