"""A whole month closed through Dagster, then mirrored by `stripe_job`: Stripe agrees with every invoice."""

import dagster as dg
from month_world import MONTH, land_events, seed_world
from providers.stripe_fake import API_KEY, StripeFake

from billing_dagster.definitions import defs
from billing_dagster.demo.close import close_month, register_tenants
from billing_dagster.schedules import partition_range_tags


def test_closed_month_mirrors_to_stripe_line_for_line(billing_env, engine, repo, monkeypatch):
    seed_world(engine)
    land_events(billing_env)
    with StripeFake() as fake, dg.instance_for_test() as instance:
        monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        register_tenants(instance, repo.tenant_ids())
        close_month(instance, MONTH)
        tenants = instance.get_dynamic_partitions("tenants")
        stripe_job = defs.resolve_job_def("stripe_job")
        assert stripe_job.execute_in_process(instance=instance, tags=partition_range_tags(
            MONTH.isoformat(), tenants)).success

        invoices = {i.tenant_id: i for i in repo.invoices(MONTH)}
        mirrored = {i["metadata"]["billing_tenant"]: i for i in fake.of_type("invoice")}
        assert sorted(mirrored) == sorted(invoices)
        for tenant, ours in invoices.items():
            theirs = mirrored[tenant]
            assert (theirs["total"], theirs["currency"]) == (ours.total, ours.currency.lower()), tenant
            items = sorted((i for i in fake.of_type("invoiceitem") if i["invoice"] == theirs["id"]),
                           key=lambda i: int(i["metadata"]["billing_position"]))
            assert [(i["amount"], i["description"]) for i in items] == [
                (line.amount, line.description) for line in ours.lines], tenant
            assert theirs["days_until_due"] == (ours.due_date - ours.issue_date).days
