"""Producer calls for table-style tests: see module_harness for how a module is called and checked."""

from module_harness import CATALOG, FEB, HOST, assert_traps, document, run_checked

__all__ = ["CATALOG", "FEB", "HOST", "lines", "run", "traps"]


def run(module_id: str, config: dict, facts: dict | None = None, **context) -> dict:
    """The module's output document; the reference must give the same bytes."""
    return run_checked(module_id, document(module_id, config, facts or {}, **context))


def traps(module_id: str, config: dict, facts: dict | None = None, **context) -> None:
    """The module traps and the reference raises Trap."""
    assert_traps(module_id, document(module_id, config, facts or {}, **context))


def lines(output: dict) -> list[tuple]:
    """(rule_id, kind, description, quantity, unit_price, amount) of each line, for table-style expectations."""
    assert "error" not in output, output
    return [(c["rule_id"], c["kind"], c["description"], c["quantity"], c["unit_price"], c["amount"])
            for c in output["charges"]]
