"""Set-based insert-or-update for the two dialects the billing database runs on (SQLite and PostgreSQL).

A batch is written in one statement, rows in key order so that concurrent batches touching the same rows take
their row locks in the same order (PostgreSQL) and never deadlock; SQLite serializes writers on its file lock.
"""

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(session: Session, table: Table, rows: Sequence[dict], keys: Sequence[str], where=None,
           returning: Sequence = ()) -> list:
    """INSERT ... ON CONFLICT (keys) DO UPDATE every other column, for all rows at once (SQLAlchemy pages
    them into multi-row statements); `where` limits which existing rows may be updated. Returns the
    `returning` columns of the rows written (in no particular order)."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"the billing database supports SQLite and PostgreSQL, not {dialect}")
    ordered = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    statement = insert(table)
    updates = {column: statement.excluded[column] for column in ordered[0] if column not in keys}
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=updates, where=where)
    if returning:
        return list(session.execute(statement.returning(*returning), ordered))
    session.execute(statement, ordered)
    return []
