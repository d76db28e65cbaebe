"""The Fact Plan: the union of a program's module manifests ("reads") as the fact packs, fields and keys the
fact-pack builder must fetch for one tenant-period, with the module versions the program runs."""

from collections.abc import Sequence
from dataclasses import dataclass

from billing_dagster.domain.accounts import TenantAccount
from billing_dagster.domain.facts import KEYED_PACKS, build_fact_pack
from billing_dagster.domain.period_entries import AdjustmentSpec, TimeEntrySpec
from billing_dagster.domain.periods import Period
from billing_dagster.domain.programs import ProgramStep
from billing_dagster.runtime.catalog import ModuleCatalog
from billing_dagster.runtime.program import FAN_OUT


@dataclass(frozen=True, slots=True)
class PackKind:
    fields: tuple[str, ...]
    source: str
    per_day: bool = False  # one record per key and day of the period (usage_daily), else one per key/entry


# What the fact-pack builder (domain/facts.build_fact_pack) can supply. A module may declare only these.
PACK_KINDS = {
    "customer": PackKind(("billing_anchor_day", "billing_interval", "currency", "name", "net_terms_days", "tenant",
                          "timezone"), "billing DB: tenants"),
    "subscription": PackKind(("active_days", "active_seconds", "end", "id", "period_days", "period_seconds", "plan",
                              "quantity", "start", "trial_end"), "billing DB: subscriptions"),
    "tax": PackKind(("components", "exempt", "exempt_categories", "name", "rate", "region", "regions"),
                    "billing DB: tax_regions, tax_components, tenants, tenant_tax_exemptions, "
                    "tenant_tax_line_regions"),
    "usage": PackKind(("count", "max", "min", "sum"), "lake: usage_daily", per_day=True),
    # Keyed packs of the producers hourly and bucket-overage (contracts_facts TimeEntry, Bucket): the period's
    # time entries (billing-dagster time-entries import) and the plan's buckets.
    "time_entries": PackKind(("billable", "description", "seconds", "start", "user", "user_type"),
                             "billing DB: time_entries"),
    "buckets": PackKind(("carried_in", "included", "metric"), "billing DB: buckets (+ previous period's carry)"),
    # Operator-entered credits and charges by adjustment id (transformer manual-adjustments; contracts_facts
    # Adjustment): the period's unvoided adjustments (billing-dagster adjustments add).
    "adjustments": PackKind(("amount", "category", "description", "kind", "reason", "taxable"),
                            "billing DB: adjustments"),
}
# Config keys that name the keys a module reads from a keyed pack (usage-tiers' "metric").
KEY_CONFIG = {"usage": ("metric", "metrics"), "buckets": ("bucket",)}


@dataclass(frozen=True, slots=True)
class PackPlan:
    pack: str
    fields: tuple[str, ...]
    keys: tuple[str, ...] | None  # keyed packs: the keys to fetch (usage metrics); None means every key
    modules: tuple[str, ...]
    source: str
    required: bool = True  # False for a fan-out list, used only when the builder has it
    estimated_records: int | None = None

    def to_dict(self) -> dict:
        filters = {} if self.keys is None else {"metrics" if self.pack == "usage" else "keys": list(self.keys)}
        return {"pack": self.pack, "fields": list(self.fields), "filters": filters, "modules": list(self.modules),
                "source": self.source, "required": self.required, "estimated_records": self.estimated_records}


@dataclass(frozen=True, slots=True)
class ModulePlan:
    module: str
    version: str
    sha256: str
    kind: str
    scope: str
    steps: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"module": self.module, "version": self.version, "sha256": self.sha256, "kind": self.kind,
                "scope": self.scope, "steps": list(self.steps)}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # missing_pack | missing_field | version_conflict | config
    message: str


@dataclass(frozen=True, slots=True)
class FactPlan:
    packs: tuple[PackPlan, ...]
    modules: tuple[ModulePlan, ...]
    problems: tuple[Problem, ...] = ()

    def pack(self, name: str) -> PackPlan | None:
        return next((p for p in self.packs if p.pack == name), None)

    @property
    def conflicts(self) -> list[Problem]:
        return [p for p in self.problems if p.code == "version_conflict"]

    @property
    def invalid_configs(self) -> list[Problem]:
        return [p for p in self.problems if p.code == "config"]

    @property
    def missing(self) -> list[Problem]:
        return [p for p in self.problems if p.code in ("missing_pack", "missing_field")]

    def to_dict(self) -> dict:
        return {"packs": [p.to_dict() for p in self.packs], "modules": [m.to_dict() for m in self.modules],
                "problems": [{"code": p.code, "message": p.message} for p in self.problems]}


