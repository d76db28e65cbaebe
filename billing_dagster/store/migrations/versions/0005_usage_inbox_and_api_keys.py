"""the ingestion API's inbox of acknowledged events, and the tenants' API keys

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import billing_dagster.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("received_at", billing_dagster.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("drained_at", billing_dagster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "event_id"),
    )
    op.create_index("ix_usage_inbox_undrained", "usage_inbox", ["day", "id"], unique=False,
                    postgresql_where=sa.text("drained_at IS NULL"), sqlite_where=sa.text("drained_at IS NULL"))
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", billing_dagster.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", billing_dagster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_api_keys_tenant_id"), "api_keys", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_api_keys_tenant_id"), table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_index("ix_usage_inbox_undrained", table_name="usage_inbox")
    op.drop_table("usage_inbox")
