"""The ingestion API application: create_app() for a billing database, app_from_env() for `serve`."""

from functools import partial
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from sqlalchemy import Engine

from billing_dagster.api import events, health, openapi
from billing_dagster.store.database import make_engine

DESCRIPTION = ("Usage events in, durable before the answer. Authenticate with a tenant API key "
               "(`Authorization: Bearer ...`); every event is written for that key's tenant only.")


def create_app(engine_or_url: Engine | str) -> FastAPI:
    """The API on the billing database given (an Engine, or a URL for make_engine). Nothing connects until the
    first request; the schema must already be migrated (`billing-dagster serve` migrates at start)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    app = FastAPI(title="billing-dagster ingestion API", version=_version(), description=DESCRIPTION)
    app.state.engine = engine
    app.include_router(health.router)
    app.include_router(events.router)
    app.openapi = partial(openapi.document, app)
    return app


def app_from_env() -> FastAPI:
    """The API on BILLING_DB_URL (or the embedded SQLite): uvicorn's factory, one per worker process."""
    from billing_dagster.settings import billing_db_url

    return create_app(billing_db_url())


def _version() -> str:
    try:
        return version("billing-dagster")
    except PackageNotFoundError:
        return "0.0.0"
