// first-n-free (transformer): introductory allowances, as negative "discount"
// lines appended after the lines they make free (one per (category, taxable)
// group of those lines, so tax still knows what was taxable).
//
//   units:   the first `units` units of `metric`'s usage lines are free, taken
//            from the lines in order (a graduated metric's lowest tiers first;
//            units of a tier that costs nothing use up the allowance too). A
//            line given away whole is discounted by its amount, a part of one by
//            round(part x unit price), never more than the line.
//   periods: while the subscription is in its first `periods` billing periods,
//            its fee and usage lines are free. The period that contains
//            facts.subscription.start is the first; periods are counted by
//            UTC calendar month from it to context.period.start (a start on a
//            later day of the month than the period's first day falls in the
//            period before), so monthly periods of any anchor day count right.
//
// `rule_ids` / `categories` narrow the lines made free (absent: all of them).

import {
  CalendarInstant, ChargeLine, Decimal, Input, LineGroup, Output, addI64, clipLabel, negI64, optionalStringList,
  readCalendarInstant, runPricing, selected,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

function price(input: Input, out: Output): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const byUnits = config.has("units");
  const units = byUnits ? config.decimal("units") : Decimal.zero();
  const metric = byUnits ? config.string("metric") : "";
  const periods = config.has("periods") ? config.integer("periods") : 0;
  const ruleIds = optionalStringList(config, "rule_ids");
  const categories = optionalStringList(config, "categories");
  if (out.failed) return;
  if (byUnits == config.has("periods")) return out.fail("config: needs exactly one of units, periods");
  if (byUnits && units.sign <= 0) return config.fail("units", "must be positive");
  if (!byUnits && periods < 1) return config.fail("periods", "must be at least 1");

  const free = new Array<i64>(input.charges.length);
  let label = description;
  if (byUnits) {
    let left = units;
    for (let i = 0; i < input.charges.length && left.sign > 0; i++) {
      const line = input.charges[i];
      const lineMetric = line.metric;
      if (line.kind != "usage" || lineMetric == null || lineMetric != metric) continue;
      if (!selected(line, ruleIds, categories)) continue;
      const quantity = <Decimal>Decimal.parse(line.quantity);
      if (quantity.sign <= 0) continue;
      const take = quantity.min(left);
      left = left.sub(take);
      if (line.amount <= 0) continue;
      let amount = take.cmp(quantity) == 0
        ? line.amount
        : input.toMinor(take.mul(<Decimal>Decimal.parse(line.unit_price)));
      if (amount > line.amount) amount = line.amount;
      if (amount > 0) free[i] = amount;
    }
  } else {
    const subscription = input.fact("subscription");
    if (!subscription.present) {
      for (let i = 0; i < input.charges.length; i++) out.add(input.charges[i]);
      return out.warn("facts.subscription is absent: no introductory periods");
    }
    const start = readCalendarInstant(subscription, "start");
    if (out.failed) return;
    const periodStart = CalendarInstant.parse(input.context.periodStart);
    if (periodStart == null) return out.fail("context.period.start: must be an RFC 3339 UTC instant");
    const number = periodNumber(<CalendarInstant>start, periodStart);
    if (number <= periods) {
      label = description + " (period " + number.toString() + " of " + periods.toString() + ")";
      for (let i = 0; i < input.charges.length; i++) {
        const line = input.charges[i];
        if ((line.kind == "fee" || line.kind == "usage") && line.amount > 0 && selected(line, ruleIds, categories)) {
          free[i] = line.amount;
        }
      }
    }
  }

  const groups = new Array<LineGroup>();
  for (let i = 0; i < input.charges.length; i++) {
    const line = input.charges[i];
    out.add(line);
    if (free[i] == 0) continue;
    let found = -1;
    for (let g = 0; g < groups.length; g++) {
      if (groups[g].taxable == line.taxable && groups[g].category == line.category) found = g;
    }
    if (found < 0) groups.push(new LineGroup(line.category, line.taxable, free[i]));
    else groups[found].net = addI64(groups[found].net, free[i]);
  }
  for (let g = 0; g < groups.length; g++) {
    const amount = negI64(groups[g].net);
    out.add(new ChargeLine(ruleId, "discount", clipLabel(label), null, "1", input.major(amount).toString(), amount,
                           groups[g].taxable).inCategory(groups[g].category));
  }
}

// 1 for the period that contains `start` (or any period before it), 2 for the next, ...
function periodNumber(start: CalendarInstant, periodStart: CalendarInstant): i64 {
  if (start.cmp(periodStart) >= 0) return 1;
  const months = (<i64>periodStart.year * 12 + <i64>periodStart.month) - (<i64>start.year * 12 + <i64>start.month);
  return 1 + months + (start.day < periodStart.day ? 1 : 0);
}
