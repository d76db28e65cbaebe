"""Fact packs: the facts a tenant-period's program may read, built from account and usage values."""

from collections.abc import Collection, Sequence
from decimal import Decimal

from billing_dagster.domain.accounts import SubscriptionSpec, TenantAccount
from billing_dagster.domain.decimals import decimal_text
from billing_dagster.domain.period_entries import AdjustmentSpec, TimeEntrySpec
from billing_dagster.domain.periods import Period, isoformat_utc
from billing_dagster.domain.tax_facts import tax_facts

# Packs keyed by an inner name (usage by metric, time_entries by entry id, buckets by bucket id, adjustments by
# adjustment id); a manifest's fields apply one level down.
KEYED_PACKS = frozenset({"usage", "time_entries", "buckets", "adjustments"})


def build_fact_pack(account: TenantAccount, period: Period, usage: dict[str, dict], carried: dict | None = None,
                    *, time_entries: Sequence[TimeEntrySpec] = (), adjustments: Sequence[AdjustmentSpec] = (),
                    read: Collection[str] = ()) -> dict:
    """Every fact of a tenant-period; `carried` is what the previous period's program carried forward.

    `time_entries` and `adjustments` are the period's (the caller selects them); their packs are present when
    they have entries or when the program reads them (`read`: pack names), so a program that reads one sees
    `{}` for "none this period" rather than no pack at all."""
    pack = {
        "customer": {"tenant": account.tenant_id, "currency": account.currency, "name": account.name,
                     "timezone": account.cycle.timezone, "billing_interval": account.cycle.interval.value,
                     "billing_anchor_day": account.cycle.anchor_day, "net_terms_days": account.net_terms_days},
        "usage": {metric: _usage_entry(values) for metric, values in sorted(usage.items())},
        "tax": tax_facts(account.tax, period),
    }
    if account.buckets:
        pack["buckets"] = _buckets(account, (carried or {}).get("buckets", {}))
    if time_entries or "time_entries" in read:
        pack["time_entries"] = time_entries_pack(time_entries)
    if adjustments or "adjustments" in read:
        pack["adjustments"] = adjustments_pack(adjustments, account.currency)
    subscriptions = [_subscription_facts(account, period, sub) for sub in account.subscriptions]
    if subscriptions:
        pack["subscription"] = subscriptions[-1]
    if len(subscriptions) > 1:  # a plan change or an added subscription: fixed fees fan out over the list
        pack["subscriptions"] = subscriptions
    return pack


def _buckets(account: TenantAccount, carried: dict) -> dict:
    return {b.bucket_id: {"metric": b.metric, "included": decimal_text(b.included),
                          "carried_in": list(carried.get(b.bucket_id, {}).get("carried_in", []))}
            for b in sorted(account.buckets, key=lambda b: b.bucket_id)}


def time_entries_pack(entries: Sequence[TimeEntrySpec]) -> dict:
    """{entry_id: TimeEntry}; a repeated entry id is a caller bug, never silently merged."""
    pack = {e.entry_id: {"user": e.user, "user_type": e.user_type, "start": isoformat_utc(e.start),
                         "seconds": e.seconds, "billable": e.billable, "description": e.description}
            for e in entries}
    _unique(pack, entries, "time entry")
    return pack


def adjustments_pack(adjustments: Sequence[AdjustmentSpec], currency: str) -> dict:
    """{adjustment_id: Adjustment}; `category` only when the adjustment has one. Amounts are minor units of
    the invoice's currency, so an adjustment in another currency is refused, never converted or dropped."""
    pack = {}
    for a in adjustments:
        if a.currency != currency:
            raise ValueError(f"adjustment {a.adjustment_id}: currency {a.currency} is not the tenant's {currency}")
        entry = {"kind": a.kind, "amount": a.amount_minor, "description": a.description, "reason": a.reason,
                 "taxable": a.taxable}
        if a.category is not None:
            entry["category"] = a.category
        pack[a.adjustment_id] = entry
    _unique(pack, adjustments, "adjustment")
    return pack


def _unique(pack: dict, items: Sequence, what: str) -> None:
    if len(pack) != len(items):
        raise ValueError(f"{what} ids repeat: {len(items)} {what}s but {len(pack)} distinct ids")


def _usage_entry(values: dict) -> dict:
    return {"count": int(values["count"]), "sum": decimal_text(Decimal(values["sum"])),
            "min": decimal_text(Decimal(values["min"])), "max": decimal_text(Decimal(values["max"]))}


def _subscription_facts(account: TenantAccount, period: Period, sub: SubscriptionSpec) -> dict:
    """How much of the period the subscription is paid for: its overlap, less any trial. Days are the tenant's
    local days, an instant counting from the start of its local day, so two subscriptions that hand over
    mid-day add up to the period's days (20 + 11 of 31), never one more."""
    paid_from = sub.starts_at if sub.trial_ends_at is None else max(sub.starts_at, sub.trial_ends_at)
    active = period.overlap(paid_from, sub.ends_at) if sub.ends_at is None or sub.ends_at > paid_from else None
    cycle = account.cycle
    facts = {
        "plan": sub.plan_id,
        "start": isoformat_utc(sub.starts_at),
        "end": None if sub.ends_at is None else isoformat_utc(sub.ends_at),
        "active_days": 0 if active is None else cycle.local_days(period, active.start, active.end),
        "period_days": cycle.local_days(period, period.start, period.end),
        "active_seconds": 0 if active is None else active.seconds,
        "period_seconds": period.seconds,
    }
    if len(account.subscriptions) > 1 and sub.subscription_id is not None:
        facts["id"] = sub.subscription_id
    if sub.quantity != 1:
        facts["quantity"] = sub.quantity
    if sub.trial_ends_at is not None:
        facts["trial_end"] = isoformat_utc(sub.trial_ends_at)
    return facts


def visible_facts(pack: dict, reads: dict[str, list[str]]) -> dict:
    """Only the packs and fields a module declared: a module sees nothing else."""
    visible = {}
    for name, fields in sorted(reads.items()):
        if name not in pack:
            continue
        if name in KEYED_PACKS:
            visible[name] = {key: _pick(entry, fields) for key, entry in pack[name].items()}
        else:
            visible[name] = _pick(pack[name], fields)
    return visible


def _pick(entry: dict, fields: list[str]) -> dict:
    return {field: entry[field] for field in fields if field in entry}
