"""One variant of benchmarks/dagster_floor.py, in its own process: prints the seconds of one batched run."""

import sys
import time

import dagster as dg

MONTH = "2026-10-01"
KEYS = ["fact_packs", "charge_lines", "invoices"]


def build(shape: str, metadata: str, tenant_month: dg.MultiPartitionsDefinition) -> list:
    policy = dg.BackfillPolicy.multi_run(max_partitions_per_run=100_000)
    if shape == "multi":
        specs = [dg.AssetSpec(key, partitions_def=tenant_month, skippable=metadata == "yield",
                              deps=KEYS[:i][-1:]) for i, key in enumerate(KEYS)]

        @dg.multi_asset(specs=specs, backfill_policy=policy, can_subset=False)
        def close(context: dg.AssetExecutionContext):
            yield from _report(context, metadata, KEYS)
        return [close]

    def make(key, deps):
        @dg.asset(name=key, partitions_def=tenant_month, backfill_policy=policy, deps=deps,
                  output_required=metadata != "yield")
        def one(context: dg.AssetExecutionContext):
            yield from _report(context, metadata, [key])
        return one
    return [make(key, KEYS[:i][-1:]) for i, key in enumerate(KEYS)]


def _report(context, metadata: str, keys: list[str]):
    partition_keys = context.partition_keys
    for key in keys:
        if metadata == "yield":
            for partition in partition_keys:
                yield dg.AssetMaterialization(asset_key=key, partition=partition, metadata={"total": 1})
            continue
        if metadata == "per_key":
            for partition in partition_keys:
                context.add_asset_metadata({"total": 1}, asset_key=key, partition_key=partition)
        yield dg.MaterializeResult(asset_key=key, metadata={"tenants": len(partition_keys)})


def main(shape: str, metadata: str, tenants: int) -> None:
    tenant_month = dg.MultiPartitionsDefinition({
        "month": dg.MonthlyPartitionsDefinition(start_date="2026-01-01"),
        "tenant": dg.DynamicPartitionsDefinition(name="tenants")})
    instance = dg.DagsterInstance.get()
    names = [f"t{i:05d}" for i in range(tenants)]
    instance.add_dynamic_partitions("tenants", names)
    job = dg.Definitions(assets=build(shape, metadata, tenant_month),
                         jobs=[dg.define_asset_job("close_job", selection=KEYS)],
                         executor=dg.in_process_executor).resolve_job_def("close_job")
    tags = {"dagster/asset_partition_range_start": str(dg.MultiPartitionKey({"tenant": names[0], "month": MONTH})),
            "dagster/asset_partition_range_end": str(dg.MultiPartitionKey({"tenant": names[-1], "month": MONTH}))}
    started = time.perf_counter()
    result = job.execute_in_process(instance=instance, tags=tags)
    elapsed = time.perf_counter() - started
    assert result.success
    materialized = instance.get_materialized_partitions(dg.AssetKey("invoices"))
    assert len(materialized) == tenants, (len(materialized), tenants)
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
