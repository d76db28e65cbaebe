"""Whole-month close through Dagster: exact invoices (computed by hand here), idempotent re-runs."""

import json

import dagster as dg
import pytest
from month_world import MONTH, land_events, seed_world

from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.store.repository import BillingRepository
from conftest import billing_environment, fresh_database, migrated_engine

DUPLICATE_AND_BAD = {
    "2026-02-10": [json.dumps({"event_id": "a2", "tenant_id": "acme", "metric": "api_calls",
                               "quantity": 400, "timestamp": "2026-02-10T08:00:00Z"}),
                   json.dumps({"event_id": "x1", "tenant_id": "acme", "metric": "api_calls",
                               "quantity": -5, "timestamp": "2026-02-10T09:00:00Z"}),
                   json.dumps({"event_id": "x2", "metric": "api_calls", "quantity": 5,
                               "timestamp": "2026-02-10T09:00:00Z"})],
}

# Hand-computed, half-even at the line level:
#  acme   (Basic, TX 8.25%): fee 20.00; API 1,500 calls: 1,000 free + 500 x 0.01 = 5.00;
#         subtotal 25.00; tax 25.00 x 0.0825 = 2.0625 -> 2.06; total 27.06
#  globex (Pro from Feb 15, CA 7.25%): fee 100.00 x 14/28 days = 50.00; API 12,345: 10,000 free +
#         2,345 x 0.005 = 11.725 -> 11.72 (half-even); tokens 150,000: 100,000 free + 50,000 x 0.00001 = 0.50;
#         subtotal 62.22; tax 62.22 x 0.0725 = 4.51095 -> 4.51; total 66.73
#  kaisha (Yen, JP 10%): fee 3,000; API 2,001: 1,000 free + 1,001 x 0.5 = 500.5 -> 500 (half-even);
#         subtotal 3,500; tax 350; total 3,850 JPY
#  exempt (Basic, tax exempt): fee 20.00; API 10 calls, all free; total 20.00
EXPECTED = {
    "acme": {"currency": "USD", "subtotal": 2500, "tax": 206, "total": 2706, "amounts": [2000, 0, 500, 206]},
    "globex": {"currency": "USD", "subtotal": 6222, "tax": 451, "total": 6673,
               "amounts": [5000, 0, 1172, 0, 50, 451]},
    "kaisha": {"currency": "JPY", "subtotal": 3500, "tax": 350, "total": 3850, "amounts": [3000, 0, 500, 350]},
    "exempt": {"currency": "USD", "subtotal": 2000, "tax": 0, "total": 2000, "amounts": [2000, 0]},
}


@pytest.fixture(scope="module")
def closed_world(tmp_path_factory):
    """One closed month shared by the read-only tests of this module (closing a month takes seconds)."""
    folder = tmp_path_factory.mktemp("closed_month")
    with (fresh_database(folder) as url, billing_environment(folder, url) as home,
          migrated_engine(url) as engine, dg.instance_for_test() as instance):
        seed_world(engine)
        land_events(home, DUPLICATE_AND_BAD)
        repo = BillingRepository(engine)
        register_tenants(instance, repo.tenant_ids())
        instance.close_results = close_month(instance, MONTH)
        yield instance, repo


@pytest.fixture
def closed_month(closed_world):
    return closed_world[0]


@pytest.fixture
def repo(closed_world):
    return closed_world[1]


def _snapshot(repo):
    return [(i.id, i.tenant_id, i.total, i.tax, [(l.id, l.position, l.rule_id, l.amount, l.module_sha256)
                                                  for l in i.lines]) for i in repo.invoices(MONTH)]


def test_invoices_match_hand_computed_totals(closed_month, repo):
    invoices = {invoice.tenant_id: invoice for invoice in repo.invoices(MONTH)}
    assert sorted(invoices) == sorted(EXPECTED)
    for tenant, expected in EXPECTED.items():
        invoice = invoices[tenant]
        assert (invoice.currency, invoice.subtotal, invoice.tax, invoice.total) == (
            expected["currency"], expected["subtotal"], expected["tax"], expected["total"]), tenant
        assert [line.amount for line in invoice.lines] == expected["amounts"], tenant


