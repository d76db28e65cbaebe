// State a producer hands to the next period (ModuleOutput.carry), e.g. bucket balances to roll over.
//
// A module that carries state writes `run` with runPricingWithCarry instead of runPricing; its
// pricing function gets a Carry and sets it to one JSON object (keys in sorted order, written with
// JsonWriter). The output is then {"carry":{...},"charges":[...],"warnings":[...]}; without a carry,
// or after a failure, it is exactly what runPricing writes.

import { JSON } from "assemblyscript-json/assembly/index";
import { Output } from "./charges";
import { Input } from "./input";
import { JsonWriter } from "./json_writer";
import { parseJson } from "./json_reader";

export class Carry {
  /** The carry object as canonical JSON text; null: no carry key in the output. */
  json: string | null = null;

  /** Sets the carry to what `w` wrote (one object, keys sorted). */
  set(w: JsonWriter): void {
    this.json = w.toString();
  }
}

/** A pricing function that may also hand state to the next period. */
export type CarryPricingFunction = (input: Input, out: Output, carry: Carry) => void;

/** The whole body of a carrying module's `run` export: `return runPricingWithCarry(ptr, len, price);` */
export function runPricingWithCarry(ptr: i32, len: i32, price: CarryPricingFunction): i64 {
  if (ptr < 0 || len < 0) abort("run: negative pointer or length");
  const bytes = new Uint8Array(len);
  memory.copy(bytes.dataStart, <usize>ptr, <usize>len);

  const out = new Output();
  const carry = new Carry();
  const root = parseJson(bytes);
  if (root == null || !root.isObj) {
    out.fail("input: must be one JSON object");
  } else {
    const input = Input.read(<JSON.Obj>root, out);
    if (!out.failed) price(input, out, carry);
  }
  let json = out.toJson(); // {"charges":...,"warnings":...} or {"error":...}
  const state = carry.json;
  if (!out.failed && state != null) json = "{\"carry\":" + state + "," + json.substring(1);
  const encoded = String.UTF8.encode(json);
  return (<i64>changetype<usize>(encoded) << 32) | <i64>(<u32>encoded.byteLength);
}
