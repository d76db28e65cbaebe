"""`wasm`: rates tenant-periods by running their programs in the sandbox."""

from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog, default_modules_dir
from billing_dagster.runtime.host import Limits, WasmHost
from billing_dagster.runtime.planner import FactPlan, plan_facts
from billing_dagster.runtime.program import ProgramRun, run_program


class WasmResource(dg.ConfigurableResource):
    modules_dir: str | None = None
    """Folder of built modules and manifests; empty means wasm/dist of this checkout."""
    tier: str = "system"
    """Sandbox limits by trust tier: system, partner or tenant (see runtime/limits.py)."""

    _host: WasmHost | None = PrivateAttr(default=None)
    _catalog: ModuleCatalog | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext | None) -> None:
        self._host = WasmHost(Limits.for_tier(self.tier))
        self._catalog = ModuleCatalog(Path(self.modules_dir) if self.modules_dir else default_modules_dir())

    def rate(self, steps: list[ProgramStep], context: dict, facts: dict) -> ProgramRun:
        if self._host is None:
            self.setup_for_execution(None)
        return run_program(self._host, self._catalog, steps, context, facts)

    def plan(self, steps: list[ProgramStep]) -> FactPlan:
        """The facts a program's modules declare they read: all the fact-pack builder may fetch."""
        if self._catalog is None:
            self.setup_for_execution(None)
        return plan_facts(self._catalog, steps)