def test_invoice_lines_carry_lineage_and_dates(closed_month, repo):
    globex = next(i for i in repo.invoices(MONTH) if i.tenant_id == "globex")
    assert globex.issue_date.isoformat() == "2026-03-01" and globex.due_date.isoformat() == "2026-03-16"
    fee = globex.lines[0]
    assert fee.description == "Pro plan (prorated 14/28 days)"
    assert all(len(line.module_sha256) == 64 and len(line.input_sha256) == 64 for line in globex.lines)
    tax = globex.lines[-1]
    assert (tax.kind, str(tax.quantity), str(tax.unit_price)) == ("tax", "62.22", "0.0725")


def test_rerun_leaves_identical_invoices_and_lines(closed_month, repo):
    before = _snapshot(repo)
    close_month(closed_month, MONTH)
    after = _snapshot(repo)
    assert [row[1:4] for row in after] == [row[1:4] for row in before]
    assert [row[0] for row in after] == [row[0] for row in before]
    assert repo.invoice_line_count(MONTH) == sum(len(e["amounts"]) for e in EXPECTED.values())


def test_events_are_counted_and_bad_ones_quarantined(closed_month, repo):
    from billing_dagster.domain.periods import days_of, month_period
    totals = repo.ingest_totals(days_of(month_period(MONTH)))
    assert totals == {"days": 28, "events_in": 12, "accepted": 9, "duplicate": 1, "quarantined": 2}


def test_fact_packs_hold_only_what_the_program_reads(closed_month, repo):
    acme, _ = repo.fact_pack("acme", MONTH)
    assert sorted(acme) == ["adjustments", "subscription", "tax", "usage"]
    assert acme["adjustments"] == {}  # the program reads them (manual-adjustments); none this month
    # llm_tokens is metered but no module prices it; usage-tiers reads count, min and max too (percentage bounds)
    assert list(acme["usage"]) == ["api_calls"] and acme["usage"]["api_calls"]["sum"] == "1500"
    assert sorted(acme["usage"]["api_calls"]) == ["count", "max", "min", "sum"]
    assert sorted(acme["subscription"]) == ["active_days", "active_seconds", "period_days", "period_seconds", "plan"]
    # seats are read by fixed-fee but left out at 1, the default


def test_materializations_and_checks_visible_per_partition(closed_month):
    instance = closed_month
    key = str(dg.MultiPartitionKey({"tenant": "kaisha", "month": "2026-02-01"}))
    event = instance.get_latest_materialization_event(dg.AssetKey("invoices"))
    assert event is not None
    status = instance.get_status_by_partition(dg.AssetKey("invoices"), [key], _tenant_month_defs())
    assert status[key].value == "MATERIALIZED"
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("invoices"), asset_partitions=[key]), limit=1).records
    metadata = records[0].asset_materialization.metadata
    assert metadata["total_minor"].value == 3850 and metadata["total"].value == "3850 JPY"


def _tenant_month_defs():
    from billing_dagster.partitions import tenant_month_partitions
    return tenant_month_partitions


def test_every_stage_check_ran_and_passed(closed_month):
    evaluations = [e for result in closed_month.close_results for e in result.get_asset_check_evaluations()]
    names = {e.check_name for e in evaluations}
    assert names == {"events_in_equals_accepted_duplicate_quarantined", "aggregates_count_every_accepted_event",
                     "every_tenant_has_facts", "every_tenant_has_a_subscription", "every_tenant_rated",
                     "every_tenant_invoiced", "total_equals_lines_and_charge_ir",
                     "every_line_has_module_and_input_hash"}
    assert all(e.passed for e in evaluations)
