"""manual-adjustments (wasm/modules/manual-adjustments/index.ts): passes every line through and appends one
adjustment line per operator-entered credit (negative) or charge (positive), in adjustment id order."""

from billing_dagster.domain.reference.sdk import ChargeLine, Input, Output, i64
from billing_dagster.domain.reference.t_sdk import clip_label, sorted_keys

KINDS = ("credit", "charge")


def price(source: Input, out: Output) -> None:
    rule_id = source.config.string("rule_id")
    if out.failed:
        return
    for line in source.charges:
        out.add(line)

    pack = source.fact("adjustments")
    for key in sorted_keys(pack):
        entry = pack.optional_object(key)
        if not entry.present:
            return pack.fail(key, "must be an object")
        kind = entry.choice("kind", KINDS)
        amount = entry.integer("amount")
        description = entry.string("description")
        reason = entry.string("reason")
        taxable = entry.boolean("taxable") if entry.has("taxable") else False
        category = entry.string("category") if entry.has("category") else None
        if out.failed:
            return
        if amount <= 0:
            return entry.fail("amount", "must be positive (the kind gives the sign)")
        if category is not None and len(category) == 0:
            return entry.fail("category", "must not be empty")
        signed = i64(-amount) if kind == "credit" else amount
        label = clip_label(f"{description} ({reason})" if reason else description)
        out.add(ChargeLine(rule_id, "adjustment", label, None, "1", str(source.major(signed)), signed, taxable,
                           category))
