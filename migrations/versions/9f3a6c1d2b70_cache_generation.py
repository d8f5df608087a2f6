"""Cache generations: in-memory caches of every process learn of committed changes (issue 14, item 7)

Revision ID: 9f3a6c1d2b70
Revises: 4c0e2d3f5a12
Create Date: 2026-12-07 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f3a6c1d2b70'
down_revision = '4c0e2d3f5a12'
branch_labels = None
depends_on = None


def upgrade():
    # One row per (kind, shard); a commit that changes a kind of data sets a new random
    # value in one shard of it (portal/cache_generation.py).
    op.create_table('cache_generation',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'shard', name=op.f('pk_cache_generation'))
    )


def downgrade():
    op.drop_table('cache_generation')
