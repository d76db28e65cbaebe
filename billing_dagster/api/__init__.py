"""The HTTP ingestion service (FastAPI): POST /v1/events into the inbox, GET /healthz, /openapi.json."""

from billing_dagster.api.app import create_app

__all__ = ["create_app"]
