// fixed-fee (producer, scope subscription): one recurring fee per subscription, prorated by the days
// or seconds the subscription was active in the period. The runner calls it once per entry of
// facts.subscriptions (a plan change gives two entries), so:
//   plan      charge only subscriptions on this plan (one step per plan prices a plan change)
//   services  split the (prorated) fee across bundled services by fair-market-value weights, one line
//             per service; largest remainder, so the lines add up to the fee exactly
//   category  the category every line carries (a service may name its own)

import {
  ChargeLine, Fields, Input, Output, addI64, allocate, mulI64, optionalInteger, optionalString, readCategory,
  runPricing,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

class Service {
  constructor(public description: string, public weight: i64, public category: string | null) {}
}

/** config.services: [{description, weight, category?}], weights non-negative and not all zero. */
function readServices(config: Fields): Service[] {
  const services = new Array<Service>();
  if (!config.has("services")) return services;
  const items = config.objects("services");
  if (config.failure.failed) return services;
  if (items.length == 0) {
    config.fail("services", "must not be empty");
    return services;
  }
  let total: i64 = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const description = item.string("description");
    const weight = item.integer("weight");
    const category = readCategory(item);
    if (config.failure.failed) return services;
    if (weight < 0) {
      item.fail("weight", "must not be negative");
      return services;
    }
    total = addI64(total, weight);
    services.push(new Service(description, weight, category));
  }
  if (total == 0) config.fail("services", "weights must not all be zero");
  return services;
}

function price(input: Input, out: Output): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const amount = config.integer("amount");
  const proration = config.choice("proration", ["day", "second", "none"]);
  if (out.failed) return;
  if (amount < 0) return config.fail("amount", "must not be negative");
  const plan = optionalString(config, "plan");
  const category = readCategory(config);
  const services = readServices(config);
  if (out.failed) return;

  const subscription = input.fact("subscription");
  if (!subscription.present) return out.warn("facts.subscription is absent: no fee charged");
  if (plan != null) {
    const subscribed = subscription.string("plan");
    if (out.failed || subscribed != plan) return;
  }

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
  // Seats: facts.subscription.quantity (absent: 1) multiplies the full-period amount.
  const seats = optionalInteger(subscription, "quantity", 1);
  if (out.failed) return;
  if (seats < 1) return subscription.fail("quantity", "must be at least 1");
  const full = mulI64(amount, seats);

  let charged = full;
  let suffix = "";
  if (proration != "none" && active < period) {
    charged = input.roundDiv(mulI64(full, active), period);
    suffix = " (prorated " + active.toString() + "/" + period.toString() + " " + unit + ")";
  }
  if (services.length == 0) {
    out.add(new ChargeLine(ruleId, "fee", description + suffix, null, seats.toString(),
                           input.major(amount).toString(), charged, true).inCategory(category));
    return;
  }
  const weights = new Array<i64>(services.length);
  for (let i = 0; i < services.length; i++) weights[i] = services[i].weight;
  const shares = allocate(full, weights);
  const parts = allocate(charged, weights);
  for (let i = 0; i < services.length; i++) {
    const service = services[i];
    const lineCategory = service.category != null ? service.category : category;
    out.add(new ChargeLine(ruleId, "fee", service.description + suffix, null, "1",
                           input.major(shares[i]).toString(), parts[i], true).inCategory(lineCategory));
  }
}
