"""A plan's explicit pricing program: read and replace it (`billing-dagster plans`)."""

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from billing_dagster.store import models as m


class UnknownPlan(LookupError):
    """No plan has this id."""


@dataclass(frozen=True, slots=True)
class PlanProgram:
    id: str
    name: str
    program: list[dict] | None  # None: the plan's prices imply its program


def plan_program(engine: Engine, plan_id: str) -> PlanProgram:
    with Session(engine) as session:
        plan = session.get(m.Plan, plan_id)
        if plan is None:
            raise UnknownPlan(f"no plan {plan_id!r} in the billing database")
        return PlanProgram(plan.id, plan.name, None if plan.program is None else list(plan.program))


def save_program(engine: Engine, plan_id: str, program: list[dict]) -> None:
    """Replaces the plan's program; the caller has validated it (commands/plans.py)."""
    with Session(engine) as session, session.begin():
        plan = session.get(m.Plan, plan_id)
        if plan is None:
            raise UnknownPlan(f"no plan {plan_id!r} in the billing database")
        plan.program = program
