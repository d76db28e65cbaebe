"""A whole month closed through the Dagster assets with tax facts from the billing database: a region of four
components (a state rate that changes on February 10, a county rate and a compound municipal tax on tax), a
category the tenant is exempt on, a category taxed in another region, and prices that include tax.

February 2026 has 28 days. The state rate is 6 % before 2026-02-10 and 6.25 % from it: days 1-9 (9 days) and
10-28 (19 days). A base is split over the windows by days with largest remainder:
  100000 x 9/28 = 32142.86, 100000 x 19/28 = 67857.14 -> 32142 + 67857 = 99999, the last unit to the larger
  remainder (.86): 32143 and 67857.
Multipliers of the base per window (compound: rate x (1 + the multipliers before it)):
  Feb 1-9:   State 0.06,   County 0.02, Municipal 0.01 x 1.08   = 0.0108    (sum 0.0908)
  Feb 10-28: State 0.0625, County 0.02, Municipal 0.01 x 1.0825 = 0.010825  (sum 0.093325)

excl (plan "services", prices exclude tax; exempt on "training"; "onsite" taxed in US-OS at 5 %):
  platform 1,000.00 (no category), training 200.00 (exempt), onsite 300.00 (US-OS)
  State 6 %     32143 x 0.06                       = 1928.58           -> 1929
  State 6.25 %  67857 x 0.0625                     = 4241.0625         -> 4241
  County 2 %    100000 x 0.02                      = 2000
  Municipal 1 % 32143 x 0.0108 + 67857 x 0.010825  = 347.1444 + 734.552025 = 1081.696425 -> 1082
  On-site 5 %   30000 x 0.05                       = 1500
  subtotal 150000; tax 1929 + 4241 + 2000 + 1082 + 1500 = 10752; total 160752
incl (plan "platform", prices include tax: rounding_policy.tax_inclusive): platform 1,000.00 gross
  tax = base x multiplier / (1 + sum of the window's multipliers):
  State 6 %     32143 x 0.06 / 1.0908                             = 1768.04 -> 1768
  State 6.25 %  67857 x 0.0625 / 1.093325                         = 3879.05 -> 3879
  County 2 %    642.86 / 1.0908 + 1357.14 / 1.093325              = 589.35 + 1241.30 = 1830.64 -> 1831
  Municipal 1 % 347.1444 / 1.0908 + 734.552025 / 1.093325        = 318.25 + 671.85 = 990.10 -> 990
  tax 1768 + 3879 + 1831 + 990 = 8468; "Tax included in prices" -8468: subtotal 100000 - 8468 = 91532,
  total 91532 + 8468 = 100000 = what the customer pays = the price lines.
"""

from datetime import date, datetime, timezone
from decimal import Decimal

import dagster as dg
import pytest
from sqlalchemy.orm import Session

from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec
from billing_dagster.store import models as m
from billing_dagster.store.repository import BillingRepository
from billing_dagster.store.tax_store import replace_region
from conftest import billing_environment, fresh_database, migrated_engine

MONTH = date(2026, 2, 1)
LONG_AGO = datetime(2025, 1, 1, tzinfo=timezone.utc)
CHANGE = datetime(2026, 2, 10, tzinfo=timezone.utc)
XS = TaxRegionSpec("US-XS", "X state sales tax", Decimal("0.0825"), (
    TaxComponentSpec("State", "US-XS", Decimal("0.06"), effective_to=CHANGE),
    TaxComponentSpec("State", "US-XS", Decimal("0.0625"), effective_from=CHANGE),
    TaxComponentSpec("County", "US-XS-C1", Decimal("0.02")),
    TaxComponentSpec("Municipal", "US-XS-M", Decimal("0.01"), compound=True),
    TaxComponentSpec("Old county", "US-XS-C0", Decimal("0.03"), effective_to=datetime(2025, 7, 1, tzinfo=timezone.utc)),
))
ONSITE = TaxRegionSpec("US-OS", "On-site services tax", Decimal("0.05"))


def _fee(rule_id, amount, category=None):
    config = {"rule_id": rule_id, "description": rule_id.capitalize(), "amount": amount, "proration": "none"}
    return {"module": "fixed-fee", "kind": "producer", "config": config | ({"category": category} if category else {})}


TAX_STEP = {"module": "tax", "kind": "transformer", "config": {"rule_id": "sales_tax"}}
PLANS = {"services": [_fee("platform", 100000), _fee("training", 20000, "training"), _fee("onsite", 30000, "onsite"),
                      TAX_STEP],
         "platform": [_fee("platform", 100000), TAX_STEP]}
