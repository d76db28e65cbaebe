"""What closing a batch of tenant-months produced, tenant by tenant, stage by stage."""

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class Stage(str, Enum):
    """The close's stages, in order; each is a tenant × month asset of the same name."""

    FACTS = "fact_packs"
    CHARGES = "charge_lines"
    INVOICES = "invoices"


STAGES = (Stage.FACTS, Stage.CHARGES, Stage.INVOICES)


@dataclass(frozen=True, slots=True)
class Failure:
    stage: Stage
    reason: str  # unknown_tenant | missing_input | program | facts | module_error | invoice | finalized
    detail: str

    def __str__(self) -> str:
        return f"{self.stage.value}: {self.reason}: {self.detail}"


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    currency: str
    subtotal: int
    discount: int
    tax: int
    total: int
    due_date: date
    lines: tuple[dict, ...]
    charges_sha256: str


@dataclass(slots=True)
class TenantClose:
    """One tenant-month. Fields of a stage are set once that stage succeeded for the tenant."""

    tenant: str
    plan: str | None = None
    currency: str | None = None
    facts_sha256: str | None = None
    packs: tuple[str, ...] = ()
    usage: dict = field(default_factory=dict)
    charges: list[dict] | None = None
    charges_sha256: str | None = None
    fuel: int = 0
    modules: dict[str, str] = field(default_factory=dict)
    invoice: InvoiceSummary | None = None
    failure: Failure | None = None

    def reached(self, stage: Stage) -> bool:
        """True when `stage` was produced for this tenant (by this batch or read from an earlier one)."""
        return self.failure is None or STAGES.index(self.failure.stage) > STAGES.index(stage)


@dataclass(slots=True)
class BatchClose:
    month: date
    stages: tuple[Stage, ...]
    tenants: dict[str, TenantClose]
    unsubscribed: list[str] = field(default_factory=list)
    mismatched_totals: list[str] = field(default_factory=list)
    untraced_lines: list[str] = field(default_factory=list)

    def failures(self, stage: Stage | None = None) -> dict[str, Failure]:
        return {tenant: close.failure for tenant, close in self.tenants.items()
                if close.failure is not None and (stage is None or close.failure.stage == stage)}

    def produced(self, stage: Stage) -> list[TenantClose]:
        """Tenants whose `stage` this batch wrote."""
        return [close for close in self.tenants.values() if stage in self.stages and close.reached(stage)]
