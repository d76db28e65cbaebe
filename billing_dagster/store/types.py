"""Column types that keep the domain's invariants in every database."""

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out, also on SQLite (which stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused by the billing database; pass timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class ExactDecimal(TypeDecorator):
    """An exact decimal kept as its text, so no database turns it into a float."""

    impl = String(48)
    cache_ok = True

    def process_bind_param(self, value: Decimal | str | None, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float refused for an exact decimal column")
        return str(Decimal(value))

    def process_result_value(self, value: str | None, dialect):
        return None if value is None else Decimal(value)
