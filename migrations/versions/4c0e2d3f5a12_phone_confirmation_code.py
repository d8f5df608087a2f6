"""Short confirmation code for visits booked without an e-mail address (issue 13, item 7)

Revision ID: 4c0e2d3f5a12
Revises: 3b9d1c2e4f01
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c0e2d3f5a12'
down_revision = '3b9d1c2e4f01'
branch_labels = None
depends_on = None


def upgrade():
    # A visit booked by staff without an e-mail address opens with its reference and a
    # short code: a keyed hash of the code, the wrong codes tried in a row, the lock.
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('access_code_failures', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('access_code_locked_until', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('access_code_locked_until')
        batch_op.drop_column('access_code_failures')
        batch_op.drop_column('access_code_hash')
