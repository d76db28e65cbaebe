// Largest-remainder allocation: split an integer amount by non-negative integer
// weights so that the parts always add up to the whole. Ties in the remainders
// go to the earlier weight (deterministic), as in the host's domain/allocation.py.

import { addI64, mulI64, negI64 } from "./checked";

export function allocate(amount: i64, weights: i64[]): i64[] {
  const n = weights.length;
  if (n == 0) abort("allocate: no weights");
  let total: i64 = 0;
  for (let i = 0; i < n; i++) {
    if (weights[i] < 0) abort("allocate: negative weight");
    total = addI64(total, weights[i]);
  }
  if (total == 0) abort("allocate: weights are all zero");
  const negative = amount < 0;
  const magnitude = negative ? negI64(amount) : amount;
  const parts = new Array<i64>(n);
  const remainders = new Array<i64>(n);
  let given: i64 = 0;
  for (let i = 0; i < n; i++) {
    const share = mulI64(magnitude, weights[i]); // traps rather than wraps
    parts[i] = share / total;
    remainders[i] = share % total;
    given = addI64(given, parts[i]);
  }
  // Hand out what is left, one unit each, largest remainder first, earlier index on ties.
  let left = magnitude - given;
  const taken = new Array<bool>(n);
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (!taken[i] && (best < 0 || remainders[i] > remainders[best])) best = i;
    }
    taken[best] = true;
    parts[best] = parts[best] + 1;
    left--;
  }
  if (negative) for (let i = 0; i < n; i++) parts[i] = -parts[i];
  return parts;
}
