"""Runs a tenant-period's program: producers, then transformers, each in a fresh sandbox."""

from dataclasses import dataclass, field

from pydantic import ValidationError

from billing_dagster.domain.canonical import canonical_json, sha256_hex
from billing_dagster.domain.contracts import ModuleOutput
from billing_dagster.domain.facts import visible_facts
from billing_dagster.domain.programs import ProgramStep, ordered
from billing_dagster.runtime.catalog import ModuleCatalog
from billing_dagster.runtime.host import ModuleError, WasmHost

ABI_VERSION = 1


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


@dataclass(frozen=True, slots=True)
class ProgramRun:
    charges: list[dict]
    executions: list[ExecutionRecord]
    error: ModuleError | None = None


def run_program(host: WasmHost, catalog: ModuleCatalog, steps: list[ProgramStep], context: dict,
                fact_pack: dict) -> ProgramRun:
    """Charge IR for one tenant-period. A module failure stops this program only and is reported."""
    lines: list[dict] = []
    origins: list[dict] = []
    executions: list[ExecutionRecord] = []
    for index, step in enumerate(ordered(steps)):
        module = catalog.get(step.module)
        host.load(module.sha256, module.wasm)
        is_transformer = module.kind == "transformer"
        document = canonical_json({
            "abi": ABI_VERSION, "context": context, "facts": visible_facts(fact_pack, module.reads),
            "config": step.config, "charges": lines if is_transformer else []}).encode()
        input_sha256 = sha256_hex(document)
        try:
            result = host.call(module.sha256, document)
            produced = _validated(result.output, result.fuel)
        except ModuleError as error:
            executions.append(ExecutionRecord(index, module.id, module.version, module.sha256, input_sha256,
                                              None, error.fuel, 0, [], str(error)))
            return ProgramRun([], executions, error)
        stamp = {"module_id": module.id, "module_sha256": module.sha256, "input_sha256": input_sha256}
        if is_transformer:
            origins = _carry_origins(lines, origins, produced, stamp)
            lines = produced
        else:
            lines = lines + produced
            origins = origins + [stamp] * len(produced)
        executions.append(ExecutionRecord(index, module.id, module.version, module.sha256, input_sha256,
                                          sha256_hex(result.output_bytes), result.fuel, result.duration_us,
                                          list(result.output.get("warnings", []))))
    return ProgramRun([{**line, **origin} for line, origin in zip(lines, origins)], executions)


def _validated(output: dict, fuel: int) -> list[dict]:
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
