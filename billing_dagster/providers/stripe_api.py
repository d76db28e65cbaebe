"""The Stripe calls the invoice sync needs, over the official SDK (StripeClient), with one error family.

Every write carries the caller's deterministic idempotency key; reads carry none. Writes are counted so a caller
can prove that an up-to-date re-run wrote nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import stripe

T = TypeVar("T")
HOW_TO_CONFIGURE = (
    "Stripe is not configured: set STRIPE_API_KEY to a secret key (sk_test_... for test mode) in the environment "
    "of the Dagster code location, or give the `stripe` resource an api_key (e.g. dg.EnvVar(\"STRIPE_API_KEY\")). "
    "STRIPE_API_BASE optionally points the client at another API host. See docs/stripe.md.")


class StripeSyncError(RuntimeError):
    """Base of every failure of the Stripe mirror; the message says what happened and what to do."""


class StripeNotConfigured(StripeSyncError):
    """No Stripe API key is configured (STRIPE_API_KEY)."""


class StripeRequestFailed(StripeSyncError):
    """Stripe refused a request or could not be reached."""


class StripeInvoiceLocked(StripeSyncError):
    """Our invoice changed, but its Stripe mirror is no longer a draft and so can no longer be edited."""


class StripeReconciliationError(StripeSyncError):
    """Stripe's invoice total differs from ours after the sync."""


@dataclass(frozen=True, slots=True)
class RemoteInvoice:
    id: str
    status: str
    currency: str
    total: int
    days_until_due: int | None
    metadata: dict


@dataclass(frozen=True, slots=True)
class RemoteItem:
    id: str
    amount: int
    metadata: dict


def connect(api_key: str, api_base: str | None = None, max_network_retries: int = 2,
            timeout_seconds: float = 30.0) -> "StripeApi":
    client = stripe.StripeClient(
        api_key, base_addresses={"api": api_base} if api_base else None, max_network_retries=max_network_retries,
        http_client=stripe.new_default_http_client(timeout=timeout_seconds))
    return StripeApi(client, api_base or stripe.DEFAULT_API_BASE)


class StripeApi:
    def __init__(self, client: stripe.StripeClient, api_base: str):
        self._v1 = client.v1
        self.api_base = api_base
        self.writes = 0

    def create_customer(self, params: dict, key: str) -> str:
        return self._write("create customer", key, lambda o: self._v1.customers.create(params, o)).id

    def create_invoice(self, params: dict, key: str) -> RemoteInvoice:
        return _invoice(self._write("create invoice", key, lambda o: self._v1.invoices.create(params, o)))

    def update_invoice(self, invoice_id: str, params: dict, key: str) -> RemoteInvoice:
        return _invoice(self._write(f"update invoice {invoice_id}", key,
                                    lambda o: self._v1.invoices.update(invoice_id, params, o)))

    def invoice(self, invoice_id: str) -> RemoteInvoice:
        return _invoice(self._call(f"retrieve invoice {invoice_id}", lambda: self._v1.invoices.retrieve(invoice_id)))

    def draft_invoices(self, customer_id: str) -> list[RemoteInvoice]:
        page = self._call(f"list draft invoices of {customer_id}", lambda: self._v1.invoices.list(
            {"customer": customer_id, "status": "draft", "limit": 100}))
        return self._call("list draft invoices", lambda: [_invoice(i) for i in page.auto_paging_iter()])

    def create_invoice_item(self, params: dict, key: str) -> str:
        return self._write("create invoice item", key, lambda o: self._v1.invoice_items.create(params, o)).id

    def invoice_items(self, invoice_id: str) -> list[RemoteItem]:
        page = self._call(f"list items of invoice {invoice_id}", lambda: self._v1.invoice_items.list(
            {"invoice": invoice_id, "limit": 100}))
        return self._call("list invoice items", lambda: [
            RemoteItem(i.id, i.amount, _metadata(i)) for i in page.auto_paging_iter()])

    def delete_invoice_item(self, item_id: str) -> bool:
        """Delete an item; False when Stripe no longer has it (a retry after a crash), which is success too."""
        self.writes += 1
        try:
            self._call(f"delete invoice item {item_id}", lambda: self._v1.invoice_items.delete(item_id))
        except StripeRequestFailed as error:
            if isinstance(error.__cause__, stripe.InvalidRequestError) and error.__cause__.code == "resource_missing":
                return False
            raise
        return True

    def _write(self, operation: str, key: str, call: Callable[[dict], T]) -> T:
        self.writes += 1
        return self._call(operation, lambda: call({"idempotency_key": key}), key)

    def _call(self, operation: str, call: Callable[[], T], key: str | None = None) -> T:
        try:
            return call()
        except stripe.IdempotencyError as error:
            raise StripeRequestFailed(
                f"{operation}: Stripe refused idempotency key {key!r} because it was first used with different "
                f"parameters: our data changed between a failed attempt and this retry. Find what changed; the "
                f"key frees itself after 24 hours. ({error.user_message})") from error
        except stripe.AuthenticationError as error:
            raise StripeRequestFailed(f"{operation}: Stripe rejected the API key (HTTP 401); check STRIPE_API_KEY. "
                                      f"({error.user_message})") from error
        except stripe.APIConnectionError as error:
            raise StripeRequestFailed(f"{operation}: could not reach Stripe at {self.api_base}; re-running is safe, "
                                      f"the idempotency keys create nothing twice. ({error.user_message})") from error
        except stripe.StripeError as error:
            code = f" {error.code}" if error.code else ""
            request = f", request {error.request_id}" if error.request_id else ""
            raise StripeRequestFailed(f"{operation}: Stripe answered HTTP {error.http_status}{code}: "
                                      f"{error.user_message}{request}") from error


def _metadata(obj) -> dict:
    return obj.to_dict().get("metadata") or {}


def _invoice(obj) -> RemoteInvoice:
    data = obj.to_dict()
    return RemoteInvoice(id=data["id"], status=data["status"], currency=data["currency"], total=data["total"],
                         days_until_due=data.get("days_until_due"), metadata=data.get("metadata") or {})
