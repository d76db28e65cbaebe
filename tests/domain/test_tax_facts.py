"""The `tax` fact pack from a TaxSpec: the single rate unchanged, components meeting the period, exemptions."""

from datetime import date, datetime, timezone
from decimal import Decimal

from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec, TaxSpec
from billing_dagster.domain.contracts_facts import TaxFacts
from billing_dagster.domain.periods import month_period
from billing_dagster.domain.tax_facts import tax_facts

FEB = month_period(date(2026, 2, 1))


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, tzinfo=timezone.utc)


def test_without_components_the_pack_is_the_single_rate_as_before():
    spec = TaxSpec("US-TX", "Texas sales tax", Decimal("0.0825"), False)
    assert tax_facts(spec, FEB) == {"region": "US-TX", "name": "Texas sales tax", "rate": "0.0825", "exempt": False}


def test_components_meeting_the_period_with_their_windows():
    spec = TaxSpec("US-XS", "X", Decimal("0.08"), False, (
        TaxComponentSpec("State", "S", Decimal("0.05"), effective_to=at(1, 1)),  # ended before February
        TaxComponentSpec("State", "S", Decimal("0.06"), effective_from=at(1, 1), effective_to=at(2, 15)),
        TaxComponentSpec("State", "S", Decimal("0.0625"), effective_from=at(2, 15)),
        TaxComponentSpec("County", "C", Decimal("0.020"), compound=True, effective_from=at(3, 1)),  # March on
    ), exempt_categories=("training", "books"))
    pack = tax_facts(spec, FEB)
    assert pack["components"] == [
        {"name": "State", "rate": "0.06", "jurisdiction": "S", "effective_from": "2026-01-01T00:00:00Z",
         "effective_to": "2026-02-15T00:00:00Z"},
        {"name": "State", "rate": "0.0625", "jurisdiction": "S", "effective_from": "2026-02-15T00:00:00Z"}]
    assert pack["exempt_categories"] == ["books", "training"]
    TaxFacts.model_validate(pack)  # the contract accepts it
    march = tax_facts(spec, month_period(date(2026, 3, 1)))["components"]
    assert [(c["rate"], c.get("compound")) for c in march] == [("0.0625", None), ("0.02", True)]


def test_a_region_none_of_whose_components_meets_the_period_keeps_them_all():
    expired = TaxComponentSpec("Old", "S", Decimal("0.05"), effective_to=at(1, 1))
    pack = tax_facts(TaxSpec("R", "R", Decimal("0.08"), False, (expired,)), FEB)
    # Passed on so the module charges nothing, rather than falling back to the single 8 %.
    assert pack["components"] == [{"name": "Old", "rate": "0.05", "jurisdiction": "S",
                                   "effective_to": "2026-01-01T00:00:00Z"}]


def test_line_regions_group_categories_by_region():
    onsite = TaxRegionSpec("US-OS", "On-site", Decimal("0.05"))
    quebec = TaxRegionSpec("QC", "Quebec", Decimal("0.14975"), (
        TaxComponentSpec("GST", "CA", Decimal("0.05")), TaxComponentSpec("QST", "QC", Decimal("0.09975"), True)))
    spec = TaxSpec("US-TX", "Texas", Decimal("0.0825"), False,
                   line_regions=(("visit", onsite), ("montreal", quebec), ("install", onsite)))
    pack = tax_facts(spec, FEB)
    assert pack["regions"] == [
        {"region": "QC", "categories": ["montreal"], "name": "Quebec", "rate": "0.14975",
         "components": [{"name": "GST", "rate": "0.05", "jurisdiction": "CA"},
                        {"name": "QST", "rate": "0.09975", "jurisdiction": "QC", "compound": True}]},
        {"region": "US-OS", "categories": ["install", "visit"], "name": "On-site", "rate": "0.05"}]
    TaxFacts.model_validate(pack)
