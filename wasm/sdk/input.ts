// The input document: context, facts, config and (for transformers) charges.

import { JSON } from "assemblyscript-json/assembly/index";
import { ChargeLine, Output } from "./charges";
import { Decimal } from "./decimal";
import { Fields } from "./fields";
import { ROUNDING_NAMES, Rounding, parse_rounding, round_div, to_minor_units } from "./rounding";

export const ABI_VERSION: i64 = 1;

/** context.*: who and what period is being priced, in which currency. */
export class Context {
  constructor(
    public tenant: string,
    public currency: string,
    /** Decimal places of the currency's minor unit: JPY 0, USD 2, KWD 3. */
    public exponent: i32,
    public rounding: Rounding,
    public periodStart: string,
    public periodEnd: string,
  ) {}

  static read(context: Fields): Context {
    const currency = context.object("currency");
    const period = context.object("period");
    const policy = context.object("policy");
    const tenant = context.string("tenant");
    const code = currency.string("code");
    const exponent = currency.integer("exponent");
    if (exponent < 0 || exponent > 18) currency.fail("exponent", "must be between 0 and 18");
    const start = period.string("start");
    const end = period.string("end");
    const mode = parse_rounding(policy.string("rounding"));
    if (mode < 0) policy.fail("rounding", "must be one of " + ROUNDING_NAMES.join(", "));
    return new Context(tenant, code, <i32>exponent, <Rounding>max(mode, 0), start, end);
  }
}

export class Input {
  constructor(
    public context: Context,
    /** The module's config object. */
    public config: Fields,
    /** Input charge lines (transformers); empty for producers. */
    public charges: ChargeLine[],
    /** The facts object; packs the manifest does not declare are absent. */
    public facts: Fields,
  ) {}

  /** Reads the top level of the document; problems are recorded on `out`. */
  static read(root: JSON.Obj, out: Output): Input {
    const doc = new Fields(root, "", out.failure);
    const abi = doc.integer("abi");
    if (!out.failed && abi != ABI_VERSION) doc.fail("abi", "unsupported version " + abi.toString());
    const context = Context.read(doc.object("context"));
    const charges = new Array<ChargeLine>();
    if (doc.has("charges")) {
      const lines = doc.objects("charges");
      for (let i = 0; i < lines.length; i++) charges.push(ChargeLine.read(lines[i]));
    }
    return new Input(context, doc.object("config"), charges, doc.optionalObject("facts"));
  }

  /** One fact pack ("subscription", "usage", "tax"); `present` is false when absent. */
  fact(name: string): Fields {
    return this.facts.optionalObject(name);
  }

  /** facts.usage.<metric>.sum; zero when the pack or the metric is absent. */
  usageSum(metric: string): Decimal {
    const stats = this.fact("usage").optionalObject(metric);
    if (!stats.present) return Decimal.zero();
    return stats.decimal("sum");
  }

  /** An exact amount rounded to minor units with the tenant's rounding policy. */
  toMinor(value: Decimal): i64 {
    return to_minor_units(value, this.context.exponent, this.context.rounding);
  }

  /** numerator / denominator rounded with the tenant's rounding policy. */
  roundDiv(numerator: i64, denominator: i64): i64 {
    return round_div(numerator, denominator, this.context.rounding);
  }

  /** Minor units as an exact major-unit decimal: 9900 USD -> "99.00", 15000 JPY -> "15000". */
  major(amount: i64): Decimal {
    return new Decimal(amount, this.context.exponent);
  }
}
