// ABI v1 glue between the host and a pricing function.
//
//   alloc(len: i32) -> i32           host asks for `len` bytes to write the input into
//   run(ptr: i32, len: i32) -> i64   input: UTF-8 JSON at [ptr, ptr+len)
//                                    returns (out_ptr << 32) | out_len, output: UTF-8 JSON
//
// Memory comes from the stub runtime's bump allocator and is never freed: the
// host creates a fresh instance for every call.

import { JSON } from "assemblyscript-json/assembly/index";
import { Output } from "./charges";
import { Input } from "./input";
import { parseJson } from "./json_reader";

/** A module's pricing logic: read `input`, add lines (or fail) on `out`. */
export type PricingFunction = (input: Input, out: Output) => void;

export function alloc(len: i32): i32 {
  if (len < 0) abort("alloc: negative length");
  return <i32>heap.alloc(<usize>len);
}

/** The whole body of a module's `run` export: `return runPricing(ptr, len, price);` */
export function runPricing(ptr: i32, len: i32, price: PricingFunction): i64 {
  if (ptr < 0 || len < 0) abort("run: negative pointer or length");
  const bytes = new Uint8Array(len);
  memory.copy(bytes.dataStart, <usize>ptr, <usize>len);

  const out = new Output();
  const root = parseJson(bytes);
  if (root == null || !root.isObj) {
    out.fail("input: must be one JSON object");
  } else {
    const input = Input.read(<JSON.Obj>root, out);
    if (!out.failed) price(input, out);
  }
  return writeOutput(out.toJson());
}

function writeOutput(json: string): i64 {
  const encoded = String.UTF8.encode(json);
  const outPtr = changetype<usize>(encoded);
  const outLen = encoded.byteLength;
  return (<i64>outPtr << 32) | <i64>(<u32>outLen);
}
