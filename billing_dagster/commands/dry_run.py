"""`billing-dagster modules dry-run MODULE.wasm --fixture FILE`: one module, one fixture, under the real host.

A fixture is {"description": ..., "context": {...}, "facts": {...}, "config": {...}, "charges": [...],
"expect": {...}}; every key is optional, and any other key is a mismatch. `context` is merged over
DEFAULT_CONTEXT; facts are cut to the manifest's `reads` exactly as the program runner does. `expect` may hold
"charges" and "warnings" (equal) or "error" (the ModuleError reason) and "error_contains" (text in its detail).
A config the manifest's config_schema rejects is a mismatch unless an error is expected (a program with it is
refused before it runs). `dry_run()` is the same harness for module authors' pytest tests.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from billing_dagster.commands import exits
from billing_dagster.commands.document_keys import unknown_keys
from billing_dagster.commands.program_file import DocumentError, read_json
from billing_dagster.domain.canonical import canonical_json, sha256_hex
from billing_dagster.domain.facts import visible_facts
from billing_dagster.runtime.catalog import InvalidManifest, ModuleRef, manifest_beside, module_ref
from billing_dagster.runtime.config_check import config_errors
from billing_dagster.runtime.host import Limits, ModuleError, WasmHost
from billing_dagster.runtime.program import ABI_VERSION, validate_output

FIXTURE_KEYS = ("description", "context", "facts", "config", "charges", "expect")
EXPECT_KEYS = ("charges", "warnings", "error", "error_contains")
DEFAULT_CONTEXT = {"tenant": "fixture", "currency": {"code": "USD", "exponent": 2},
                   "period": {"start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"},
                   "policy": {"rounding": "half_even"}}


@dataclass(frozen=True, slots=True)
class DryRun:
    module: ModuleRef | None
    input_sha256: str
    output: dict | None
    charges: list[dict] | None
    fuel: int
    duration_us: int
    warnings: list[str]
    error: ModuleError | None
    hidden: list[str] = field(default_factory=list)  # fixture facts the manifest does not declare
    mismatches: list[str] = field(default_factory=list)
    expects_error: bool = False
    config_problems: list[str] = field(default_factory=list)  # where the config breaks the manifest's config_schema

    @property
    def ok(self) -> bool:
        """The module ran (or failed as the fixture expects) and met every expectation."""
        return not self.mismatches and (self.error is None or self.expects_error)


def dry_run(wasm: bytes, fixture: dict, manifest: dict | None = None, limits: Limits = Limits()) -> DryRun:
    """Runs `wasm` once on the fixture's input and compares the result with its `expect`."""
    module = module_ref(wasm, manifest) if manifest is not None else None
    facts = fixture.get("facts", {})
    visible = facts if module is None else visible_facts(facts, module.reads)
    hidden = _hidden(facts, visible)
    charges = list(fixture.get("charges", []))
    document = canonical_json({
        "abi": ABI_VERSION, "context": {**DEFAULT_CONTEXT, **fixture.get("context", {})}, "facts": visible,
        "config": fixture.get("config", {}), "charges": charges}).encode()
    host = WasmHost(limits, disk_cache=False)  # authors rebuild often; compiling is milliseconds
    digest = sha256_hex(wasm)
    output, lines, fuel, duration, warnings, error = None, None, 0, 0, [], None
    started = None
    try:
        host.load(digest, wasm)
        started = time.perf_counter_ns()
        result = host.call(digest, document)
        output, fuel, duration = result.output, result.fuel, result.duration_us
        warnings = list(output.get("warnings", []))
        lines = validate_output(output, fuel)
    except ModuleError as failure:
        error, fuel = failure, failure.fuel
        duration = 0 if started is None else (time.perf_counter_ns() - started) // 1000
    expect = fixture.get("expect", {})
    expects_error = "error" in expect or "error_contains" in expect
    config_problems = [] if module is None else config_errors(module, fixture.get("config", {}))
    mismatches = _fixture_keys(fixture) + _mismatches(expect, lines, warnings, error)
    if not expects_error:  # a fixture may feed a bad config on purpose to test the module's own checks
        mismatches += [f"{problem} (a program with this config is refused before it runs)"
                       for problem in config_problems]
    return DryRun(module, sha256_hex(document), output, lines, fuel, duration, warnings, error, hidden,
                  mismatches, expects_error, config_problems)


def _fixture_keys(fixture: dict) -> list[str]:
    return (unknown_keys(fixture, FIXTURE_KEYS, "fixture")
            + unknown_keys(fixture.get("expect"), EXPECT_KEYS, "fixture.expect"))


