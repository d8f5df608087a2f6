"""Statistics: each settled day's visits summed up, so a year reads fast (issue 15, item 1)

Revision ID: 5a8c3f1e2d47
Revises: 7d2e4b6a9c15
Create Date: 2026-12-07 22:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a8c3f1e2d47'
down_revision = '7d2e4b6a9c15'
branch_labels = None
depends_on = None


def upgrade():
    # One row per Brussels date, team, channel and set of services: counts and
    # histograms, no personal data.
    op.create_table('statistics_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('service_ids', sa.String(length=200), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_statistics_day_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_day')),
    sa.UniqueConstraint('day', 'team_id', 'channel', 'service_ids', name='one_row_per_key')
    )
    with op.batch_alter_table('statistics_day', schema=None) as batch_op:
        batch_op.create_index('ix_statistics_day_day', ['day'], unique=False)
    # One row per Brussels date and clerk: shift, reserved and booked minutes.
    op.create_table('statistics_staff_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('counter_minutes', sa.Float(), nullable=False),
    sa.Column('back_office_minutes', sa.Float(), nullable=False),
    sa.Column('reserved_minutes', sa.Float(), nullable=False),
    sa.Column('booked_minutes', sa.Float(), nullable=False),
    sa.Column('booked_reserved_minutes', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_statistics_staff_day_staff_id_staff_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_staff_day')),
    sa.UniqueConstraint('day', 'staff_id', name='one_row_per_clerk_day')
    )
    # The dates rolled up (a date without visits too): once each.
    op.create_table('statistics_rolled_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('rolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_statistics_rolled_day'))
    )


def downgrade():
    op.drop_table('statistics_rolled_day')
    op.drop_table('statistics_staff_day')
    with op.batch_alter_table('statistics_day', schema=None) as batch_op:
        batch_op.drop_index('ix_statistics_day_day')
    op.drop_table('statistics_day')
