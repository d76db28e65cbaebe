"""tax (wasm/modules/tax/index.ts): passes every line through and appends one tax line on the sum of the
taxable lines, at the tenant's rate from facts.tax."""

from billing_dagster.domain.reference.sdk import ChargeLine, Input, Output, i64


def price(source: Input, out: Output) -> None:
    rule_id = source.config.string("rule_id")
    if out.failed:
        return
    for line in source.charges:
        out.add(line)

    tax = source.fact("tax")
    if not tax.present:
        return out.warn("facts.tax is absent: no tax charged")
    exempt = tax.boolean("exempt")
    name = tax.string("name")
    rate = tax.decimal("rate")
    if out.failed:
        return
    if rate.sign < 0:
        return tax.fail("rate", "must not be negative")
    if exempt or rate.sign == 0:
        return

    base = 0
    for line in source.charges:
        if line.taxable:
            base = i64(base + line.amount)
    if base == 0:
        return

    base_major = source.major(base)
    amount = source.to_minor(base_major.mul(rate))
    percent = str(rate.move_point_right(2).normalized())
    out.add(ChargeLine(rule_id, "tax", f"{name} {percent}%", None, str(base_major), tax.string("rate"), amount, False))
