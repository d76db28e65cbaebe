"""Runs a tenant-period's program: producers (fanned out over their scope), then transformers, each call in a
fresh sandbox, with one execution record per call."""

import time
from dataclasses import dataclass, field

from pydantic import ValidationError

from billing_dagster.domain.canonical import canonical_json, sha256_hex
from billing_dagster.domain.contracts import ModuleOutput
from billing_dagster.domain.facts import visible_facts
from billing_dagster.domain.programs import ProgramStep, ordered
from billing_dagster.runtime.catalog import ModuleCatalog, ModuleRef
from billing_dagster.runtime.host import ModuleError, WasmHost

ABI_VERSION = 1

# A producer of scope S runs once per entry of the fact pack list FAN_OUT[S][0] when the pack has that list,
# seeing the entry as pack FAN_OUT[S][1]; without the list it runs once on the pack as it is.
FAN_OUT = {"subscription": ("subscriptions", "subscription"), "contract_line": ("contract_lines", "contract_line")}


@dataclass(frozen=True, slots=True)
class ExecutionRecord:
    step: int
    module_id: str
    module_version: str
    module_sha256: str
    input_sha256: str
    output_sha256: str | None
    fuel: int
    duration_us: int
    warnings: list = field(default_factory=list)
    error: str | None = None
    scope: str | None = None  # "subscription:sub_1" for a fanned-out producer call; None for one call per step


@dataclass(frozen=True, slots=True)
class ProgramRun:
    charges: list[dict]
    executions: list[ExecutionRecord]
    error: ModuleError | None = None
    carry: dict = field(default_factory=dict)  # {pack: {key: entry}} handed to the next period


@dataclass(frozen=True, slots=True)
class _Call:
    scope: str | None
    context: dict
    facts: dict


def run_program(host: WasmHost, catalog: ModuleCatalog, steps: list[ProgramStep], context: dict,
                fact_pack: dict) -> ProgramRun:
    """Charge IR for one tenant-period. A module failure stops this program only and is reported."""
    lines: list[dict] = []
    origins: list[dict] = []
    executions: list[ExecutionRecord] = []
    carry: dict[str, dict] = {}
    for index, step in enumerate(ordered(steps)):
        module = catalog.get(step.module)
        host.load(module.sha256, module.wasm)
        is_transformer = module.kind == "transformer"
        for call in _calls(module, context, fact_pack):
            document = canonical_json({
                "abi": ABI_VERSION, "context": call.context, "facts": visible_facts(call.facts, module.reads),
                "config": step.config, "charges": lines if is_transformer else []}).encode()
            input_sha256 = sha256_hex(document)
            started = time.perf_counter_ns()
            try:
                result = host.call(module.sha256, document)
                produced = validate_output(result.output, result.fuel)
            except ModuleError as error:
                elapsed = (time.perf_counter_ns() - started) // 1000
                executions.append(ExecutionRecord(index, module.id, module.version, module.sha256, input_sha256,
                                                  None, error.fuel, elapsed, [], str(error), call.scope))
                return ProgramRun([], executions, error)
            for pack, entries in (result.output.get("carry") or {}).items():
                carry.setdefault(pack, {}).update(entries)
            stamp = {"module_id": module.id, "module_sha256": module.sha256, "input_sha256": input_sha256}
            if is_transformer:
                origins = _carry_origins(lines, origins, produced, stamp)
                lines = produced
            else:
                lines = lines + produced
                origins = origins + [stamp] * len(produced)
            executions.append(ExecutionRecord(index, module.id, module.version, module.sha256, input_sha256,
                                              sha256_hex(result.output_bytes), result.fuel, result.duration_us,
                                              list(result.output.get("warnings", [])), None, call.scope))
    return ProgramRun([{**line, **origin} for line, origin in zip(lines, origins)], executions, None, carry)


def _calls(module: ModuleRef, context: dict, fact_pack: dict) -> list[_Call]:
    """One call, or one per entry of the producer's scope list (which it then sees as its singular pack)."""
    if module.kind != "producer" or module.scope not in FAN_OUT:
        return [_Call(None, context, fact_pack)]
    list_pack, item_pack = FAN_OUT[module.scope]
    entries = fact_pack.get(list_pack)
    if not isinstance(entries, list):
        return [_Call(None, context, fact_pack)]
    calls = []
    for position, entry in enumerate(entries):
        key = str(entry.get("id", position)) if isinstance(entry, dict) else str(position)
        scope = {"kind": module.scope, "index": position, "id": key}
        calls.append(_Call(f"{module.scope}:{key}", {**context, "scope": scope}, {**fact_pack, item_pack: entry}))
    return calls


def validate_output(output: dict, fuel: int) -> list[dict]:
    """The output's charge lines checked against the Charge IR schema; a violation is a ModuleError."""
    try:
        parsed = ModuleOutput.model_validate(output)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ModuleError("schema_violation", f"{where}: {first['msg']}", fuel) from None
    return [line.model_dump() for line in parsed.charges]


def _carry_origins(before: list[dict], origins: list[dict], after: list[dict], stamp: dict) -> list[dict]:
    """A line a transformer passed through unchanged keeps the module and input hash that made it."""
    unused = list(range(len(before)))
    carried = []
    for line in after:
        match = next((i for i in unused if before[i] == line), None)
        if match is None:
            carried.append(stamp)
        else:
            unused.remove(match)
            carried.append(origins[match])
    return carried
