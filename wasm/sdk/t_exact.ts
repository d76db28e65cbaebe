// Exact fractions for transformers that must add up several exact amounts
// before the one rounding step (tax at jurisdiction or invoice level, tax
// extracted from tax-inclusive prices). num / den with den > 0, always in
// lowest terms; every product and sum is checked and traps on i64 overflow.

import { addI64, mulI64, negI64, pow10 } from "./checked";
import { Decimal } from "./decimal";
import { Rounding, round_div } from "./rounding";

/** Greatest common divisor of two non-negative integers (gcd(0, b) = b). */
export function gcd(a: i64, b: i64): i64 {
  while (b != 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function abs64(a: i64): i64 {
  return a < 0 ? negI64(a) : a;
}

export class Fraction {
  readonly num: i64;
  readonly den: i64;

  /** num / den in lowest terms; den must be positive. */
  constructor(num: i64, den: i64) {
    if (den <= 0) abort("Fraction: denominator must be positive");
    const g = gcd(abs64(num), den);
    this.num = g > 1 ? num / g : num;
    this.den = g > 1 ? den / g : den;
  }

  static zero(): Fraction {
    return new Fraction(0, 1);
  }

  static fromInt(value: i64): Fraction {
    return new Fraction(value, 1);
  }

  static fromDecimal(value: Decimal): Fraction {
    return new Fraction(value.mantissa, pow10(value.scale));
  }

  get isZero(): bool {
    return this.num == 0;
  }

  add(other: Fraction): Fraction {
    const g = gcd(this.den, other.den);
    const den = mulI64(this.den / g, other.den);
    const num = addI64(mulI64(this.num, other.den / g), mulI64(other.num, this.den / g));
    return new Fraction(num, den);
  }

  mul(other: Fraction): Fraction {
    const g1 = gcd(abs64(this.num), other.den);
    const g2 = gcd(abs64(other.num), this.den);
    const num = mulI64(this.num / g1, other.num / g2);
    const den = mulI64(this.den / g2, other.den / g1);
    return new Fraction(num, den);
  }

  /** this / other; other must be positive. */
  div(other: Fraction): Fraction {
    if (other.num <= 0) abort("Fraction: division by a value that is not positive");
    return this.mul(new Fraction(other.den, other.num));
  }

  /** -1, 0 or 1. */
  cmp(other: Fraction): i32 {
    const a = mulI64(this.num, other.den);
    const b = mulI64(other.num, this.den);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The largest integer not above the value. */
  floor(): i64 {
    const q = this.num / this.den;
    return this.num % this.den < 0 ? q - 1 : q;
  }

  /** The value rounded to an integer with `mode` (the one rounding step). */
  round(mode: Rounding): i64 {
    return round_div(this.num, this.den, mode);
  }
}

/**
 * Integers that add up to `total`, one per exact part, each the part's floor or
 * ceiling: the units left over after the floors go to the largest fractional
 * remainders, ties to the earlier part. `total` must be a rounding of the sum
 * of the parts (as in the host's domain/allocation.apportion).
 */
export function apportion(parts: Fraction[], total: i64): i64[] {
  const n = parts.length;
  const out = new Array<i64>(n);
  const rest = new Array<Fraction>(n);
  let given: i64 = 0;
  let candidates = 0;
  for (let i = 0; i < n; i++) {
    out[i] = parts[i].floor();
    rest[i] = parts[i].add(Fraction.fromInt(negI64(out[i])));
    if (!rest[i].isZero) candidates++;
    given = addI64(given, out[i]);
  }
  let left = total - given;
  if (left < 0 || left > <i64>candidates) abort("apportion: total is not a rounding of the parts' sum");
  const taken = new Array<bool>(n);
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (taken[i] || rest[i].isZero) continue;
      if (best < 0 || rest[i].cmp(rest[best]) > 0) best = i;
    }
    taken[best] = true;
    out[best] = out[best] + 1;
    left--;
  }
  return out;
}
