"""The demo world: plans, tenants and a month of synthetic usage, closed through Dagster."""
