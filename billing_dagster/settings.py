"""Where the embedded defaults live. Read when a resource starts, never at import time."""

import os
from pathlib import Path


def billing_home() -> Path:
    """BILLING_HOME, or .billing under the working directory: the SQLite DB, landing area and lake."""
    return Path(os.environ.get("BILLING_HOME", ".billing")).resolve()


def billing_db_url() -> str:
    """BILLING_DB_URL (e.g. postgresql://user@127.0.0.1:5432/billing), else SQLite under BILLING_HOME."""
    url = os.environ.get("BILLING_DB_URL")
    if url:
        return url
    home = billing_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'billing.db'}"


# Dagster's own settings for batched runs of many partitions, measured in benchmarks/RESULTS.md: store each
# asset's partition materializations in one batched write, and one ASSET_MATERIALIZATION_PLANNED event per
# asset and run instead of one per partition. Dagster reads them from the environment of the process that
# creates runs (webserver, daemon, `billing-dagster demo`) and of the run itself; deploy/dagster.env holds them.
# The catch Dagster documents: a failed run does not mark its partitions failed; the close's checks name them.
DAGSTER_SCALE_SETTINGS = {"DAGSTER_EVENT_BATCH_SIZE": "1000", "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true"}


def apply_dagster_scale_settings() -> None:
    """Set DAGSTER_SCALE_SETTINGS in this process unless the environment already says otherwise."""
    for name, value in DAGSTER_SCALE_SETTINGS.items():
        os.environ.setdefault(name, value)
