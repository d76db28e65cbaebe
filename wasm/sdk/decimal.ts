// Exact decimal numbers: value = mantissa / 10^scale.
//
// Decimals arrive as strings ("0.0005", "-12.5", "100000") and stay exact until
// the single rounding step in rounding.ts. Results keep the scale Python's
// decimal module would give (add: max of the scales, mul: sum of the scales),
// so "150000" - "100000" prints "50000" and "1.50" * "2" prints "3.00".
// Every operation traps on i64 overflow.

import { addI64, canScaleUp, mulI64, negI64, scaleUp, subI64 } from "./checked";

// @ts-ignore: decorator
@inline const CHAR_0: i32 = 48;
// @ts-ignore: decorator
@inline const CHAR_9: i32 = 57;
// @ts-ignore: decorator
@inline const CHAR_MINUS: i32 = 45;
// @ts-ignore: decorator
@inline const CHAR_DOT: i32 = 46;

export class Decimal {
  constructor(public readonly mantissa: i64, public readonly scale: i32) {
    if (scale < 0) abort("Decimal: negative scale");
  }

  static zero(): Decimal {
    return new Decimal(0, 0);
  }

  static fromInt(value: i64): Decimal {
    return new Decimal(value, 0);
  }

  /**
   * Parses `-?[0-9]+(\.[0-9]+)?`. Returns null when the text is not in that
   * form; traps when the digits do not fit in an i64 mantissa.
   */
  static parse(text: string): Decimal | null {
    const n = text.length;
    let i = 0;
    let negative = false;
    if (n > 0 && text.charCodeAt(0) == CHAR_MINUS) {
      negative = true;
      i = 1;
    }
    let mantissa: i64 = 0;
    let intDigits = 0;
    let fracDigits = 0;
    let seenDot = false;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c == CHAR_DOT) {
        if (seenDot || intDigits == 0) return null;
        seenDot = true;
        continue;
      }
      if (c < CHAR_0 || c > CHAR_9) return null;
      mantissa = addI64(mulI64(mantissa, 10), <i64>(c - CHAR_0));
      if (seenDot) fracDigits++;
      else intDigits++;
    }
    if (intDigits == 0 || (seenDot && fracDigits == 0)) return null;
    return new Decimal(negative ? -mantissa : mantissa, fracDigits);
  }

  get isZero(): bool {
    return this.mantissa == 0;
  }

  get isNegative(): bool {
    return this.mantissa < 0;
  }

  /** -1, 0 or 1. */
  get sign(): i32 {
    return this.mantissa < 0 ? -1 : this.mantissa > 0 ? 1 : 0;
  }

  neg(): Decimal {
    return new Decimal(negI64(this.mantissa), this.scale);
  }

  add(other: Decimal): Decimal {
    const scale = max(this.scale, other.scale);
    return new Decimal(
      addI64(scaleUp(this.mantissa, scale - this.scale), scaleUp(other.mantissa, scale - other.scale)),
      scale,
    );
  }

  sub(other: Decimal): Decimal {
    const scale = max(this.scale, other.scale);
    return new Decimal(
      subI64(scaleUp(this.mantissa, scale - this.scale), scaleUp(other.mantissa, scale - other.scale)),
      scale,
    );
  }

  mul(other: Decimal): Decimal {
    const scale = addI64(<i64>this.scale, <i64>other.scale);
    if (scale > <i64>i32.MAX_VALUE) abort("Decimal: scale overflow");
    return new Decimal(mulI64(this.mantissa, other.mantissa), <i32>scale);
  }

  /** The value times 10^places, exactly (100 * rate gives a percentage). */
  movePointRight(places: i32): Decimal {
    if (places <= this.scale) return new Decimal(this.mantissa, this.scale - places);
    return new Decimal(scaleUp(this.mantissa, places - this.scale), 0);
  }

  /** Compares values (not representations): -1, 0 or 1. Never traps. */
  cmp(other: Decimal): i32 {
    const sa = this.sign;
    const sb = other.sign;
    if (sa != sb) return sa < sb ? -1 : 1;
    let a = this.mantissa;
    let b = other.mantissa;
    if (this.scale < other.scale) {
      const k = other.scale - this.scale;
      if (!canScaleUp(a, k)) return sa; // |a| * 10^k exceeds every i64
      a = scaleUp(a, k);
    } else if (other.scale < this.scale) {
      const k = this.scale - other.scale;
      if (!canScaleUp(b, k)) return -sb;
      b = scaleUp(b, k);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  min(other: Decimal): Decimal {
    return this.cmp(other) <= 0 ? this : other;
  }

  /** The same value with trailing fractional zeros removed ("20.00" -> "20"). */
  normalized(): Decimal {
    let m = this.mantissa;
    let s = this.scale;
    while (s > 0 && m % 10 == 0) {
      m /= 10;
      s--;
    }
    return new Decimal(m, s);
  }

  /** Plain notation with exactly `scale` fractional digits: "0.0005", "-12.50", "100000". */
  toString(): string {
    const m = this.mantissa;
    // Print the magnitude without negating, so i64.MIN_VALUE prints too.
    let digits = m < 0 ? m.toString().substring(1) : m.toString();
    const sign = m < 0 ? "-" : "";
    if (this.scale == 0) return sign + digits;
    if (digits.length <= this.scale) digits = "0".repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return sign + digits.substring(0, cut) + "." + digits.substring(cut);
  }
}
