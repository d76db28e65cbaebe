"""`stripe_invoices` through Dagster: batched tenant-months, re-runs that write nothing, clear failures."""

import dagster as dg
import pytest
from providers.stripe_fake import API_KEY, StripeFake
from providers.stripe_world import ACME_LINES, KAISHA_LINES, MONTH, save_invoice, seed_tenants

from billing_dagster.definitions import defs
from billing_dagster.partitions import tenant_month_key, tenant_month_partitions
from billing_dagster.schedules import partition_range_tags

MONTH_KEY = MONTH.isoformat()


@pytest.fixture
def world(billing_env, engine, monkeypatch):
    """acme and kaisha with draft invoices, sultan without one; STRIPE_* pointing at a local fake."""
    seed_tenants(engine, ["acme", "kaisha", "sultan"])
    save_invoice(engine, "acme", ACME_LINES)
    save_invoice(engine, "kaisha", KAISHA_LINES)
    with StripeFake() as fake, dg.instance_for_test() as instance:
        monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        instance.add_dynamic_partitions("tenants", ["acme", "kaisha", "sultan"])
        yield fake, instance


def _run(instance, tenants=("acme", "kaisha", "sultan")) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("stripe_job").execute_in_process(
        instance=instance, tags=partition_range_tags(MONTH_KEY, list(tenants)), raise_on_error=False)


def _metadata(instance, tenant: str) -> dict:
    key = str(tenant_month_key(tenant, MONTH_KEY))
    records = instance.fetch_materializations(dg.AssetRecordsFilter(
        asset_key=dg.AssetKey("stripe_invoices"), asset_partitions=[key]), limit=1).records
    return {k: v.value for k, v in records[0].asset_materialization.metadata.items()}


def _failure(result: dg.ExecuteInProcessResult) -> str:
    (event,) = result.get_step_failure_events()
    return event.event_specific_data.user_failure_data.description


def test_one_batched_run_mirrors_each_tenant_month_and_a_rerun_writes_nothing(world):
    fake, instance = world
    result = _run(instance)
    assert result.success
    assert len(fake.of_type("customer")) == 2 and len(fake.of_type("invoice")) == 2
    assert len(fake.of_type("invoiceitem")) == len(ACME_LINES) + len(KAISHA_LINES)
    acme = _metadata(instance, "acme")
    assert (acme["action"], acme["total"], acme["total_minor"], acme["stripe_status"]) == (
        "created", "24.36 USD", 2436, "draft")
    assert acme["stripe_invoice"] in fake.objects and acme["stripe_writes"] == 2 + len(ACME_LINES)
    assert _metadata(instance, "kaisha")["total"] == "3850 JPY"
    assert _metadata(instance, "sultan")["skipped"] == "no invoice to mirror"

    writes = len(fake.writes())
    assert _run(instance).success
    assert len(fake.writes()) == writes
    assert _metadata(instance, "acme")["action"] == "unchanged"
    assert _metadata(instance, "acme")["stripe_writes"] == 0


def test_without_an_api_key_the_asset_fails_saying_how_to_configure(world, monkeypatch):
    fake, instance = world
    monkeypatch.delenv("STRIPE_API_KEY")
    result = _run(instance)
    assert not result.success
    assert "set STRIPE_API_KEY" in _failure(result) and fake.requests == []


def test_a_drifted_tenant_fails_its_partition_and_the_others_are_still_mirrored(world):
    fake, instance = world
    _run(instance, ["acme"])
    acme_invoice = fake.of_type("invoice")[0]["id"]
    item = next(i for i in fake.of_type("invoiceitem") if i["invoice"] == acme_invoice)
    fake.objects[item["id"]]["amount"] -= 6
    result = _run(instance)
    assert not result.success
    message = _failure(result)
    assert "1 of 3 tenant-months" in message and f"{MONTH_KEY}|acme" in message
    assert "totals 2430 USD minor units but our invoice totals 24.36 USD" in message
    assert len(fake.of_type("invoice")) == 2  # kaisha was mirrored in the same run


def test_stripe_invoices_is_a_batched_tenant_month_asset_after_invoices_outside_the_close():
    node = defs.resolve_assets_def("stripe_invoices")
    graph = defs.resolve_asset_graph()
    assert node.partitions_def == tenant_month_partitions and node.backfill_policy.max_partitions_per_run >= 100
    assert dg.AssetKey("invoices") in graph.get(dg.AssetKey("stripe_invoices")).parent_keys
    assert node.group_names_by_key[dg.AssetKey("stripe_invoices")] == "payments"
    assert _job_assets("stripe_job") == {"stripe_invoices"}
    assert "stripe_invoices" not in _job_assets("close_job")


def _job_assets(name: str) -> set[str]:
    return {key.to_user_string() for key in defs.resolve_job_def(name).asset_layer.executable_asset_keys}
