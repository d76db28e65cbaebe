// Reads the producer modules share beyond fields.ts: optional settings, string lists, the keys of a
// keyed fact pack, non-negative decimals and the optional line category.

import { JSON } from "assemblyscript-json/assembly/index";
import { Decimal } from "./decimal";
import { Fields } from "./fields";

/** fields[key] as a string, or null when the key is absent or null. */
export function optionalString(fields: Fields, key: string): string | null {
  return fields.has(key) ? fields.string(key) : null;
}

/** fields[key] as an integer, or `otherwise` when the key is absent or null. */
export function optionalInteger(fields: Fields, key: string, otherwise: i64): i64 {
  return fields.has(key) ? fields.integer(key) : otherwise;
}

/** config.category: the category every line of the step carries (null: none); must not be empty. */
export function readCategory(fields: Fields, key: string = "category"): string | null {
  const category = optionalString(fields, key);
  if (category != null && category.length == 0) fields.fail(key, "must not be empty");
  return category;
}

/** A decimal that must not be negative. */
export function nonNegativeDecimal(fields: Fields, key: string): Decimal {
  const value = fields.decimal(key);
  if (!fields.failure.failed && value.isNegative) fields.fail(key, "must not be negative");
  return value;
}

/** fields[key] as a non-empty array of distinct non-empty strings. */
export function stringList(fields: Fields, key: string): string[] {
  const items = new Array<string>();
  const value = fields.raw(key);
  if (value == null) {
    fields.fail(key, "missing");
    return items;
  }
  if (!value.isArr) {
    fields.fail(key, "must be an array");
    return items;
  }
  const values = (<JSON.Arr>value).valueOf();
  if (values.length == 0) {
    fields.fail(key, "must not be empty");
    return items;
  }
  for (let i = 0; i < values.length; i++) {
    const path = key + "[" + i.toString() + "]";
    const item = values[i];
    if (!item.isString) {
      fields.fail(path, "must be a string");
      return items;
    }
    const text = (<JSON.Str>item).valueOf();
    if (text.length == 0 || items.includes(text)) {
      fields.fail(path, text.length == 0 ? "must not be empty" : "is listed twice");
      return items;
    }
    items.push(text);
  }
  return items;
}

/** The keys of a keyed pack (usage, time_entries, buckets) in document order; none when absent. */
export function keysOf(pack: Fields): string[] {
  const obj = pack.obj;
  return obj == null ? new Array<string>() : obj.keys;
}
