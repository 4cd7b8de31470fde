"""robot runs and units

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('robot_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('robot', sa.String(length=32), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('runner', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Enum('running', 'finished', 'failed', 'abandoned', name='runstatus', native_enum=False, length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('units_done', sa.Integer(), nullable=False),
    sa.Column('units_exception', sa.Integer(), nullable=False),
    sa.Column('units_failed', sa.Integer(), nullable=False),
    sa.Column('exceptions_filed', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('totals', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('robot_runs', schema=None) as batch_op:
        batch_op.create_index('ix_robot_runs_robot_started', ['robot', 'started_at'], unique=False)

    op.create_table('robot_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('robot', sa.String(length=32), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Enum('pending', 'leased', 'done', 'exception', 'failed', name='unitstatus', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['robot_runs.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('robot', 'night', 'key', name='uq_robot_units_key')
    )
    with op.batch_alter_table('robot_units', schema=None) as batch_op:
        batch_op.create_index('ix_robot_units_claimable', ['robot', 'night', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('robot_units', schema=None) as batch_op:
        batch_op.drop_index('ix_robot_units_claimable')

    op.drop_table('robot_units')
    with op.batch_alter_table('robot_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_robot_runs_robot_started')

    op.drop_table('robot_runs')
