"""plan allowance buckets, and the state a program carries into the next period

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import billing_dagster.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_buckets",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("bucket_id", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("included", billing_dagster.store.types.ExactDecimal(length=48), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
        sa.PrimaryKeyConstraint("plan_id", "bucket_id"),
    )
    with op.batch_alter_table("charge_documents") as batch_op:
        batch_op.add_column(sa.Column("carry", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("charge_documents") as batch_op:
        batch_op.drop_column("carry")
    op.drop_table("plan_buckets")
