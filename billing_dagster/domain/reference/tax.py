"""tax (wasm/modules/tax/index.ts): passes every line through and appends one tax line per tax component in
effect during the period: the single rate of facts.tax or its components (compound, windowed by date), on the
taxable lines less exempt categories and reductions, rounded once as context.policy says; lines of the
categories of facts.tax.regions are taxed by their region, each region's lines a base of their own."""

from dataclasses import dataclass

from billing_dagster.domain.reference.sdk import ChargeLine, Decimal, Fields, Input, Output, i64
from billing_dagster.domain.reference.t_sdk import (
    CalendarInstant, Fraction, Policy, allocate, apportion, clip_label, in_categories, optional_string_list,
    read_calendar_instant)


@dataclass(slots=True)
class Component:
    name: str
    rate: Decimal
    rate_text: str
    jurisdiction: str
    compound: bool
    start: CalendarInstant | None
    end: CalendarInstant | None
    lo: int = 0
    hi: int = 0


@dataclass(slots=True)
class Region:
    code: str
    categories: list[str]
    components: list[Component]


@dataclass(slots=True)
class Taxed:
    region: str | None
    active: list[Component]
    amounts: list[int]
    covered: list[int]
    days: int


def price(source: Input, out: Output) -> None:
    policy = Policy.read(source)  # runTransformer reads it before the pricing function
    if out.failed:
        return
    rule_id = source.config.string("rule_id")
    if out.failed:
        return
    for line in source.charges:
        out.add(line)

    tax = source.fact("tax")
    if not tax.present:
        return out.warn("facts.tax is absent: no tax charged")
    exempt = tax.boolean("exempt")
    name = tax.string("name")
    rate = tax.decimal("rate")
    if out.failed:
        return
    if rate.sign < 0:
        return tax.fail("rate", "must not be negative")
    read = read_components(tax, name, rate)
    exempt_categories = optional_string_list(tax, "exempt_categories")
    regions = read_regions(tax)
    if out.failed or exempt:
        return
    taxed = []
    for r in range(-1, len(regions)):
        result = _tax_region(source, policy, out, read if r < 0 else regions[r].components, exempt_categories,
                             regions, r)
        if out.failed:
            return
        if result is not None:
            taxed.append(result)
    _emit(source, policy, out, rule_id, taxed)


def _tax_region(source: Input, policy: Policy, out: Output, read: list[Component], exempt_categories,
                regions: list[Region], r: int) -> Taxed | None:
    """The tax of the lines of region `r` (-1: the customer's own region), or None when it charges nothing."""
    components = [c for c in read if c.rate.sign != 0]
    if not components:
        return None

    positives: list[int] = []
    supply = reductions = 0
    for line in source.charges:
        if not line.taxable or line.kind == "tax":
            continue
        if exempt_categories is not None and in_categories(line, exempt_categories):
            continue
        if _region_of(line, regions) != r:
            continue
        if line.kind == "discount":
            if policy.discounts_reduce_tax_base:
                reductions = i64(reductions + line.amount)
        elif line.amount > 0:
            positives.append(line.amount)
            supply = i64(supply + line.amount)
        else:
            reductions = i64(reductions + line.amount)
    taken = i64(-reductions) if reductions < 0 else 0
    taken = min(taken, supply)
    total = supply - taken
    if total == 0:
        return None
    bases = list(positives)
    if taken > 0:
        bases = [b - s for b, s in zip(bases, allocate(taken, positives))]
    if policy.tax_computation == "on_total":
        bases = [total]

    days, start = 1, 0
    if any(c.start is not None or c.end is not None for c in components):
        period_start = CalendarInstant.parse(source.period_start)
        period_end = CalendarInstant.parse(source.period_end)
        if period_start is None or period_end is None:
            out.fail("context.period: must be RFC 3339 UTC instants")
            return None
        start = period_start.days
        days = period_end.days - start
        if days <= 0:
            out.fail("context.period: must cover at least one day")
            return None
    active = []
    for c in components:
        c.lo = 0 if c.start is None else _clamp(c.start.days - start, days)
        c.hi = days if c.end is None else _clamp(c.end.days - start, days)
        if c.hi > c.lo:
            active.append(c)
    if not active:
        return None
    cuts = sorted([0, days] + [x for c in active for x in (c.lo, c.hi)])
    segments = [(a, b - a) for a, b in zip(cuts, cuts[1:]) if b != a]

    one = Decimal(1)
    multipliers: list[list[Fraction | None]] = []
    divisors: list[Fraction] = []
    for seg_start, seg_days in segments:
        row: list[Fraction | None] = []
        total_m = Decimal(0)
        for c in active:
            if c.lo > seg_start or c.hi < seg_start + seg_days:
                row.append(None)
                continue
            m = c.rate.mul(one.add(total_m)) if c.compound else c.rate
            total_m = total_m.add(m)
            row.append(Fraction.from_decimal(m))
        multipliers.append(row)
        divisors.append(Fraction.from_decimal(one.add(total_m)) if policy.tax_inclusive else Fraction.from_int(1))

    seg_days = [d for _, d in segments]
    exact: list[list[Fraction]] = [[] for _ in active]
    covered = [0] * len(active)
    for base in bases:
        parts = [base] if len(seg_days) == 1 else allocate(base, seg_days)
        for k in range(len(active)):
            e = Fraction.from_int(0)
            for s, part in enumerate(parts):
                m = multipliers[s][k]
                if m is None:
                    continue
                e = e.add(Fraction.from_int(part).mul(m).div(divisors[s]))
                covered[k] = i64(covered[k] + part)
            exact[k].append(e)

    mode = source.rounding
    level = policy.level
    if policy.tax_computation == "on_total" and level == "line":
        level = "jurisdiction"
    amounts = [0] * len(active)
    if level == "line":
        for k in range(len(active)):
            amount = 0
            for e in exact[k]:
                amount = i64(amount + e.round(mode))
            amounts[k] = amount
    else:
        totals = []
        for k in range(len(active)):
            acc = Fraction.from_int(0)
            for e in exact[k]:
                acc = acc.add(e)
            totals.append(acc)
        done = [False] * len(active)
        for k in range(len(active)):
            if done[k]:
                continue
            members = []
            for j in range(k, len(active)):
                if not done[j] and (level == "invoice" or active[j].jurisdiction == active[k].jurisdiction):
                    members.append(j)
                    done[j] = True
            parts = [totals[j] for j in members]
            acc = Fraction.from_int(0)
            for part in parts:
                acc = acc.add(part)
            for j, share in zip(members, apportion(parts, acc.round(mode))):
                amounts[j] = share

    return Taxed(None if r < 0 else regions[r].code, active, amounts, covered, days)


