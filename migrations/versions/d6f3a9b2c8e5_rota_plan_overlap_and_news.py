"""Rota: a newer published plan ends an older one; staff told of a new rota (issue 16, item 6)

Revision ID: d6f3a9b2c8e5
Revises: c5d2e8f1a7b4
Create Date: 2026-12-08 00:30:00

* ``rota_plan_day``: per team and day the published plan that governs it (one per day, by
  the primary key; a plan of that team, by a foreign key on the plan's id and team, which
  the new unique index ``uq_rota_plan_id_team`` makes possible). Filled from the plans
  already published: where two overlap, the one published later governs.
* ``staff_notification.plan_id`` and the notification kind ``rota``: "a new rota changes
  your shifts" in the person's notification list.

(``staff_member.mail_language``, the language of these mails, came with b7e1c4d2a9f3.)
"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6f3a9b2c8e5'
down_revision = 'c5d2e8f1a7b4'
branch_labels = None
depends_on = None

OLD_KINDS = ('booked', 'moved', 'cancelled', 'no_show', 'reschedule')
NEW_KINDS = (*OLD_KINDS, 'rota')
KIND_CHECK = 'ck_staff_notification_notification_kind'


def _kind_check(kinds):
    return 'kind IN (' + ', '.join(f"'{kind}'" for kind in kinds) + ')'


def _claim_published_days():
    """Every day of the published plans, each to the plan published last that holds it."""
    connection = op.get_bind()
    plans = connection.execute(
        sa.text(
            "SELECT id, team_id, first_day, last_day FROM rota_plan "
            "WHERE status = 'published' ORDER BY published_at, id"
        ).columns(id=sa.Integer(), team_id=sa.Integer(), first_day=sa.Date(), last_day=sa.Date())
    ).all()
    governed = {}
    for plan_id, team_id, first_day, last_day in plans:
        day = first_day
        while day <= last_day:
            governed[team_id, day] = plan_id
            day += timedelta(days=1)
    table = sa.table(
        'rota_plan_day',
        sa.column('team_id', sa.Integer()),
        sa.column('day', sa.Date()),
        sa.column('plan_id', sa.Integer()),
    )
    rows = [
        {'team_id': team_id, 'day': day, 'plan_id': plan_id}
        for (team_id, day), plan_id in sorted(governed.items())
    ]
    if rows:
        op.bulk_insert(table, rows)


def upgrade():
    op.create_index('uq_rota_plan_id_team', 'rota_plan', ['id', 'team_id'], unique=True)
    op.create_table(
        'rota_plan_day',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['plan_id', 'team_id'],
            ['rota_plan.id', 'rota_plan.team_id'],
            name=op.f('fk_rota_plan_day_plan_id_rota_plan'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('team_id', 'day', name=op.f('pk_rota_plan_day')),
    )
    op.create_index('ix_rota_plan_day_plan', 'rota_plan_day', ['plan_id', 'day'], unique=False)
    with op.batch_alter_table('staff_notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f('fk_staff_notification_plan_id_rota_plan'),
            'rota_plan',
            ['plan_id'],
            ['id'],
            ondelete='CASCADE',
        )
        batch_op.drop_constraint(op.f(KIND_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(KIND_CHECK), _kind_check(NEW_KINDS))
    _claim_published_days()


def downgrade():
    op.execute("DELETE FROM staff_notification WHERE kind = 'rota'")
    with op.batch_alter_table('staff_notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(KIND_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(KIND_CHECK), _kind_check(OLD_KINDS))
        batch_op.drop_constraint(
            op.f('fk_staff_notification_plan_id_rota_plan'), type_='foreignkey'
        )
        batch_op.drop_column('plan_id')
    op.drop_index('ix_rota_plan_day_plan', table_name='rota_plan_day')
    op.drop_table('rota_plan_day')
    op.drop_index('uq_rota_plan_id_team', table_name='rota_plan')
