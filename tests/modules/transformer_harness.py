"""Transformer calls for table-style tests: see module_harness for how a module is called and checked."""

from module_harness import assert_traps, document, run_checked


def line(rule_id: str, kind: str, amount: int, taxable: bool = True, category: str | None = None,
         description: str | None = None, metric: str | None = None, quantity: str = "1",
         unit_price: str | None = None, exponent: int = 2) -> dict:
    """A Charge IR line as a producer would have written it (unit price: the amount in major units)."""
    if unit_price is None:
        digits = str(abs(amount)).rjust(exponent + 1, "0")
        whole = digits if exponent == 0 else f"{digits[:-exponent]}.{digits[-exponent:]}"
        unit_price = ("-" if amount < 0 else "") + whole
    return {"amount": amount, "category": category, "description": description or rule_id, "kind": kind,
            "metric": metric, "quantity": quantity, "rule_id": rule_id, "taxable": taxable, "unit_price": unit_price}


def run(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> dict:
    """The module's output document; the reference must give the same bytes."""
    return run_checked(module_id, document(module_id, config, facts or {}, charges, **context))


def added(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> list:
    """(rule_id, kind, amount) of the lines after the input lines, which must pass through unchanged first."""
    output = run(module_id, config, facts, charges, **context)
    assert "error" not in output, output
    assert output["charges"][:len(charges)] == list(charges)
    return [(c["rule_id"], c["kind"], c["amount"]) for c in output["charges"][len(charges):]]


def error(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> str:
    output = run(module_id, config, facts, charges, **context)
    assert list(output) == ["error"], output
    return output["error"]


def traps(module_id: str, config: dict, facts: dict | None = None, charges: list[dict] = (), **context) -> None:
    """The module traps and the reference raises Trap."""
    assert_traps(module_id, document(module_id, config, facts or {}, charges, **context))
