// tax (transformer): passes every line through and appends one tax line per
// tax component in effect during the period.
//
// facts.tax gives the customer's single rate (`name`, `rate`) or, when present,
// `components` (several per jurisdiction, compound ones charged on the base plus
// the components listed before them, each optionally effective from/to a date),
// a customer-level `exempt` flag and `exempt_categories` (lines of those
// categories are not taxed). The base is every taxable line that is not tax:
// negative lines (credits, caps) always lower it and discount lines do when
// context.policy.discounts_reduce_tax_base; the reduction is shared over the
// positive lines by largest remainder and never takes the base below zero.
// A rate that changes inside the period splits each line's base over the rate
// windows by days (largest remainder). Tax is exact until the one rounding step
// that context.policy.level names: each line, each jurisdiction's sum, or the
// invoice's sum (on_total computation rounds at least per jurisdiction); a
// rounded sum is apportioned back to its components by largest remainder.
// Inclusive prices (context.policy.tax_inclusive): the tax is extracted,
// gross * m / (1 + sum of m), and an adjustment line takes it back out of the
// subtotal so the total stays the gross.
// facts.tax.regions (optional) tax the lines of some categories in another
// region (its own name and rate, or components): each region's lines form a
// base of their own, rounded on their own; reductions without a category stay
// with the customer's region. Exempt categories and `exempt` still win.

import {
  CalendarInstant, ChargeLine, Decimal, Fields, Fraction, Input, Output, Policy, addI64, allocate, apportion, clipLabel,
  inCategories, negI64, optionalStringList, readCalendarInstant, runTransformer,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runTransformer(ptr, len, price);
}

class Component {
  lo: i64 = 0;
  hi: i64 = 0;
  constructor(
    public name: string,
    public rate: Decimal,
    public rateText: string,
    public jurisdiction: string,
    public compound: bool,
    public from: CalendarInstant | null,
    public to: CalendarInstant | null,
  ) {}
}

// Lines of `categories` taxed by the region `code` instead of the customer's.
class Region {
  constructor(public code: string, public categories: string[], public components: Component[]) {}
}

// One region's tax: its components in effect, their amounts and the base each covered.
class Taxed {
  constructor(
    public region: string | null,
    public active: Component[],
    public amounts: i64[],
    public covered: i64[],
    public days: i64,
  ) {}
}

function price(input: Input, policy: Policy, out: Output): void {
  const ruleId = input.config.string("rule_id");
  if (out.failed) return;
  for (let i = 0; i < input.charges.length; i++) out.add(input.charges[i]);

  const tax = input.fact("tax");
  if (!tax.present) return out.warn("facts.tax is absent: no tax charged");
  const exempt = tax.boolean("exempt");
  const name = tax.string("name");
  const rate = tax.decimal("rate");
  if (out.failed) return;
  if (rate.isNegative) return tax.fail("rate", "must not be negative");
  const read = readComponents(tax, name, rate);
  const exemptCategories = optionalStringList(tax, "exempt_categories");
  const regions = readRegions(tax);
  if (out.failed || exempt) return;
  const taxed = new Array<Taxed>();
  for (let r = -1; r < regions.length; r++) {
    const result = taxRegion(input, policy, out, r < 0 ? read : regions[r].components, exemptCategories, regions, r);
    if (out.failed) return;
    if (result != null) taxed.push(result);
  }
  emit(input, policy, out, ruleId, taxed);
}

