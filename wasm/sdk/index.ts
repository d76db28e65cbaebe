// The pricing-module SDK (ABI v1). A module imports from here, re-exports
// `alloc`, and writes one pricing function; see wasm/README.md.

export { alloc, runPricing, PricingFunction } from "./abi";
export { ChargeLine, CHARGE_KINDS, Output } from "./charges";
export { addI64, mulI64, negI64, subI64 } from "./checked";
export { Decimal } from "./decimal";
export { Fields } from "./fields";
export { ABI_VERSION, Context, Input } from "./input";
export { quote, JsonWriter } from "./json_writer";
export { Rounding, parse_rounding, round_div, to_minor_units } from "./rounding";
export { allocate } from "./allocation";
export { CustomerFacts, SubscriptionFacts, TaxFacts, UsageFacts, customerFacts, subscriptionFacts, taxFacts, usageFacts } from "./facts";
export { Money, sumAmounts } from "./money";
export { prorate } from "./proration";
export { Tier, TierSlice, graduated, packages, readTiers, volume } from "./tiers";
// Producer helpers (fixed-fee, hourly, usage-tiers, bucket-overage).
export { pow10, scaleUp } from "./checked";
export { Carry, CarryPricingFunction, runPricingWithCarry } from "./p_carry";
export { keysOf, nonNegativeDecimal, optionalInteger, optionalString, readCategory, stringList } from "./p_fields";
export { Instant, addMonths, daysInMonth, parseInstant } from "./p_instant";
// Transformer helpers (bundle-flat-rate, first-n-free, category-coupons, cap-total, manual-adjustments, tax).
export { Fraction, apportion, gcd } from "./t_exact";
export { CalendarInstant, civilDays, readCalendarInstant } from "./t_dates";
export { LEVELS, Policy, PolicyPricingFunction, TAX_COMPUTATIONS, runTransformer } from "./t_policy";
export {
  LineGroup, MAX_DESCRIPTION, clipLabel, compareCodePoints, groupLines, inCategories, isPriced, optionalStringList,
  positiveNet, reduceGroups, selected, sortedKeys,
} from "./t_lines";
