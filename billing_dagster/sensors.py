"""Sensors: keep the `tenants` dynamic partitions in step with the billing database."""

import dagster as dg

from billing_dagster.partitions import tenant_partitions
from billing_dagster.resources.db import BillingDatabase


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def tenants_sensor(context: dg.SensorEvaluationContext, db: BillingDatabase):
    known = set(context.instance.get_dynamic_partitions(tenant_partitions.name))
    new = [tenant for tenant in db.repo.tenant_ids() if tenant not in known]
    if not new:
        return dg.SkipReason("no new tenants")
    return dg.SensorResult(dynamic_partitions_requests=[tenant_partitions.build_add_request(new)])
