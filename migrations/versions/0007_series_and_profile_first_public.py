"""Once readers have seen a series or profile, every change to it waits for an editor: series and artist
get first_public_at (when readers first saw it) and last_public_values (what they saw last).

Backfill: first_public_at is the earliest past publication time of any episode of the series (of any of
the artist's series), whatever its status now, since an episode taken back into review or unpublished
keeps its date. A scheduled episode pulled before its time and left past it counts too: that errs on the
side of review. last_public_values stays empty: what readers saw of a series with nothing public today
is not on record, and the editor's review says so.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:00:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('series', 'artist'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('first_public_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('last_public_values', sa.JSON(), nullable=True))

    # Naive UTC, like every stored time here (comics.clock.utcnow).
    now = datetime.now(UTC).replace(tzinfo=None)
    series = sa.table('series', sa.column('id', sa.Integer()), sa.column('artist_id', sa.Integer()),
                      sa.column('first_public_at', sa.DateTime()))
    artist = sa.table('artist', sa.column('id', sa.Integer()), sa.column('first_public_at', sa.DateTime()))
    episode = sa.table('episode', sa.column('series_id', sa.Integer()), sa.column('published_at', sa.DateTime()))
    first_episode = (
        sa.select(sa.func.min(episode.c.published_at))
        .where(episode.c.series_id == series.c.id, episode.c.published_at <= now)
        .scalar_subquery()
    )
    op.execute(series.update().values(first_public_at=first_episode))
    first_series = (
        sa.select(sa.func.min(series.c.first_public_at)).where(series.c.artist_id == artist.c.id).scalar_subquery()
    )
    op.execute(artist.update().values(first_public_at=first_series))


def downgrade() -> None:
    for table in ('artist', 'series'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('last_public_values')
            batch_op.drop_column('first_public_at')
