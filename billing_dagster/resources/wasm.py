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
    fuel: int = 200_000_000
    memory_mb: int = 32
    wall_ms: int = 2_000

    _host: WasmHost | None = PrivateAttr(default=None)
    _catalog: ModuleCatalog | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext | None) -> None:
        self._host = WasmHost(Limits(fuel=self.fuel, memory_bytes=self.memory_mb << 20, wall_ms=self.wall_ms))
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
