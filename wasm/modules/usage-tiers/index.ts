// usage-tiers (producer): prices one metric's period sum with tiers.
//   graduated: each tier prices the slice of usage that falls inside it (one line per tier)
//   volume:    the tier the whole quantity falls into prices all of it (one line)

import { ChargeLine, Decimal, Fields, Input, Output, runPricing } from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

class Tier {
  constructor(
    /** Inclusive upper bound; null for the open-ended last tier. */
    public upTo: Decimal | null,
    public unitPrice: Decimal,
    /** The unit price exactly as configured, echoed on the charge line. */
    public unitPriceText: string,
  ) {}
}

function readTiers(config: Fields): Tier[] {
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

function price(input: Input, out: Output): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const metric = config.string("metric");
  const mode = config.choice("mode", ["graduated", "volume"]);
  const tiers = readTiers(config);
  if (out.failed) return;

  const quantity = input.usageSum(metric);
  if (out.failed) return;
  if (quantity.isNegative) return input.fact("usage").fail(metric + ".sum", "must not be negative");
  if (quantity.isZero) return;

  if (mode == "volume") {
    let tier = tiers[tiers.length - 1];
    for (let i = 0; i < tiers.length; i++) {
      const upTo = tiers[i].upTo;
      if (upTo == null || quantity.cmp(upTo) <= 0) {
        tier = tiers[i];
        break;
      }
    }
    const amount = input.toMinor(quantity.mul(tier.unitPrice));
    out.add(new ChargeLine(ruleId, "usage", description, metric, quantity.toString(), tier.unitPriceText, amount, true));
    return;
  }

  let floor = Decimal.zero();
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i];
    const upTo = tier.upTo;
    const reachesTop = upTo != null && quantity.cmp(upTo) > 0;
    const slice = (reachesTop ? <Decimal>upTo : quantity).sub(floor);
    if (slice.sign > 0) {
      const amount = input.toMinor(slice.mul(tier.unitPrice));
      const label = description + " (tier " + (i + 1).toString() + ")";
      out.add(new ChargeLine(ruleId, "usage", label, metric, slice.toString(), tier.unitPriceText, amount, true));
    }
    if (!reachesTop) break;
    floor = <Decimal>upTo;
  }
}
