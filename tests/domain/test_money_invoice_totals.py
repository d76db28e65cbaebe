"""Generated invoices: lines priced exactly, taxed by policy, discounted; the totals always add up."""

from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.currency import currency
from billing_dagster.domain.decimals import multiply
from billing_dagster.domain.invoicing import build_invoice
from billing_dagster.domain.periods import Period
from billing_dagster.domain.rounding import (
    RoundingLevel, RoundingMode, RoundingPolicy, TaxComputation, round_amounts, round_ratio, tax_for_lines,
    taxable_bases)

PERIOD = Period(datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 2, 1, tzinfo=timezone.utc))
CODES = ["JPY", "KRW", "USD", "EUR", "KWD", "BHD"]  # exponents 0, 2 and 3

quantities = st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)
unit_prices = st.decimals(min_value=0, max_value=1000, places=5, allow_nan=False, allow_infinity=False)
policies = st.builds(RoundingPolicy, st.sampled_from(list(RoundingMode)), st.sampled_from(list(RoundingLevel)),
                     st.sampled_from(list(TaxComputation)), st.booleans(), st.booleans())


def charge(rule_id: str, kind: str, amount: int) -> dict:
    return {"rule_id": rule_id, "kind": kind, "amount": amount}


def reference_invoice(code, priced, discount_share, rate, policy):
    """What a usage producer, a coupon and a tax transformer would emit, using only domain functions."""
    amounts = round_amounts([multiply(q, p) for q, p in priced], policy, exponent=currency(code).exponent)
    discount = sum(amounts) * discount_share // 100
    bases = taxable_bases(amounts, discount, policy)
    taxes = tax_for_lines(bases, rate, policy)
    nets = [a - t for a, t in zip(amounts, taxes)] if policy.tax_inclusive else amounts
    charges = [charge(f"usage_{i}", "usage", net) for i, net in enumerate(nets)]
    charges += [charge("coupon", "discount", -discount), charge("sales_tax", "tax", sum(taxes))]
    return amounts, discount, bases, taxes, build_invoice(charges, code, PERIOD, 30)


@settings(max_examples=200, deadline=None, database=None)
@given(st.sampled_from(CODES), st.lists(st.tuples(quantities, unit_prices), min_size=1, max_size=6),
       st.integers(0, 100), st.sampled_from(["0", "0.05", "0.0825", "0.10", "0.2", "0.0725"]), policies)
def test_lines_plus_tax_minus_discounts_is_the_total(code, priced, discount_share, rate, policy):
    amounts, discount, bases, taxes, draft = reference_invoice(code, priced, discount_share, rate, policy)
    assert draft.subtotal + draft.tax - draft.discount == draft.total
    assert draft.total == sum(line["amount"] for line in draft.lines)
    assert draft.discount == discount and draft.tax == sum(taxes)
    gross = sum(amounts) - discount
    assert draft.total == (gross if policy.tax_inclusive else gross + sum(taxes))
    exact = [Fraction(b) * Fraction(Decimal(rate)) / _divisor(rate, policy) for b in bases]
    if policy.level is RoundingLevel.LINE and policy.tax_computation is TaxComputation.PER_LINE:
        assert taxes == [round_ratio(x.numerator, x.denominator, policy.mode) for x in exact]
    else:
        whole = sum(exact, Fraction(0))
        assert sum(taxes) == round_ratio(whole.numerator, whole.denominator, policy.mode)


def _divisor(rate: str, policy: RoundingPolicy) -> Fraction:
    return 1 + Fraction(Decimal(rate)) if policy.tax_inclusive else Fraction(1)


def test_zero_decimal_currency_example():
    priced = [(Decimal("2001"), Decimal("0.5")), (Decimal("1"), Decimal("3000"))]
    amounts, _, _, taxes, draft = reference_invoice("JPY", priced, 0, "0.10", RoundingPolicy())
    assert amounts == [1000, 3000]  # 1000.5 -> 1000, half-even
    assert (draft.subtotal, draft.tax, draft.total) == (4000, 400, 4400)


def test_three_decimal_currency_example():
    priced = [(Decimal("3"), Decimal("0.3335")), (Decimal("7"), Decimal("1.0001"))]
    policy = RoundingPolicy(mode="half_up", level="invoice")
    amounts, discount, _, taxes, draft = reference_invoice("KWD", priced, 10, "0.05", policy)
    assert amounts == [1000, 7001]  # 1.0005 + 7.0007 = 8.0012 KWD -> 8.001, apportioned [1.000, 7.001]
    assert discount == 800 and sum(taxes) == 360  # (8001 - 800) x 5% = 360.05
    assert draft.total == 8001 - 800 + 360
