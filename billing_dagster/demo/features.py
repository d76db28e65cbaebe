"""The demo's facts beyond subscriptions and usage: a multi-component tax region, an hourly consulting plan
with time entries, and operator adjustments, entered through the same store verbs as the commands."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from billing_dagster.domain.accounts import TaxComponentSpec, TaxRegionSpec
from billing_dagster.domain.period_entries import TimeEntrySpec
from billing_dagster.domain.time_entry_rows import TimeEntryRow
from billing_dagster.store.adjustments import NewAdjustment, add_adjustment, list_adjustments
from billing_dagster.store.plans import save_program
from billing_dagster.store.tax_store import replace_region
from billing_dagster.store.time_entries import import_time_entries

NYC = TaxRegionSpec("US-NY-NYC", "New York City sales tax", Decimal("0.08875"), (
    TaxComponentSpec("New York State", "NY", Decimal("0.04")),
    TaxComponentSpec("New York City", "NYC", Decimal("0.045")),
    TaxComponentSpec("Metropolitan Commuter Transportation District", "MCTD", Decimal("0.00375")),
))

# The consulting plan prices people's time: a retainer, hours by role in 15-minute steps, adjustments, tax.
CONSULTING_PROGRAM = [
    {"module": "fixed-fee", "kind": "producer", "config": {
        "rule_id": "retainer", "description": "Consulting retainer", "amount": 50000, "proration": "day"}},
    {"module": "hourly", "kind": "producer", "config": {
        "rule_id": "hours", "description": "Consulting hours", "increment_minutes": 15,
        "rates": {"engineer": "150.00", "consultant": "95.00"}}},
    {"module": "manual-adjustments", "kind": "transformer", "config": {"rule_id": "adjustment"}},
    {"module": "tax", "kind": "transformer", "config": {"rule_id": "sales_tax"}},
]
CONSULTING_TENANT = "t009"
# (tenant, kind, amount in major units, description, reason)
ADJUSTMENTS = [("t010", "credit", "15.00", "SLA credit", "API availability below 99.9 % on the 12th"),
               ("t014", "charge", "25.00", "Onboarding session", "two-hour onboarding call, agreed by email")]


def seed_features(engine: Engine, month: date, tenant_ids: set[str]) -> None:
    """Idempotent: the region and program are replaced, entries re-imported unchanged, adjustments added once."""
    with Session(engine) as session, session.begin():
        replace_region(session, NYC)
    save_program(engine, "consulting", CONSULTING_PROGRAM)
    if CONSULTING_TENANT in tenant_ids:
        import_time_entries(engine, list(enumerate(_time_entries(month), start=1)), "demo")
    for tenant, kind, amount, description, reason in ADJUSTMENTS:
        if tenant in tenant_ids and not list_adjustments(engine, tenant):
            add_adjustment(engine, NewAdjustment(tenant, kind, amount, description, reason, taxable=True,
                                                 applies_at=datetime(month.year, month.month, 12,
                                                                     tzinfo=timezone.utc)))


def _time_entries(month: date) -> list[TimeEntryRow]:
    first = datetime(month.year, month.month, 1, 9, tzinfo=timezone.utc)
    work = [("ana", "engineer", 3, 3 * 3600 + 20 * 60, True, "Data model review"),
            ("ana", "engineer", 8, 2 * 3600, True, "Pipeline tuning"),
            ("ben", "consultant", 10, 5 * 3600 + 50 * 60, True, "Pricing workshop"),
            ("ben", "consultant", 15, 3600, False, "Internal sync (not billable)"),
            ("ana", "engineer", 22, 4 * 3600 + 5 * 60, True, "Invoice migration")]
    return [TimeEntryRow(CONSULTING_TENANT, TimeEntrySpec(f"te-{month:%Y%m}-{n}", user, role,
                                                          first + timedelta(days=day - 1), seconds, billable, text))
            for n, (user, role, day, seconds, billable, text) in enumerate(work, start=1)]
