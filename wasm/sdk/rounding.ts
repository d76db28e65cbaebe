// The one place where exact values become integer minor units.
//
// Modes (named as in context.policy.rounding):
//   half_even  ties go to the even neighbour (banker's rounding)
//   half_up    ties go away from zero
//   up         always away from zero
//   down       always toward zero (truncation)

import { Decimal } from "./decimal";
import { addI64, pow10, scaleUp, subI64 } from "./checked";

export enum Rounding {
  HalfEven = 0,
  HalfUp = 1,
  Up = 2,
  Down = 3,
}

export const ROUNDING_NAMES: string[] = ["half_even", "half_up", "up", "down"];

/** The mode for a policy name, or -1 when the name is unknown. */
export function parse_rounding(name: string): i32 {
  return ROUNDING_NAMES.indexOf(name);
}

// Moves the truncated quotient q one step away from zero when the mode says so.
// `half` compares the dropped remainder with half a unit: -1 below, 0 equal,
// 1 above. Callers only come here when the remainder is not zero.
function finish(q: i64, half: i32, negative: bool, mode: Rounding): i64 {
  let away = false;
  if (mode == Rounding.Up) away = true;
  else if (mode == Rounding.HalfUp) away = half >= 0;
  else if (mode == Rounding.HalfEven) away = half > 0 || (half == 0 && (q & 1) != 0);
  if (!away) return q;
  return negative ? subI64(q, 1) : addI64(q, 1);
}

/** numerator / denominator rounded to an integer with `mode` (used for proration). */
export function round_div(numerator: i64, denominator: i64, mode: Rounding): i64 {
  if (denominator == 0) abort("round_div: division by zero");
  if (numerator == i64.MIN_VALUE && denominator == -1) abort("i64 overflow in round_div");
  const q = numerator / denominator;
  const r = numerator % denominator;
  if (r == 0) return q;
  const negative = (numerator < 0) != (denominator < 0);
  // Compare |r| with |d| - |r| on the negative side, where nothing overflows.
  const rNeg = r < 0 ? r : -r;
  const dNeg = denominator < 0 ? denominator : -denominator;
  const restNeg = dNeg - rNeg;
  const half = rNeg < restNeg ? 1 : rNeg == restNeg ? 0 : -1;
  return finish(q, half, negative, mode);
}

/** The decimal as an integer count of 10^-exponent units (cents for USD, exponent 2). */
export function to_minor_units(value: Decimal, exponent: i32, mode: Rounding): i64 {
  if (exponent < 0) abort("to_minor_units: negative exponent");
  const m = value.mantissa;
  if (value.scale <= exponent) return scaleUp(m, exponent - value.scale);
  const k = value.scale - exponent;
  if (k <= 18) return round_div(m, pow10(k), mode);
  // 10^k no longer fits in an i64, but |m| < 10^19 <= 10^k, so the quotient is 0
  // and only the comparison of |m| with 10^k / 2 matters.
  if (m == 0) return 0;
  let half: i32 = -1;
  if (k == 19) {
    const h: i64 = 5000000000000000000; // 10^19 / 2
    if (m > 0) half = m > h ? 1 : m == h ? 0 : -1;
    else half = m < -h ? 1 : m == -h ? 0 : -1;
  }
  return finish(0, half, m < 0, mode);
}
