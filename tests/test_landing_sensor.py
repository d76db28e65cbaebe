"""landing_sensor: one usage_job run per day whose landing files changed or whose inbox has events; never
twice for the same files."""

import dagster as dg
from month_world import land_events, seed_world

from billing_dagster.definitions import defs
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.lake import LakeResource


def _tick(instance, cursor, db_url, home):
    resources = {"db": BillingDatabase(url=db_url), "lake": LakeResource(root=str(home))}
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources) as context:
        return defs.get_sensor_def("landing_sensor")(context)


def test_new_files_and_inbox_rows_request_one_run_per_day(billing_env, engine, db_url):
    seed_world(engine)
    land_events(billing_env)
    with dg.instance_for_test() as instance:
        first = _tick(instance, None, db_url, billing_env)
        days = sorted(r.partition_key for r in first.run_requests)
        assert days == ["2026-02-01", "2026-02-03", "2026-02-04", "2026-02-10", "2026-02-11", "2026-02-15",
                        "2026-02-20", "2026-02-21", "2026-02-28"]
        again = _tick(instance, first.cursor, db_url, billing_env)
        assert isinstance(again, dg.SkipReason)
        (billing_env / "landing" / "date=2026-02-03" / "late.jsonl").write_text("{}\n")
        changed = _tick(instance, first.cursor, db_url, billing_env)
        assert [r.partition_key for r in changed.run_requests] == ["2026-02-03"]


def test_inbox_rows_request_a_run_for_their_day_and_again_after_the_drain(billing_env, engine, db_url):
    from datetime import date

    from billing_dagster.usage.inbox import InboxEvent, append_events, drain_inbox_to_landing
    from billing_dagster.usage.lake import Lake
    seed_world(engine)
    body = ('{"event_id":"api-1","tenant_id":"acme","metric":"api_calls","quantity":"2",'
            '"timestamp":"2026-03-04T10:00:00Z","dimensions":{}}')
    append_events(engine, "acme", [InboxEvent("api-1", body, date(2026, 3, 4))])
    with dg.instance_for_test() as instance:
        first = _tick(instance, None, db_url, billing_env)
        [request] = first.run_requests
        assert request.partition_key == "2026-03-04" and request.run_key.endswith("+inbox")
        assert isinstance(_tick(instance, first.cursor, db_url, billing_env), dg.SkipReason)
        # The run drains the rows into a landing file: the day changed, so it is ingested from that file.
        drained = drain_inbox_to_landing(engine, Lake(billing_env).landing_dir, date(2026, 3, 4))
        assert drained is not None and drained.read_text().strip() == body
        after = _tick(instance, first.cursor, db_url, billing_env)
        [again] = after.run_requests
        assert again.partition_key == "2026-03-04" and not again.run_key.endswith("+inbox")
