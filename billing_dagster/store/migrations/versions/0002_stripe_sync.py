"""stripe sync: customers, invoices and invoice items mirrored to Stripe

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import billing_dagster.store.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stripe_customers',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('stripe_customer_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', billing_dagster.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id'),
    sa.UniqueConstraint('stripe_customer_id')
    )
    op.create_table('stripe_invoices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('charges_sha256', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('stripe_invoice_id', sa.String(length=255), nullable=True),
    sa.Column('stripe_status', sa.String(length=16), nullable=True),
    sa.Column('synced_at', billing_dagster.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', billing_dagster.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stripe_invoice_id'),
    sa.UniqueConstraint('tenant_id', 'period', 'kind', 'revision')
    )
    op.create_table('stripe_invoice_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sync_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stripe_invoice_item_id', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', billing_dagster.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sync_id'], ['stripe_invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stripe_invoice_item_id'),
    sa.UniqueConstraint('sync_id', 'generation', 'position')
    )


def downgrade() -> None:
    op.drop_table('stripe_invoice_items')
    op.drop_table('stripe_invoices')
    op.drop_table('stripe_customers')
