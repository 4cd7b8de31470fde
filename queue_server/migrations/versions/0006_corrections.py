"""corrections: values a person put right on an item, handed back to the robot that filed it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(name='kind', native_enum=False, length=32, create_constraint=False), nullable=False),
        sa.Column('state', sa.Enum(name='correctionstate', native_enum=False, length=32, create_constraint=False),
                  nullable=False),
        sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                  nullable=False),
        sa.Column('corrected_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('detail', sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['item_id'], ['work_items.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_corrections_item_id', 'corrections', ['item_id'], unique=False)
    op.create_index('ix_corrections_state_kind', 'corrections', ['state', 'kind'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_corrections_state_kind', table_name='corrections')
    op.drop_index('ix_corrections_item_id', table_name='corrections')
    op.drop_table('corrections')
