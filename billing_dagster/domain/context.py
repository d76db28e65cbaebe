"""The `context` every module call receives: who, which period, which currency, which rounding policy."""

from billing_dagster.domain.currency import currency
from billing_dagster.domain.periods import Period, isoformat_utc
from billing_dagster.domain.rounding import DEFAULT_POLICY, RoundingPolicy


def module_context(tenant: str, code: str, period: Period, policy: RoundingPolicy = DEFAULT_POLICY) -> dict:
    cur = currency(code)
    rules = policy.to_dict()
    return {"tenant": tenant, "currency": {"code": cur.code, "exponent": cur.exponent},
            "period": {"start": isoformat_utc(period.start), "end": isoformat_utc(period.end)},
            "policy": {"rounding": rules.pop("mode"), **rules}}
