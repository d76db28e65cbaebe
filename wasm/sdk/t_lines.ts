// Line selection and grouping for transformers (bundles, allowances, coupons,
// caps). A reduction (a discount, a cap) is split over the lines it applies to
// by (category, taxable) group, largest remainder by each group's positive net,
// so the tax transformer still knows which part of a reduction touched which
// category and whether it lowers a taxable amount. Nothing is lost: the
// group shares always add up to the reduction.

import { JSON } from "assemblyscript-json/assembly/index";
import { ChargeLine } from "./charges";
import { addI64, negI64 } from "./checked";
import { Fields } from "./fields";
import { allocate } from "./allocation";
import { Input } from "./input";

/** An array of strings at `key`; null when absent or null. A bad value records the field's problem. */
export function optionalStringList(fields: Fields, key: string): string[] | null {
  const value = fields.raw(key);
  if (value == null || value.isNull) return null;
  const items = new Array<string>();
  if (!value.isArr) {
    fields.fail(key, "must be an array of strings");
    return items;
  }
  const values = (<JSON.Arr>value).valueOf();
  for (let i = 0; i < values.length; i++) {
    if (!values[i].isString) {
      fields.failure.set(fields.at(key) + "[" + i.toString() + "]: must be a string");
      return items;
    }
    items.push((<JSON.Str>values[i]).valueOf());
  }
  return items;
}

// UTF-16 code units reordered so that comparing them compares code points
// (surrogates, which encode code points above U+FFFF, sort after U+E000-U+FFFF).
function codePointOrder(unit: i32): i32 {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** -1, 0 or 1 comparing strings by code point (Python's str order, canonical JSON's key order). */
export function compareCodePoints(a: string, b: string): i32 {
  const n = min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = codePointOrder(a.charCodeAt(i));
    const y = codePointOrder(b.charCodeAt(i));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The keys of a keyed object (a keyed fact pack), in code-point order. */
export function sortedKeys(fields: Fields): string[] {
  const obj = fields.obj;
  if (obj == null) return new Array<string>();
  const keys = obj.keys.slice(0);
  keys.sort((a: string, b: string): i32 => compareCodePoints(a, b));
  return keys;
}

/** Whether a line's category is one of `categories` (a line without a category never is). */
export function inCategories(line: ChargeLine, categories: string[]): bool {
  const category = line.category;
  return category != null && categories.includes(<string>category);
}

/** Whether the line is named by `ruleIds` or `categories`; when both are null every line is. */
export function selected(line: ChargeLine, ruleIds: string[] | null, categories: string[] | null): bool {
  if (ruleIds == null && categories == null) return true;
  if (ruleIds != null && ruleIds.includes(line.rule_id)) return true;
  return categories != null && inCategories(line, categories);
}

/** The lines a reduction may apply to: everything but tax. */
export function isPriced(line: ChargeLine): bool {
  return line.kind != "tax";
}

/** Lines of one (category, taxable) pair and their net amount. */
export class LineGroup {
  constructor(public category: string | null, public taxable: bool, public net: i64) {}
}

/** The groups of the chosen lines, in order of first appearance. */
export function groupLines(lines: ChargeLine[], chosen: bool[]): LineGroup[] {
  const groups = new Array<LineGroup>();
  for (let i = 0; i < lines.length; i++) {
    if (!chosen[i]) continue;
    const line = lines[i];
    let found = -1;
    for (let g = 0; g < groups.length; g++) {
      if (groups[g].taxable == line.taxable && groups[g].category == line.category) {
        found = g;
        break;
      }
    }
    if (found < 0) groups.push(new LineGroup(line.category, line.taxable, line.amount));
    else groups[found].net = addI64(groups[found].net, line.amount);
  }
  return groups;
}

/** What a reduction can take from the groups: the sum of their positive nets. */
export function positiveNet(groups: LineGroup[]): i64 {
  let total: i64 = 0;
  for (let g = 0; g < groups.length; g++) if (groups[g].net > 0) total = addI64(total, groups[g].net);
  return total;
}

/**
 * Lines of `kind` taking `amount` (0 <= amount <= positiveNet(groups)) off the
 * groups: one negative line per group with a non-zero share, in the group's
 * category and taxability. Appended to `lines`.
 */
export function reduceGroups(
  input: Input, groups: LineGroup[], amount: i64, ruleId: string, kind: string, description: string,
  lines: ChargeLine[],
): void {
  if (amount == 0) return;
  const weights = new Array<i64>(groups.length);
  for (let g = 0; g < groups.length; g++) weights[g] = groups[g].net > 0 ? groups[g].net : 0;
  const shares = allocate(amount, weights);
  for (let g = 0; g < groups.length; g++) {
    if (shares[g] == 0) continue;
    const value = negI64(shares[g]);
    lines.push(new ChargeLine(ruleId, kind, clipLabel(description), null, "1", input.major(value).toString(), value,
                              groups[g].taxable).inCategory(groups[g].category));
  }
}

/** The longest description a charge line may carry (charge-line schema), in code points. */
export const MAX_DESCRIPTION: i32 = 300;

/** `text` cut to at most 300 code points, ending in "…" when cut (a label built from several fields). */
export function clipLabel(text: string): string {
  let points = 0;
  let cut = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (points == MAX_DESCRIPTION - 1) cut = i;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    points++;
  }
  if (points <= MAX_DESCRIPTION) return text;
  return text.substring(0, cut) + "…";
}
