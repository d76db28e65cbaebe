// Typed, validating reads from one JSON object of the input.
//
// AssemblyScript has no exceptions, so a read that fails records the first
// problem (naming the field by its full path, e.g. "config.tiers[1].up_to")
// in a shared Failure and returns a harmless default. The pricing function
// checks `out.failed` once after its reads and returns early; the ABI glue then
// answers {"error": "<that message>"}.

import { JSON } from "assemblyscript-json/assembly/index";
import { Decimal } from "./decimal";

export class Failure {
  message: string | null = null;

  /** Records `message` unless an earlier failure is already recorded. */
  set(message: string): void {
    if (this.message == null) this.message = message;
  }

  get failed(): bool {
    return this.message != null;
  }
}

export class Fields {
  constructor(
    /** null when the object itself is absent (e.g. an undeclared fact pack). */
    public readonly obj: JSON.Obj | null,
    /** Where this object sits in the input document, e.g. "facts.tax" ("" for the root). */
    public readonly path: string,
    public readonly failure: Failure,
  ) {}

  get present(): bool {
    return this.obj != null;
  }

  /** The full path of one of this object's fields. */
  at(key: string): string {
    return this.path.length == 0 ? key : this.path + "." + key;
  }

  /** Records a problem with one field ("config.amount: must not be negative"). */
  fail(key: string, problem: string): void {
    this.failure.set(this.at(key) + ": " + problem);
  }

  /** The raw value, or null when the key is absent. */
  raw(key: string): JSON.Value | null {
    const obj = this.obj;
    if (obj == null) return null;
    return obj.get(key);
  }

  /** Whether the key is present with a non-null value. */
  has(key: string): bool {
    const value = this.raw(key);
    return value != null && !value.isNull;
  }

  string(key: string): string {
    const value = this.required(key);
    if (value == null) return "";
    if (!value.isString) {
      this.fail(key, "must be a string");
      return "";
    }
    return (<JSON.Str>value).valueOf();
  }

  /** A string, or null when the value is JSON null. The key must be present. */
  stringOrNull(key: string): string | null {
    const value = this.required(key);
    if (value == null || value.isNull) return null;
    return this.string(key);
  }

  /** A string that must be one of `options`. */
  choice(key: string, options: string[]): string {
    const value = this.string(key);
    if (this.failure.failed || options.includes(value)) return value;
    this.fail(key, "must be one of " + options.join(", "));
    return "";
  }

  integer(key: string): i64 {
    const value = this.required(key);
    if (value == null) return 0;
    if (!value.isInteger) {
      this.fail(key, "must be an integer");
      return 0;
    }
    return (<JSON.Integer>value).valueOf();
  }

  boolean(key: string): bool {
    const value = this.required(key);
    if (value == null) return false;
    if (!value.isBool) {
      this.fail(key, "must be a boolean");
      return false;
    }
    return (<JSON.Bool>value).valueOf();
  }

  /** The text of a decimal string such as "0.0005", checked but kept as written. */
  decimalText(key: string): string {
    const text = this.string(key);
    if (this.failure.failed) return "0";
    if (Decimal.parse(text) == null) {
      this.fail(key, "must be a decimal string like \"12.5\"");
      return "0";
    }
    return text;
  }

  decimal(key: string): Decimal {
    const text = this.decimalText(key);
    const value = Decimal.parse(text);
    return value == null ? Decimal.zero() : value;
  }

  /** A decimal string, or null when the value is JSON null. The key must be present. */
  decimalOrNull(key: string): Decimal | null {
    const value = this.required(key);
    if (value == null || value.isNull) return null;
    return this.decimal(key);
  }

  /** A nested object that must be present. */
  object(key: string): Fields {
    const value = this.required(key);
    if (value != null && !value.isObj) this.fail(key, "must be an object");
    return this.optionalObject(key);
  }

  /** A nested object; absent or null gives Fields whose `present` is false. */
  optionalObject(key: string): Fields {
    const value = this.raw(key);
    const obj = value != null && value.isObj ? <JSON.Obj>value : null;
    return new Fields(obj, this.at(key), this.failure);
  }

  /** An array whose items must all be objects; `config.tiers` gives paths "config.tiers[0]", ... */
  objects(key: string): Fields[] {
    const items = new Array<Fields>();
    const value = this.required(key);
    if (value == null) return items;
    if (!value.isArr) {
      this.fail(key, "must be an array");
      return items;
    }
    const values = (<JSON.Arr>value).valueOf();
    for (let i = 0; i < values.length; i++) {
      const item = values[i];
      const path = this.at(key) + "[" + i.toString() + "]";
      if (!item.isObj) {
        this.failure.set(path + ": must be an object");
        return items;
      }
      items.push(new Fields(<JSON.Obj>item, path, this.failure));
    }
    return items;
  }

  private required(key: string): JSON.Value | null {
    const value = this.raw(key);
    if (value == null) this.fail(key, "missing");
    return value;
  }
}
