"""Subcommands for module authors and auditors: plan-inputs, rate and modules dry-run."""

import argparse

from billing_dagster.commands import dry_run, plan_inputs, rate

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the subcommands; each sets `handler(args) -> exit code` on its namespace."""
    plan_inputs.register(commands)
    rate.register(commands)
    dry_run.register(commands)
