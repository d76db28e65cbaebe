"""tenant billing cycles (time zone, interval, anchor); subscription seats and trials

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import billing_dagster.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False))
        batch.add_column(sa.Column("billing_interval", sa.String(length=8), server_default="month", nullable=False))
        batch.add_column(sa.Column("billing_anchor_day", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("billing_anchor_month", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("quantity", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("trial_ends_at", billing_dagster.store.types.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("trial_ends_at")
        batch.drop_column("quantity")
    with op.batch_alter_table("tenants") as batch:
        for name in ("billing_anchor_month", "billing_anchor_day", "billing_interval", "timezone"):
            batch.drop_column(name)
