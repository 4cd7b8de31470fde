"""billing reports for KPIs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa



revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.create_index('ix_work_items_kind_created', ['kind', 'created_at'], unique=False)

    op.create_table('aging_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('open_claims', sa.Integer(), nullable=False),
    sa.Column('gross_ar', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('net_ar', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('as_of')
    )
    op.create_table('claim_outcomes',
    sa.Column('claim_number', sa.String(length=64), nullable=False),
    sa.Column('account_number', sa.String(length=64), nullable=False),
    sa.Column('payer', sa.String(length=120), nullable=False),
    sa.Column('payer_type', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('billed', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=False),
    sa.Column('paid', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('denied_lines', sa.Integer(), nullable=False),
    sa.Column('denial', sa.String(length=40), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('claim_number')
    )
    with op.batch_alter_table('claim_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_claim_outcomes_outcome_on', ['outcome_on', 'category'], unique=False)

    op.create_table('revenue_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('claims', sa.Integer(), nullable=False),
    sa.Column('gross_charges', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('contractual_allowance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('net_revenue', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('aging_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('claim_number', sa.String(length=64), nullable=False),
    sa.Column('account_number', sa.String(length=64), nullable=False),
    sa.Column('payer', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('age_days', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('billed', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('net_balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['aging_snapshots.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aging_lines', schema=None) as batch_op:
        batch_op.create_index('ix_aging_lines_snapshot_bucket', ['snapshot_id', 'bucket', 'net_balance'], unique=False)

    op.create_table('aging_totals',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('claims', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('net_balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['aging_snapshots.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'bucket')
    )


def downgrade() -> None:
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_index('ix_work_items_kind_created')
    op.drop_table('aging_totals')
    with op.batch_alter_table('aging_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_aging_lines_snapshot_bucket')

    op.drop_table('aging_lines')
    op.drop_table('revenue_days')
    with op.batch_alter_table('claim_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_outcomes_outcome_on')

    op.drop_table('claim_outcomes')
    op.drop_table('aging_snapshots')
