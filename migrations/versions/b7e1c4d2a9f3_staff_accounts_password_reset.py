"""Staff accounts: single-use password reset links (issue 16, item 7)

Revision ID: b7e1c4d2a9f3
Revises: 5a8c3f1e2d47
Create Date: 2026-12-08 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c4d2a9f3'
down_revision = '5a8c3f1e2d47'
branch_labels = None
depends_on = None


def upgrade():
    # One row per mailed link that sets a staff member's password (a forgotten one, or a
    # new account's first): only the SHA-256 of the token, single use by used_at.
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reset', 'welcome', name='password_link_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_password_reset_staff_id_staff_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_password_reset_staff_created', ['staff_id', 'created_at'], unique=False)
    # The language of the workspace's mails to the person (these links, a new rota). A
    # plain ADD COLUMN: no copy of the table, which other tables point at.
    op.add_column('staff_member', sa.Column('mail_language', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('staff_member', 'mail_language')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index('ix_password_reset_staff_created')
        batch_op.drop_index(batch_op.f('ix_password_reset_expires_at'))
    op.drop_table('password_reset')
