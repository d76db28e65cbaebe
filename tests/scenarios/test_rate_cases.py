"""Every scenario case, rated twice: by `billing-dagster rate` and by the Dagster assets charge_lines and invoices
(the month_close multi-asset with only those two selected).

The Dagster path seeds one tenant per case (its plan carrying the case's program, its rounding policy and net
terms), stores the case's facts as that tenant-month's fact pack, and materializes charge_lines and invoices
for all cases of a month in one batched run, as a month close does.
"""

import json
from datetime import datetime, timezone

import dagster as dg
import pytest
from rate_cases import expected, load_cases, observed, tenant_key
from sqlalchemy.orm import Session

from billing_dagster.assets.close import month_close
from billing_dagster.cli import main
from billing_dagster.commands.program_file import load_program, parse_month
from billing_dagster.definitions import resources
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.planner import pack_for_plan, plan_facts
from billing_dagster.schedules import partition_range_tags
from billing_dagster.store import models as m
from billing_dagster.store.repository import BillingRepository
from conftest import billing_environment, fresh_database, migrated_engine

CASES = load_cases()
LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)


def test_there_are_enough_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_through_the_rate_command(name, tmp_path, capsys):
    case = CASES[name]
    document = tmp_path / "input.json"
    document.write_text(json.dumps(case["input"]))
    code = main(["rate", "--input", str(document), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result.get("error")
    assert observed(result["charges"], result["invoice"]) == expected(case)
    if "due_date" in case["expected"]:
        assert result["invoice"]["due_date"] == case["expected"]["due_date"]


@pytest.fixture(scope="module")
def dagster_invoices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cases")
    catalog = ModuleCatalog(default_modules_dir())
    with (fresh_database(folder) as url, billing_environment(folder, url), migrated_engine(url) as engine,
          dg.instance_for_test() as instance):
        repo = BillingRepository(engine)
        months = _seed_cases(engine, repo, catalog)
        # Dynamic keys keep insertion order: each month's tenants are added together so one range covers them.
        instance.add_dynamic_partitions("tenants", [t for _, ts in sorted(months.items()) for t in sorted(ts)])
        for month, tenants in sorted(months.items()):
            result = dg.materialize([month_close], selection=["charge_lines", "invoices"], instance=instance, resources=resources(),
                                    tags=partition_range_tags(month, sorted(tenants)), raise_on_error=False)
            assert result.success
        yield {(i.tenant_id): i for month in months for i in repo.invoices(datetime.fromisoformat(month).date())}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_through_the_dagster_assets(name, dagster_invoices):
    invoice = dagster_invoices[tenant_key(name)]
    lines = [{"rule_id": l.rule_id, "kind": l.kind, "amount": l.amount} for l in invoice.lines]
    totals = {"subtotal": invoice.subtotal, "discount": invoice.discount, "tax": invoice.tax, "total": invoice.total}
    assert observed(lines, totals) == expected(CASES[name])
    if "due_date" in CASES[name]["expected"]:
        assert invoice.due_date.isoformat() == CASES[name]["expected"]["due_date"]


def _seed_cases(engine, repo: BillingRepository, catalog: ModuleCatalog) -> dict[str, list[str]]:
    months: dict[str, list[str]] = {}
    with Session(engine) as session, session.begin():
        session.add(m.TaxRegion(code="CASES", name="facts come from each case", rate=0))
        session.flush()
        for name, case in CASES.items():
            tenant, context = tenant_key(name), case["input"]["context"]
            program = load_program(case["input"]["program"], catalog, default_modules_dir())
            session.add(m.Plan(id=tenant, name=name, program=[
                {"module": s.module, "kind": s.kind, "config": s.config} for s in program.steps]))
            session.add(m.Tenant(id=tenant, name=name, currency=context["currency"], tax_region="CASES",
                                 tax_exempt=False, net_terms_days=context.get("net_terms_days", 30),
                                 rounding_policy=_policy(context), created_at=LONG_AGO))
            session.flush()
            session.add(m.Subscription(tenant_id=tenant, plan_id=tenant, starts_at=LONG_AGO, ends_at=None))
            months.setdefault(parse_month(context["period"]).start.date().isoformat(), []).append(tenant)
    for name, case in CASES.items():
        context = case["input"]["context"]
        period = parse_month(context["period"])
        program = load_program(case["input"]["program"], catalog, default_modules_dir())
        pack = pack_for_plan(case["input"]["facts"], plan_facts(catalog, program.steps, program.versions, period))
        repo.save_fact_pack(tenant_key(name), period.start.date(), pack)
    return months


def _policy(context: dict) -> dict | None:
    policy = dict(context.get("policy") or {})
    if "rounding" in context:
        policy["mode"] = context["rounding"]
    return policy or None