def _emit(source: Input, policy: Policy, out: Output, rule_id: str, taxed: list[Taxed]) -> None:
    """One adjustment taking included tax out of the subtotal (inclusive prices), then one line per component."""
    charged = 0
    for group in taxed:
        for amount in group.amounts:
            charged = i64(charged + amount)
    if policy.tax_inclusive and charged != 0:
        back = i64(-charged)
        out.add(ChargeLine(rule_id, "adjustment", "Tax included in prices", None, "1", str(source.major(back)),
                           back, False))
    for group in taxed:
        for k, c in enumerate(group.active):
            notes = []
            if group.region is not None:
                notes.append(group.region)
            if c.compound:
                notes.append("compound")
            if policy.tax_inclusive:
                notes.append("included")
            if c.hi - c.lo < group.days:
                notes.append(f"{c.hi - c.lo}/{group.days} days")
            label = f"{c.name} {c.rate.move_point_right(2).normalized()}%"
            if notes:
                label += " (" + ", ".join(notes) + ")"
            out.add(ChargeLine(rule_id, "tax", clip_label(label), None, str(source.major(group.covered[k])),
                               c.rate_text, group.amounts[k], False))


def _region_of(line: ChargeLine, regions: list[Region]) -> int:
    """The index of the region that taxes the line's category, or -1 (the customer's own region)."""
    for r, region in enumerate(regions):
        if in_categories(line, region.categories):
            return r
    return -1


def read_regions(tax: Fields) -> list[Region]:
    """facts.tax.regions: a region code, the categories it taxes (none in two regions), its rate or components."""
    out: list[Region] = []
    if not tax.has("regions"):
        return out
    seen: list[str] = []
    for item in tax.objects("regions"):
        code = item.string("region")
        categories = optional_string_list(item, "categories")
        name = item.string("name")
        rate = item.decimal("rate")
        if tax.failure.failed:
            return out
        if not categories:
            item.fail("categories", "must name at least one category")
            return out
        for category in categories:
            if category in seen:
                item.fail("categories", f"{category} is already taxed by an earlier region")
                return out
            seen.append(category)
        if rate.sign < 0:
            item.fail("rate", "must not be negative")
            return out
        components = read_components(item, name, rate)
        if tax.failure.failed:
            return out
        out.append(Region(code, categories, components))
    return out


def _clamp(day: int, days: int) -> int:
    return 0 if day < 0 else days if day > days else day


def read_components(tax: Fields, name: str, rate: Decimal) -> list[Component]:
    """facts.tax.components, or the single rate as one component."""
    if not tax.has("components"):
        return [Component(name, rate, tax.string("rate"), "", False, None, None)]
    out = []
    for item in tax.objects("components"):
        item_name = item.string("name")
        item_rate = item.decimal("rate")
        jurisdiction = item.string("jurisdiction")
        compound = item.boolean("compound") if item.has("compound") else False
        start = read_calendar_instant(item, "effective_from") if item.has("effective_from") else None
        end = read_calendar_instant(item, "effective_to") if item.has("effective_to") else None
        if tax.failure.failed:
            return out
        if item_rate.sign < 0:
            item.fail("rate", "must not be negative")
            return out
        if start is not None and end is not None and end.cmp(start) <= 0:
            item.fail("effective_to", "must be after effective_from")
            return out
        out.append(Component(item_name, item_rate, item.string("rate"), jurisdiction, compound, start, end))
    return out
