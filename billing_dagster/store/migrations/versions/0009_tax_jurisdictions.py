"""tax regions' components (jurisdictions, compound, effective windows), tenant exempt categories and
per-category tax regions

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import billing_dagster.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tax_components",
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("jurisdiction", sa.String(length=64), nullable=False),
        sa.Column("rate", billing_dagster.store.types.ExactDecimal(length=48), nullable=False),
        sa.Column("compound", sa.Boolean(), nullable=False),
        sa.Column("effective_from", billing_dagster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("effective_to", billing_dagster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["region_code"], ["tax_regions.code"]),
        sa.PrimaryKeyConstraint("region_code", "position"),
    )
    op.create_table(
        "tenant_tax_exemptions",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id", "category"),
    )
    op.create_table(
        "tenant_tax_line_regions",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["region_code"], ["tax_regions.code"]),
        sa.PrimaryKeyConstraint("tenant_id", "category"),
    )


def downgrade() -> None:
    op.drop_table("tenant_tax_line_regions")
    op.drop_table("tenant_tax_exemptions")
    op.drop_table("tax_components")
