"""Content per language (issue 21): a series' content warning in each translation, and an artist link's
label in each language.

series_translation gets content_warning ("" shows the original's, marked as written in the original's
language); artist_link gets labels, a JSON object by language ({"ko": "하늘 작가 후원하기"}), where a
language without one shows the label as written. Existing rows start with neither.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 01:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('series_translation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_warning', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('artist_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('labels', sa.JSON(), server_default='{}', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('artist_link', schema=None) as batch_op:
        batch_op.drop_column('labels')
    with op.batch_alter_table('series_translation', schema=None) as batch_op:
        batch_op.drop_column('content_warning')
