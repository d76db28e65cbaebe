"""`billing-dagster serve`: the HTTP ingestion API (uvicorn) on the billing database of BILLING_DB_URL."""

import argparse
import sys


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve", help="run the HTTP ingestion API (POST /v1/events) on the billing database",
        description="Migrates the billing database (BILLING_DB_URL, else SQLite under BILLING_HOME), then serves "
                    "the ingestion API until stopped. Exit 0 when stopped, 1 when the database cannot be "
                    "migrated, 3 when the address cannot be listened on.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from billing_dagster.commands import exits
    from billing_dagster.settings import billing_db_url
    from billing_dagster.store.database import make_engine, migrate

    engine = make_engine(billing_db_url())
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        print(f"serve: the billing database could not be migrated ({type(error).__name__}: "
              f"{str(error).splitlines()[0]})", file=sys.stderr)
        return exits.FAILED
    finally:
        engine.dispose()
    uvicorn.run("billing_dagster.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level)
    return 0
