"""Sensors: keep the `tenants` dynamic partitions in step with the billing database, and ingest each day
whose landing files changed or whose HTTP inbox has undrained events."""

import hashlib
import json

import dagster as dg

from billing_dagster.jobs import usage_job
from billing_dagster.partitions import tenant_partitions
from billing_dagster.resources.db import BillingDatabase
from billing_dagster.resources.lake import LakeResource
from billing_dagster.usage.inbox import undrained_days


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def tenants_sensor(context: dg.SensorEvaluationContext, db: BillingDatabase):
    known = set(context.instance.get_dynamic_partitions(tenant_partitions.name))
    new = [tenant for tenant in db.repo.tenant_ids() if tenant not in known]
    if not new:
        return dg.SkipReason("no new tenants")
    return dg.SensorResult(dynamic_partitions_requests=[tenant_partitions.build_add_request(new)])


@dg.sensor(job=usage_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(context: dg.SensorEvaluationContext, db: BillingDatabase, lake: LakeResource):
    """One usage_job run per day whose landing files (names, sizes, modification times) differ from the last
    run requested for it, or that has inbox rows to drain. The run key is the day's fingerprint, so a day
    is never ingested twice for the same files. Stopped by default: turn it on in the UI (Automation) where
    usage arrives continuously; `usage_schedule` ingests each finished day either way."""
    seen = json.loads(context.cursor or "{}")
    fingerprints = _landing_fingerprints(lake.lake().root / "landing")
    for day in undrained_days(db.repo.engine):
        # the run drains these rows into a new landing file, which changes the day's fingerprint again
        fingerprints[day.isoformat()] = fingerprints.get(day.isoformat(), "none") + "+inbox"
    changed = {day: mark for day, mark in fingerprints.items() if seen.get(day) != mark}
    if not changed:
        return dg.SkipReason("no new landing files or inbox events")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=day, run_key=f"usage-{day}-{mark}")
                      for day, mark in sorted(changed.items())],
        cursor=json.dumps({**seen, **changed}, sort_keys=True))


def _landing_fingerprints(root) -> dict[str, str]:
    prints = {}
    for folder in sorted(root.glob("date=*")) if root.is_dir() else []:
        files = sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                       for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        prints[folder.name.removeprefix("date=")] = hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]
    return prints
