// The whole rounding policy of context.policy, for transformers whose result
// depends on more than the rounding mode (tax: level, computation, inclusive
// prices, discounts and the base). Input.context carries the mode only; a
// transformer that needs the rest runs through runTransformer instead of
// runPricing. Absent (or null) fields take the platform defaults of
// docs/money-and-time.md, so a context written with only "rounding" still works.

import { JSON } from "assemblyscript-json/assembly/index";
import { Output } from "./charges";
import { Fields } from "./fields";
import { Input } from "./input";
import { parseJson } from "./json_reader";

export const LEVELS: string[] = ["line", "jurisdiction", "invoice"];
export const TAX_COMPUTATIONS: string[] = ["per_line", "on_total"];

export class Policy {
  constructor(
    /** "line" | "jurisdiction" | "invoice": where exact tax is rounded. */
    public level: string,
    /** "per_line" | "on_total": tax from each line's base or from the summed base. */
    public taxComputation: string,
    /** Prices include tax (tax is extracted) rather than exclude it (tax is added). */
    public taxInclusive: bool,
    /** Discount lines lower the amount tax is charged on. */
    public discountsReduceTaxBase: bool,
  ) {}

  /** Reads context.policy; a bad value records "context.policy.<field>: ...". */
  static read(context: Fields): Policy {
    const policy = context.object("policy");
    const level = policy.has("level") ? policy.choice("level", LEVELS) : "line";
    const computation = policy.has("tax_computation") ? policy.choice("tax_computation", TAX_COMPUTATIONS) : "per_line";
    const inclusive = policy.has("tax_inclusive") ? policy.boolean("tax_inclusive") : false;
    const reduce = policy.has("discounts_reduce_tax_base") ? policy.boolean("discounts_reduce_tax_base") : true;
    return new Policy(level, computation, inclusive, reduce);
  }
}

/** A transformer's pricing function that also sees the whole rounding policy. */
export type PolicyPricingFunction = (input: Input, policy: Policy, out: Output) => void;

/** runPricing (abi.ts) with the policy read after the input: `return runTransformer(ptr, len, price);` */
export function runTransformer(ptr: i32, len: i32, price: PolicyPricingFunction): i64 {
  if (ptr < 0 || len < 0) abort("run: negative pointer or length");
  const bytes = new Uint8Array(len);
  memory.copy(bytes.dataStart, <usize>ptr, <usize>len);

  const out = new Output();
  const root = parseJson(bytes);
  if (root == null || !root.isObj) {
    out.fail("input: must be one JSON object");
  } else {
    const input = Input.read(<JSON.Obj>root, out);
    if (!out.failed) {
      const policy = Policy.read(new Fields(<JSON.Obj>root, "", out.failure).object("context"));
      if (!out.failed) price(input, policy, out);
    }
  }
  const encoded = String.UTF8.encode(out.toJson());
  return (<i64>changetype<usize>(encoded) << 32) | <i64>(<u32>encoded.byteLength);
}
