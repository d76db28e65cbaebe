"""Unknown keys in a rate document: every level that is ours (top level, context, policy, program steps, fact
packs and their fields) is closed, so a misspelt key is refused instead of silently ignored."""

from dataclasses import fields

from billing_dagster.domain.facts import KEYED_PACKS
from billing_dagster.domain.rounding import RoundingPolicy
from billing_dagster.runtime.config_check import did_you_mean, quoted
from billing_dagster.runtime.planner import PACK_KINDS
from billing_dagster.runtime.program import FAN_OUT

DOCUMENT_KEYS = ("context", "facts", "program")
CONTEXT_KEYS = ("tenant", "currency", "period", "rounding", "policy", "net_terms_days")
POLICY_KEYS = tuple(f.name for f in fields(RoundingPolicy))
STEP_KEYS = ("module", "wasm", "manifest", "version", "sha256", "kind", "config")
# A fan-out list ("subscriptions") holds entries of its item pack ("subscription"), each with an id.
LIST_PACKS = {list_pack: item_pack for list_pack, item_pack in FAN_OUT.values()}
ITEM_PACKS = frozenset(LIST_PACKS.values())


def unknown_keys(keys: object, known: tuple[str, ...] | frozenset[str], where: str) -> list[str]:
    """`<where>: unknown key "x" (did you mean "y"?)` for each key of `keys` not in `known`."""
    if not isinstance(keys, dict):
        return []
    return [f"{where}: unknown key {quoted(key)}{did_you_mean(key, known)}" for key in keys if key not in known]


def document_problems(document: dict) -> list[str]:
    """Every unknown key of a rate document (its program steps are checked by program_file.load_program)."""
    problems = unknown_keys(document, DOCUMENT_KEYS, "document")
    context = document.get("context")
    problems += unknown_keys(context, CONTEXT_KEYS, "context")
    if isinstance(context, dict):
        problems += unknown_keys(context.get("policy"), POLICY_KEYS, "context.policy")
    facts = document.get("facts")
    if isinstance(facts, dict):
        problems += fact_problems(facts)
    return problems


def fact_problems(facts: dict) -> list[str]:
    problems = unknown_keys(facts, tuple(PACK_KINDS) + tuple(LIST_PACKS), "facts")
    for pack, value in facts.items():
        if pack in LIST_PACKS and isinstance(value, list):
            item = LIST_PACKS[pack]
            if item not in PACK_KINDS:  # the builder supplies no such item pack: its fields are not ours to judge
                continue
            for index, entry in enumerate(value):
                problems += unknown_keys(entry, _fields(item), f"facts.{pack}[{index}]")
        elif pack in KEYED_PACKS and isinstance(value, dict):
            for key, entry in value.items():
                problems += unknown_keys(entry, _fields(pack), f"facts.{pack}.{key}")
        elif pack in PACK_KINDS:
            problems += unknown_keys(value, _fields(pack), f"facts.{pack}")
    return problems


def _fields(pack: str) -> tuple[str, ...]:
    kind = PACK_KINDS.get(pack)
    known = kind.fields if kind else ()
    return known + ("id",) if pack in ITEM_PACKS else known

