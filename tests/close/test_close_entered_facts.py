"""The batch close reads time entries and adjustments set-based and fails a tenant alone on a bad one."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from billing_dagster.close import CloseService, Stage
from billing_dagster.domain.period_entries import TimeEntrySpec
from billing_dagster.domain.time_entry_rows import TimeEntryRow
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.pricer import Pricer
from billing_dagster.store import models as m
from billing_dagster.store.adjustments import NewAdjustment, add_adjustment
from billing_dagster.store.close_store import CloseStore
from billing_dagster.store.time_entries import import_time_entries

MONTH = date(2026, 2, 1)
LONG_AGO = datetime(2025, 1, 1, tzinfo=timezone.utc)
PROGRAM = [{"module": "hourly", "kind": "producer",
            "config": {"rule_id": "hours", "description": "Support", "rates": {"engineer": "100"}}},
           {"module": "manual-adjustments", "kind": "transformer", "config": {"rule_id": "adjustments"}}]


def _seed(engine, tenants: list[str]) -> None:
    with Session(engine) as session, session.begin():
        session.add_all([m.TaxRegion(code="NONE", name="No tax", rate=0), m.Plan(id="hours", name="Hours",
                                                                                  program=PROGRAM)])
        session.flush()
        session.add_all([m.Tenant(id=t, name=t, currency="USD", tax_region="NONE", created_at=LONG_AGO)
                         for t in tenants])
        session.flush()
        session.add_all([m.Subscription(tenant_id=t, plan_id="hours", starts_at=LONG_AGO) for t in tenants])
    entry = TimeEntrySpec("e1", "ann", "engineer", datetime(2026, 2, 2, 9, tzinfo=timezone.utc), 5400, True, "Fix")
    import_time_entries(engine, [(n, TimeEntryRow(t, entry)) for n, t in enumerate(tenants, 2)], "hours.csv")
    for tenant in tenants:
        add_adjustment(engine, NewAdjustment(tenant, "credit", "10", "Goodwill", "Late reply", adjustment_id="a1",
                                             applies_at=datetime(2026, 2, 3, tzinfo=timezone.utc)))


@pytest.fixture
def service(repo):
    return CloseService(CloseStore(repo), Pricer(WasmHost(Limits()), ModuleCatalog(default_modules_dir())),
                        lambda tenants, period: {})


def test_each_tenant_is_billed_its_hours_less_its_credit(service, repo):
    _seed(repo.engine, ["t1", "t2"])
    batch = service.close(["t1", "t2"], MONTH)
    assert batch.failures() == {}
    # 5,400 s = 1.5 h x 100 = 150.00; credit 10.00 -> 140.00
    assert {t: [line["amount"] for line in c.invoice.lines] for t, c in batch.tenants.items()} == {
        "t1": [15000, -1000], "t2": [15000, -1000]}


def test_statements_per_batch_do_not_grow_with_tenants_that_have_entries(service, repo):
    tenants = [f"t{i:03d}" for i in range(40)]
    _seed(repo.engine, tenants)

    def statements(batch_tenants) -> int:
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        event.listen(repo.engine, "before_cursor_execute", listener)
        try:
            assert service.close(batch_tenants, MONTH).failures() == {}
        finally:
            event.remove(repo.engine, "before_cursor_execute", listener)
        return len(counted)

    few, lots = statements(tenants[:1]), statements(tenants)
    assert lots <= few + 6, (few, lots)


def test_an_adjustment_in_another_currency_fails_its_tenant_alone(service, repo):
    _seed(repo.engine, ["t1", "t2"])
    with Session(repo.engine) as session, session.begin():  # the tenant's currency changed after the adjustment
        session.execute(update(m.Tenant).where(m.Tenant.id == "t2").values(currency="EUR"))
    batch = service.close(["t1", "t2"], MONTH)
    failure = batch.failures()["t2"]
    assert (failure.stage, failure.reason) == (Stage.FACTS, "facts")
    assert failure.detail == "adjustment a1: currency USD is not the tenant's EUR"
    assert [i.tenant_id for i in repo.invoices(MONTH)] == ["t1"]
