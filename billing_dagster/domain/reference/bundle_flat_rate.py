"""bundle-flat-rate (wasm/modules/bundle-flat-rate/index.ts): each bundle's flat amount replaces the prices of its
member fee and usage lines, which stay at zero, labelled with the bundle; the bundle line goes before them."""

from dataclasses import dataclass

from billing_dagster.domain.reference.sdk import ChargeLine, Fields, Input, Output
from billing_dagster.domain.reference.t_sdk import clip_label, optional_string_list, selected


@dataclass(frozen=True, slots=True)
class Bundle:
    rule_id: str
    description: str
    amount: int
    rule_ids: list[str] | None
    categories: list[str] | None
    category: str | None
    taxable: int  # -1: from the members


def read_bundle(item: Fields) -> Bundle | None:
    rule_id = item.string("rule_id")
    description = item.string("description")
    amount = item.integer("amount")
    rule_ids = optional_string_list(item, "rule_ids")
    categories = optional_string_list(item, "categories")
    category = item.string("category") if item.has("category") else None
    taxable = (1 if item.boolean("taxable") else 0) if item.has("taxable") else -1
    if item.failure.failed:
        return None
    if amount < 0:
        item.fail("amount", "must not be negative")
        return None
    if rule_ids is None and categories is None:
        item.failure.set(f"{item.path}: needs rule_ids or categories")
        return None
    if category is not None and len(category) == 0:
        item.fail("category", "must not be empty")
        return None
    return Bundle(rule_id, description, amount, rule_ids, categories, category, taxable)


def price(source: Input, out: Output) -> None:
    items = source.config.objects("bundles")
    if out.failed:
        return
    if not items:
        return source.config.fail("bundles", "must not be empty")
    bundles = []
    for item in items:
        bundle = read_bundle(item)
        if bundle is None:
            return
        bundles.append(bundle)

    lines = source.charges
    owner = [-1] * len(lines)
    first = [-1] * len(bundles)
    taxable = [False] * len(bundles)
    for b, bundle in enumerate(bundles):
        for i, line in enumerate(lines):
            if owner[i] >= 0 or line.kind not in ("fee", "usage"):
                continue
            if not selected(line, bundle.rule_ids, bundle.categories):
                continue
            owner[i] = b
            if first[b] < 0:
                first[b] = i
            if line.taxable:
                taxable[b] = True
        if first[b] < 0:
            out.warn(f"bundle {bundle.rule_id}: no member lines on this invoice; not charged")

    for i, line in enumerate(lines):
        b = owner[i]
        if b < 0:
            out.add(line)
            continue
        bundle = bundles[b]
        if first[b] == i:
            is_taxable = taxable[b] if bundle.taxable < 0 else bundle.taxable == 1
            out.add(ChargeLine(bundle.rule_id, "fee", clip_label(bundle.description), None, "1",
                               str(source.major(bundle.amount)), bundle.amount, is_taxable, bundle.category))
        label = clip_label(f"{line.description} (in {bundle.description})")
        out.add(ChargeLine(line.rule_id, line.kind, label, line.metric, line.quantity, "0", 0, line.taxable,
                           line.category))
