// manual-adjustments (transformer): passes every line through and appends one
// "adjustment" line per operator-entered credit or charge of facts.adjustments,
// in adjustment id order (code points, as canonical JSON orders keys). A credit
// is negative, a charge positive; the line's description carries the reason.
// An adjustment is not taxed unless it says `"taxable": true`, and may name the
// category its line belongs to. An invoice may hold nothing but adjustments (a
// manual invoice); credits are not clipped, so a credit larger than the other
// lines leaves a negative total (a credit balance) for the invoice to carry.

import { ChargeLine, Input, Output, clipLabel, negI64, runPricing, sortedKeys } from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

const KINDS: string[] = ["credit", "charge"];

function price(input: Input, out: Output): void {
  const ruleId = input.config.string("rule_id");
  if (out.failed) return;
  for (let i = 0; i < input.charges.length; i++) out.add(input.charges[i]);

  const pack = input.fact("adjustments");
  const ids = sortedKeys(pack);
  for (let i = 0; i < ids.length; i++) {
    const entry = pack.optionalObject(ids[i]);
    if (!entry.present) return pack.fail(ids[i], "must be an object");
    const kind = entry.choice("kind", KINDS);
    const amount = entry.integer("amount");
    const description = entry.string("description");
    const reason = entry.string("reason");
    const taxable = entry.has("taxable") ? entry.boolean("taxable") : false;
    const category = entry.has("category") ? entry.string("category") : null;
    if (out.failed) return;
    if (amount <= 0) return entry.fail("amount", "must be positive (the kind gives the sign)");
    if (category != null && category.length == 0) return entry.fail("category", "must not be empty");
    const signed = kind == "credit" ? negI64(amount) : amount;
    const label = clipLabel(reason.length > 0 ? description + " (" + reason + ")" : description);
    out.add(new ChargeLine(ruleId, "adjustment", label, null, "1", input.major(signed).toString(), signed, taxable)
      .inCategory(category));
  }
}
