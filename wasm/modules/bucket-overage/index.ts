// bucket-overage (producer): an allowance of units per period (facts.buckets[bucket]) and overage
// beyond it at unit_price, with rollover of unused allowance handed to the next period (carry).
//
//   allowance  the bucket's carried_in lots still usable this period, then its `included` units.
//              Usage draws on the lots first, soonest expiry first (never-expiring lots last), then
//              on `included`; whatever is left is overage.
//   usable     a lot counts in a period when it never expires (expires null) or expires at least one
//              day after the period starts (so an expiry that a DST hour moved off a period boundary
//              still counts for the period it was meant for).
//   pooled     config.metrics with several metrics share the allowance; the overage amount (rounded
//              once) and the overage units are split across the metrics in proportion to their usage
//              with largest-remainder allocation, one line per metric: the lines add up exactly.
//   rollover   unused `included` units become a new lot expiring expires_after_months calendar months
//              after the period ends (absent or null: never). Lots left over that are still usable next
//              period carry on with their own expiry. `cap` bounds the whole carried balance: lots are
//              kept soonest expiry first up to the cap. Without rollover, unused `included` lapses.
//   carry      {"buckets": {"<bucket>": {"carried_in": [{"expires": instant|null, "quantity": "decimal"}]}}}:
//              next period's carried_in for this bucket (always written, possibly empty).

import {
  Carry, ChargeLine, Decimal, Fields, Input, Instant, JsonWriter, Output, addMonths, allocate, nonNegativeDecimal,
  optionalInteger, parseInstant, readCategory, runPricingWithCarry, scaleUp, stringList,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricingWithCarry(ptr, len, price);
}

const DAY_SECONDS: i64 = 86400;
const INSTANT_EXAMPLE = "must be an instant like 2026-03-01T00:00:00Z";

class Lot {
  constructor(public quantity: Decimal, public expiresText: string | null, public expires: Instant | null) {}
}

function usable(lot: Lot, periodStart: Instant): bool {
  const expires = lot.expires;
  return expires == null || expires.cmp(periodStart.plusSeconds(DAY_SECONDS)) >= 0;
}

/** Whether lot a expires strictly after lot b (never-expiring is after every instant). */
function expiresAfter(a: Lot, b: Lot): bool {
  const x = a.expires;
  const y = b.expires;
  if (x == null) return y != null;
  if (y == null) return false;
  return x.cmp(y) > 0;
}

/** Soonest expiry first; equal expiries keep their order (stable insertion sort). */
function sortByExpiry(lots: Lot[]): void {
  for (let i = 1; i < lots.length; i++) {
    const lot = lots[i];
    let j = i - 1;
    while (j >= 0 && expiresAfter(lots[j], lot)) {
      lots[j + 1] = lots[j];
      j--;
    }
    lots[j + 1] = lot;
  }
}

class Rollover {
  constructor(public cap: Decimal | null, public months: i64) {}
}

function readRollover(config: Fields): Rollover | null {
  if (!config.has("rollover")) return null;
  const rollover = config.object("rollover");
  let cap: Decimal | null = null;
  if (rollover.has("cap")) cap = nonNegativeDecimal(rollover, "cap");
  const months = optionalInteger(rollover, "expires_after_months", 0);
  if (!config.failure.failed && rollover.has("expires_after_months") && (months < 1 || months > 1200)) {
    rollover.fail("expires_after_months", "must be between 1 and 1200");
  }
  return new Rollover(cap, months);
}

function readLots(bucket: Fields): Lot[] {
  const lots = new Array<Lot>();
  const items = bucket.objects("carried_in");
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const quantity = nonNegativeDecimal(item, "quantity");
    const text = item.stringOrNull("expires");
    if (bucket.failure.failed) return lots;
    let expires: Instant | null = null;
    if (text != null) {
      expires = parseInstant(text);
      if (expires == null) {
        item.fail("expires", INSTANT_EXAMPLE + " or null");
        return lots;
      }
    }
    lots.push(new Lot(quantity, text, expires));
  }
  return lots;
}

