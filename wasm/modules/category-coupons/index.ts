// category-coupons (transformer): passes every line through and applies each
// coupon in the declared order to the lines of its categories (every line but
// tax when it names none), each coupon seeing the discounts before it.
//
// A coupon takes `percent` of the eligible amount (rounded once) or a fixed
// `amount`; `max_amount` caps a percentage, `min_total` is the eligible amount
// it needs to apply at all, and `max_redemptions` with `redeemed` (the times it
// was used before this period) stops it once used up. The eligible amount is
// the sum of the positive nets of the eligible (category, taxable) groups, so a
// coupon never takes a group below zero: a fixed coupon larger than it is
// clipped, with a warning. The discount is split over the groups by largest
// remainder (nothing lost) as negative "discount" lines in their categories.

import {
  ChargeLine, Decimal, Fields, Input, Output, groupLines, isPriced, optionalStringList, positiveNet, reduceGroups,
  runPricing, selected,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

class Coupon {
  constructor(
    public ruleId: string,
    public description: string,
    public percent: Decimal | null,
    public amount: i64,
    public categories: string[] | null,
    public minTotal: i64,
    public maxAmount: i64,
    public maxRedemptions: i64,
    public redeemed: i64,
  ) {}
}

const HUNDRED: Decimal = Decimal.fromInt(100);

function optional(item: Fields, key: string): i64 {
  return item.has(key) ? item.integer(key) : -1;
}

function readCoupon(item: Fields): Coupon | null {
  const ruleId = item.string("rule_id");
  const description = item.string("description");
  const percent = item.has("percent") ? item.decimal("percent") : null;
  const amount = optional(item, "amount");
  const categories = optionalStringList(item, "categories");
  const minTotal = optional(item, "min_total");
  const maxAmount = optional(item, "max_amount");
  const maxRedemptions = optional(item, "max_redemptions");
  const redeemed = item.has("redeemed") ? item.integer("redeemed") : 0;
  if (item.failure.failed) return null;
  if ((percent == null) == !item.has("amount")) {
    item.failure.set(item.path + ": needs exactly one of percent, amount");
    return null;
  }
  if (percent != null && (percent.sign <= 0 || percent.cmp(HUNDRED) > 0)) {
    item.fail("percent", "must be more than 0 and at most 100");
    return null;
  }
  if (item.has("amount") && amount < 0) return failed(item, "amount", "must not be negative");
  if (item.has("min_total") && minTotal < 0) return failed(item, "min_total", "must not be negative");
  if (item.has("max_amount") && maxAmount < 0) return failed(item, "max_amount", "must not be negative");
  if (item.has("max_redemptions") && maxRedemptions < 1) return failed(item, "max_redemptions", "must be at least 1");
  if (redeemed < 0) return failed(item, "redeemed", "must not be negative");
  return new Coupon(ruleId, description, percent, amount, categories, minTotal, maxAmount, maxRedemptions, redeemed);
}

function failed(item: Fields, key: string, problem: string): Coupon | null {
  item.fail(key, problem);
  return null;
}

function price(input: Input, out: Output): void {
  const items = input.config.objects("coupons");
  if (out.failed) return;
  if (items.length == 0) return input.config.fail("coupons", "must not be empty");
  const coupons = new Array<Coupon>();
  for (let c = 0; c < items.length; c++) {
    const coupon = readCoupon(items[c]);
    if (coupon == null) return;
    coupons.push(coupon);
  }

  const lines = new Array<ChargeLine>();
  for (let i = 0; i < input.charges.length; i++) lines.push(input.charges[i]);
  for (let c = 0; c < coupons.length; c++) {
    const coupon = coupons[c];
    const name = "coupon " + coupon.ruleId + ": ";
    if (coupon.maxRedemptions >= 0 && coupon.redeemed >= coupon.maxRedemptions) {
      out.warn(name + "redemption limit reached (" + coupon.redeemed.toString() + " of " +
               coupon.maxRedemptions.toString() + "); not applied");
      continue;
    }
    const chosen = new Array<bool>(lines.length);
    for (let i = 0; i < lines.length; i++) {
      chosen[i] = isPriced(lines[i]) && selected(lines[i], null, coupon.categories);
    }
    const groups = groupLines(lines, chosen);
    const base = positiveNet(groups);
    if (coupon.minTotal >= 0 && base < coupon.minTotal) {
      out.warn(name + "eligible " + input.major(base).toString() + " is under the threshold " +
               input.major(coupon.minTotal).toString() + "; not applied");
      continue;
    }
    let discount: i64 = 0;
    const percent = coupon.percent;
    if (percent != null) {
      const exact = input.major(base).mul(percent);
      discount = input.toMinor(new Decimal(exact.mantissa, exact.scale + 2));
      if (coupon.maxAmount >= 0 && discount > coupon.maxAmount) discount = coupon.maxAmount;
    } else {
      discount = coupon.amount;
      if (discount > base) {
        out.warn(name + input.major(discount).toString() + " is more than the eligible " +
                 input.major(base).toString() + "; clipped to it");
        discount = base;
      }
    }
    reduceGroups(input, groups, discount, coupon.ruleId, "discount", coupon.description, lines);
  }
  for (let i = 0; i < lines.length; i++) out.add(lines[i]);
}
