"""tenant billing cycles (time zone, interval, anchor); subscription seats and trials; invoice period end

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
    # An invoice's last local day: which month partition closed it (a weekly tenant has several per month).
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch.create_index("ix_invoices_period_end", ["period_end"])
    # Invoices before this revision were for UTC calendar months keyed by their first day.
    last_day = ("date(period, '+1 month', '-1 day')" if op.get_bind().dialect.name == "sqlite"
                else "CAST(period + INTERVAL '1 month' - INTERVAL '1 day' AS DATE)")
    op.execute(f"UPDATE invoices SET period_end = {last_day} WHERE period_end IS NULL")  # noqa: S608 (fixed text)


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_index("ix_invoices_period_end")
        batch.drop_column("period_end")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("trial_ends_at")
        batch.drop_column("quantity")
    with op.batch_alter_table("tenants") as batch:
        for name in ("billing_anchor_month", "billing_anchor_day", "billing_interval", "timezone"):
            batch.drop_column(name)
