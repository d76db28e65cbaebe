"""A plan whose step config breaks its module's config_schema fails its tenants alone, before any fact is
built, with the plan, step and key named; the other tenants of the batch are invoiced."""

from decimal import Decimal

import pytest
from month_world import MONTH, seed_world
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from billing_dagster.close import CloseService, Stage
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.pricer import Pricer
from billing_dagster.store import models as m
from billing_dagster.store.close_store import CloseStore

USAGE = {"acme": {"api_calls": (3, "1500")}, "kaisha": {"api_calls": (1, "2001")}}
YEN_FEE = {"rule_id": "base_fee", "description": "Yen plan", "amount": 3000, "proration": "day"}


def usage_reader(tenants, period):
    return {t: {metric: {"count": count, "sum": Decimal(total), "min": Decimal(total), "max": Decimal(total)}
                for metric, (count, total) in USAGE.get(t, {}).items()} for t in tenants}


@pytest.fixture
def service(repo):
    seed_world(repo.engine)
    return CloseService(CloseStore(repo), Pricer(WasmHost(Limits()), ModuleCatalog(default_modules_dir())),
                        usage_reader)


def set_yen_program(repo, *steps):
    with Session(repo.engine) as session, session.begin():
        session.execute(update(m.Plan).where(m.Plan.id == "yen").values(program=list(steps)))


def assert_kaisha_fails_alone(service, repo, detail):
    batch = service.close(["acme", "kaisha"], MONTH)
    failure = batch.failures()["kaisha"]
    assert (failure.stage, failure.reason) == (Stage.FACTS, "program")
    assert failure.detail == detail
    assert list(batch.failures()) == ["kaisha"]
    assert {i.tenant_id: i.total for i in repo.invoices(MONTH)} == {"acme": 2706}
    assert repo.charges("kaisha", MONTH) is None


def test_a_fixed_fee_quantity_in_a_stored_program_fails_its_tenant_alone(service, repo):
    set_yen_program(repo, {"module": "fixed-fee", "kind": "producer", "config": {**YEN_FEE, "quantity": 2}})
    assert_kaisha_fails_alone(service, repo, 'the pricing program cannot run: plan "yen", step 0 (fixed-fee): '
                                             'config: unknown key "quantity"')


def test_every_problem_of_the_program_is_named(service, repo):
    set_yen_program(repo, {"module": "fixed-fee", "kind": "producer", "config": {**YEN_FEE, "quantity": 2}},
                    {"module": "category-coupons", "kind": "transformer", "config": {"coupons": [
                        {"rule_id": "c", "description": "Fees only", "percent": "50", "categorie": ["fee"]}]}})
    assert_kaisha_fails_alone(
        service, repo, 'the pricing program cannot run: plan "yen", step 0 (fixed-fee): config: unknown key '
        '"quantity"; plan "yen", step 1 (category-coupons): config.coupons[0]: unknown key "categorie" '
        '(did you mean "categories"?)')


def test_a_flat_typo_in_a_plans_price_tiers_fails_its_tenant_alone(service, repo):
    with Session(repo.engine) as session, session.begin():
        price = session.scalars(select(m.Price).where(m.Price.plan_id == "yen", m.Price.rule_id == "api_calls")).one()
        price.tiers = [price.tiers[0], {**price.tiers[1], "flat": 200}]
    assert_kaisha_fails_alone(service, repo, 'the pricing program cannot run: plan "yen", step 1 (usage-tiers): '
                                             'config.tiers[1]: unknown key "flat" (did you mean "flat_fee"?)')


def test_a_valid_stored_program_closes(service, repo):
    set_yen_program(repo, {"module": "fixed-fee", "kind": "producer", "config": YEN_FEE},
                    {"module": "tax", "kind": "transformer", "config": {"rule_id": "sales_tax"}})
    batch = service.close(["acme", "kaisha"], MONTH)
    assert batch.failures() == {}
    assert {i.tenant_id: i.total for i in repo.invoices(MONTH)} == {"acme": 2706, "kaisha": 3300}
