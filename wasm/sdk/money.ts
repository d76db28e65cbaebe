// Money: integer minor units of one currency. Mixing currencies, overflow and
// floats are refused (abort, a trap in the host); a rate is an exact Decimal
// applied with one rounding step.

import { ChargeLine } from "./charges";
import { addI64, mulI64, negI64, subI64 } from "./checked";
import { Decimal } from "./decimal";
import { allocate } from "./allocation";
import { Rounding, to_minor_units } from "./rounding";

export class Money {
  constructor(
    /** Integer minor units (cents for USD). */
    public readonly amount: i64,
    public readonly currency: string,
    /** Decimal places of the minor unit: JPY 0, USD 2, KWD 3. */
    public readonly exponent: i32,
  ) {}

  static zero(currency: string, exponent: i32): Money {
    return new Money(0, currency, exponent);
  }

  /** An exact major-unit value ("12.345") rounded once to minor units. */
  static fromMajor(value: Decimal, currency: string, exponent: i32, mode: Rounding): Money {
    return new Money(to_minor_units(value, exponent, mode), currency, exponent);
  }

  get isZero(): bool {
    return this.amount == 0;
  }

  get isNegative(): bool {
    return this.amount < 0;
  }

  plus(other: Money): Money {
    this.same(other);
    return new Money(addI64(this.amount, other.amount), this.currency, this.exponent);
  }

  minus(other: Money): Money {
    this.same(other);
    return new Money(subI64(this.amount, other.amount), this.currency, this.exponent);
  }

  negate(): Money {
    return new Money(negI64(this.amount), this.currency, this.exponent);
  }

  /** amount * factor for an integer factor (a quantity of whole units). */
  times(factor: i64): Money {
    return new Money(mulI64(this.amount, factor), this.currency, this.exponent);
  }

  /** amount * rate, exact until the one rounding step ("0.0725" tax, "0.15" discount). */
  applyRate(rate: Decimal, mode: Rounding): Money {
    return Money.fromMajor(this.major().mul(rate), this.currency, this.exponent, mode);
  }

  /** -1, 0 or 1. */
  cmp(other: Money): i32 {
    this.same(other);
    return this.amount < other.amount ? -1 : this.amount > other.amount ? 1 : 0;
  }

  min(other: Money): Money {
    return this.cmp(other) <= 0 ? this : other;
  }

  max(other: Money): Money {
    return this.cmp(other) >= 0 ? this : other;
  }

  /** The exact major-unit value: 9900 USD -> "99.00". */
  major(): Decimal {
    return new Decimal(this.amount, this.exponent);
  }

  /** Splits the amount by weights (largest remainder); the parts always add up to the whole. */
  allocate(weights: i64[]): Money[] {
    const parts = allocate(this.amount, weights);
    const out = new Array<Money>(parts.length);
    for (let i = 0; i < parts.length; i++) out[i] = new Money(parts[i], this.currency, this.exponent);
    return out;
  }

  toString(): string {
    return this.major().toString() + " " + this.currency;
  }

  private same(other: Money): void {
    if (this.currency != other.currency || this.exponent != other.exponent) abort("Money: currencies differ");
  }
}

/** The checked sum of the lines' amounts; only the taxable ones when `taxableOnly`. */
export function sumAmounts(lines: ChargeLine[], taxableOnly: bool = false): i64 {
  let total: i64 = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!taxableOnly || lines[i].taxable) total = addI64(total, lines[i].amount);
  }
  return total;
}