// The tax of the lines of region `r` (-1: the customer's own region), or null when it charges nothing.
function taxRegion(
  input: Input, policy: Policy, out: Output, read: Component[], exemptCategories: string[] | null, regions: Region[],
  r: i32,
): Taxed | null {
  const components = new Array<Component>();
  for (let k = 0; k < read.length; k++) if (!read[k].rate.isZero) components.push(read[k]);
  if (components.length == 0) return null;

  // The base: positive taxable lines less their share of the reductions.
  const positives = new Array<i64>();
  let supply: i64 = 0;
  let reductions: i64 = 0;
  for (let i = 0; i < input.charges.length; i++) {
    const line = input.charges[i];
    if (!line.taxable || line.kind == "tax") continue;
    if (exemptCategories != null && inCategories(line, exemptCategories)) continue;
    if (regionOf(line, regions) != r) continue;
    if (line.kind == "discount") {
      if (policy.discountsReduceTaxBase) reductions = addI64(reductions, line.amount);
    } else if (line.amount > 0) {
      positives.push(line.amount);
      supply = addI64(supply, line.amount);
    } else {
      reductions = addI64(reductions, line.amount);
    }
  }
  let taken: i64 = reductions < 0 ? negI64(reductions) : 0;
  if (taken > supply) taken = supply;
  const total = supply - taken;
  if (total == 0) return null;
  let bases = positives;
  if (taken > 0) {
    const shares = allocate(taken, positives);
    for (let i = 0; i < bases.length; i++) bases[i] = bases[i] - shares[i];
  }
  if (policy.taxComputation == "on_total") bases = [total];

  // Rate windows in days of the period.
  let days: i64 = 1;
  let windowed = false;
  for (let k = 0; k < components.length; k++) {
    if (components[k].from != null || components[k].to != null) windowed = true;
  }
  let start: i64 = 0;
  if (windowed) {
    const periodStart = CalendarInstant.parse(input.context.periodStart);
    const periodEnd = CalendarInstant.parse(input.context.periodEnd);
    if (periodStart == null || periodEnd == null) {
      out.fail("context.period: must be RFC 3339 UTC instants");
      return null;
    }
    start = periodStart.days;
    days = periodEnd.days - start;
    if (days <= 0) {
      out.fail("context.period: must cover at least one day");
      return null;
    }
  }
  const active = new Array<Component>();
  for (let k = 0; k < components.length; k++) {
    const c = components[k];
    c.lo = c.from == null ? 0 : clamp((<CalendarInstant>c.from).days - start, days);
    c.hi = c.to == null ? days : clamp((<CalendarInstant>c.to).days - start, days);
    if (c.hi > c.lo) active.push(c);
  }
  if (active.length == 0) return null;
  const cuts = new Array<i64>();
  cuts.push(0);
  cuts.push(days);
  for (let k = 0; k < active.length; k++) {
    cuts.push(active[k].lo);
    cuts.push(active[k].hi);
  }
  cuts.sort((a: i64, b: i64): i32 => (a < b ? -1 : a > b ? 1 : 0));
  const segStart = new Array<i64>();
  const segDays = new Array<i64>();
  for (let c = 1; c < cuts.length; c++) {
    if (cuts[c] == cuts[c - 1]) continue;
    segStart.push(cuts[c - 1]);
    segDays.push(cuts[c] - cuts[c - 1]);
  }

  // Per segment: each active component's multiplier of the base, and the divisor (inclusive prices).
  const one = Decimal.fromInt(1);
  const multipliers = new Array<Array<Fraction | null>>();
  const divisors = new Array<Fraction>();
  for (let s = 0; s < segStart.length; s++) {
    const row = new Array<Fraction | null>(active.length);
    let sum = Decimal.zero();
    for (let k = 0; k < active.length; k++) {
      const c = active[k];
      if (c.lo > segStart[s] || c.hi < segStart[s] + segDays[s]) {
        row[k] = null;
        continue;
      }
      const m = c.compound ? c.rate.mul(one.add(sum)) : c.rate;
      sum = sum.add(m);
      row[k] = Fraction.fromDecimal(m);
    }
    multipliers.push(row);
    divisors.push(policy.taxInclusive ? Fraction.fromDecimal(one.add(sum)) : Fraction.fromInt(1));
  }

  // Exact tax of each component on each base, and the base each component covered.
  const exact = new Array<Array<Fraction>>();
  const covered = new Array<i64>(active.length);
  for (let k = 0; k < active.length; k++) exact.push(new Array<Fraction>());
  for (let i = 0; i < bases.length; i++) {
    const parts = segDays.length == 1 ? [bases[i]] : allocate(bases[i], segDays);
    for (let k = 0; k < active.length; k++) {
      let e = Fraction.zero();
      for (let s = 0; s < parts.length; s++) {
        const m = multipliers[s][k];
        if (m == null) continue;
        e = e.add(Fraction.fromInt(parts[s]).mul(<Fraction>m).div(divisors[s]));
        covered[k] = addI64(covered[k], parts[s]);
      }
      exact[k].push(e);
    }
  }

  // The one rounding step.
  const mode = input.context.rounding;
  let level = policy.level;
  if (policy.taxComputation == "on_total" && level == "line") level = "jurisdiction";
  const amounts = new Array<i64>(active.length);
  if (level == "line") {
    for (let k = 0; k < active.length; k++) {
      let sum: i64 = 0;
      for (let i = 0; i < exact[k].length; i++) sum = addI64(sum, exact[k][i].round(mode));
      amounts[k] = sum;
    }
  } else {
    const totals = new Array<Fraction>(active.length);
    for (let k = 0; k < active.length; k++) {
      let sum = Fraction.zero();
      for (let i = 0; i < exact[k].length; i++) sum = sum.add(exact[k][i]);
      totals[k] = sum;
    }
    const done = new Array<bool>(active.length);
    for (let k = 0; k < active.length; k++) {
      if (done[k]) continue;
      const members = new Array<i32>();
      for (let j = k; j < active.length; j++) {
        if (!done[j] && (level == "invoice" || active[j].jurisdiction == active[k].jurisdiction)) {
          members.push(j);
          done[j] = true;
        }
      }
      const parts = new Array<Fraction>(members.length);
      let sum = Fraction.zero();
      for (let j = 0; j < members.length; j++) {
        parts[j] = totals[members[j]];
        sum = sum.add(parts[j]);
      }
      const shares = apportion(parts, sum.round(mode));
      for (let j = 0; j < members.length; j++) amounts[members[j]] = shares[j];
    }
  }

  return new Taxed(r < 0 ? null : regions[r].code, active, amounts, covered, days);
}

