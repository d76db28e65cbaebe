"""Plans and rates pricing programs with one sandbox host and module catalog."""

from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog
from billing_dagster.runtime.host import WasmHost
from billing_dagster.runtime.planner import FactPlan, plan_facts
from billing_dagster.runtime.program import ProgramRun, run_program


class Pricer:
    """A batch has few distinct programs and many tenants, so each program's Fact Plan is computed once."""

    def __init__(self, host: WasmHost, catalog: ModuleCatalog):
        self.host = host
        self.catalog = catalog
        self._plans: dict[str, FactPlan] = {}

    def plan(self, steps: list[ProgramStep]) -> FactPlan:
        """The facts a program's modules declare they read: all the fact-pack builder may fetch."""
        key = canonical_json([[step.module, step.kind, step.config] for step in steps])
        if key not in self._plans:
            self._plans[key] = plan_facts(self.catalog, steps)
        return self._plans[key]

    def rate(self, steps: list[ProgramStep], context: dict, facts: dict) -> ProgramRun:
        return run_program(self.host, self.catalog, steps, context, facts)
