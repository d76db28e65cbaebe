// usage-tiers (producer): prices one metric's period sum.
//   graduated             each tier prices the slice of usage inside it (one line per tier reached)
//   volume                the tier the whole quantity falls into prices all of it (one line)
//   per_unit              quantity x unit_price
//   package               whole packages of package_size units (a partial package counts as one) x unit_price
//   percentage            a fraction (rate) of a monetary metric, with optional per-transaction min/max
//   graduated_percentage  graduated tiers of a monetary metric, each with its own rate
// Options: a flat_fee per tier (its own line, charged when the tier is reached), a minimum spend (a
// top-up line when this step's lines add up to less), a category on every line, and a plan: the step
// bills only when facts.subscription is on that plan (two plans pricing one metric: the plan the tenant
// is on bills the period's usage, once; the other step yields nothing, not even its minimum).
//
// Per-transaction min/max from aggregates: the facts hold each metric's count, sum, min and max, not
// every transaction. When min and max show that every transaction sits on one side (all between the
// bounds, all below the minimum or all above the maximum) the charge is exact. Otherwise the bounds
// are applied to the period total (clamped to count x minimum .. count x maximum) and a warning says so.

import {
  ChargeLine, Decimal, Fields, Input, Output, addI64, nonNegativeDecimal, optionalInteger, optionalString, packages,
  readCategory, runPricing, subI64, usageFacts,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

const MODES: string[] = ["graduated", "volume", "per_unit", "package", "percentage", "graduated_percentage"];

class Tier {
  constructor(
    /** Inclusive upper bound; null for the open-ended last tier. */
    public upTo: Decimal | null,
    /** unit_price (or rate for graduated_percentage). */
    public unitPrice: Decimal,
    /** The price exactly as configured, echoed on the charge line. */
    public unitPriceText: string,
    /** Minor units charged once when the tier is reached; 0: none. */
    public flatFee: i64,
  ) {}
}

function readTiers(config: Fields, priceKey: string): Tier[] {
  const items = config.objects("tiers");
  const tiers = new Array<Tier>();
  if (config.failure.failed) return tiers;
  if (items.length == 0) {
    config.fail("tiers", "must not be empty");
    return tiers;
  }
  let previous = Decimal.zero();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const upTo = item.decimalOrNull("up_to");
    const priceText = item.decimalText(priceKey);
    if (config.failure.failed) return tiers;
    const unitPrice = <Decimal>Decimal.parse(priceText);
    const last = i == items.length - 1;
    if (upTo == null) {
      if (!last) item.fail("up_to", "only the last tier may be null");
    } else if (last) {
      item.fail("up_to", "must be null in the last tier");
    } else if (upTo.cmp(previous) <= 0) {
      item.fail("up_to", "must be greater than the previous tier's up_to (and than 0)");
    } else {
      previous = upTo;
    }
    if (unitPrice.isNegative) item.fail(priceKey, "must not be negative");
    const flatFee = optionalInteger(item, "flat_fee", 0);
    if (flatFee < 0) item.fail("flat_fee", "must not be negative");
    tiers.push(new Tier(upTo, unitPrice, priceText, flatFee));
  }
  return tiers;
}

/** Collects this step's lines: each gets the step's category; the total feeds the minimum spend. */
class Lines {
  total: i64 = 0;
  constructor(public out: Output, public category: string | null) {}

  add(line: ChargeLine): void {
    this.total = addI64(this.total, line.amount);
    this.out.add(line.inCategory(this.category));
  }
}

function percent(rate: Decimal): string {
  return rate.movePointRight(2).normalized().toString() + "%";
}

function price(input: Input, out: Output): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const metric = config.string("metric");
  const mode = config.choice("mode", MODES);
  let tiers = new Array<Tier>();
  if (mode == "graduated" || mode == "volume") tiers = readTiers(config, "unit_price");
  else if (mode == "graduated_percentage") tiers = readTiers(config, "rate");
  if (out.failed) return;

  let unitPrice = Decimal.zero();
  let size = Decimal.zero();
  let low: Decimal | null = null;
  let high: Decimal | null = null;
  if (mode == "per_unit" || mode == "package") unitPrice = nonNegativeDecimal(config, "unit_price");
  if (mode == "package") {
    size = config.decimal("package_size");
    if (!out.failed && size.sign <= 0) config.fail("package_size", "must be positive");
  }
  if (mode == "percentage") {
    unitPrice = nonNegativeDecimal(config, "rate");
    if (config.has("min_per_transaction")) low = nonNegativeDecimal(config, "min_per_transaction");
    if (config.has("max_per_transaction")) high = nonNegativeDecimal(config, "max_per_transaction");
    if (!out.failed && low != null && high != null && (<Decimal>low).cmp(<Decimal>high) > 0) {
      config.fail("max_per_transaction", "must not be less than min_per_transaction");
    }
  }
  const minimum = optionalInteger(config, "minimum", 0);
  if (!out.failed && minimum < 0) config.fail("minimum", "must not be negative");
  const lines = new Lines(out, readCategory(config));
  const plan = optionalString(config, "plan");
  if (out.failed) return;
  if (plan != null) {
    // Plan disambiguation: usage is billed once, at the prices of the plan the tenant is on (facts.subscription).
    const subscription = input.fact("subscription");
    if (!subscription.present) return;
    const subscribed = subscription.string("plan");
    if (out.failed || subscribed != plan) return;
  }

  const quantity = input.usageSum(metric);
  if (out.failed) return;
  if (quantity.isNegative) return input.fact("usage").fail(metric + ".sum", "must not be negative");
  if (!quantity.isZero) {
    if (mode == "graduated" || mode == "graduated_percentage") {
      graduated(input, lines, ruleId, description, metric, quantity, tiers, mode == "graduated_percentage");
    } else if (mode == "volume") {
      volume(input, lines, ruleId, description, metric, quantity, tiers);
    } else if (mode == "per_unit") {
      const text = config.string("unit_price");
      lines.add(new ChargeLine(ruleId, "usage", description, metric, quantity.toString(), text,
                               input.toMinor(quantity.mul(unitPrice)), true));
    } else if (mode == "package") {
      const count = Decimal.fromInt(packages(quantity, size));
      const label = description + " (" + count.toString() + " packages of " + size.toString() + ")";
      lines.add(new ChargeLine(ruleId, "usage", label, metric, count.toString(), config.string("unit_price"),
                               input.toMinor(count.mul(unitPrice)), true));
    } else {
      percentage(input, lines, ruleId, description, metric, quantity, unitPrice, low, high);
    }
  }
  if (out.failed) return;
  if (lines.total < minimum) {
    const topUp = subI64(minimum, lines.total);
    lines.add(new ChargeLine(ruleId, "fee", description + " (minimum spend " + input.major(minimum).toString() + ")",
                             metric, "1", input.major(topUp).toString(), topUp, true));
  }
}

