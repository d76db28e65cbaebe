"""time entries (hourly billing) and manual adjustments (credits and charges) of the billing database

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import billing_dagster.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_INSTANT = billing_dagster.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "time_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("user_type", sa.String(length=64), nullable=False),
        sa.Column("started_at", _INSTANT, nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("imported_at", _INSTANT, nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "entry_id"),
    )
    op.create_index("ix_time_entries_tenant_started", "time_entries", ["tenant_id", "started_at"], unique=False)
    op.create_table(
        "adjustments",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("adjustment_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("applies_at", _INSTANT, nullable=False),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("voided_at", _INSTANT, nullable=True),
        sa.Column("void_reason", sa.String(length=300), nullable=True),
        sa.CheckConstraint("amount_minor > 0", name="ck_adjustments_amount_positive"),
        sa.CheckConstraint("kind IN ('credit', 'charge')", name="ck_adjustments_kind"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "adjustment_id"),
    )
    op.create_index("ix_adjustments_tenant_applies", "adjustments", ["tenant_id", "applies_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_adjustments_tenant_applies", table_name="adjustments")
    op.drop_table("adjustments")
    op.drop_index("ix_time_entries_tenant_started", table_name="time_entries")
    op.drop_table("time_entries")
