"""`wasm`: rates tenant-periods by running their programs in the sandbox."""

from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.planner import FactPlan
from billing_dagster.runtime.pricer import Pricer
from billing_dagster.runtime.program import ProgramRun


class WasmResource(dg.ConfigurableResource):
    modules_dir: str | None = None
    """Folder of built modules and manifests; empty means wasm/dist of this checkout."""
    tier: str = "system"
    """Sandbox limits by trust tier: system, partner or tenant (see runtime/limits.py)."""

    _pricer: Pricer | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext | None) -> None:
        catalog = ModuleCatalog(Path(self.modules_dir) if self.modules_dir else default_modules_dir())
        self._pricer = Pricer(WasmHost(Limits.for_tier(self.tier)), catalog)

    @property
    def pricer(self) -> Pricer:
        if self._pricer is None:
            self.setup_for_execution(None)
        return self._pricer

    def rate(self, steps: list[ProgramStep], context: dict, facts: dict) -> ProgramRun:
        return self.pricer.rate(steps, context, facts)

    def plan(self, steps: list[ProgramStep], plan_id: str | None = None) -> FactPlan:
        """The facts a program's modules declare they read: all the fact-pack builder may fetch."""
        return self.pricer.plan(steps, plan_id)
