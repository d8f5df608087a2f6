"""Statistics: the daily distance to each service's first free time (issue 15, item 1)

Revision ID: 7d2e4b6a9c15
Revises: 9f3a6c1d2b70
Create Date: 2026-12-07 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e4b6a9c15'
down_revision = '9f3a6c1d2b70'
branch_labels = None
depends_on = None


def upgrade():
    # One row per Brussels date and service: how many days ahead the first free time lay
    # that morning (NULL: none within the horizon). No personal data.
    op.create_table('first_free_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_first_free_record_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_first_free_record')),
    sa.UniqueConstraint('recorded_on', 'service_id', name='one_record_per_day_and_service')
    )
    with op.batch_alter_table('first_free_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_first_free_record_service_id'), ['service_id'], unique=False)


def downgrade():
    with op.batch_alter_table('first_free_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_first_free_record_service_id'))
    op.drop_table('first_free_record')
