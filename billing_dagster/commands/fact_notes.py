"""What a rate document lacks that its program would read: absent fact packs and absent keyed entries (usage
metrics, buckets), each with the steps that read them. Nothing when nothing the program uses is missing."""

from collections.abc import Sequence

from billing_dagster.domain.facts import KEYED_PACKS
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog
from billing_dagster.runtime.config_check import step_label
from billing_dagster.runtime.planner import KEY_CONFIG, FactPlan
from billing_dagster.runtime.program import FAN_OUT

# System modules that read a pack only when their config sets a key: usage-tiers reads the subscription only
# to bill for config.plan, first-n-free only to count config.periods. Without the key the pack is not used.
READ_ONLY_WITH = {("usage-tiers", "subscription"): "plan", ("first-n-free", "subscription"): "periods"}


def absent_facts(catalog: ModuleCatalog, steps: Sequence[ProgramStep], plan: FactPlan, facts: dict) -> list[str]:
    notes = []
    for pack in plan.packs:
        if not pack.required:
            continue
        readers = [(index, step) for index, step in enumerate(steps) if _reads(catalog, step, pack.pack, facts)]
        if not readers:
            continue
        if pack.pack not in facts:
            notes.append(f"facts.{pack.pack} is absent: read by {_steps(readers)}")
        elif pack.pack in KEYED_PACKS and pack.keys is not None and isinstance(facts[pack.pack], dict):
            for key in pack.keys:
                if key not in facts[pack.pack]:
                    named = [(i, s) for i, s in readers if key in _named_keys(pack.pack, s.config)]
                    notes.append(f"facts.{pack.pack} has no \"{key}\": read by {_steps(named)}")
    return notes


def _reads(catalog: ModuleCatalog, step: ProgramStep, pack: str, facts: dict) -> bool:
    module = catalog.get(step.module)
    if pack not in module.reads:
        return False
    gate = READ_ONLY_WITH.get((module.id, pack))
    if gate is not None and gate not in step.config:
        return False
    fan_out = FAN_OUT.get(module.scope) if module.kind == "producer" else None
    # a fan-out producer runs once per entry of the list pack ("subscriptions") when the document has it
    return not (fan_out and fan_out[1] == pack and isinstance(facts.get(fan_out[0]), list))


def _named_keys(pack: str, config: dict) -> set[str]:
    named = set()
    for name in KEY_CONFIG.get(pack, ()):
        value = config.get(name)
        named.update([value] if isinstance(value, str) else value if isinstance(value, list) else [])
    return named


def _steps(readers: list[tuple[int, ProgramStep]]) -> str:
    return ", ".join(step_label(index, step.module) for index, step in readers)
