"""A whole month through the Dagster assets for a tenant billed by the hour with manual adjustments: time
entries imported and adjustments entered with the CLI, then usage_job and close_job; invoice lines by hand."""

from datetime import date, datetime, timezone

import dagster as dg
import pytest
from sqlalchemy.orm import Session

from billing_dagster.cli import main
from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.store import models as m
from billing_dagster.store.repository import BillingRepository
from conftest import billing_environment, fresh_database, migrated_engine

MONTH = date(2026, 2, 1)
PROGRAM = [
    {"module": "hourly", "kind": "producer", "config": {
        "rule_id": "consulting", "description": "Consulting", "rates": {"engineer": "120.00", "designer": "90"},
        "increment_minutes": 15}},
    {"module": "manual-adjustments", "kind": "transformer", "config": {"rule_id": "adjustments"}},
    {"module": "tax", "kind": "transformer", "config": {"rule_id": "sales_tax"}},
]
TIME_ENTRIES = """entry_id,user,user_type,start,seconds,billable,description
e1,ann,engineer,2026-02-03T09:00:00Z,12000,true,Architecture review
e2,ann,engineer,2026-02-04T10:00:00+01:00,3000,true,Pairing
e3,bob,designer,2026-02-05T10:00:00Z,1000,true,Logo tweaks
e4,bob,designer,2026-02-06T10:00:00Z,7200,false,Internal training
e5,ann,engineer,2026-01-31T23:59:59Z,3600,true,January: another period
e6,ann,engineer,2026-03-01T00:00:00Z,3600,true,March: another period
"""
ADJUSTMENTS = [  # (id, kind, amount, description, reason, applies at, extra flags)
    ("a1", "credit", "25.00", "SLA credit", "January outage", "2026-02-10T00:00:00Z", []),
    ("a2", "charge", "15", "Rush fee", "Weekend delivery", "2026-02-20T12:00:00Z", ["--taxable"]),
    ("a3", "credit", "99.00", "Duplicate credit", "Entered twice", "2026-02-12T00:00:00Z", []),
    ("a4", "charge", "40.00", "March fee", "Next period", "2026-03-01T00:00:00Z", []),
]

# Hand-computed (USD, Texas 8.25 %); hourly rounds each entry's time UP to the 15-minute increment:
#   e1 ann engineer 12,000 s = 3 h 20 min -> 3 h 30 min = 12,600 s (3 h 20 min alone: 3.5 h x 120.00 = 420.00)
#   e2 ann engineer  3,000 s = 50 min -> 60 min = 3,600 s     (10:00+01:00 is 09:00Z, inside February)
#   e3 bob designer  1,000 s = 16 min 40 s -> 30 min = 1,800 s
#   e4 non-billable, ignored; e5 (Jan 31 23:59:59Z) and e6 (Mar 1 00:00Z) start outside February
#   one line per user type, in rate order (the module reads canonical JSON, so designer before engineer):
#   designer:  1,800 s = 0.5 h x 90 = 45.00 -> 4,500 cents
#   engineer: 16,200 s = 4.5 h x 120.00 = 540.00 -> 54,000 cents
#   a1 credit 25.00 -> -2,500 (not taxable); a2 charge 15 -> +1,500 (taxable);
#   a3 voided -> absent; a4 applies on Mar 1 00:00Z -> March, absent
#   taxable base 4,500 + 54,000 + 1,500 = 60,000 (the untaxed credit does not lower it)
#   tax 60,000 x 0.0825 = 4,950 -> 49.50
#   subtotal 4,500 + 54,000 - 2,500 + 1,500 = 57,500; total 57,500 + 4,950 = 62,450 (624.50 USD)
EXPECTED_LINES = [
    ("consulting", "usage", "Consulting (designer)", "0.5", 4500),
    ("consulting", "usage", "Consulting (engineer)", "4.5", 54000),
    ("adjustments", "adjustment", "SLA credit (January outage)", "1", -2500),
    ("adjustments", "adjustment", "Rush fee (Weekend delivery)", "1", 1500),
    ("sales_tax", "tax", "Texas sales tax 8.25%", "600.00", 4950),
]

