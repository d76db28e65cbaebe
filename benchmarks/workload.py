"""The benchmark's tenant-period: a 6-module program (fixed-fee, 4x usage-tiers, tax) and its inputs.

Every executor gets the same orchestration: producers add lines, transformers replace them, and each
module's input document comes from TenantPeriodDocuments (context and visible facts serialized once
per tenant-period). So the measured difference between the sandbox and the reference is the executor
itself: running the module on its input bytes and reading its output.
"""

import hashlib
import json
import random
from dataclasses import dataclass

from billing_dagster.domain import reference
from billing_dagster.domain.facts import visible_facts
from billing_dagster.domain.reference.sdk import parse_input, run_pricing
from billing_dagster.runtime.catalog import default_modules_dir
from billing_dagster.runtime.documents import TenantPeriodDocuments

MODULE_IDS = ("fixed-fee", "usage-tiers", "tax")
# Metrics in the usage pack: 16 make a usage-tiers input of about 1 KB, 2,950 about 100 KB.
SIZES = {"1KB": 16, "100KB": 2_950}


@dataclass(frozen=True, slots=True)
class Step:
    module: str
    transformer: bool
    reads: dict
    config: dict


def module_bytes(module_id: str) -> tuple[str, bytes]:
    wasm = (default_modules_dir() / f"{module_id}.wasm").read_bytes()
    return hashlib.sha256(wasm).hexdigest(), wasm


def manifest_reads(module_id: str) -> dict:
    return json.loads((default_modules_dir() / f"{module_id}.manifest.json").read_text())["reads"]


def program() -> list[Step]:
    tiers = [{"up_to": "1000", "unit_price": "0.01"}, {"up_to": "50000", "unit_price": "0.008"},
             {"up_to": None, "unit_price": "0.005"}]
    steps = [Step("fixed-fee", False, manifest_reads("fixed-fee"),
                  {"rule_id": "base", "description": "Platform fee", "amount": 9900, "proration": "day"})]
    for index, mode in enumerate(("graduated", "volume", "graduated", "volume")):
        steps.append(Step("usage-tiers", False, manifest_reads("usage-tiers"),
                          {"rule_id": f"usage_{index}", "description": f"Metric {index}",
                           "metric": f"metric_{index:05d}", "mode": mode, "tiers": tiers}))
    steps.append(Step("tax", True, manifest_reads("tax"), {"rule_id": "sales_tax"}))
    return steps


def tenant_periods(size: str, count: int = 16, seed: int = 7) -> list[tuple[dict, dict]]:
    """`count` tenant-periods (context, fact pack) whose usage pack has SIZES[size] metrics."""
    rng = random.Random(seed)
    result = []
    for tenant in range(count):
        context = {"currency": {"code": "USD", "exponent": 2},
                   "period": {"end": "2026-11-01T00:00:00Z", "start": "2026-10-01T00:00:00Z"},
                   "policy": {"rounding": "half_even"}, "tenant": f"t{tenant:04d}"}
        usage = {f"metric_{i:05d}": {"count": rng.randint(1, 10_000), "max": "50", "min": "1",
                                     "sum": f"{rng.randint(0, 200_000)}.{rng.randint(0, 99):02d}"}
                 for i in range(SIZES[size])}
        facts = {"customer": {"currency": "USD", "tenant": context["tenant"]}, "usage": usage,
                 "subscription": {"active_days": rng.choice([31, 31, 12]), "period_days": 31,
                                  "active_seconds": 2_678_400, "period_seconds": 2_678_400},
                 "tax": {"exempt": False, "name": "Sales tax", "rate": "0.0825", "region": "US-TX"}}
        result.append((context, facts))
    return result


def document(step: Step, context: dict, facts: dict, lines: list) -> dict:
    return {"abi": 1, "charges": lines if step.transformer else [], "config": step.config,
            "context": context, "facts": visible_facts(facts, step.reads)}


def rate(execute, steps: list[Step], context: dict, facts: dict) -> list[dict]:
    """One tenant-period: producers add lines, transformers replace them. `execute(step, bytes) -> dict`.

    Input documents come from TenantPeriodDocuments: context and visible facts are serialized once per
    tenant-period and shared by its modules (same bytes as canonical_json of each whole document)."""
    documents = TenantPeriodDocuments(context, facts)
    lines: list[dict] = []
    for step in steps:
        output = execute(step, documents.encode(step.reads, step.config, lines if step.transformer else []))
        lines = output["charges"] if step.transformer else lines + output["charges"]
    return lines


def rate_python_dicts(steps: list[Step], context: dict, facts: dict) -> list[dict]:
    """The reference on documents already in memory: no JSON at all (the most generous baseline)."""
    documents = TenantPeriodDocuments(context, facts)
    lines: list[dict] = []
    for step in steps:
        output = reference.run(step.module, {"abi": 1, "charges": lines if step.transformer else [],
                                             "config": step.config, "context": context,
                                             "facts": documents.visible(step.reads)})
        lines = output["charges"] if step.transformer else lines + output["charges"]
    return lines


def python_executor():
    """The reference with the sandbox's contract: JSON bytes in, output document out."""
    functions = reference.PRICE_FUNCTIONS

    def execute(step: Step, data: bytes) -> dict:
        return run_pricing(parse_input(data), functions[step.module])

    return execute


def no_executor(step: Step, data: bytes) -> dict:
    """Measures the orchestration alone: documents are built and serialized, no module runs."""
    return {"charges": []}


def wasm_executor(host, hashes: dict[str, str]):
    def execute(step: Step, data: bytes) -> dict:
        return host.call(hashes[step.module], data).output

    return execute
