// bundle-flat-rate (transformer): a bundle's flat price replaces the prices of
// its members. For each bundle, in the declared order, the fee and usage lines
// it names (by rule id or category) that no earlier bundle took are its
// members: each member stays on the invoice at zero, labelled "(in <bundle>)",
// so the quantities bought inside the bundle remain visible, and one "fee" line
// for the bundle's amount is inserted just before its first member. A bundle
// with no member on the invoice is not charged (a warning says so). The bundle
// line is taxable when `taxable` says so, else when any member was.

import {
  ChargeLine, Fields, Input, Output, clipLabel, optionalStringList, runPricing, selected,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

class Bundle {
  constructor(
    public ruleId: string,
    public description: string,
    public amount: i64,
    public ruleIds: string[] | null,
    public categories: string[] | null,
    public category: string | null,
    public taxable: i32, // -1: from the members
  ) {}
}

function readBundle(item: Fields): Bundle | null {
  const ruleId = item.string("rule_id");
  const description = item.string("description");
  const amount = item.integer("amount");
  const ruleIds = optionalStringList(item, "rule_ids");
  const categories = optionalStringList(item, "categories");
  const category = item.has("category") ? item.string("category") : null;
  const taxable: i32 = item.has("taxable") ? (item.boolean("taxable") ? 1 : 0) : -1;
  if (item.failure.failed) return null;
  if (amount < 0) {
    item.fail("amount", "must not be negative");
    return null;
  }
  if (ruleIds == null && categories == null) {
    item.failure.set(item.path + ": needs rule_ids or categories");
    return null;
  }
  if (category != null && category.length == 0) {
    item.fail("category", "must not be empty");
    return null;
  }
  return new Bundle(ruleId, description, amount, ruleIds, categories, category, taxable);
}

function price(input: Input, out: Output): void {
  const items = input.config.objects("bundles");
  if (out.failed) return;
  if (items.length == 0) return input.config.fail("bundles", "must not be empty");
  const bundles = new Array<Bundle>();
  for (let b = 0; b < items.length; b++) {
    const bundle = readBundle(items[b]);
    if (bundle == null) return;
    bundles.push(bundle);
  }

  const lines = input.charges;
  const owner = new Array<i32>(lines.length);
  for (let i = 0; i < lines.length; i++) owner[i] = -1;
  const first = new Array<i32>(bundles.length);
  const taxable = new Array<bool>(bundles.length);
  for (let b = 0; b < bundles.length; b++) {
    first[b] = -1;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (owner[i] >= 0 || (line.kind != "fee" && line.kind != "usage")) continue;
      if (!selected(line, bundles[b].ruleIds, bundles[b].categories)) continue;
      owner[i] = b;
      if (first[b] < 0) first[b] = i;
      if (line.taxable) taxable[b] = true;
    }
    if (first[b] < 0) out.warn("bundle " + bundles[b].ruleId + ": no member lines on this invoice; not charged");
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const b = owner[i];
    if (b < 0) {
      out.add(line);
      continue;
    }
    const bundle = bundles[b];
    if (first[b] == i) {
      const isTaxable = bundle.taxable < 0 ? taxable[b] : bundle.taxable == 1;
      out.add(new ChargeLine(bundle.ruleId, "fee", clipLabel(bundle.description), null, "1",
                             input.major(bundle.amount).toString(), bundle.amount, isTaxable)
        .inCategory(bundle.category));
    }
    out.add(new ChargeLine(line.rule_id, line.kind, clipLabel(line.description + " (in " + bundle.description + ")"),
                           line.metric, line.quantity, "0", 0, line.taxable).inCategory(line.category));
  }
}
