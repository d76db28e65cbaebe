"""Programs written as JSON: module references (catalog id or a .wasm path), versions, sha256 pins, configs.

    [{"module": "usage-tiers", "version": "1.0.0", "config": {...}},
     {"wasm": "build/my-module.wasm", "config": {...}}]        (or {"program": [...]})
"""

import json
from dataclasses import dataclass
from pathlib import Path

from billing_dagster.commands.document_keys import STEP_KEYS, unknown_keys
from billing_dagster.commands.period_text import PeriodError, parse_period
from billing_dagster.domain.periods import Period
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import InvalidManifest, ModuleCatalog, UnknownModule
from billing_dagster.runtime.planner import Problem


class DocumentError(ValueError):
    """The input document is not what the command expects: one message per problem found."""

    def __init__(self, *problems: str):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Program:
    steps: list[ProgramStep]
    versions: list[str | None]
    pins: list[str | None]  # sha256 a step requires, or None

    def pin_problems(self, catalog: ModuleCatalog) -> list[Problem]:
        problems = []
        for index, (step, pin) in enumerate(zip(self.steps, self.pins)):
            have = catalog.get(step.module).sha256
            if pin is not None and pin != have:
                problems.append(Problem("version_conflict", f"step {index} ({step.module}) pins sha256 {pin[:12]}, "
                                        f"the catalog's module is {have[:12]}"))
        return problems


def read_json(path: Path) -> object:
    try:
        return json.loads(Path(path).read_text())
    except OSError as error:
        raise DocumentError(f"{path}: {error.strerror}") from None
    except ValueError as error:
        raise DocumentError(f"{path}: not JSON ({error})") from None


def load_program(document: object, catalog: ModuleCatalog, base_dir: Path) -> Program:
    entries = document.get("program", document.get("steps")) if isinstance(document, dict) else document
    if not isinstance(entries, list) or not entries:
        raise DocumentError("program: expected a non-empty list of steps (or {\"program\": [...]})")
    unknown = [problem for index, entry in enumerate(entries)
               for problem in unknown_keys(entry, STEP_KEYS, f"program[{index}]")]
    if unknown:
        raise DocumentError(*unknown)
    steps, versions, pins = [], [], []
    for index, entry in enumerate(entries):
        where = f"program[{index}]"
        if not isinstance(entry, dict):
            raise DocumentError(f"{where}: expected an object")
        ref = _module(entry, catalog, base_dir, where)
        config = entry.get("config", {})
        if not isinstance(config, dict):
            raise DocumentError(f"{where}.config: expected an object")
        if entry.get("kind", ref.kind) != ref.kind:
            raise DocumentError(f"{where}.kind: {entry['kind']!r}, but {ref.id} is a {ref.kind}")
        steps.append(ProgramStep(ref.id, ref.kind, config))
        versions.append(_optional_text(entry, "version", where))
        pins.append(_optional_text(entry, "sha256", where))
    return Program(steps, versions, pins)


def parse_month(text: str) -> Period:
    """A document's period: "YYYY-MM" or an object (commands/period_text.py)."""
    try:
        return parse_period(text)
    except PeriodError as error:
        raise DocumentError(str(error)) from None


def _module(entry: dict, catalog: ModuleCatalog, base_dir: Path, where: str):
    try:
        if "wasm" in entry:
            manifest = entry.get("manifest")
            return catalog.register_file(base_dir / entry["wasm"], base_dir / manifest if manifest else None)
        if not isinstance(entry.get("module"), str):
            raise DocumentError(f"{where}: needs \"module\" (a catalog id) or \"wasm\" (a path)")
        return catalog.get(entry["module"])
    except (UnknownModule, InvalidManifest) as error:
        raise DocumentError(f"{where}: {error}") from None


def _optional_text(entry: dict, key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise DocumentError(f"{where}.{key}: expected a string")
    return value
