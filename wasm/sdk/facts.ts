// Typed views of the fact packs (mirroring the host's fact-pack builder). Each
// getter reads one field when called, so a module reads only what its manifest
// declares; a missing or mistyped field records "facts.<pack>.<field>: ..." and
// the module answers {"error": ...}.

import { Decimal } from "./decimal";
import { Fields } from "./fields";
import { Input } from "./input";
import { Rounding } from "./rounding";
import { prorate } from "./proration";

/** facts.subscription: the plan and how much of the period it was active. */
export class SubscriptionFacts {
  constructor(public readonly fields: Fields) {}

  get present(): bool {
    return this.fields.present;
  }
  get plan(): string {
    return this.fields.string("plan");
  }
  get start(): string {
    return this.fields.string("start");
  }
  /** null while the subscription is open-ended. */
  get end(): string | null {
    return this.fields.stringOrNull("end");
  }
  get activeDays(): i64 {
    return this.fields.integer("active_days");
  }
  get periodDays(): i64 {
    return this.fields.integer("period_days");
  }
  get activeSeconds(): i64 {
    return this.fields.integer("active_seconds");
  }
  get periodSeconds(): i64 {
    return this.fields.integer("period_seconds");
  }

  /** `amount` prorated by active/period days ("day") or seconds ("second"). */
  prorate(amount: i64, unit: string, mode: Rounding): i64 {
    const byDay = unit == "day";
    const active = byDay ? this.activeDays : this.activeSeconds;
    const period = byDay ? this.periodDays : this.periodSeconds;
    if (this.fields.failure.failed) return 0;
    const name = byDay ? "days" : "seconds";
    if (period <= 0) {
      this.fields.fail("period_" + name, "must be positive");
      return 0;
    }
    if (active < 0 || active > period) {
      this.fields.fail("active_" + name, "must be between 0 and period_" + name);
      return 0;
    }
    return prorate(amount, active, period, mode);
  }
}

/** facts.usage.<metric>: the period's aggregates of one metric. */
export class UsageFacts {
  constructor(public readonly metric: string, public readonly fields: Fields) {}

  /** False when the metric had no usage (or usage is not declared). */
  get present(): bool {
    return this.fields.present;
  }
  /** The period's sum; zero when absent. */
  get sum(): Decimal {
    return this.present ? this.fields.decimal("sum") : Decimal.zero();
  }
  get count(): i64 {
    return this.present ? this.fields.integer("count") : 0;
  }
  get min(): Decimal {
    return this.present ? this.fields.decimal("min") : Decimal.zero();
  }
  get max(): Decimal {
    return this.present ? this.fields.decimal("max") : Decimal.zero();
  }
}

/** facts.tax: the tenant's tax region and rate. */
export class TaxFacts {
  constructor(public readonly fields: Fields) {}

  get present(): bool {
    return this.fields.present;
  }
  get region(): string {
    return this.fields.string("region");
  }
  get name(): string {
    return this.fields.string("name");
  }
  get rate(): Decimal {
    return this.fields.decimal("rate");
  }
  get exempt(): bool {
    return this.fields.boolean("exempt");
  }
}

/** facts.customer: who is billed, in which currency. */
export class CustomerFacts {
  constructor(public readonly fields: Fields) {}

  get present(): bool {
    return this.fields.present;
  }
  get tenant(): string {
    return this.fields.string("tenant");
  }
  get currency(): string {
    return this.fields.string("currency");
  }
}

export function subscriptionFacts(input: Input): SubscriptionFacts {
  return new SubscriptionFacts(input.fact("subscription"));
}

export function usageFacts(input: Input, metric: string): UsageFacts {
  return new UsageFacts(metric, input.fact("usage").optionalObject(metric));
}

export function taxFacts(input: Input): TaxFacts {
  return new TaxFacts(input.fact("tax"));
}

export function customerFacts(input: Input): CustomerFacts {
  return new CustomerFacts(input.fact("customer"));
}
