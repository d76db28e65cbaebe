"""The checks that guard the close, one set per stage; each names the tenant-months that failed it.

Dagster checks are per asset, not per partition, so a batch's evaluation carries the failing partition keys
in its metadata. Only the checks of the selected stages are evaluated.
"""

from collections.abc import Iterator

import dagster as dg

from billing_dagster.close import BatchClose, Stage
from billing_dagster.partitions import tenant_month_key

EVERY_TENANT_HAS_FACTS = "every_tenant_has_facts"
EVERY_TENANT_SUBSCRIBED = "every_tenant_has_a_subscription"
EVERY_TENANT_RATED = "every_tenant_rated"
EVERY_TENANT_INVOICED = "every_tenant_invoiced"
TOTALS_MATCH = "total_equals_lines_and_charge_ir"
LINES_TRACED = "every_line_has_module_and_input_hash"

CHECK_SPECS = [
    dg.AssetCheckSpec(EVERY_TENANT_HAS_FACTS, asset="fact_packs",
                      description="Every tenant-month of the batch got a fact pack (fails for an unknown tenant, "
                                  "a step config its module's config_schema rejects, or a program whose facts cannot "
                                  "be built)."),
    dg.AssetCheckSpec(EVERY_TENANT_SUBSCRIBED, asset="fact_packs",
                      description="Every tenant has a subscription in the month; one without gets a zero invoice."),
    dg.AssetCheckSpec(EVERY_TENANT_RATED, asset="charge_lines",
                      description="Every tenant-month's pricing program ran without a module error."),
    dg.AssetCheckSpec(EVERY_TENANT_INVOICED, asset="invoices",
                      description="Every rated tenant-month has a draft invoice (fails for a finalized invoice, "
                                  "which is never edited, or Charge IR that cannot be invoiced)."),
    dg.AssetCheckSpec(TOTALS_MATCH, asset="invoices",
                      description="Stored total = sum of stored lines = Charge IR total = subtotal - discount + tax."),
    dg.AssetCheckSpec(LINES_TRACED, asset="invoices",
                      description="Every invoice line carries the module hash and input hash that produced it."),
]


def check_results(context: dg.AssetExecutionContext, batches: list[BatchClose]) -> Iterator[dg.AssetCheckResult]:
    selected = {key.name for key in context.selected_asset_check_keys}
    for name, severity, failing in _evaluations(batches):
        if name in selected:
            yield dg.AssetCheckResult(check_name=name, asset_key=_ASSET[name], passed=not failing,
                                      severity=severity, metadata={
                                          "checked": sum(b.tenant_count() for b in batches),
                                          "failures": dg.MetadataValue.json(failing)})


def _evaluations(batches: list[BatchClose]):
    def failed(stage: Stage) -> dict[str, str]:
        return {_key(b, t): str(f) for b in batches for t, f in b.failures(stage).items()}

    def listed(attribute: str) -> dict[str, str]:
        return {_key(b, t): attribute for b in batches for t in dict.fromkeys(getattr(b, attribute))}

    error, warn = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
    yield EVERY_TENANT_HAS_FACTS, error, failed(Stage.FACTS)
    yield EVERY_TENANT_SUBSCRIBED, warn, listed("unsubscribed")
    yield EVERY_TENANT_RATED, error, failed(Stage.CHARGES)
    yield EVERY_TENANT_INVOICED, error, failed(Stage.INVOICES)
    yield TOTALS_MATCH, error, listed("mismatched_totals")
    yield LINES_TRACED, error, listed("untraced_lines")


def _key(batch: BatchClose, tenant: str) -> str:
    return str(tenant_month_key(tenant, batch.month.isoformat()))


_ASSET = {spec.name: spec.asset_key for spec in CHECK_SPECS}
