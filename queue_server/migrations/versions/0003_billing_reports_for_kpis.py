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


# What counts as a person working (and touching) an item; as queue_server.models.items at this revision.
WORK = "('noted', 'snoozed', 'resolved', 'escalated')"
TOUCH = "('noted', 'snoozed', 'resolved', 'escalated', 'claimed')"


def upgrade() -> None:
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_worked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_worker_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_touched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_toucher_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_work_items_first_worker_id_users', 'users', ['first_worker_id'], ['id'])
        batch_op.create_foreign_key('fk_work_items_last_toucher_id_users', 'users', ['last_toucher_id'], ['id'])
        batch_op.create_index('ix_work_items_kind_created', ['kind', 'created_at'], unique=False)
    # Items worked before this revision get their marks from their events.
    for column, kinds, order in (("first_worked_at", WORK, "e.at, e.id"), ("first_worker_id", WORK, "e.at, e.id"),
                                 ("last_touched_at", TOUCH, "e.at DESC, e.id DESC"),
                                 ("last_toucher_id", TOUCH, "e.at DESC, e.id DESC")):
        value = "e.at" if column.endswith("_at") else "e.actor_id"
        op.execute(f"""UPDATE work_items SET {column} = (
            SELECT {value} FROM item_events e WHERE e.item_id = work_items.id AND e.type IN {kinds}
            AND e.actor_id IS NOT NULL ORDER BY {order} LIMIT 1)""")

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
        batch_op.drop_constraint('fk_work_items_last_toucher_id_users', type_='foreignkey')
        batch_op.drop_constraint('fk_work_items_first_worker_id_users', type_='foreignkey')
        batch_op.drop_column('last_toucher_id')
        batch_op.drop_column('last_touched_at')
        batch_op.drop_column('first_worker_id')
        batch_op.drop_column('first_worked_at')
    op.drop_table('aging_totals')
    with op.batch_alter_table('aging_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_aging_lines_snapshot_bucket')

    op.drop_table('aging_lines')
    op.drop_table('revenue_days')
    with op.batch_alter_table('claim_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_outcomes_outcome_on')

    op.drop_table('claim_outcomes')
    op.drop_table('aging_snapshots')
