"""The batch close service outside Dagster: exact invoices, tenants failing alone, set-based statements,
idempotent and serialized re-runs."""

import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from month_world import MONTH, TENANTS, seed_world
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from billing_dagster.close import CloseService, Stage
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.pricer import Pricer
from billing_dagster.store import models as m
from billing_dagster.store.close_store import CloseStore
from billing_dagster.store.seed import upsert_reference

USAGE = {"acme": {"api_calls": (3, "1500")}, "globex": {"api_calls": (2, "12345"), "llm_tokens": (1, "150000")},
         "kaisha": {"api_calls": (1, "2001")}, "exempt": {"api_calls": (1, "10")}}


def usage_reader(tenants, period):
    return {t: {metric: {"count": count, "sum": Decimal(total), "min": Decimal(total), "max": Decimal(total)}
                for metric, (count, total) in USAGE.get(t, {}).items()} for t in tenants}


@pytest.fixture
def service(repo):
    seed_world(repo.engine)
    return CloseService(CloseStore(repo), Pricer(WasmHost(Limits()), ModuleCatalog(default_modules_dir())),
                        usage_reader)


def test_a_batch_closes_to_the_hand_computed_totals(service, repo):
    batch = service.close(["acme", "globex", "kaisha", "exempt"], MONTH)
    assert batch.failures() == {}
    totals = {t: (c.invoice.currency, c.invoice.total, c.invoice.tax) for t, c in batch.tenants.items()}
    # acme 20.00 + 5.00 + 8.25 % tax; globex half a month of Pro + overage, 7.25 %; kaisha in yen; exempt untaxed
    assert totals == {"acme": ("USD", 2706, 206), "globex": ("USD", 6673, 451), "kaisha": ("JPY", 3850, 350),
                      "exempt": ("USD", 2000, 0)}
    assert {i.tenant_id: i.total for i in repo.invoices(MONTH)} == {t: v[1] for t, v in totals.items()}
    assert batch.mismatched_totals == [] and batch.untraced_lines == []


def test_an_unknown_tenant_fails_alone(service, repo):
    batch = service.close(["acme", "ghost", "kaisha"], MONTH)
    failure = batch.failures()["ghost"]
    assert (failure.stage, failure.reason) == (Stage.FACTS, "unknown_tenant") and "ghost" in failure.detail
    assert {i.tenant_id for i in repo.invoices(MONTH)} == {"acme", "kaisha"}
    assert [c.tenant for c in batch.produced(Stage.INVOICES)] == ["acme", "kaisha"]


def test_a_module_error_fails_its_tenant_and_drops_its_stale_charge_ir(service, repo):
    service.close(["acme", "kaisha"], MONTH)
    broken = {"rule_id": "api_calls", "component": "usage", "description": "API calls", "metric": "api_calls",
              "tier_mode": "graduated", "tiers": [{"up_to": "100", "unit_price": "0"},
                                                  {"up_to": "50", "unit_price": "1"}]}
    with Session(repo.engine) as session, session.begin():
        upsert_reference(session, plans={"yen": ("Yen", {"JPY": [broken]})}, metrics={}, tax_regions={}, tenants=[])
    batch = service.close(["acme", "kaisha"], MONTH)
    assert batch.failures()["kaisha"].stage == Stage.CHARGES
    assert batch.failures()["kaisha"].reason == "module_error"
    assert repo.charges("kaisha", MONTH) is None
    assert {i.tenant_id for i in repo.invoices(MONTH)} == {"acme"}


def test_a_finalized_invoice_is_never_edited(service, repo):
    service.close(["acme", "kaisha"], MONTH)
    with Session(repo.engine) as session, session.begin():
        session.execute(update(m.Invoice).where(m.Invoice.tenant_id == "acme").values(status="finalized", total=1))
    batch = service.close(["acme", "kaisha"], MONTH)
    assert batch.failures()["acme"].reason == "finalized"
    assert repo.stored_invoice("acme", MONTH).total == 1
    assert "kaisha" not in batch.failures()


def test_a_re_run_replaces_and_keeps_invoice_identity(service, repo):
    service.close(["acme", "globex"], MONTH)
    first = {i.tenant_id: (i.id, len(i.lines)) for i in repo.invoices(MONTH)}
    service.close(["acme", "globex"], MONTH)
    assert {i.tenant_id: (i.id, len(i.lines)) for i in repo.invoices(MONTH)} == first
    assert repo.invoice_line_count(MONTH) == sum(lines for _, lines in first.values())


def test_stages_run_alone_read_the_earlier_stage_from_the_database(service, repo):
    service.close(["acme"], MONTH, stages=[Stage.FACTS])
    assert repo.charges("acme", MONTH) is None
    rated = service.close(["acme"], MONTH, stages=[Stage.CHARGES])
    assert rated.failures() == {} and rated.tenants["acme"].charges_sha256 == repo.charges("acme", MONTH)[1]
    invoiced = service.close(["acme", "kaisha"], MONTH, stages=[Stage.INVOICES])
    assert invoiced.tenants["acme"].invoice.total == 2706
    assert invoiced.failures()["kaisha"].reason == "missing_input"


def test_statements_per_batch_do_not_grow_with_tenants(service, repo):
    many = [dict(TENANTS[0], id=f"extra{i:03d}", subscription=dict(TENANTS[0]["subscription"]))
            for i in range(40)]
    with Session(repo.engine) as session, session.begin():
        upsert_reference(session, plans={}, metrics={}, tax_regions={}, tenants=many)

    def statements(tenants):
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        event.listen(repo.engine, "before_cursor_execute", listener)
        try:
            batch = service.close(tenants, MONTH)
        finally:
            event.remove(repo.engine, "before_cursor_execute", listener)
        assert batch.failures() == {}
        return len(counted)

    few, lots = statements(["acme"]), statements([t["id"] for t in many])
    # SQLAlchemy pages very large multi-row inserts, so allow a little slack, never one round trip per tenant
    assert lots <= few + 6, (few, lots)


def test_two_runs_closing_the_same_tenant_months_take_turns(service, repo):
    errors = []

    def close():
        try:
            batch = service.close(["acme", "globex", "kaisha", "exempt"], MONTH)
            assert batch.failures() == {}
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=close) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(repo.engine) as session:
        invoices = session.scalar(select(func.count()).select_from(m.Invoice))
        lines = session.execute(select(m.InvoiceLine.invoice_id, func.count()).group_by(m.InvoiceLine.invoice_id))
        per_invoice = sorted(count for _, count in lines)
    assert invoices == 4
    assert per_invoice == [2, 4, 4, 6]  # exempt, acme, kaisha, globex: no line written twice


def test_usage_is_read_once_per_batch(repo):
    seed_world(repo.engine)
    calls = []

    def counting(tenants, period):
        calls.append(sorted(tenants))
        assert period.start == datetime(2026, 2, 1, tzinfo=timezone.utc)
        return usage_reader(tenants, period)

    service = CloseService(CloseStore(repo), Pricer(WasmHost(Limits()), ModuleCatalog(default_modules_dir())),
                           counting)
    service.close(["acme", "globex", "ghost"], MONTH)
    assert calls == [["acme", "globex"]]