def plan_facts(catalog: ModuleCatalog, steps: Sequence[ProgramStep], versions: Sequence[str | None] = (),
               period: Period | None = None, known_keys: dict[str, Sequence[str]] | None = None,
               absent: Sequence[str] = ()) -> FactPlan:
    """The Fact Plan of a program. `versions[i]` is the version step i requires (None: any); `known_keys`
    (e.g. every metric code) sizes unfiltered keyed packs; `absent` packs have no record for this tenant."""
    versions = list(versions) + [None] * (len(steps) - len(versions))
    problems = _version_problems(catalog, steps, versions)
    fields: dict[str, set[str]] = {}
    keys: dict[str, set[str] | None] = {}
    readers: dict[str, list[str]] = {}
    fan_out: dict[str, list[str]] = {}
    for step in steps:
        module = catalog.get(step.module)
        for pack, declared in module.reads.items():
            fields.setdefault(pack, set()).update(declared)
            readers.setdefault(pack, []).append(module.id)
            if pack in KEYED_PACKS:
                keys[pack] = _union_keys(keys.get(pack, set()), _config_keys(pack, step.config))
        if module.kind == "producer" and module.scope in FAN_OUT:
            list_pack, item_pack = FAN_OUT[module.scope]
            fan_out.setdefault(list_pack, []).append(module.id)
            fields.setdefault(list_pack, set()).update(set(module.reads.get(item_pack, [])) | {"id"})
    packs = []
    for name in sorted(fields):
        optional = name in fan_out and name not in readers
        kind = PACK_KINDS.get(name)
        if kind is None:
            if not optional:
                problems.append(Problem("missing_pack", f"pack {name!r} (read by {', '.join(readers[name])}) is not "
                                        f"one the fact-pack builder supplies ({', '.join(sorted(PACK_KINDS))})"))
        else:
            unknown = sorted(fields[name] - set(kind.fields))
            if unknown:
                problems.append(Problem("missing_field", f"pack {name!r} has no field {', '.join(unknown)} "
                                        f"(read by {', '.join(readers[name])}); it has {', '.join(kind.fields)}"))
        key_filter = keys.get(name)
        packs.append(PackPlan(
            pack=name, fields=tuple(sorted(fields[name])), keys=None if key_filter is None else tuple(sorted(key_filter)),
            modules=tuple(dict.fromkeys(readers.get(name, []) + fan_out.get(name, []))),
            source=kind.source if kind else "fan-out list (used when present)" if optional else "unavailable",
            required=not optional,
            estimated_records=_estimate(name, kind, key_filter, period, known_keys or {}, absent)))
    return FactPlan(tuple(packs), _module_plans(catalog, steps), tuple(problems))


def pack_for_plan(pack: dict, plan: FactPlan) -> dict:
    """The fact pack cut down to the plan: undeclared packs, fields and keys (metrics) are dropped."""
    planned = {}
    for item in plan.packs:
        if item.pack not in pack:
            continue
        value = pack[item.pack]
        if item.pack in KEYED_PACKS:
            planned[item.pack] = {key: _pick(entry, item.fields) for key, entry in sorted(value.items())
                                  if item.keys is None or key in item.keys}
        elif isinstance(value, list):
            planned[item.pack] = [_pick(entry, item.fields) for entry in value]
        else:
            planned[item.pack] = _pick(value, item.fields)
    return planned


def build_planned_fact_pack(account: TenantAccount, period: Period, usage: dict[str, dict], plan: FactPlan,
                            carried: dict | None = None, *, time_entries: Sequence[TimeEntrySpec] = (),
                            adjustments: Sequence[AdjustmentSpec] = ()) -> dict:
    """build_fact_pack limited to the plan: only planned metrics are aggregated in, then pack_for_plan."""
    metrics = planned_usage_metrics(plan)
    if metrics is not None:
        usage = {metric: values for metric, values in usage.items() if metric in metrics}
    pack = build_fact_pack(account, period, usage, carried, time_entries=time_entries, adjustments=adjustments,
                           read={item.pack for item in plan.packs})
    return pack_for_plan(pack, plan)


def planned_usage_metrics(plan: FactPlan) -> list[str] | None:
    """The usage metrics the builder must aggregate: [] when no module reads usage, None for every metric."""
    usage = plan.pack("usage")
    if usage is None:
        return []
    return None if usage.keys is None else list(usage.keys)


def _version_problems(catalog: ModuleCatalog, steps, versions) -> list[Problem]:
    required: dict[str, dict[str, list[int]]] = {}
    for index, (step, version) in enumerate(zip(steps, versions)):
        if version is not None:
            required.setdefault(step.module, {}).setdefault(version, []).append(index)
    problems = []
    for module_id, by_version in sorted(required.items()):
        if len(by_version) > 1:
            wanted = "; ".join(f"{v} (steps {', '.join(map(str, s))})" for v, s in sorted(by_version.items()))
            problems.append(Problem("version_conflict", f"{module_id}: the program requires {wanted}"))
            continue
        (version,) = by_version
        have = catalog.get(module_id).version
        if version != have:
            problems.append(Problem("version_conflict", f"{module_id}: the program requires {version}, the catalog "
                                    f"has {have}"))
    return problems


def _module_plans(catalog: ModuleCatalog, steps) -> tuple[ModulePlan, ...]:
    used: dict[str, list[int]] = {}
    for index, step in enumerate(steps):
        used.setdefault(step.module, []).append(index)
    plans = []
    for module_id, indexes in used.items():
        ref = catalog.get(module_id)
        plans.append(ModulePlan(ref.id, ref.version, ref.sha256, ref.kind, ref.scope, tuple(indexes)))
    return tuple(plans)


def _config_keys(pack: str, config: dict) -> set[str] | None:
    """The keys a step's config names (config.metric / config.metrics); None when it names none (all keys)."""
    named = set()
    for name in KEY_CONFIG.get(pack, ()):
        value = config.get(name)
        if isinstance(value, str):
            named.add(value)
        elif isinstance(value, list):
            named.update(v for v in value if isinstance(v, str))
    return named or None


def _union_keys(so_far: set[str] | None, more: set[str] | None) -> set[str] | None:
    return None if so_far is None or more is None else so_far | more


def _estimate(name, kind, key_filter, period, known_keys, absent) -> int | None:
    if kind is None:
        return None
    if name in absent:
        return 0
    if name in KEYED_PACKS:
        keys = key_filter if key_filter is not None else known_keys.get(name)
        if keys is None:
            return None
        return len(keys) * (period.days if kind.per_day and period else 1)
    return 1


def _pick(entry: dict, fields: Sequence[str]) -> dict:
    return {f: entry[f] for f in fields if f in entry} if isinstance(entry, dict) else entry
