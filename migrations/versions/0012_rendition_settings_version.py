"""Each rendition records the version of the encoder settings it was made with (issue 19), so renditions
made with other settings are found as stale and made again (`render-requeue --stale`). Renditions made
before this have no version: their settings are unknown, so they count as stale.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rendition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings_version', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rendition', schema=None) as batch_op:
        batch_op.drop_column('settings_version')
