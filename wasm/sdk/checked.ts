// i64 arithmetic that traps instead of wrapping.
//
// WebAssembly integer operations wrap silently on overflow. Money must never
// wrap, so every SDK computation on amounts and decimal mantissas goes through
// these helpers, which call abort() (a trap in the host) on overflow.

export function addI64(a: i64, b: i64): i64 {
  const r = a + b;
  if (((a ^ r) & (b ^ r)) < 0) abort("i64 overflow in addition");
  return r;
}

export function subI64(a: i64, b: i64): i64 {
  const r = a - b;
  if (((a ^ b) & (a ^ r)) < 0) abort("i64 overflow in subtraction");
  return r;
}

export function mulI64(a: i64, b: i64): i64 {
  if (a == 0 || b == 0) return 0;
  if ((a == -1 && b == i64.MIN_VALUE) || (b == -1 && a == i64.MIN_VALUE)) {
    abort("i64 overflow in multiplication");
  }
  const r = a * b;
  if (r / b != a) abort("i64 overflow in multiplication");
  return r;
}

export function negI64(a: i64): i64 {
  if (a == i64.MIN_VALUE) abort("i64 overflow in negation");
  return -a;
}

/** 10^k for 0 <= k <= 18 (the powers of ten that fit in an i64). */
export function pow10(k: i32): i64 {
  if (k < 0 || k > 18) abort("pow10: exponent out of range");
  let r: i64 = 1;
  for (let i = 0; i < k; i++) r *= 10;
  return r;
}

/** m * 10^k, trapping on overflow. */
export function scaleUp(m: i64, k: i32): i64 {
  if (k < 0) abort("scaleUp: negative exponent");
  if (m == 0) return 0;
  for (let i = 0; i < k; i++) m = mulI64(m, 10);
  return m;
}

/** Whether m * 10^k fits in an i64 (never traps). */
export function canScaleUp(m: i64, k: i32): bool {
  const limit = i64.MAX_VALUE / 10;
  for (let i = 0; i < k && m != 0; i++) {
    if (m > limit || m < -limit) return false;
    m *= 10;
  }
  return true;
}