def _seed(engine) -> None:
    long_ago = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with Session(engine) as session, session.begin():
        session.add_all([m.TaxRegion(code="US-TX", name="Texas sales tax", rate="0.0825"),
                         m.Plan(id="retainer", name="Hourly retainer", program=PROGRAM)])
        session.flush()
        session.add_all([m.Tenant(id=tenant, name=tenant.title(), currency="USD", tax_region="US-TX",
                                  tax_exempt=False, net_terms_days=30, created_at=long_ago)
                         for tenant in ("studio", "quiet")])
        session.flush()
        session.add_all([m.Subscription(tenant_id=tenant, plan_id="retainer", starts_at=long_ago, ends_at=None)
                         for tenant in ("studio", "quiet")])


def _enter_facts(folder) -> None:
    path = folder / "studio-feb.csv"
    path.write_text(TIME_ENTRIES)
    assert main(["time-entries", "import", str(path), "--tenant", "studio"]) == 0
    for adjustment_id, kind, amount, description, reason, applies_at, flags in ADJUSTMENTS:
        assert main(["adjustments", "add", "--tenant", "studio", "--id", adjustment_id, "--kind", kind,
                     "--amount", amount, "--description", description, "--reason", reason,
                     "--applies-at", applies_at, *flags]) == 0
    assert main(["adjustments", "void", "a3", "--tenant", "studio", "--reason", "entered twice"]) == 0


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    """One closed month shared by this module's tests (closing takes seconds); the void test runs last."""
    folder = tmp_path_factory.mktemp("hourly_month")
    with (fresh_database(folder) as url, billing_environment(folder, url), migrated_engine(url) as engine,
          dg.instance_for_test() as instance):
        _seed(engine)
        _enter_facts(folder)
        register_tenants(instance, ["quiet", "studio"])
        instance.close_results = close_month(instance, MONTH)
        yield instance, BillingRepository(engine)

def test_invoice_lines_match_the_hand_computed_amounts(closed):
    _, repo = closed
    invoice = repo.stored_invoice("studio", MONTH)
    assert [(line.rule_id, line.kind, line.description, str(line.quantity), line.amount)
            for line in invoice.lines] == EXPECTED_LINES
    assert [str(line.unit_price) for line in invoice.lines] == ["90", "120.00", "-25.00", "15.00", "0.0825"]
    assert [line.taxable for line in invoice.lines] == [True, True, False, True, False]
    assert (invoice.currency, invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (
        "USD", 57500, 0, 4950, 62450)


def test_every_stage_check_passed(closed):
    instance, _ = closed
    evaluations = [e for result in instance.close_results for e in result.get_asset_check_evaluations()]
    assert len(evaluations) == 8
    assert [e.check_name for e in evaluations if not e.passed] == []

def test_the_fact_pack_holds_the_periods_entries_and_unvoided_adjustments(closed):
    _, repo = closed
    pack, _ = repo.fact_pack("studio", MONTH)
    assert sorted(pack["time_entries"]) == ["e1", "e2", "e3", "e4"]
    assert pack["time_entries"]["e2"] == {"billable": True, "description": "Pairing", "seconds": 3000,
                                          "user": "ann", "user_type": "engineer"}  # hourly does not read start
    assert pack["adjustments"] == {
        "a1": {"amount": 2500, "description": "SLA credit", "kind": "credit", "reason": "January outage",
               "taxable": False},
        "a2": {"amount": 1500, "description": "Rush fee", "kind": "charge", "reason": "Weekend delivery",
               "taxable": True}}


def test_a_tenant_without_entries_gets_empty_packs_and_a_zero_invoice(closed):
    _, repo = closed
    pack, _ = repo.fact_pack("quiet", MONTH)
    assert pack["time_entries"] == {} and pack["adjustments"] == {}
    assert repo.stored_invoice("quiet", MONTH).total == 0


def test_a_void_after_the_close_reaches_the_next_close(closed):
    instance, repo = closed
    assert main(["adjustments", "void", "a2", "--tenant", "studio", "--reason", "waived"]) == 0
    close_month(instance, MONTH)
    invoice = repo.stored_invoice("studio", MONTH)
    # a2 gone: taxable base 58,500 x 0.0825 = 4,826.25 -> 4,826; total 4,500 + 54,000 - 2,500 + 4,826 = 60,826
    assert [line.amount for line in invoice.lines] == [4500, 54000, -2500, 4826]
    assert invoice.total == 60826