// One adjustment taking included tax out of the subtotal (inclusive prices), then one line per component.
function emit(input: Input, policy: Policy, out: Output, ruleId: string, taxed: Taxed[]): void {
  let charged: i64 = 0;
  for (let t = 0; t < taxed.length; t++) {
    for (let k = 0; k < taxed[t].amounts.length; k++) charged = addI64(charged, taxed[t].amounts[k]);
  }
  if (policy.taxInclusive && charged != 0) {
    const back = negI64(charged);
    out.add(new ChargeLine(ruleId, "adjustment", "Tax included in prices", null, "1", input.major(back).toString(),
                           back, false));
  }
  for (let t = 0; t < taxed.length; t++) {
    const group = taxed[t];
    for (let k = 0; k < group.active.length; k++) {
      const c = group.active[k];
      const notes = new Array<string>();
      if (group.region != null) notes.push(<string>group.region);
      if (c.compound) notes.push("compound");
      if (policy.taxInclusive) notes.push("included");
      if (c.hi - c.lo < group.days) notes.push((c.hi - c.lo).toString() + "/" + group.days.toString() + " days");
      let label = c.name + " " + c.rate.movePointRight(2).normalized().toString() + "%";
      if (notes.length > 0) label += " (" + notes.join(", ") + ")";
      const base = input.major(group.covered[k]).toString();
      out.add(new ChargeLine(ruleId, "tax", clipLabel(label), null, base, c.rateText, group.amounts[k], false));
    }
  }
}

// The index of the region that taxes the line's category, or -1 (the customer's own region).
function regionOf(line: ChargeLine, regions: Region[]): i32 {
  for (let r = 0; r < regions.length; r++) if (inCategories(line, regions[r].categories)) return r;
  return -1;
}

// facts.tax.regions: each a region code, the categories it taxes (no category in two regions) and its single
// name and rate or components.
function readRegions(tax: Fields): Region[] {
  const out = new Array<Region>();
  if (!tax.has("regions")) return out;
  const items = tax.objects("regions");
  const seen = new Array<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const code = item.string("region");
    const categories = optionalStringList(item, "categories");
    const name = item.string("name");
    const rate = item.decimal("rate");
    if (tax.failure.failed) return out;
    if (categories == null || categories.length == 0) {
      item.fail("categories", "must name at least one category");
      return out;
    }
    for (let c = 0; c < categories.length; c++) {
      if (seen.includes(categories[c])) {
        item.fail("categories", categories[c] + " is already taxed by an earlier region");
        return out;
      }
      seen.push(categories[c]);
    }
    if (rate.isNegative) {
      item.fail("rate", "must not be negative");
      return out;
    }
    const components = readComponents(item, name, rate);
    if (tax.failure.failed) return out;
    out.push(new Region(code, categories, components));
  }
  return out;
}

function clamp(day: i64, days: i64): i64 {
  return day < 0 ? 0 : day > days ? days : day;
}

// facts.tax.components, or the single rate as one component.
function readComponents(tax: Fields, name: string, rate: Decimal): Component[] {
  const out = new Array<Component>();
  if (!tax.has("components")) {
    out.push(new Component(name, rate, tax.string("rate"), "", false, null, null));
    return out;
  }
  const items = tax.objects("components");
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const itemName = item.string("name");
    const itemRate = item.decimal("rate");
    const jurisdiction = item.string("jurisdiction");
    const compound = item.has("compound") ? item.boolean("compound") : false;
    const from = item.has("effective_from") ? readCalendarInstant(item, "effective_from") : null;
    const to = item.has("effective_to") ? readCalendarInstant(item, "effective_to") : null;
    if (tax.failure.failed) return out;
    if (itemRate.isNegative) {
      item.fail("rate", "must not be negative");
      return out;
    }
    if (from != null && to != null && (<CalendarInstant>to).cmp(<CalendarInstant>from) <= 0) {
      item.fail("effective_to", "must be after effective_from");
      return out;
    }
    out.push(new Component(itemName, itemRate, item.string("rate"), jurisdiction, compound, from, to));
  }
  return out;
}
