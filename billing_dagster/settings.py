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
