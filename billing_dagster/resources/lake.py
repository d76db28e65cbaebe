"""`lake`: the landing area and Parquet lake on a local folder."""

from pathlib import Path

import dagster as dg

from billing_dagster.settings import billing_home
from billing_dagster.usage.lake import Lake


class LakeResource(dg.ConfigurableResource):
    root: str | None = None
    """Folder holding landing/ and lake/; empty means BILLING_HOME."""

    def lake(self) -> Lake:
        return Lake(Path(self.root) if self.root else billing_home())
