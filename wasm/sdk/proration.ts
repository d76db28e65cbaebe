// Proration: a full-period amount scaled by the part of the period that was
// active, rounded once with the tenant's rounding mode.

import { mulI64 } from "./checked";
import { Rounding, round_div } from "./rounding";

/** round(amount * active / total); traps unless 0 <= active <= total and total > 0. */
export function prorate(amount: i64, active: i64, total: i64, mode: Rounding): i64 {
  if (total <= 0) abort("prorate: total must be positive");
  if (active < 0 || active > total) abort("prorate: active must be between 0 and total");
  if (active == total) return amount;
  return round_div(mulI64(amount, active), total, mode);
}
