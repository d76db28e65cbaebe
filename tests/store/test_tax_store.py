"""Tax facts read from the billing database: components in order, exemptions, per-category regions, one query
per table for a whole batch of tenants."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec
from billing_dagster.domain.periods import month_period
from billing_dagster.store import models as m
from billing_dagster.store.tax_store import replace_region, tax_specs

MID_FEB = datetime(2026, 2, 15, tzinfo=timezone.utc)
STATE_OLD = TaxComponentSpec("State", "US-XS", Decimal("0.06"), effective_to=MID_FEB)
STATE_NEW = TaxComponentSpec("State", "US-XS", Decimal("0.0625"), effective_from=MID_FEB)
COUNTY = TaxComponentSpec("County", "US-XS-C1", Decimal("0.02"))
ON_TAX = TaxComponentSpec("Surcharge", "US-XS", Decimal("0.01"), compound=True)


def _seed(engine, tenants: int = 3) -> None:
    with Session(engine) as s, s.begin():
        s.add_all([m.TaxRegion(code="US-XS", name="X state", rate=Decimal("0.08")),
                   m.TaxRegion(code="US-OS", name="On-site", rate=Decimal("0.05")),
                   m.TaxRegion(code="PLAIN", name="Plain", rate=Decimal("0.1"))])
        s.flush()
        replace_region(s, TaxRegionSpec("US-XS", "X state", Decimal("0.08"), (STATE_OLD, STATE_NEW, COUNTY, ON_TAX)))
        replace_region(s, TaxRegionSpec("US-OS", "On-site", Decimal("0.05"),
                                        (TaxComponentSpec("On-site", "US-OS", Decimal("0.05")),)))
        for i in range(tenants):
            s.add(m.Tenant(id=f"t{i}", name=f"T{i}", currency="USD", tax_region="US-XS" if i else "PLAIN",
                           tax_exempt=False, net_terms_days=30, created_at=MID_FEB))
        s.flush()
        s.add_all([m.TenantTaxExemption(tenant_id="t1", category="training"),
                   m.TenantTaxExemption(tenant_id="t1", category="books"),
                   m.TenantTaxLineRegion(tenant_id="t1", category="onsite", region_code="US-OS")])


def test_components_exemptions_and_line_regions_are_read(engine):
    _seed(engine)
    with Session(engine) as s:
        specs = tax_specs(s, s.query(m.Tenant).all())
    t1 = specs["t1"]
    assert (t1.region, t1.name, t1.rate, t1.exempt) == ("US-XS", "X state", Decimal("0.08"), False)
    assert t1.components == (STATE_OLD, STATE_NEW, COUNTY, ON_TAX)  # stored order, windows as UTC-aware instants
    assert t1.components[0].effective_to.tzinfo is not None
    assert t1.exempt_categories == ("books", "training")
    assert [(category, region.code, region.components[0].rate) for category, region in t1.line_regions] == [
        ("onsite", "US-OS", Decimal("0.05"))]
    plain = specs["t0"]
    assert (plain.components, plain.exempt_categories, plain.line_regions) == ((), (), ())
    assert specs["t2"].exempt_categories == () and specs["t2"].components == t1.components


def test_a_batch_reads_each_table_once(engine):
    _seed(engine, tenants=40)
    statements: list[str] = []

    def record(conn, cursor, statement, *rest):
        statements.append(statement)

    with Session(engine) as s:
        tenants = s.query(m.Tenant).all()
        event.listen(engine, "before_cursor_execute", record)
        try:
            specs = tax_specs(s, tenants)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert len(specs) == 40
    tables = ["tenant_tax_exemptions", "tenant_tax_line_regions", "tax_components", "FROM tax_regions"]
    assert [sum(table in sql for sql in statements) for table in tables] == [1, 1, 1, 1]
    assert len(statements) == 4


def test_replacing_a_region_replaces_all_its_components(engine):
    _seed(engine)
    with Session(engine) as s, s.begin():
        replace_region(s, TaxRegionSpec("US-XS", "X state (2027)", Decimal("0.07"), (COUNTY,)))
    with Session(engine) as s:
        spec = tax_specs(s, [s.get(m.Tenant, "t1")])["t1"]
    assert (spec.name, spec.rate, spec.components) == ("X state (2027)", Decimal("0.07"), (COUNTY,))


def test_repository_accounts_carry_the_tax_spec(engine, repo):
    _seed(engine)
    accounts = repo.accounts(["t0", "t1"], month_period(date(2026, 2, 1)))
    assert accounts["t1"].tax.components == (STATE_OLD, STATE_NEW, COUNTY, ON_TAX)
    assert accounts["t1"].tax.exempt_categories == ("books", "training")
    assert accounts["t0"].tax.components == ()


@pytest.mark.parametrize("code", ["NOPE"])
def test_an_unknown_region_is_refused_by_the_database(engine, code):
    _seed(engine)
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError), Session(engine) as s, s.begin():
        s.add(m.TaxComponent(region_code=code, position=0, name="x", jurisdiction="x", rate=Decimal("0.1"),
                             compound=False))
