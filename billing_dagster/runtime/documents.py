"""Module input documents for one tenant-period, built from fragments shared across its modules.

A program runs several modules on the same context and, often, the same visible facts (four
usage-tiers producers all read `usage.sum`). Serializing those once per tenant-period instead of once
per call gives the same bytes as `canonical_json(document)`: the top-level keys are written in sorted
order and every fragment is itself canonical JSON. Nothing here is shared between tenant-periods.
"""

from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.facts import visible_facts

ABI_VERSION = 1


class TenantPeriodDocuments:
    """Input documents for the modules of one tenant-period (one context, one fact pack)."""

    def __init__(self, context: dict, fact_pack: dict):
        self._fact_pack = fact_pack
        self._context = canonical_json(context)
        self._visible: dict[str, dict] = {}
        self._facts: dict[str, str] = {}

    def visible(self, reads: dict[str, list[str]]) -> dict:
        """The facts a module with these `reads` may see (computed once per distinct `reads`)."""
        key = canonical_json(reads)
        if key not in self._visible:
            self._visible[key] = visible_facts(self._fact_pack, reads)
        return self._visible[key]

    def encode(self, reads: dict[str, list[str]], config: dict, charges: list[dict]) -> bytes:
        """canonical_json({"abi", "charges", "config", "context", "facts"}) as UTF-8 bytes."""
        key = canonical_json(reads)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._facts[key] = canonical_json(self.visible(reads))
        return (f'{{"abi":{ABI_VERSION},"charges":{canonical_json(charges)},"config":{canonical_json(config)},'
                f'"context":{self._context},"facts":{facts}}}').encode()