EXPECTED = {
    "excl": {"subtotal": 150000, "tax": 10752, "total": 160752, "lines": [
        ("platform", "fee", 100000, "Platform"), ("training", "fee", 20000, "Training"),
        ("onsite", "fee", 30000, "Onsite"),
        ("sales_tax", "tax", 1929, "State 6% (9/28 days)"), ("sales_tax", "tax", 4241, "State 6.25% (19/28 days)"),
        ("sales_tax", "tax", 2000, "County 2%"), ("sales_tax", "tax", 1082, "Municipal 1% (compound)"),
        ("sales_tax", "tax", 1500, "On-site services tax 5% (US-OS)")]},
    "incl": {"subtotal": 91532, "tax": 8468, "total": 100000, "lines": [
        ("platform", "fee", 100000, "Platform"),
        ("sales_tax", "adjustment", -8468, "Tax included in prices"),
        ("sales_tax", "tax", 1768, "State 6% (included, 9/28 days)"),
        ("sales_tax", "tax", 3879, "State 6.25% (included, 19/28 days)"),
        ("sales_tax", "tax", 1831, "County 2% (included)"),
        ("sales_tax", "tax", 990, "Municipal 1% (compound, included)")]},
}


def _seed(engine) -> None:
    with Session(engine) as s, s.begin():
        replace_region(s, XS)
        replace_region(s, ONSITE)
        for plan_id, program in PLANS.items():
            s.add(m.Plan(id=plan_id, name=plan_id, program=program))
        s.flush()
        for tenant, plan_id, policy in (("excl", "services", None), ("incl", "platform", {"tax_inclusive": True})):
            s.add(m.Tenant(id=tenant, name=tenant, currency="USD", tax_region="US-XS", tax_exempt=False,
                           net_terms_days=30, rounding_policy=policy, created_at=LONG_AGO))
            s.flush()
            s.add(m.Subscription(tenant_id=tenant, plan_id=plan_id, starts_at=LONG_AGO, ends_at=None))
        s.add(m.TenantTaxExemption(tenant_id="excl", category="training"))
        s.add(m.TenantTaxLineRegion(tenant_id="excl", category="onsite", region_code="US-OS"))


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tax_month")
    with (fresh_database(folder) as url, billing_environment(folder, url) as home,
          migrated_engine(url) as engine, dg.instance_for_test() as instance):
        (home / "landing").mkdir()
        _seed(engine)
        repo = BillingRepository(engine)
        register_tenants(instance, repo.tenant_ids())
        results = close_month(instance, MONTH)
        yield repo, results


@pytest.mark.parametrize("tenant", sorted(EXPECTED))
def test_invoice_matches_the_hand_worked_tax(closed, tenant):
    repo, _ = closed
    invoice = repo.stored_invoice(tenant, MONTH)
    expected = EXPECTED[tenant]
    assert (invoice.subtotal, invoice.tax, invoice.total) == (expected["subtotal"], expected["tax"], expected["total"])
    assert [(l.rule_id, l.kind, l.amount, l.description) for l in invoice.lines] == expected["lines"]


def test_inclusive_total_is_the_sum_of_the_price_lines(closed):
    repo, _ = closed
    invoice = repo.stored_invoice("incl", MONTH)
    assert invoice.total == sum(l.amount for l in invoice.lines if l.kind == "fee") == 100000
    assert invoice.total == sum(l.amount for l in invoice.lines)


def test_fact_pack_holds_the_components_of_february_only(closed):
    repo, _ = closed
    pack, _ = repo.fact_pack("excl", MONTH)
    tax = pack["tax"]
    # the old county rate ended in 2025: not in February's pack
    assert [(c["name"], c["rate"]) for c in tax["components"]] == [
        ("State", "0.06"), ("State", "0.0625"), ("County", "0.02"), ("Municipal", "0.01")]
    assert tax["exempt_categories"] == ["training"]
    assert tax["regions"] == [{"region": "US-OS", "categories": ["onsite"], "name": "On-site services tax",
                               "rate": "0.05"}]
    assert "exempt_categories" not in repo.fact_pack("incl", MONTH)[0]["tax"]


def test_every_close_check_passed(closed):
    _, results = closed
    evaluations = [e for result in results for e in result.get_asset_check_evaluations()]
    assert evaluations and all(e.passed for e in evaluations)
    assert "total_equals_lines_and_charge_ir" in {e.check_name for e in evaluations}
