// tax (transformer): passes every input line through unchanged and appends one
// tax line on the sum of the taxable lines, at the tenant's rate from facts.tax.

import { ChargeLine, Input, Output, addI64, runPricing } from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

function price(input: Input, out: Output): void {
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
  if (exempt || rate.isZero) return;

  let base: i64 = 0;
  for (let i = 0; i < input.charges.length; i++) {
    const line = input.charges[i];
    if (line.taxable) base = addI64(base, line.amount);
  }
  if (base == 0) return;

  const baseMajor = input.major(base);
  const amount = input.toMinor(baseMajor.mul(rate));
  const percent = rate.movePointRight(2).normalized().toString();
  const rateText = tax.string("rate");
  out.add(new ChargeLine(ruleId, "tax", name + " " + percent + "%", null, baseMajor.toString(), rateText, amount, false));
}
