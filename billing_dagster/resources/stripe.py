"""`stripe`: the Stripe account invoices are mirrored to. The key is read when a run first uses it."""

import os

import dagster as dg
from pydantic import PrivateAttr

from billing_dagster.providers.stripe_api import HOW_TO_CONFIGURE, StripeApi, StripeNotConfigured, connect
from billing_dagster.providers.stripe_params import InvoiceToSync
from billing_dagster.providers.stripe_sync import SyncOutcome, ensure_customer, sync_invoice
from billing_dagster.store.payments_repository import PaymentsRepository


class StripeResource(dg.ConfigurableResource):
    api_key: str | None = None
    """Secret key; empty means the STRIPE_API_KEY environment variable."""
    api_base: str | None = None
    """API host; empty means STRIPE_API_BASE, else https://api.stripe.com. Tests point it at a local fake."""
    key_prefix: str = "billing-dagster"
    """Namespace of our idempotency keys and metadata; one per billing database sharing a Stripe account."""
    max_network_retries: int = 2
    timeout_seconds: float = 30.0

    _api: StripeApi | None = PrivateAttr(default=None)

    def api(self) -> StripeApi:
        """The connected client; StripeNotConfigured (saying how to configure it) when there is no key."""
        if self._api is None:
            key = self.api_key or os.environ.get("STRIPE_API_KEY", "").strip()
            if not key:
                raise StripeNotConfigured(HOW_TO_CONFIGURE)
            base = self.api_base or os.environ.get("STRIPE_API_BASE", "").strip() or None
            self._api = connect(key, base, self.max_network_retries, self.timeout_seconds)
        return self._api

    @property
    def test_mode(self) -> bool:
        return (self.api_key or os.environ.get("STRIPE_API_KEY", "")).strip().startswith(("sk_test_", "rk_test_"))

    def ensure_customer(self, store: PaymentsRepository, tenant_id: str, name: str) -> str:
        return ensure_customer(self.api(), store, tenant_id, name, self.key_prefix)

    def push_invoice(self, store: PaymentsRepository, invoice: InvoiceToSync) -> SyncOutcome:
        return sync_invoice(self.api(), store, invoice, self.key_prefix)

    def dashboard_url(self, invoice_id: str) -> str | None:
        """Where a person sees the invoice; None when the client talks to another host than Stripe's."""
        if self.api().api_base != "https://api.stripe.com":
            return None
        return f"https://dashboard.stripe.com/{'test/' if self.test_mode else ''}invoices/{invoice_id}"
