// A small streaming JSON writer.
//
// Output is compact and byte-for-byte what Python's
// json.dumps(value, separators=(",", ":"), ensure_ascii=False) prints for the
// same keys in the same order. Numbers are i64 only: the ABI has no floats.

const HEX = "0123456789abcdef";

/** `text` as a JSON string literal, quotes included. */
export function quote(text: string): string {
  const parts = new Array<string>();
  parts.push('"');
  let runStart = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let escape = "";
    if (c == 0x22) escape = '\\"';
    else if (c == 0x5c) escape = "\\\\";
    else if (c == 0x0a) escape = "\\n";
    else if (c == 0x0d) escape = "\\r";
    else if (c == 0x09) escape = "\\t";
    else if (c == 0x08) escape = "\\b";
    else if (c == 0x0c) escape = "\\f";
    else if (c < 0x20) escape = "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    else continue;
    if (i > runStart) parts.push(text.substring(runStart, i));
    parts.push(escape);
    runStart = i + 1;
  }
  if (n > runStart) parts.push(text.substring(runStart, n));
  parts.push('"');
  return parts.join("");
}

export class JsonWriter {
  private parts: string[] = new Array<string>();
  // One entry per open object or array: true until its first element is written.
  private empty: bool[] = new Array<bool>();
  private afterKey: bool = false;

  beginObject(): JsonWriter {
    this.separate();
    this.parts.push("{");
    this.empty.push(true);
    return this;
  }

  endObject(): JsonWriter {
    this.empty.pop();
    this.parts.push("}");
    return this;
  }

  beginArray(): JsonWriter {
    this.separate();
    this.parts.push("[");
    this.empty.push(true);
    return this;
  }

  endArray(): JsonWriter {
    this.empty.pop();
    this.parts.push("]");
    return this;
  }

  key(name: string): JsonWriter {
    this.separate();
    this.parts.push(quote(name));
    this.parts.push(":");
    this.afterKey = true;
    return this;
  }

  string(value: string): JsonWriter {
    this.separate();
    this.parts.push(quote(value));
    return this;
  }

  /** A string, or null when `value` is null. */
  stringOrNull(value: string | null): JsonWriter {
    if (value == null) return this.nullValue();
    return this.string(<string>value);
  }

  integer(value: i64): JsonWriter {
    this.separate();
    this.parts.push(value.toString());
    return this;
  }

  boolean(value: bool): JsonWriter {
    this.separate();
    this.parts.push(value ? "true" : "false");
    return this;
  }

  nullValue(): JsonWriter {
    this.separate();
    this.parts.push("null");
    return this;
  }

  toString(): string {
    return this.parts.join("");
  }

  // Writes the comma between elements; a value right after its key needs none.
  private separate(): void {
    if (this.afterKey) {
      this.afterKey = false;
      return;
    }
    const depth = this.empty.length;
    if (depth == 0) return;
    if (this.empty[depth - 1]) this.empty[depth - 1] = false;
    else this.parts.push(",");
  }
}
