// fixed-fee (producer): one recurring fee, optionally prorated by the days or
// seconds the subscription was active in the period.

import { ChargeLine, Input, Output, mulI64, runPricing } from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

function price(input: Input, out: Output): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const amount = config.integer("amount");
  const proration = config.choice("proration", ["day", "second", "none"]);
  if (out.failed) return;
  if (amount < 0) return config.fail("amount", "must not be negative");

  const subscription = input.fact("subscription");
  if (!subscription.present) return out.warn("facts.subscription is absent: no fee charged");

  // "none" still skips a subscription that was not active at all in the period.
  const unit = proration == "second" ? "seconds" : "days";
  const active = subscription.integer("active_" + unit);
  const period = subscription.integer("period_" + unit);
  if (out.failed) return;
  if (period <= 0) return subscription.fail("period_" + unit, "must be positive");
  if (active < 0 || active > period) {
    return subscription.fail("active_" + unit, "must be between 0 and period_" + unit);
  }
  if (active == 0) return;

  let charged = amount;
  let label = description;
  if (proration != "none" && active < period) {
    charged = input.roundDiv(mulI64(amount, active), period);
    label += " (prorated " + active.toString() + "/" + period.toString() + " " + unit + ")";
  }
  out.add(new ChargeLine(ruleId, "fee", label, null, "1", input.major(amount).toString(), charged, true));
}
