"""An editor may dismiss a review flag of a waiting revision of a profile or series, as of an episode
(issue 25): a dismissal belongs to an episode or to a revision, exactly one of them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('flag_dismissal', schema=None) as batch_op:
        batch_op.alter_column('episode_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('revision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_flag_dismissal_revision_id_revision'), 'revision', ['revision_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_index(batch_op.f('ix_flag_dismissal_revision_id'), ['revision_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_flag_dismissal_revision_id_flag_key'), ['revision_id', 'flag_key'])


def downgrade() -> None:
    # A revision's dismissals have no episode to belong to: they go with the column.
    op.execute(sa.text('DELETE FROM flag_dismissal WHERE episode_id IS NULL'))
    with op.batch_alter_table('flag_dismissal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_flag_dismissal_revision_id_flag_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_flag_dismissal_revision_id'))
        batch_op.drop_constraint(batch_op.f('fk_flag_dismissal_revision_id_revision'), type_='foreignkey')
        batch_op.drop_column('revision_id')
        batch_op.alter_column('episode_id', existing_type=sa.Integer(), nullable=False)
