"""A cover per series translation (issue 21): series_translation gets cover_id (None shows the
original's cover), and revision_image holds a new cover for one of a series' other languages while its
revision waits for review, as revision.image holds the series' own.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('series_translation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_series_translation_cover_id'), ['cover_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_series_translation_cover_id_stored_image'), 'stored_image', ['cover_id'], ['id'])
    op.create_table(
        'revision_image',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=35), nullable=False),
        sa.Column('image_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_revision_image_revision_id_revision'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['image_id'], ['stored_image.id'], name=op.f('fk_revision_image_image_id_stored_image')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_image')),
        sa.UniqueConstraint('revision_id', 'language', name=op.f('uq_revision_image_revision_id_language')),
    )
    with op.batch_alter_table('revision_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_image_image_id'), ['image_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('revision_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_image_image_id'))
    op.drop_table('revision_image')
    with op.batch_alter_table('series_translation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_series_translation_cover_id_stored_image'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_series_translation_cover_id'))
        batch_op.drop_column('cover_id')
