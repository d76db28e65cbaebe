"""Subcommands: plan-inputs, rate and modules dry-run (module authors and auditors); serve and api-keys (the
ingestion API); quarantine (inspect and replay refused usage); plans (a plan's pricing program); tax (set and
show tax regions); time-entries and adjustments (facts of the hourly and manual-adjustments modules)."""

import argparse

from billing_dagster.commands import (adjustments, api_keys, dry_run, plan_inputs, plans, quarantine, rate,
                                      rate_document, serve, tax, time_entries)

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the subcommands; each sets `handler(args) -> exit code` on its namespace."""
    plan_inputs.register(commands)
    rate.register(commands)
    rate_document.register(commands)
    dry_run.register(commands)
    serve.register(commands)
    api_keys.register(commands)
    quarantine.register(commands)
    plans.register(commands)
    tax.register(commands)
    time_entries.register(commands)
    adjustments.register(commands)
