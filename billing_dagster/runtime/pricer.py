"""Plans and rates pricing programs with one sandbox host and module catalog."""

from dataclasses import replace

from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog
from billing_dagster.runtime.config_check import step_config_errors
from billing_dagster.runtime.host import WasmHost
from billing_dagster.runtime.planner import FactPlan, Problem, plan_facts
from billing_dagster.runtime.program import ProgramRun, run_program


class Pricer:
    """A batch has few distinct programs and many tenants, so each program's Fact Plan (with its config check)
    is computed once."""

    def __init__(self, host: WasmHost, catalog: ModuleCatalog):
        self.host = host
        self.catalog = catalog
        self._plans: dict[str, FactPlan] = {}

    def plan(self, steps: list[ProgramStep], plan_id: str | None = None) -> FactPlan:
        """The facts a program's modules declare they read: all the fact-pack builder may fetch. Step configs
        that break their module's config_schema are problems (code "config", naming `plan_id` when given), so
        the tenant is not rated."""
        key = canonical_json([plan_id, [[step.module, step.kind, step.config] for step in steps]])
        if key not in self._plans:
            plan = plan_facts(self.catalog, steps)
            invalid = tuple(Problem("config", message) for message in step_config_errors(self.catalog, steps, plan_id))
            self._plans[key] = replace(plan, problems=invalid + plan.problems)
        return self._plans[key]

    def rate(self, steps: list[ProgramStep], context: dict, facts: dict) -> ProgramRun:
        return run_program(self.host, self.catalog, steps, context, facts)
