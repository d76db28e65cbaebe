"""Jobs: usage ingestion per day, and the month close per tenant batch."""

import dagster as dg

usage_job = dg.define_asset_job("usage_job", selection=["usage_events", "usage_daily"])
close_job = dg.define_asset_job("close_job", selection=["fact_packs", "charge_lines", "invoices"])
stripe_job = dg.define_asset_job("stripe_job", selection=["stripe_invoices"])
