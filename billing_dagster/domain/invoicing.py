"""Invoice generation: a pure function from a Charge IR document to an invoice draft."""

from dataclasses import dataclass
from datetime import date, timedelta

from billing_dagster.domain.periods import Period

ADDITIVE_KINDS = frozenset({"fee", "usage", "adjustment"})


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    currency: str
    subtotal: int
    discount: int
    tax: int
    total: int
    issue_date: date
    due_date: date
    lines: tuple[dict, ...]


class InvoiceError(ValueError):
    """A Charge IR line cannot be invoiced (not integer minor units, unknown kind)."""


def build_invoice(charges: list[dict], currency: str, period: Period, net_terms_days: int) -> InvoiceDraft:
    """Totals are integer sums of the lines: total == subtotal - discount + tax == sum(amounts)."""
    for index, line in enumerate(charges):
        _check_line(index, line)
    subtotal = sum(line["amount"] for line in charges if line["kind"] in ADDITIVE_KINDS)
    discount = -sum(line["amount"] for line in charges if line["kind"] == "discount")
    tax = sum(line["amount"] for line in charges if line["kind"] == "tax")
    issue = period.end.date()
    return InvoiceDraft(
        currency=currency, subtotal=subtotal, discount=discount, tax=tax,
        total=subtotal - discount + tax, issue_date=issue,
        due_date=issue + timedelta(days=net_terms_days), lines=tuple(charges))


def _check_line(index: int, line: dict) -> None:
    amount = line.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvoiceError(f"charge line {index} ({line.get('rule_id')}): amount must be integer minor units")
    if line.get("kind") not in ADDITIVE_KINDS | {"discount", "tax"}:
        raise InvoiceError(f"charge line {index} ({line.get('rule_id')}): unknown kind {line.get('kind')!r}")
