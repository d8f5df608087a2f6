"""Reception: short queue numbers per team and day (issue 16, item 5)

Revision ID: c5d2e8f1a7b4
Revises: b7e1c4d2a9f3
Create Date: 2026-12-08 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d2e8f1a7b4'
down_revision = 'b7e1c4d2a9f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('queue_counter',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_queue_counter_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'day', name=op.f('pk_queue_counter'))
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_letter', sa.String(length=2), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_team_queue_letter'), ['queue_letter'])

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_team_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('queue_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('queue_number', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('one_queue_number_per_team_day', ['queue_team_id', 'queue_day', 'queue_number'])
        batch_op.create_foreign_key(batch_op.f('fk_appointment_queue_team_id_team'), 'team', ['queue_team_id'], ['id'])

    _give_teams_letters()


def _give_teams_letters():
    """Each existing team gets the first letter of its Dutch name not taken yet (a
    planner can change it); visits already booked get their numbers at check-in."""
    bind = op.get_bind()
    team = sa.table('team', sa.column('id', sa.Integer), sa.column('names', sa.JSON),
                    sa.column('queue_letter', sa.String))
    taken = set()
    for team_id, names in bind.execute(sa.select(team.c.id, team.c.names).order_by(team.c.id)):
        name = (names or {}).get('nl', '') if isinstance(names, dict) else ''
        letter = next((c for c in name.upper() if 'A' <= c <= 'Z' and c not in taken), None)
        if letter is None:
            continue
        taken.add(letter)
        bind.execute(team.update().where(team.c.id == team_id).values(queue_letter=letter))


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_queue_team_id_team'), type_='foreignkey')
        batch_op.drop_constraint('one_queue_number_per_team_day', type_='unique')
        batch_op.drop_column('queue_number')
        batch_op.drop_column('queue_day')
        batch_op.drop_column('queue_team_id')

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_team_queue_letter'), type_='unique')
        batch_op.drop_column('queue_letter')

    op.drop_table('queue_counter')
