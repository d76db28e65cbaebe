"""Contracts between the host, pricing modules (ABI v1) and the outside world, as Pydantic models.

The models live in `contracts_*.py` by subject; this module is the public surface. `CONTRACTS` names the
published ones: `python -m billing_dagster.schemas` writes `schemas/<name>.schema.json` for each.
"""

from pydantic import BaseModel

from billing_dagster.domain.contracts_charges import ChargeDocument, ChargeLine, ModuleOutput, TracedChargeLine
from billing_dagster.domain.contracts_facts import (
    KEYED_PACK_NAMES, PACK_ENTRIES, Adjustment, AdjustmentsFacts, Bucket, BucketsFacts, CarriedUnits,
    CustomerFacts, FactPack, FactsView, SubscriptionFacts, TaxFacts, TimeEntriesFacts, TimeEntry, UsageFacts,
    UsageStats)
from billing_dagster.domain.contracts_invoice import Invoice
from billing_dagster.domain.contracts_modules import (
    ABI_VERSION, BillingPeriod, CallScope, Context, CurrencyUnit, ModuleInput, ModuleManifest, Policy, Program, Step)
from billing_dagster.domain.contracts_types import DECIMAL_PATTERN, INSTANT_PATTERN
from billing_dagster.domain.contracts_usage import Event

CONTRACTS: dict[str, type[BaseModel]] = {
    "event": Event,
    "context": Context,
    "fact-pack": FactPack,
    "customer-facts": CustomerFacts,
    "subscription-facts": SubscriptionFacts,
    "usage-facts": UsageFacts,
    "time-entries-facts": TimeEntriesFacts,
    "buckets-facts": BucketsFacts,
    "tax-facts": TaxFacts,
    "adjustments-facts": AdjustmentsFacts,
    "module-input": ModuleInput,
    "charge-line": ChargeLine,
    "module-output": ModuleOutput,
    "charge-ir-line": TracedChargeLine,
    "charge-ir": ChargeDocument,
    "program": Program,
    "module-manifest": ModuleManifest,
    "invoice": Invoice,
}

__all__ = [
    "ABI_VERSION", "CONTRACTS", "DECIMAL_PATTERN", "INSTANT_PATTERN", "KEYED_PACK_NAMES", "PACK_ENTRIES",
    "Adjustment", "AdjustmentsFacts", "BillingPeriod", "Bucket", "BucketsFacts", "CallScope", "CarriedUnits",
    "ChargeDocument", "ChargeLine", "Context", "CurrencyUnit", "CustomerFacts", "Event", "FactPack", "FactsView",
    "Invoice", "ModuleInput", "ModuleManifest", "ModuleOutput", "Policy", "Program", "Step", "SubscriptionFacts",
    "TaxFacts", "TimeEntriesFacts", "TimeEntry", "TracedChargeLine", "UsageFacts", "UsageStats",
]
