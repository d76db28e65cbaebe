"""The close's materializations: per tenant-month, or one per stage for the whole batch.

Dagster stores the events of a `MaterializeResult` in one batched write per asset (with
DAGSTER_EVENT_BATCH_SIZE) but copies its metadata onto every partition. Per-partition metadata costs one event
write each, and `add_asset_metadata(partition_key=)` re-lists the run's partition range on every call
(quadratic), so it is not used. Measured on PostgreSQL with both Dagster settings: 4-5 ms per tenant batched
against 35-57 ms per tenant with one event per partition (see benchmarks/RESULTS.md). Hence:

- per_tenant: one AssetMaterialization per tenant-month with that tenant's figures;
- per_batch:  one MaterializeResult per stage with the batch's figures;
- auto (default): per_tenant for runs of at most `per_tenant_limit` tenant-months, per_batch above.

Whatever the mode, a stage in which some tenant failed is reported per tenant, so a failed tenant-month is
never shown as materialized.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Literal

import dagster as dg

from billing_dagster.close import BatchClose, Stage, TenantClose
from billing_dagster.domain.money import Money


class CloseConfig(dg.Config):
    partition_metadata: Literal["auto", "per_tenant", "per_batch"] = "auto"
    """How tenant-month materializations are reported (see billing_dagster/assets/close_metadata.py)."""
    per_tenant_limit: int = 100
    """In auto mode, the largest run reported per tenant."""

    def per_tenant(self, partitions: int) -> bool:
        if self.partition_metadata == "auto":
            return partitions <= self.per_tenant_limit
        return self.partition_metadata == "per_tenant"


def materializations(batches: list[BatchClose], keys: dict[tuple, str],
                     per_tenant: bool) -> Iterator[dg.AssetMaterialization | dg.MaterializeResult]:
    """`keys[(month, tenant)]` is the partition key of a tenant-month of the run."""
    for stage in batches[0].stages if batches else ():
        if per_tenant or any(batch.failures(stage) for batch in batches):
            describe = _DESCRIBE[stage]
            for batch in batches:
                by_tenant: dict[str, list[TenantClose]] = defaultdict(list)
                for close in batch.produced(stage):
                    by_tenant[close.tenant].append(close)
                for tenant, closes in by_tenant.items():
                    yield dg.AssetMaterialization(asset_key=stage.value, partition=keys[batch.month, tenant],
                                                  metadata=_per_tenant(describe, closes))
                for tenant in batch.idle:
                    yield dg.AssetMaterialization(asset_key=stage.value, partition=keys[batch.month, tenant],
                                                  metadata={"periods": 0, "note": "no billing period of this "
                                                            "tenant closes in this month"})
        else:
            yield dg.MaterializeResult(asset_key=stage.value, metadata=_batch_metadata(stage, batches))


def _batch_metadata(stage: Stage, batches: list[BatchClose]) -> dict:
    closes = [close for batch in batches for close in batch.produced(stage)]
    metadata = {"batch_tenant_months": len({(batch.month, c.tenant) for batch in batches for c in batch.produced(stage)}
                                           | {(batch.month, t) for batch in batches for t in batch.idle}),
                "batch_periods": len(closes), "reported": "per batch: these figures cover the whole run"}
    if stage == Stage.CHARGES:
        metadata["batch_fuel"] = sum(close.fuel for close in closes)
    if stage == Stage.INVOICES:
        totals: dict[str, int] = defaultdict(int)
        for close in closes:
            totals[close.invoice.currency] += close.invoice.total
        metadata["batch_totals"] = dg.MetadataValue.json(
            {code: str(Money.of(amount, code)) for code, amount in sorted(totals.items())})
    return metadata


def _per_tenant(describe, closes: list[TenantClose]) -> dict:
    """One period: its figures; several (a weekly tenant): their count and each period's figures."""
    if len(closes) == 1:
        return {**describe(closes[0]), "period": _period_text(closes[0])}
    return {"periods": len(closes), "by_period": dg.MetadataValue.json(
        {_period_text(close): _plain(describe(close)) for close in closes})}


def _period_text(close: TenantClose) -> str:
    return f"{close.period_key.isoformat()} to {close.period_end.isoformat()}"


def _plain(metadata: dict) -> dict:
    return {key: value.value if isinstance(value, dg.MetadataValue) else value for key, value in metadata.items()
            if key != "preview"}


def _facts(close: TenantClose) -> dict:
    return {"sha256": close.facts_sha256, "packs": ", ".join(close.packs), "plan": close.plan or "none",
            "usage": dg.MetadataValue.json(close.usage)}


def _charges(close: TenantClose) -> dict:
    return {"sha256": close.charges_sha256, "lines": len(close.charges or ()), "facts_sha256": close.facts_sha256,
            "fuel": close.fuel, "modules": dg.MetadataValue.json(close.modules)}


def _invoice(close: TenantClose) -> dict:
    invoice = close.invoice
    return {"total": str(Money.of(invoice.total, invoice.currency)), "total_minor": invoice.total,
            "tax_minor": invoice.tax, "currency": invoice.currency, "lines": len(invoice.lines),
            "plan": close.plan or "none", "due_date": invoice.due_date.isoformat(),
            "charges_sha256": invoice.charges_sha256, "preview": dg.MetadataValue.md(_preview(invoice))}


def _preview(invoice) -> str:
    rows = ["| line | quantity | unit price | amount |", "|---|---:|---:|---:|"]
    rows += [f"| {line['description']} | {line['quantity']} | {line['unit_price']} | "
             f"{Money.of(line['amount'], invoice.currency)} |" for line in invoice.lines]
    rows.append(f"| **total** | | | **{Money.of(invoice.total, invoice.currency)}** |")
    return "\n".join(rows)


_DESCRIBE = {Stage.FACTS: _facts, Stage.CHARGES: _charges, Stage.INVOICES: _invoice}
