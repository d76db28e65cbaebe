"""cap-total (wasm/modules/cap-total/index.ts): brings the net of the covered lines down to each cap, in order,
with negative adjustment lines split over the covered (category, taxable) groups."""

from billing_dagster.domain.reference.sdk import Input, Output, i64
from billing_dagster.domain.reference.t_sdk import group_lines, is_priced, optional_string_list, reduce_groups, selected


def price(source: Input, out: Output) -> None:
    caps = source.config.objects("caps")
    if out.failed:
        return
    if not caps:
        return source.config.fail("caps", "must not be empty")
    rules = []
    for cap in caps:
        rule = (cap.string("rule_id"), cap.string("description"), cap.integer("amount"),
                optional_string_list(cap, "categories"))
        if out.failed:
            return
        if rule[2] < 0:
            return cap.fail("amount", "must not be negative")
        rules.append(rule)

    lines = list(source.charges)
    for rule_id, description, amount, categories in rules:
        groups = group_lines(lines, [is_priced(line) and selected(line, None, categories) for line in lines])
        net = 0
        for group in groups:
            net = i64(net + group.net)
        if net <= amount:
            continue
        reduce_groups(source, groups, net - amount, rule_id, "adjustment", description, lines)
    for line in lines:
        out.add(line)
