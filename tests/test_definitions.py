"""The composition root loads, and the asset graph is the one docs/architecture.md describes."""

import dagster as dg
from dagster._core.definitions.partitions.context import partition_loading_context

from billing_dagster.definitions import defs
from billing_dagster.partitions import tenant_month_partitions


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_stages_and_partitions():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"usage_events", "usage_daily", "fact_packs", "charge_lines", "invoices"} <= keys
    assert graph.get(dg.AssetKey("fact_packs")).partitions_def == tenant_month_partitions
    assert dg.AssetKey("usage_daily") in graph.get(dg.AssetKey("fact_packs")).parent_keys
    assert dg.AssetKey("charge_lines") in graph.get(dg.AssetKey("invoices")).parent_keys


def test_tenant_month_depends_on_every_day_of_its_month():
    graph = defs.resolve_asset_graph()
    with dg.instance_for_test() as instance, partition_loading_context(dynamic_partitions_store=instance):
        instance.add_dynamic_partitions("tenants", ["acme"])
        upstream = graph.get_parents_partitions(
            dg.AssetKey("fact_packs"), dg.MultiPartitionKey({"tenant": "acme", "month": "2026-02-01"}))
    days = sorted(p.partition_key for p in upstream.parent_partitions if p.asset_key == dg.AssetKey("usage_daily"))
    assert days[0] == "2026-02-01" and days[-1] == "2026-02-28" and len(days) == 28


def test_month_close_is_batched_not_one_run_per_tenant():
    for key in ("fact_packs", "charge_lines", "invoices"):
        policy = defs.resolve_assets_def(key).backfill_policy
        assert policy.max_partitions_per_run >= 100


def test_monthly_close_schedule_requests_batched_runs():
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("tenants", [f"t{i:04d}" for i in range(1200)])
        context = dg.build_schedule_context(instance=instance,
                                            scheduled_execution_time=__import__("datetime").datetime(2026, 11, 1, 6))
        requests = list(defs.get_schedule_def("monthly_close_schedule").evaluate_tick(context).run_requests)
    assert len(requests) == 3  # 500 + 500 + 200
    assert requests[0].tags["dagster/asset_partition_range_start"] == "2026-10-01|t0000"
    assert requests[0].tags["dagster/asset_partition_range_end"] == "2026-10-01|t0499"
    assert requests[-1].tags["dagster/asset_partition_range_end"] == "2026-10-01|t1199"
