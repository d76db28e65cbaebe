"""Adapters to outside systems. Stripe: invoices mirrored once per tenant-month (see docs/stripe.md)."""

from billing_dagster.providers.stripe_api import (
    StripeApi, StripeInvoiceLocked, StripeNotConfigured, StripeReconciliationError, StripeRequestFailed,
    StripeSyncError, connect,
)
from billing_dagster.providers.stripe_params import InvoiceToSync, invoice_to_sync
from billing_dagster.providers.stripe_sync import SyncOutcome, ensure_customer, sync_invoice

__all__ = [
    "InvoiceToSync", "StripeApi", "StripeInvoiceLocked", "StripeNotConfigured", "StripeReconciliationError",
    "StripeRequestFailed", "StripeSyncError", "SyncOutcome", "connect", "ensure_customer", "invoice_to_sync",
    "sync_invoice",
]
