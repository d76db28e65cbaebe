"""The AssemblyScript SDK (wasm/sdk) in plain Python: same reads, same messages, same arithmetic.

Exact integers throughout; wherever the SDK traps (i64 overflow, an input integer of 2^53 or more,
malformed input), this raises Trap. numbers.py holds the arithmetic, fields.py the typed reads.
"""

import json
from dataclasses import dataclass

from billing_dagster.domain.reference.fields import Failure, Fields
from billing_dagster.domain.reference.numbers import Decimal, Trap, i64, round_div, to_minor_units

__all__ = ["ChargeLine", "Decimal", "Failure", "Fields", "Input", "Output", "Trap", "dump_output", "i64",
           "parse_input", "run_pricing"]

ABI_VERSION = 1
EXACT_LIMIT = 2**53  # json_reader.ts: integers at or above it trap
ROUNDING_NAMES = ("half_even", "half_up", "up", "down")
CHARGE_KINDS = ("fee", "usage", "tax", "discount", "adjustment")


@dataclass(slots=True)
class ChargeLine:
    rule_id: str
    kind: str
    description: str
    metric: str | None
    quantity: str
    unit_price: str
    amount: int
    taxable: bool
    category: str | None = None

    @staticmethod
    def read(line: Fields) -> "ChargeLine":
        read = ChargeLine(line.string("rule_id"), line.choice("kind", CHARGE_KINDS), line.string("description"),
                          line.string_or_null("metric"), line.decimal_text("quantity"),
                          line.decimal_text("unit_price"), line.integer("amount"), line.boolean("taxable"))
        if line.has("category"):
            read.category = line.string_or_null("category")
        return read

    def to_json(self) -> dict:
        return {"amount": self.amount, "category": self.category, "description": self.description,
                "kind": self.kind, "metric": self.metric,
                "quantity": self.quantity, "rule_id": self.rule_id, "taxable": self.taxable,
                "unit_price": self.unit_price}


class Output:
    __slots__ = ("charges", "warnings", "failure", "carry")

    def __init__(self):
        self.charges: list[ChargeLine] = []
        self.warnings: list[str] = []
        self.failure = Failure()
        self.carry: dict | None = None  # p_carry.ts: state for the next period (runPricingWithCarry modules)

    def add(self, line: ChargeLine) -> None:
        self.charges.append(line)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def fail(self, message: str) -> None:
        self.failure.set(message)

    @property
    def failed(self) -> bool:
        return self.failure.failed

    def to_json(self) -> dict:
        if self.failure.message is not None:
            return {"error": self.failure.message}
        document = {"charges": [line.to_json() for line in self.charges], "warnings": list(self.warnings)}
        if self.carry is not None:
            document["carry"] = self.carry
        return document


@dataclass(slots=True)
class Input:
    """input.ts: the document's context, config, charges (transformers) and facts."""

    exponent: int
    rounding: str
    config: Fields
    charges: list[ChargeLine]
    facts: Fields
    period_start: str = ""  # context.period as written (Context.periodStart / periodEnd)
    period_end: str = ""
    context: Fields | None = None  # the context object itself (t_policy.ts reads the whole rounding policy)

    @staticmethod
    def read(root: dict, out: Output) -> "Input":
        doc = Fields(root, "", out.failure)
        abi = doc.integer("abi")
        if not out.failed and abi != ABI_VERSION:
            doc.fail("abi", f"unsupported version {abi}")
        context = doc.object("context")
        exponent, rounding, period_start, period_end = _read_context(context)
        charges = []
        if doc.has("charges"):
            charges = [ChargeLine.read(line) for line in doc.objects("charges")]
        return Input(exponent, rounding, doc.object("config"), charges, doc.optional_object("facts"),
                     period_start, period_end, context)

    def fact(self, name: str) -> Fields:
        return self.facts.optional_object(name)

    def usage_sum(self, metric: str) -> Decimal:
        stats = self.fact("usage").optional_object(metric)
        return stats.decimal("sum") if stats.present else Decimal(0)

    def to_minor(self, value: Decimal) -> int:
        return to_minor_units(value, self.exponent, self.rounding)

    def round_div(self, numerator: int, denominator: int) -> int:
        return round_div(numerator, denominator, self.rounding)

    def major(self, amount: int) -> Decimal:
        return Decimal(amount, self.exponent)


def _read_context(context: Fields) -> tuple[int, str, str, str]:
    currency = context.object("currency")
    period = context.object("period")
    policy = context.object("policy")
    context.string("tenant")
    currency.string("code")
    exponent = currency.integer("exponent")
    if exponent < 0 or exponent > 18:
        currency.fail("exponent", "must be between 0 and 18")
    start = period.string("start")
    end = period.string("end")
    rounding = policy.string("rounding")
    if rounding not in ROUNDING_NAMES:
        policy.fail("rounding", "must be one of " + ", ".join(ROUNDING_NAMES))
        rounding = ROUNDING_NAMES[0]
    return min(max(exponent, 0), 18), rounding, start, end


def run_pricing(document: dict | list | None, price) -> dict:
    """abi.ts runPricing: read the input, call the pricing function, answer the output document."""
    out = Output()
    if not isinstance(document, dict):
        out.fail("input: must be one JSON object")
    else:
        source = Input.read(document, out)
        if not out.failed:
            price(source, out)
    return out.to_json()


def parse_input(data: bytes) -> object:
    """The input bytes as json_reader.ts reads them: integers of 2^53 or more trap, bad JSON traps."""
    try:
        return json.loads(data, parse_int=_exact_int)
    except (UnicodeDecodeError, ValueError) as error:
        raise Trap(f"malformed input JSON: {error}") from None


def _exact_int(text: str) -> int:
    value = int(text)
    if not -EXACT_LIMIT < value < EXACT_LIMIT:
        raise Trap("JSON integer too large to read exactly (limit 2^53)")
    return value


def dump_output(document: dict) -> bytes:
    """json_writer.ts output: compact, sorted keys, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
