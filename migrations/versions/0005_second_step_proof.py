"""The proof that a pending sign-in just enrolled a factor: a one-time row on the server, not a flag
in the signed session cookie, so a replayed cookie cannot finish the sign-in again.

Sign-ins pending at the upgrade (their cookies carry the old flag) start again from the password.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 22:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('second_step_proof',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_second_step_proof_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_second_step_proof')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_second_step_proof_token_hash'))
    )
    with op.batch_alter_table('second_step_proof', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_second_step_proof_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('second_step_proof', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_second_step_proof_user_id'))

    op.drop_table('second_step_proof')
