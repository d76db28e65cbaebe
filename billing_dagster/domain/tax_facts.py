"""The `tax` fact pack: a tenant's region (single name and rate), its components in effect during the period,
the categories the tenant is exempt on and the regions of its lines of some categories. Without component rows,
exemptions or line regions it is exactly the single rate."""

from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec, TaxSpec
from billing_dagster.domain.decimals import decimal_text
from billing_dagster.domain.periods import Period, isoformat_utc


def tax_facts(tax: TaxSpec, period: Period) -> dict:
    pack = {"region": tax.region, "name": tax.name, "rate": decimal_text(tax.rate), "exempt": tax.exempt}
    if tax.components:
        pack["components"] = components_in(tax.components, period)
    if tax.exempt_categories:
        pack["exempt_categories"] = sorted(tax.exempt_categories)
    if tax.line_regions:
        pack["regions"] = line_regions(tax.line_regions, period)
    return pack


def line_regions(pairs: tuple[tuple[str, TaxRegionSpec], ...], period: Period) -> list[dict]:
    """One entry per region, by region code, with every category it taxes for the tenant."""
    categories: dict[str, list[str]] = {}
    regions: dict[str, TaxRegionSpec] = {}
    for category, region in pairs:
        categories.setdefault(region.code, []).append(category)
        regions[region.code] = region
    return [_region(regions[code], sorted(categories[code]), period) for code in sorted(regions)]


def _region(region: TaxRegionSpec, categories: list[str], period: Period) -> dict:
    entry = {"region": region.code, "categories": categories, "name": region.name,
             "rate": decimal_text(region.rate)}
    if region.components:
        entry["components"] = components_in(region.components, period)
    return entry


def components_in(components: tuple[TaxComponentSpec, ...], period: Period) -> list[dict]:
    """The components whose window meets the period, windows as stored (the tax module clips them to the
    period by UTC date). When none meets it every component is passed: the module then charges none, where
    dropping them all would fall back to the region's single rate."""
    meeting = [c for c in components if _meets(c, period)] or list(components)
    return [_component(c) for c in meeting]


def _meets(component: TaxComponentSpec, period: Period) -> bool:
    starts_before_end = component.effective_from is None or component.effective_from < period.end
    ends_after_start = component.effective_to is None or component.effective_to > period.start
    return starts_before_end and ends_after_start


def _component(c: TaxComponentSpec) -> dict:
    item = {"name": c.name, "rate": decimal_text(c.rate), "jurisdiction": c.jurisdiction}
    if c.compound:
        item["compound"] = True
    if c.effective_from is not None:
        item["effective_from"] = isoformat_utc(c.effective_from)
    if c.effective_to is not None:
        item["effective_to"] = isoformat_utc(c.effective_to)
    return item
