"""the pool's priority order as an index: "Next item" reads a few rows, not the whole queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_WORKABLE = sa.text("status IN ('open', 'snoozed', 'in_progress')")


def upgrade() -> None:
    op.create_index('ix_work_items_next', 'work_items',
                    ['team', 'deadline', sa.text('balance DESC'), 'created_at', 'id'], unique=False,
                    postgresql_where=_WORKABLE, sqlite_where=_WORKABLE)
    op.create_index('ix_work_items_sla', 'work_items', ['team', 'sla_due'], unique=False,
                    postgresql_where=_WORKABLE, sqlite_where=_WORKABLE)


def downgrade() -> None:
    op.drop_index('ix_work_items_sla', table_name='work_items')
    op.drop_index('ix_work_items_next', table_name='work_items')
