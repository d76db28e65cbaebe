// Tier evaluation for usage pricing.
//   graduated  each tier prices the slice of the quantity inside it
//   volume     the tier the whole quantity falls into prices all of it
//   package    the quantity is sold in whole packages of `size` units, rounded up
// Quantities and prices stay exact Decimals; amounts are rounded once per line
// by the caller (input.toMinor(slice.quantity.mul(slice.tier.unitPrice))).

import { canScaleUp, scaleUp } from "./checked";
import { Decimal } from "./decimal";
import { Fields } from "./fields";

export class Tier {
  constructor(
    /** Inclusive upper bound; null for the open-ended last tier. */
    public upTo: Decimal | null,
    public unitPrice: Decimal,
    /** The unit price exactly as configured, for the charge line. */
    public unitPriceText: string,
  ) {}
}

/** A part of the quantity priced by one tier (`index` counts from 0). */
export class TierSlice {
  constructor(public index: i32, public quantity: Decimal, public tier: Tier) {}
}

/**
 * config[key] as tiers: a non-empty array of {up_to, unit_price}, up_to strictly
 * ascending and null only in the last tier, prices non-negative. Problems are
 * recorded on the Fields (the module then answers {"error": ...}).
 */
export function readTiers(config: Fields, key: string = "tiers"): Tier[] {
  const items = config.objects(key);
  const tiers = new Array<Tier>();
  if (config.failure.failed) return tiers;
  if (items.length == 0) {
    config.fail(key, "must not be empty");
    return tiers;
  }
  let previous = Decimal.zero();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const upTo = item.decimalOrNull("up_to");
    const priceText = item.decimalText("unit_price");
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
    if (unitPrice.isNegative) item.fail("unit_price", "must not be negative");
    tiers.push(new Tier(upTo, unitPrice, priceText));
  }
  return tiers;
}

/** One slice per tier the quantity reaches (none for a zero quantity). */
export function graduated(quantity: Decimal, tiers: Tier[]): TierSlice[] {
  const slices = new Array<TierSlice>();
  let floor = Decimal.zero();
  for (let i = 0; i < tiers.length; i++) {
    const upTo = tiers[i].upTo;
    const reachesTop = upTo != null && quantity.cmp(<Decimal>upTo) > 0;
    const slice = (reachesTop ? <Decimal>upTo : quantity).sub(floor);
    if (slice.sign > 0) slices.push(new TierSlice(i, slice, tiers[i]));
    if (!reachesTop) break;
    floor = <Decimal>upTo;
  }
  return slices;
}

/** The whole quantity at the tier it falls into (up_to is inclusive). */
export function volume(quantity: Decimal, tiers: Tier[]): TierSlice {
  for (let i = 0; i < tiers.length; i++) {
    const upTo = tiers[i].upTo;
    if (upTo == null || quantity.cmp(<Decimal>upTo) <= 0) return new TierSlice(i, quantity, tiers[i]);
  }
  const last = tiers.length - 1;
  return new TierSlice(last, quantity, tiers[last]);
}

/** How many packages of `size` units cover `quantity` (rounded up; 0 for 0). */
export function packages(quantity: Decimal, size: Decimal): i64 {
  if (size.sign <= 0) abort("packages: size must be positive");
  if (quantity.isNegative) abort("packages: quantity must not be negative");
  return ceilDiv(quantity, size);
}

/** ceil(a / b) for a >= 0, b > 0, exactly. */
function ceilDiv(a: Decimal, b: Decimal): i64 {
  const scale = max(a.scale, b.scale);
  if (!canScaleUp(a.mantissa, scale - a.scale) || !canScaleUp(b.mantissa, scale - b.scale)) {
    abort("packages: quantity or size too precise");
  }
  const n = scaleUp(a.mantissa, scale - a.scale);
  const d = scaleUp(b.mantissa, scale - b.scale);
  const q = n / d;
  return n % d == 0 ? q : q + 1;
}
