// SDK self-test module (not shipped; tests/runtime/test_program_sdk.py compiles it).
// config.op picks one SDK helper; the result is written as the output's warnings.

import {
  Decimal, Input, Money, Output, allocate, graduated, packages, prorate, readTiers, runPricing,
  subscriptionFacts, sumAmounts, usageFacts, volume,
} from "../index";
export { alloc } from "../index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, check);
}

function check(input: Input, out: Output): void {
  const config = input.config;
  const op = config.string("op");
  if (out.failed) return;
  const mode = input.context.rounding;
  if (op == "allocate") {
    const items = config.objects("weights");
    const weights = new Array<i64>();
    for (let i = 0; i < items.length; i++) weights.push(items[i].integer("w"));
    if (out.failed) return;
    out.warn(join(allocate(config.integer("amount"), weights)));
  } else if (op == "prorate") {
    out.warn(prorate(config.integer("amount"), config.integer("active"), config.integer("total"), mode).toString());
  } else if (op == "subscription") {
    out.warn(subscriptionFacts(input).prorate(config.integer("amount"), config.string("unit"), mode).toString());
  } else if (op == "graduated" || op == "volume") {
    const tiers = readTiers(config);
    const quantity = usageFacts(input, config.string("metric")).sum;
    if (out.failed) return;
    const slices = op == "graduated" ? graduated(quantity, tiers) : [volume(quantity, tiers)];
    for (let i = 0; i < slices.length; i++) {
      const s = slices[i];
      const amount = input.toMinor(s.quantity.mul(s.tier.unitPrice));
      out.warn(s.index.toString() + ":" + s.quantity.toString() + "x" + s.tier.unitPriceText + "=" + amount.toString());
    }
  } else if (op == "package") {
    out.warn(packages(config.decimal("quantity"), config.decimal("size")).toString());
  } else if (op == "money") {
    const code = input.context.currency;
    const exponent = input.context.exponent;
    const a = new Money(config.integer("a"), code, exponent);
    const b = new Money(config.integer("b"), code, exponent);
    const rate = config.decimal("rate");
    if (out.failed) return;
    out.warn(a.plus(b).toString());
    out.warn(a.minus(b).amount.toString());
    out.warn(a.applyRate(rate, mode).amount.toString());
    out.warn(a.min(b).amount.toString() + "," + a.max(b).amount.toString());
    const parts = a.allocate([1, 1, 1]);
    out.warn(parts[0].amount.toString() + "," + parts[1].amount.toString() + "," + parts[2].amount.toString());
    out.warn(sumAmounts(input.charges, true).toString() + "/" + sumAmounts(input.charges).toString());
  } else if (op == "mixed_currencies") {
    const a = new Money(1, "USD", 2);
    a.plus(new Money(1, "EUR", 2));
  } else if (op == "decimal") {
    const x = config.decimal("x");
    const y = config.decimal("y");
    if (out.failed) return;
    out.warn(x.add(y).toString() + " " + x.sub(y).toString() + " " + x.mul(y).toString() + " " + x.cmp(y).toString());
    out.warn(input.toMinor(x.mul(y)).toString());
  } else {
    config.fail("op", "unknown");
  }
}

function join(values: i64[]): string {
  const parts = new Array<string>();
  for (let i = 0; i < values.length; i++) parts.push(values[i].toString());
  return parts.join(",");
}
