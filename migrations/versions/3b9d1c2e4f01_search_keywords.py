"""Search words per service and language (issue 13, item 6)

Revision ID: 3b9d1c2e4f01
Revises: 060fbccd8e59
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b9d1c2e4f01'
down_revision = '060fbccd8e59'
branch_labels = None
depends_on = None


def upgrade():
    # Everyday words residents search a service by, per language (existing rows: none).
    with op.batch_alter_table('service_text', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('keywords', sa.Text(), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('service_text', schema=None) as batch_op:
        batch_op.drop_column('keywords')
