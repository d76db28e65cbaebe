"""`db`: the billing database. Migrated to head when a run starts using it."""

from functools import cached_property

import dagster as dg
from pydantic import PrivateAttr

from billing_dagster.settings import billing_db_url
from billing_dagster.store.database import make_engine, migrate
from billing_dagster.store.repository import BillingRepository


class BillingDatabase(dg.ConfigurableResource):
    url: str | None = None
    """SQLAlchemy URL; empty means BILLING_DB_URL, else SQLite under BILLING_HOME."""

    _repository: BillingRepository | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        engine = make_engine(self.url or billing_db_url())
        migrate(engine)
        self._repository = BillingRepository(engine)

    @property
    def repo(self) -> BillingRepository:
        if self._repository is None:
            self.setup_for_execution(None)
        return self._repository

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._repository is not None:
            self._repository.engine.dispose()
