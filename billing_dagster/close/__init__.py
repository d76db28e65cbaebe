"""The batch close service: facts → program → invoice for a batch of tenant-months.

    service = CloseService(CloseStore(repo), pricer, usage_reader)
    batch = service.close(["t001", "t002"], date(2026, 10, 1))
    batch.failures()          # {tenant: Failure(stage, reason, detail)} for the tenants that failed alone
"""

from billing_dagster.close.outcome import STAGES, BatchClose, Failure, InvoiceSummary, Stage, TenantClose
from billing_dagster.close.service import CloseService, Rating, UsageReader, rate_period

__all__ = ["STAGES", "BatchClose", "CloseService", "Failure", "InvoiceSummary", "Rating", "Stage", "TenantClose",
           "UsageReader", "rate_period"]
