"""a metric's own maximum quantity per event

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import billing_dagster.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        batch.add_column(sa.Column("max_event_quantity", billing_dagster.store.types.ExactDecimal(length=48),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        batch.drop_column("max_event_quantity")
