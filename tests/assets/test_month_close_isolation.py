"""The month_close multi-asset: a tenant the billing database does not know fails alone, and the run reports
per tenant or per batch as configured."""

import dagster as dg
from month_world import MONTH, land_events, seed_world

from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.partitions import tenant_month_key, tenant_month_partitions


def _status(instance, asset: str, tenants: list[str]) -> dict[str, str]:
    keys = [str(tenant_month_key(t, MONTH.isoformat())) for t in tenants]
    status = instance.get_status_by_partition(dg.AssetKey(asset), keys, tenant_month_partitions)
    return {key.split("|")[1]: value.value if value else "MISSING" for key, value in status.items()}


def test_an_unknown_tenant_in_the_range_fails_alone(billing_env, engine, repo):
    seed_world(engine)
    land_events(billing_env)
    with dg.instance_for_test() as instance:
        register_tenants(instance, ["acme", "ghost", "kaisha"])
        results = close_month(instance, MONTH)
        assert results[-1].success
        checks = {e.check_name: e for e in results[-1].get_asset_check_evaluations()}
        assert not checks["every_tenant_has_facts"].passed
        assert list(checks["every_tenant_has_facts"].metadata["failures"].value) == ["2026-02-01|ghost"]
        assert checks["every_tenant_rated"].passed and checks["every_tenant_invoiced"].passed
        for asset in ("fact_packs", "charge_lines", "invoices"):
            assert _status(instance, asset, ["acme", "ghost", "kaisha"]) == {
                "acme": "MATERIALIZED", "ghost": "MISSING", "kaisha": "MATERIALIZED"}
    assert {i.tenant_id for i in repo.invoices(MONTH)} == {"acme", "kaisha"}


def test_per_batch_metadata_materializes_every_partition_with_batch_figures(billing_env, engine, repo):
    seed_world(engine)
    land_events(billing_env)
    config = dg.RunConfig(ops={"month_close": {"config": {"partition_metadata": "per_batch"}}})
    with dg.instance_for_test() as instance:
        register_tenants(instance, repo.tenant_ids())
        assert close_month(instance, MONTH, run_config=config)[-1].success
        assert set(_status(instance, "invoices", repo.tenant_ids()).values()) == {"MATERIALIZED"}
        event = instance.get_latest_materialization_event(dg.AssetKey("invoices"))
        metadata = event.asset_materialization.metadata
        assert metadata["batch_tenant_months"].value == 4
        assert metadata["batch_totals"].value == {"JPY": "3850 JPY", "USD": "113.79 USD"}


def test_one_tenant_month_re_runs_alone(billing_env, engine, repo):
    seed_world(engine)
    land_events(billing_env)
    from billing_dagster.definitions import defs
    with dg.instance_for_test() as instance:
        register_tenants(instance, repo.tenant_ids())
        close_month(instance, MONTH)
        before = {i.tenant_id: (i.id, i.total) for i in repo.invoices(MONTH)}
        key = str(tenant_month_key("kaisha", MONTH.isoformat()))
        result = defs.resolve_job_def("close_job").execute_in_process(instance=instance, partition_key=key)
        assert result.success
        materialized = [e.partition for e in result.get_asset_materialization_events()
                        if e.asset_key == dg.AssetKey("invoices")]
        assert [str(p) for p in materialized] == [key]
        metadata = result.get_asset_materialization_events()[-1].materialization.metadata
        assert metadata["total"].value == "3850 JPY"
    assert {i.tenant_id: (i.id, i.total) for i in repo.invoices(MONTH)} == before