function flatFee(input: Input, lines: Lines, ruleId: string, label: string, metric: string, tier: Tier): void {
  if (tier.flatFee == 0) return;
  lines.add(new ChargeLine(ruleId, "fee", label + " flat fee", metric, "1", input.major(tier.flatFee).toString(),
                           tier.flatFee, true));
}

function graduated(input: Input, lines: Lines, ruleId: string, description: string, metric: string,
                   quantity: Decimal, tiers: Tier[], asRate: bool): void {
  let floor = Decimal.zero();
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i];
    const upTo = tier.upTo;
    const reachesTop = upTo != null && quantity.cmp(upTo) > 0;
    const slice = (reachesTop ? <Decimal>upTo : quantity).sub(floor);
    if (slice.sign > 0) {
      const amount = input.toMinor(slice.mul(tier.unitPrice));
      const tierLabel = description + " (tier " + (i + 1).toString();
      const label = asRate ? tierLabel + ", " + percent(tier.unitPrice) + ")" : tierLabel + ")";
      lines.add(new ChargeLine(ruleId, "usage", label, metric, slice.toString(), tier.unitPriceText, amount, true));
      flatFee(input, lines, ruleId, tierLabel + ")", metric, tier);
    }
    if (!reachesTop) break;
    floor = <Decimal>upTo;
  }
}

function volume(input: Input, lines: Lines, ruleId: string, description: string, metric: string,
                quantity: Decimal, tiers: Tier[]): void {
  let index = tiers.length - 1;
  for (let i = 0; i < tiers.length; i++) {
    const upTo = tiers[i].upTo;
    if (upTo == null || quantity.cmp(upTo) <= 0) {
      index = i;
      break;
    }
  }
  const tier = tiers[index];
  const amount = input.toMinor(quantity.mul(tier.unitPrice));
  lines.add(new ChargeLine(ruleId, "usage", description, metric, quantity.toString(), tier.unitPriceText, amount,
                           true));
  flatFee(input, lines, ruleId, description + " (tier " + (index + 1).toString() + ")", metric, tier);
}

function percentage(input: Input, lines: Lines, ruleId: string, description: string, metric: string,
                    total: Decimal, rate: Decimal, low: Decimal | null, high: Decimal | null): void {
  const rateText = input.config.string("rate");
  const label = description + " (" + percent(rate) + ")";
  if (low == null && high == null) {
    lines.add(new ChargeLine(ruleId, "usage", label, metric, total.toString(), rateText,
                             input.toMinor(total.mul(rate)), true));
    return;
  }
  const stats = usageFacts(input, metric);
  const count = stats.count;
  const smallest = stats.min;
  const largest = stats.max;
  if (lines.out.failed) return;
  if (count <= 0) return stats.fields.fail("count", "must be positive when sum is not zero");
  if (smallest.isNegative) return stats.fields.fail("min", "must not be negative");
  if (largest.isNegative) return stats.fields.fail("max", "must not be negative");
  const n = Decimal.fromInt(count);
  if (low != null && largest.mul(rate).cmp(low) <= 0) {
    lines.add(new ChargeLine(ruleId, "usage", description + " (minimum per transaction)", metric, n.toString(),
                             input.config.string("min_per_transaction"), input.toMinor(n.mul(low)), true));
    return;
  }
  if (high != null && smallest.mul(rate).cmp(high) >= 0) {
    lines.add(new ChargeLine(ruleId, "usage", description + " (maximum per transaction)", metric, n.toString(),
                             input.config.string("max_per_transaction"), input.toMinor(n.mul(high)), true));
    return;
  }
  let value = total.mul(rate);
  const inside = (low == null || smallest.mul(rate).cmp(low) >= 0) &&
                 (high == null || largest.mul(rate).cmp(high) <= 0);
  if (inside) {
    lines.add(new ChargeLine(ruleId, "usage", label, metric, total.toString(), rateText, input.toMinor(value), true));
    return;
  }
  if (low != null && value.cmp(n.mul(low)) < 0) value = n.mul(low);
  if (high != null && value.cmp(n.mul(high)) > 0) value = n.mul(high);
  lines.out.warn(ruleId + ": transactions straddle the per-transaction minimum or maximum; the bounds were applied " +
                 "to the period total (count x min .. count x max), an approximation from the usage aggregates");
  lines.add(new ChargeLine(ruleId, "usage", description + " (" + percent(rate) + ", bounds applied to the total)",
                           metric, total.toString(), rateText, input.toMinor(value), true));
}
