// hourly (producer): time entries (facts.time_entries) billed at an hourly rate per user type.
//   rates               {user_type: major units per hour}; a billable entry of another type is an error
//   increment_minutes   each entry's time rounded to this increment (increment_rounding up|nearest|down)
//   minimum_minutes     then raised to at least this (entries with no time stay at zero)
//   lines               "user_type" (default): one line per user type, in the order of config.rates;
//                       "entry": one line per billable entry, in entry-id order
// Non-billable entries are ignored. Amounts are exact: round(billed seconds x rate / 3600) once per
// line. The quantity is the billed hours, exact whenever the time is a multiple of 9 seconds
// (0.0025 h), else rounded half-even to 6 decimal places for display only.

import {
  ChargeLine, Decimal, Fields, Input, Output, Rounding, addI64, keysOf, mulI64, optionalInteger, readCategory,
  round_div, runPricing,
} from "../../sdk/index";
export { alloc } from "../../sdk/index";

export function run(ptr: i32, len: i32): i64 {
  return runPricing(ptr, len, price);
}

class Rate {
  seconds: i64 = 0;
  constructor(public userType: string, public text: string, public perHour: Decimal) {}
}

function readRates(config: Fields): Rate[] {
  const rates = new Array<Rate>();
  const table = config.object("rates");
  if (config.failure.failed) return rates;
  const types = keysOf(table);
  if (types.length == 0) {
    config.fail("rates", "must not be empty");
    return rates;
  }
  for (let i = 0; i < types.length; i++) {
    const text = table.decimalText(types[i]);
    if (config.failure.failed) return rates;
    const perHour = <Decimal>Decimal.parse(text);
    if (perHour.isNegative) {
      table.fail(types[i], "must not be negative");
      return rates;
    }
    rates.push(new Rate(types[i], text, perHour));
  }
  return rates;
}

class Billing {
  constructor(public increment: i64, public rounding: string, public minimum: i64) {}

  /** The seconds billed for an entry of `seconds`: rounded to the increment, then at least the minimum. */
  billed(seconds: i64): i64 {
    let billed = seconds;
    const step = this.increment;
    if (step > 0) {
      const whole = seconds / step;
      const rest = seconds % step;
      let steps = whole;
      if (rest > 0 && (this.rounding == "up" || (this.rounding == "nearest" && rest * 2 >= step))) steps = whole + 1;
      billed = mulI64(steps, step);
    }
    if (seconds > 0 && billed < this.minimum) billed = this.minimum;
    return billed;
  }
}

/** Billed hours: exact when seconds x 2500 / 9 is whole (6 decimal places), else rounded half-even. */
function hours(seconds: i64): string {
  return new Decimal(round_div(mulI64(seconds, 2500), 9, Rounding.HalfEven), 6).normalized().toString();
}

/** round(seconds x rate / 3600) in minor units, with the tenant's rounding. */
function amountFor(input: Input, seconds: i64, rate: Decimal): i64 {
  let numerator = mulI64(seconds, rate.mantissa);
  let denominator: i64 = 3600;
  const exponent = input.context.exponent;
  for (let i = rate.scale; i < exponent; i++) numerator = mulI64(numerator, 10);
  for (let i = exponent; i < rate.scale; i++) denominator = mulI64(denominator, 10);
  return input.roundDiv(numerator, denominator);
}

function price(input: Input, out: Output): void {
  const config = input.config;
  const ruleId = config.string("rule_id");
  const description = config.string("description");
  const rates = readRates(config);
  const minimum = optionalInteger(config, "minimum_minutes", 0);
  if (!out.failed && minimum < 0) config.fail("minimum_minutes", "must not be negative");
  const increment = optionalInteger(config, "increment_minutes", 0);
  if (!out.failed && config.has("increment_minutes") && increment < 1) {
    config.fail("increment_minutes", "must be at least 1");
  }
  const rounding = config.has("increment_rounding")
    ? config.choice("increment_rounding", ["up", "nearest", "down"])
    : "up";
  const perEntry = config.has("lines") ? config.choice("lines", ["user_type", "entry"]) == "entry" : false;
  const category = readCategory(config);
  if (out.failed) return;
  const billing = new Billing(mulI64(increment, 60), rounding, mulI64(minimum, 60));

  const entries = input.fact("time_entries");
  const ids = keysOf(entries);
  for (let i = 0; i < ids.length; i++) {
    const entry = entries.object(ids[i]);
    const billable = entry.boolean("billable");
    if (out.failed) return;
    if (!billable) continue;
    const userType = entry.string("user_type");
    const seconds = entry.integer("seconds");
    if (out.failed) return;
    if (seconds < 0) return entry.fail("seconds", "must not be negative");
    let rate: Rate | null = null;
    for (let r = 0; r < rates.length; r++) if (rates[r].userType == userType) rate = rates[r];
    if (rate == null) return entry.fail("user_type", "no rate for \"" + userType + "\" in config.rates");
    const found = <Rate>rate;
    const billed = billing.billed(seconds);
    if (!perEntry) {
      found.seconds = addI64(found.seconds, billed);
      continue;
    }
    const user = entry.string("user");
    const text = entry.string("description");
    if (out.failed) return;
    if (billed == 0) continue;
    const label = text.length > 0 ? text : description + " (" + user + ")";
    out.add(new ChargeLine(ruleId, "usage", label, null, hours(billed), found.text,
                           amountFor(input, billed, found.perHour), true).inCategory(category));
  }
  if (perEntry) return;
  for (let r = 0; r < rates.length; r++) {
    const rate = rates[r];
    if (rate.seconds == 0) continue;
    out.add(new ChargeLine(ruleId, "usage", description + " (" + rate.userType + ")", null, hours(rate.seconds),
                           rate.text, amountFor(input, rate.seconds, rate.perHour), true).inCategory(category));
  }
}
