// Parses the input document into assemblyscript-json's DOM (JSON.Obj, JSON.Arr, ...).
//
// The library's own JSON.parse is not used because its number scanner builds
// integers in an f64: above 2^53 they would silently lose digits. This tree
// builder keeps the same DOM types but traps on any integer it cannot hold
// exactly. (Decimals travel as strings, so they are not affected.)

import { JSON, JSONDecoder, JSONHandler } from "assemblyscript-json/assembly/index";

// 2^53: every integer below it survives the scanner's f64 arithmetic exactly,
// and every integer at or above it comes out of that arithmetic >= 2^53.
const EXACT_LIMIT: i64 = 9007199254740992;

class TreeBuilder extends JSONHandler {
  stack: JSON.Value[] = new Array<JSON.Value>();
  root: JSON.Value | null = null;

  setString(name: string, value: string): void {
    this.add(name, JSON.Value.String(value));
  }

  setBoolean(name: string, value: bool): void {
    this.add(name, JSON.Value.Bool(value));
  }

  setNull(name: string): void {
    this.add(name, JSON.Value.Null());
  }

  setInteger(name: string, value: i64): void {
    if (value >= EXACT_LIMIT || value <= -EXACT_LIMIT) {
      abort("JSON integer too large to read exactly (limit 2^53)");
    }
    this.add(name, JSON.Value.Integer(value));
  }

  setFloat(name: string, value: f64): void {
    this.add(name, JSON.Value.Float(value));
  }

  pushArray(name: string): bool {
    const arr = JSON.Value.Array();
    this.add(name, arr);
    this.stack.push(arr);
    return true;
  }

  popArray(): void {
    this.stack.pop();
  }

  pushObject(name: string): bool {
    const obj = JSON.Value.Object();
    this.add(name, obj);
    this.stack.push(obj);
    return true;
  }

  popObject(): void {
    this.stack.pop();
  }

  private add(name: string, value: JSON.Value): void {
    const depth = this.stack.length;
    if (depth == 0) {
      if (this.root != null) abort("JSON: more than one top-level value");
      this.root = value;
      return;
    }
    const top = this.stack[depth - 1];
    if (top instanceof JSON.Obj) (<JSON.Obj>top).set<JSON.Value>(name, value);
    else (<JSON.Arr>top).push(value);
  }
}

/**
 * The document in `bytes` (UTF-8 JSON), or null when no value could be parsed
 * or bytes follow it. Truncated input traps. The input is written by the host,
 * so the scanner's leniency (it checks little punctuation with --noAssert) is
 * acceptable.
 */
export function parseJson(bytes: Uint8Array): JSON.Value | null {
  const text = withoutFormFeedEscapes(bytes);
  const builder = new TreeBuilder();
  const decoder = new JSONDecoder<TreeBuilder>(builder);
  decoder.deserialize(text);
  if (decoder.state.readIndex != text.length) return null;
  return builder.root;
}

// The library's scanner knows every JSON escape but \f: with --noAssert it drops
// "\f" without a trace. Rewriting it as the equivalent "\u000c" before scanning
// keeps the form feed. Every backslash in JSON starts a two-byte escape (inside a
// string), so stepping over escapes pairwise never mistakes an escaped backslash
// followed by "f" for "\f". Input without "\f" is returned as it is.
function withoutFormFeedEscapes(bytes: Uint8Array): Uint8Array {
  if (!hasFormFeedEscape(bytes)) return bytes;
  const n = bytes.length;
  let found = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] != 0x5c) continue;
    if (i + 1 < n && bytes[i + 1] == 0x66) found++;
    i++;
  }
  const out = new Uint8Array(n + 4 * found);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const byte = bytes[i];
    if (byte == 0x5c && i + 1 < n) {
      out[j++] = 0x5c;
      if (bytes[i + 1] == 0x66) {
        out[j++] = 0x75; // u
        out[j++] = 0x30; // 0
        out[j++] = 0x30; // 0
        out[j++] = 0x30; // 0
        out[j++] = 0x63; // c
      } else {
        out[j++] = bytes[i + 1];
      }
      i++;
    } else {
      out[j++] = byte;
    }
  }
  return out;
}

// Whether the input holds a "\f" escape. Input is mostly free of backslashes, so
// this looks at 8 bytes at a time and steps byte by byte only around a backslash:
// the check costs a fraction of the parse (fuel is charged per instruction).
function hasFormFeedEscape(bytes: Uint8Array): bool {
  const base = bytes.dataStart;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      // A byte of `word` is a backslash exactly when the same byte of x is zero.
      const x = load<u64>(base + <usize>i) ^ 0x5c5c5c5c5c5c5c5c;
      if (((x - 0x0101010101010101) & ~x & 0x8080808080808080) == 0) {
        i += 8;
        continue;
      }
    }
    if (load<u8>(base + <usize>i) != 0x5c) {
      i++;
      continue;
    }
    if (i + 1 < n && load<u8>(base + <usize>i + 1) == 0x66) return true;
    i += 2;
  }
  return false;
}
