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
    """One billing period of a tenant that closes in the batch's month (most tenants have exactly one). Fields
    of a stage are set once that stage succeeded for it."""

    tenant: str
    period_key: date | None = None  # the period's local start date; None for a tenant that could not be read
    period_end: date | None = None  # its last local day
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
    """The tenant-months of one month: each tenant's periods closing in it, and the tenants with none (an
    annual tenant outside its anniversary month), which have nothing to bill."""

    month: date
    stages: tuple[Stage, ...]
    closes: list[TenantClose] = field(default_factory=list)
    idle: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    mismatched_totals: list[str] = field(default_factory=list)
    untraced_lines: list[str] = field(default_factory=list)

    @property
    def tenants(self) -> dict[str, TenantClose]:
        """Each tenant's last period close (its only one, unless its periods are shorter than a month)."""
        return {close.tenant: close for close in self.closes}

    def periods_of(self, tenant: str) -> list[TenantClose]:
        return [close for close in self.closes if close.tenant == tenant]

    def failures(self, stage: Stage | None = None) -> dict[str, Failure]:
        """The first failure of each failed tenant-month (any of its periods), optionally of one stage."""
        failures: dict[str, Failure] = {}
        for close in self.closes:
            if close.failure is not None and (stage is None or close.failure.stage == stage):
                failures.setdefault(close.tenant, close.failure)
        return failures

    def produced(self, stage: Stage) -> list[TenantClose]:
        """Period closes whose `stage` this batch wrote, for tenants all of whose periods reached it."""
        if stage not in self.stages:
            return []
        short = {close.tenant for close in self.closes if not close.reached(stage)}
        return [close for close in self.closes if close.tenant not in short]

    def tenant_count(self) -> int:
        return len({close.tenant for close in self.closes} | set(self.idle))
