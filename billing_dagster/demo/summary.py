"""The month-close summary a person reads at the end of `make demo`."""

from collections import Counter, defaultdict

from billing_dagster.domain.money import Money


def close_summary(invoices, ingest: dict[str, int]) -> str:
    per_plan = Counter(invoice.plan_id or "none" for invoice in invoices)
    totals: dict[str, int] = defaultdict(int)
    taxes: dict[str, int] = defaultdict(int)
    for invoice in invoices:
        totals[invoice.currency] += invoice.total
        taxes[invoice.currency] += invoice.tax
    balanced = ingest["events_in"] == ingest["accepted"] + ingest["duplicate"] + ingest["quarantined"]
    lines = [
        f"Usage events ({ingest['days']} days): {ingest['events_in']:,} in = {ingest['accepted']:,} accepted"
        f" + {ingest['duplicate']:,} duplicate + {ingest['quarantined']:,} quarantined"
        f" [{'balanced' if balanced else 'UNBALANCED'}]",
        f"Invoices: {len(invoices)}",
    ]
    lines += [f"  {plan:<11} {count:>4}" for plan, count in sorted(per_plan.items())]
    lines.append("Totals per currency (tax included):")
    lines += [f"  {str(Money.of(totals[code], code)):>18}   of which tax {Money.of(taxes[code], code)}"
              for code in sorted(totals)]
    return "\n".join(lines)