def register(commands: argparse._SubParsersAction) -> None:
    modules = commands.add_parser("modules", help="tools for pricing-module authors")
    verbs = modules.add_subparsers(dest="modules_command", required=True)
    parser = verbs.add_parser("dry-run", help="run one module on a fixture; print output, fuel and warnings",
                              description="Exit 0 when the module ran (and met the fixture's expect), else 1.")
    parser.add_argument("module", type=Path, help="the module's .wasm")
    parser.add_argument("--fixture", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, help="default: <module>.manifest.json or manifest.json beside it")
    parser.add_argument("--tier", choices=("system", "partner", "tenant"), default="tenant",
                        help="sandbox limits of this trust tier (default tenant)")
    parser.add_argument("--fuel", type=int, help="fuel per module call (default: the tier's)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        wasm = _read_bytes(args.module)
        fixture = read_json(args.fixture)
        if not isinstance(fixture, dict):
            raise DocumentError(f"{args.fixture}: a fixture is a JSON object")
        manifest_path = args.manifest or manifest_beside(args.module)
        manifest = read_json(manifest_path) if manifest_path else None
        result = dry_run(wasm, fixture, manifest, _limits(args))
    except (DocumentError, InvalidManifest) as error:
        print(f"dry-run: {error}", file=sys.stderr)
        return exits.FAILED
    print(json.dumps(_as_json(result), indent=2, ensure_ascii=False) if args.json else _as_text(result))
    return exits.OK if result.ok else exits.FAILED


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path}: {error.strerror}") from None


def _hidden(facts: dict, visible: dict) -> list[str]:
    hidden = []
    for pack, value in sorted(facts.items()):
        if pack not in visible:
            hidden.append(pack)
        elif isinstance(value, dict):
            shown = visible[pack]
            hidden += [f"{pack}.{key}" for key in sorted(value) if key not in shown and not isinstance(value[key], dict)]
    return hidden


def _mismatches(expect: dict, lines, warnings, error) -> list[str]:
    problems = []
    if "error" in expect or "error_contains" in expect:
        if error is None:
            problems.append(f"expected error {expect.get('error', '')!r}, the module succeeded")
        elif "error" in expect and error.reason != expect["error"]:
            problems.append(f"expected error {expect['error']!r}, got {error.reason!r} ({error.detail})")
        elif expect.get("error_contains", "") not in error.detail:
            problems.append(f"expected an error containing {expect['error_contains']!r}, got {error.detail!r}")
        return problems
    if error is not None:
        return [f"module failed: {error}"] if expect else []
    if "charges" in expect and lines != expect["charges"]:
        problems.append("charges differ from expect.charges:\n  got      " + canonical_json(lines)
                        + "\n  expected " + canonical_json(expect["charges"]))
    if "warnings" in expect and warnings != expect["warnings"]:
        problems.append(f"warnings {warnings} != expected {expect['warnings']}")
    return problems


def _as_json(result: DryRun) -> dict:
    return {"module": None if result.module is None else {
                "id": result.module.id, "version": result.module.version, "sha256": result.module.sha256},
            "input_sha256": result.input_sha256, "output": result.output, "fuel": result.fuel,
            "duration_us": result.duration_us, "warnings": result.warnings,
            "error": None if result.error is None else {"reason": result.error.reason, "detail": result.error.detail},
            "hidden_facts": result.hidden, "config_problems": result.config_problems,
            "mismatches": result.mismatches, "ok": result.ok}


def _as_text(result: DryRun) -> str:
    module = result.module
    out = [f"module    {module.id} {module.version} ({module.kind}, scope {module.scope}) sha256 {module.sha256[:16]}"
           if module else "module    (no manifest: facts passed unfiltered)",
           f"input     sha256 {result.input_sha256[:16]}",
           f"fuel      {result.fuel:,}",
           f"time      {result.duration_us / 1000:.2f} ms",
           "warnings  " + ("; ".join(result.warnings) if result.warnings else "none")]
    if result.hidden:
        out.append("hidden    " + ", ".join(result.hidden) + " (not declared in the manifest's reads)")
    out += [f"config    {problem}" for problem in result.config_problems]
    if result.error is not None:
        out.append(f"error     {result.error}")
    else:
        out += ["output", _compact(result.output)]
    out += [f"expect    {m}" for m in result.mismatches]
    out.append("ok" if result.ok else "FAILED")
    return "\n".join(out)


def _limits(args: argparse.Namespace) -> Limits:
    limits = Limits.for_tier(args.tier)
    return limits if args.fuel is None else limits.with_(fuel=args.fuel)


def _compact(output: dict) -> str:
    """The output with one charge line per row."""
    rest = canonical_json({k: v for k, v in output.items() if k != "charges"})[1:-1]
    lines = ",\n  ".join(canonical_json(line) for line in output.get("charges", []))
    charges = f'"charges":[\n  {lines}\n]' if lines else '"charges":[]'
    return "{" + charges + ("," + rest if rest else "") + "}"
