"""The billing database (BILLING_DB_URL) for a subcommand: one engine, disposed after, and a clear exit 1
when the database cannot be used."""

import sys
from collections.abc import Callable


def run_with_engine(command: str, action: Callable) -> int:
    """Run `action(engine)`, turning a database that cannot be used into exit 1 with its reason."""
    from sqlalchemy.exc import SQLAlchemyError

    from billing_dagster.commands import exits
    from billing_dagster.settings import billing_db_url
    from billing_dagster.store.database import make_engine

    engine = make_engine(billing_db_url())
    try:
        return action(engine)
    except SQLAlchemyError as error:
        print(f"{command}: the billing database could not be used ({type(error).__name__}: "
              f"{str(error).splitlines()[0]}); is it migrated? run billing-dagster migrate", file=sys.stderr)
        return exits.FAILED
    finally:
        engine.dispose()
