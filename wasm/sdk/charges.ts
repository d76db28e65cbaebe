// Charge lines and the module's output document.

import { Fields, Failure } from "./fields";
import { JsonWriter } from "./json_writer";

export const CHARGE_KINDS: string[] = ["fee", "usage", "tax", "discount", "adjustment"];

/** One line of an invoice. Money is integer minor units; decimals are strings. */
export class ChargeLine {
  /** Optional grouping that transformers select lines by (coupons by category, caps per category). */
  category: string | null = null;

  constructor(
    public rule_id: string,
    /** "fee" | "usage" | "tax" | "discount" | "adjustment" */
    public kind: string,
    public description: string,
    public metric: string | null,
    /** Decimal string, e.g. "50000" or "125.00". */
    public quantity: string,
    /** Decimal string, e.g. "0.0005". */
    public unit_price: string,
    /** Integer minor units of the invoice currency. */
    public amount: i64,
    public taxable: bool,
  ) {}

  /** Reads a line of the input's `charges` (what earlier modules produced). */
  static read(line: Fields): ChargeLine {
    const read = new ChargeLine(
      line.string("rule_id"),
      line.choice("kind", CHARGE_KINDS),
      line.string("description"),
      line.stringOrNull("metric"),
      line.decimalText("quantity"),
      line.decimalText("unit_price"),
      line.integer("amount"),
      line.boolean("taxable"),
    );
    if (line.has("category")) read.category = line.stringOrNull("category");
    return read;
  }

  /** The same line in another category (returns this, for chaining). */
  inCategory(category: string | null): ChargeLine {
    this.category = category;
    return this;
  }

  /** Writes the line with its keys in sorted order. */
  write(w: JsonWriter): void {
    w.beginObject();
    w.key("amount").integer(this.amount);
    w.key("category").stringOrNull(this.category);
    w.key("description").string(this.description);
    w.key("kind").string(this.kind);
    w.key("metric").stringOrNull(this.metric);
    w.key("quantity").string(this.quantity);
    w.key("rule_id").string(this.rule_id);
    w.key("taxable").boolean(this.taxable);
    w.key("unit_price").string(this.unit_price);
    w.endObject();
  }
}

/** What a pricing function produces: charge lines and warnings, or one error. */
export class Output {
  charges: ChargeLine[] = new Array<ChargeLine>();
  warnings: string[] = new Array<string>();
  readonly failure: Failure = new Failure();

  add(line: ChargeLine): void {
    this.charges.push(line);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Marks the run as a deliberate failure; the first message wins. */
  fail(message: string): void {
    this.failure.set(message);
  }

  get failed(): bool {
    return this.failure.failed;
  }

  /** {"charges":[...],"warnings":[...]} or, after fail(), {"error":"..."}. */
  toJson(): string {
    const w = new JsonWriter();
    w.beginObject();
    const error = this.failure.message;
    if (error != null) {
      w.key("error").string(error);
    } else {
      w.key("charges").beginArray();
      for (let i = 0; i < this.charges.length; i++) this.charges[i].write(w);
      w.endArray();
      w.key("warnings").beginArray();
      for (let i = 0; i < this.warnings.length; i++) w.string(this.warnings[i]);
      w.endArray();
    }
    w.endObject();
    return w.toString();
  }
}
