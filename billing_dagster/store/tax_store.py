"""Tax facts of the billing database: regions with their components, tenants' exempt categories and the regions
of their lines of some categories. Read set-based for a batch of tenants: one query per table per batch."""

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec, TaxSpec
from billing_dagster.store import models as m


def tax_specs(s: Session, tenants: Iterable[m.Tenant]) -> dict[str, TaxSpec]:
    """The TaxSpec of each tenant, by tenant id."""
    tenants = list(tenants)
    ids = [t.id for t in tenants]
    exempt = _by_tenant(s.execute(select(m.TenantTaxExemption.tenant_id, m.TenantTaxExemption.category)
                                  .where(m.TenantTaxExemption.tenant_id.in_(ids))
                                  .order_by(m.TenantTaxExemption.tenant_id, m.TenantTaxExemption.category)))
    lines = _by_tenant(s.execute(select(m.TenantTaxLineRegion.tenant_id, m.TenantTaxLineRegion.category,
                                        m.TenantTaxLineRegion.region_code)
                                 .where(m.TenantTaxLineRegion.tenant_id.in_(ids))
                                 .order_by(m.TenantTaxLineRegion.tenant_id, m.TenantTaxLineRegion.category)))
    codes = {t.tax_region for t in tenants} | {row[1] for rows in lines.values() for row in rows}
    regions = region_specs(s, codes)
    return {t.id: _spec(t, regions, exempt.get(t.id, ()), lines.get(t.id, ())) for t in tenants}


def region_specs(s: Session, codes: Iterable[str]) -> dict[str, TaxRegionSpec]:
    """The regions of `codes` that exist, each with its ordered components (two queries)."""
    codes = sorted(set(codes))
    components: dict[str, list[TaxComponentSpec]] = {}
    for row in s.scalars(select(m.TaxComponent).where(m.TaxComponent.region_code.in_(codes))
                         .order_by(m.TaxComponent.region_code, m.TaxComponent.position)):
        components.setdefault(row.region_code, []).append(TaxComponentSpec(
            row.name, row.jurisdiction, row.rate, row.compound, row.effective_from, row.effective_to))
    return {r.code: TaxRegionSpec(r.code, r.name, r.rate, tuple(components.get(r.code, ())))
            for r in s.scalars(select(m.TaxRegion).where(m.TaxRegion.code.in_(codes)))}


def replace_region(s: Session, region: TaxRegionSpec) -> None:
    """Insert or replace a region and all of its components (the caller's transaction makes it all-or-nothing)."""
    s.merge(m.TaxRegion(code=region.code, name=region.name, rate=region.rate))
    s.flush()
    s.execute(delete(m.TaxComponent).where(m.TaxComponent.region_code == region.code))
    s.add_all(m.TaxComponent(region_code=region.code, position=i, name=c.name, jurisdiction=c.jurisdiction,
                             rate=c.rate, compound=c.compound, effective_from=c.effective_from,
                             effective_to=c.effective_to)
              for i, c in enumerate(region.components))


def _by_tenant(rows) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for tenant_id, *rest in rows:
        grouped.setdefault(tenant_id, []).append(tuple(rest))
    return grouped


def _spec(tenant: m.Tenant, regions: dict[str, TaxRegionSpec], exempt: Iterable[tuple],
          lines: Iterable[tuple]) -> TaxSpec:
    own = regions[tenant.tax_region]
    return TaxSpec(own.code, own.name, own.rate, tenant.tax_exempt, own.components,
                   exempt_categories=tuple(category for (category,) in exempt),
                   line_regions=tuple((category, regions[code]) for category, code in lines))