function price(input: Input, out: Output, carry: Carry): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const bucketId = config.string("bucket");
  const unitPrice = nonNegativeDecimal(config, "unit_price");
  const pooledConfig = config.has("metrics");
  let metrics = pooledConfig ? stringList(config, "metrics") : new Array<string>();
  const rollover = readRollover(config);
  const category = readCategory(config);
  if (out.failed) return;
  const priceText = config.string("unit_price");
  const start = parseInstant(input.context.periodStart);
  const end = parseInstant(input.context.periodEnd);
  if (start == null) return out.fail("context.period.start: " + INSTANT_EXAMPLE);
  if (end == null) return out.fail("context.period.end: " + INSTANT_EXAMPLE);

  const bucket = input.fact("buckets").object(bucketId);
  const included = nonNegativeDecimal(bucket, "included");
  if (!pooledConfig) metrics = [bucket.string("metric")];
  const lots = readLots(bucket);
  if (out.failed) return;

  const used = new Array<Decimal>(metrics.length);
  let total = Decimal.zero();
  for (let i = 0; i < metrics.length; i++) {
    const quantity = input.usageSum(metrics[i]);
    if (out.failed) return;
    if (quantity.isNegative) return input.fact("usage").fail(metrics[i] + ".sum", "must not be negative");
    used[i] = quantity;
    total = total.add(quantity);
  }

  // Draw on the usable lots (soonest expiry first), then on this period's included units.
  const live = new Array<Lot>();
  for (let i = 0; i < lots.length; i++) if (usable(lots[i], <Instant>start)) live.push(lots[i]);
  sortByExpiry(live);
  let allowance = included;
  let remaining = total;
  for (let i = 0; i < live.length; i++) {
    const lot = live[i];
    allowance = allowance.add(lot.quantity);
    const take = remaining.min(lot.quantity);
    lot.quantity = lot.quantity.sub(take);
    remaining = remaining.sub(take);
  }
  const fromIncluded = remaining.min(included);
  const unused = included.sub(fromIncluded);
  const overage = remaining.sub(fromIncluded);

  if (overage.sign > 0) {
    const amount = input.toMinor(overage.mul(unitPrice));
    if (metrics.length == 1) {
      const label = description + " overage (" + total.toString() + " used, " + allowance.toString() + " allowance)";
      out.add(new ChargeLine(ruleId, "usage", label, metrics[0], overage.toString(), priceText, amount, true)
        .inCategory(category));
    } else {
      let scale: i32 = 0;
      for (let i = 0; i < used.length; i++) scale = max(scale, used[i].scale);
      const weights = new Array<i64>(used.length);
      for (let i = 0; i < used.length; i++) weights[i] = scaleUp(used[i].mantissa, scale - used[i].scale);
      const amounts = allocate(amount, weights);
      const units = allocate(overage.mantissa, weights);
      for (let i = 0; i < metrics.length; i++) {
        if (weights[i] == 0) continue;
        const label = description + " overage (" + metrics[i] + ": " + used[i].toString() + " of " + total.toString() +
                      " pooled, " + allowance.toString() + " allowance)";
        out.add(new ChargeLine(ruleId, "usage", label, metrics[i], new Decimal(units[i], overage.scale).toString(),
                               priceText, amounts[i], true).inCategory(category));
      }
    }
  }

  // Next period's carried_in.
  let next = new Array<Lot>();
  for (let i = 0; i < live.length; i++) {
    if (live[i].quantity.sign > 0 && usable(live[i], <Instant>end)) next.push(live[i]);
  }
  if (rollover != null && unused.sign > 0) {
    let text: string | null = null;
    let expires: Instant | null = null;
    if (rollover.months > 0) {
      text = addMonths(input.context.periodEnd, <i32>rollover.months);
      if (text == null) return out.fail("config.rollover.expires_after_months: the expiry would pass the year 9999");
      expires = parseInstant(<string>text);
    }
    next.push(new Lot(unused, text, expires));
    sortByExpiry(next);
  }
  if (rollover != null && rollover.cap != null) {
    const cap = <Decimal>rollover.cap;
    const capped = new Array<Lot>();
    let kept = Decimal.zero();
    for (let i = 0; i < next.length; i++) {
      const room = cap.sub(kept);
      if (room.sign <= 0) break;
      const quantity = next[i].quantity.min(room);
      capped.push(new Lot(quantity, next[i].expiresText, next[i].expires));
      kept = kept.add(quantity);
    }
    next = capped;
  }

  const w = new JsonWriter();
  w.beginObject().key("buckets").beginObject().key(bucketId).beginObject().key("carried_in").beginArray();
  for (let i = 0; i < next.length; i++) {
    w.beginObject();
    w.key("expires").stringOrNull(next[i].expiresText);
    w.key("quantity").string(next[i].quantity.toString());
    w.endObject();
  }
  w.endArray().endObject().endObject().endObject();
  carry.set(w);
}
