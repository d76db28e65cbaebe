// cap-total (transformer): passes every line through and, for each cap in the
// declared order, brings the net of the lines it covers (every line but tax, or
// only those of its categories; discounts and earlier caps included) down to
// the cap with negative "adjustment" lines: the excess is split over the
// covered (category, taxable) groups by largest remainder of their positive
// nets, so a later tax step still taxes each group on what is left of it.
// A net at or under the cap adds nothing.

import {
  ChargeLine, Input, Output, addI64, groupLines, isPriced, optionalStringList, runPricing, reduceGroups, selected,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

function price(input: Input, out: Output): void {
  const caps = input.config.objects("caps");
  if (out.failed) return;
  if (caps.length == 0) return input.config.fail("caps", "must not be empty");
  const ruleIds = new Array<string>();
  const descriptions = new Array<string>();
  const amounts = new Array<i64>();
  const categories = new Array<string[] | null>();
  for (let c = 0; c < caps.length; c++) {
    ruleIds.push(caps[c].string("rule_id"));
    descriptions.push(caps[c].string("description"));
    amounts.push(caps[c].integer("amount"));
    categories.push(optionalStringList(caps[c], "categories"));
    if (out.failed) return;
    if (amounts[c] < 0) return caps[c].fail("amount", "must not be negative");
  }

  const lines = new Array<ChargeLine>();
  for (let i = 0; i < input.charges.length; i++) lines.push(input.charges[i]);
  for (let c = 0; c < caps.length; c++) {
    const chosen = new Array<bool>(lines.length);
    for (let i = 0; i < lines.length; i++) chosen[i] = isPriced(lines[i]) && selected(lines[i], null, categories[c]);
    const groups = groupLines(lines, chosen);
    let net: i64 = 0;
    for (let g = 0; g < groups.length; g++) net = addI64(net, groups[g].net);
    if (net <= amounts[c]) continue;
    reduceGroups(input, groups, net - amounts[c], ruleIds[c], "adjustment", descriptions[c], lines);
  }
  for (let i = 0; i < lines.length; i++) out.add(lines[i]);
}
