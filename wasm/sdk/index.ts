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
