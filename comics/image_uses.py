"""Which catalogue rows use a stored image: the one query behind "who owns it" and "may readers see it".

A stored image is a panel, an episode's thumbnail, a series' cover or an artist's picture. Every
question about an image's owner or visibility starts from its uses, so the rule lives here once:
the public media route asks whether any use is public now, the studio's preview whether any use is
the signed-in artist's.
"""
from __future__ import annotations

from sqlalchemy import Integer, Select, cast, null, or_, select, union, union_all
from sqlalchemy.sql.selectable import CompoundSelect, Subquery

from artists.models import Artist
from comics.images.models import Rendition, StoredImage
from comics.models import Episode, Panel, Series
from extensions import db

NO_ROW = cast(null(), Integer)


def images_named(name: str) -> CompoundSelect[int]:
    """Select the ids of the stored images that own this file, as master or rendition (both indexed)."""
    return union(
        select(StoredImage.id).where(StoredImage.master == name),
        select(Rendition.image_id).where(Rendition.file == name),
    )


def image_uses(image_ids: CompoundSelect[int] | Select[int]) -> Subquery:
    """Select every use of these images as (artist_id, episode_id, series_id).

    episode_id is set for a panel or a thumbnail, series_id for a cover, neither for a profile picture.
    Each branch reaches its rows by an indexed image column, so the cost does not grow with the site.
    """
    panels = (
        select(Series.artist_id, Episode.id, NO_ROW)
        .select_from(Panel)
        .join(Episode, Panel.episode_id == Episode.id)
        .join(Series, Episode.series_id == Series.id)
        .where(Panel.image_id.in_(image_ids))
    )
    thumbnails = (
        select(Series.artist_id, Episode.id, NO_ROW)
        .join(Series, Episode.series_id == Series.id)
        .where(Episode.thumbnail_id.in_(image_ids))
    )
    covers = select(Series.artist_id, NO_ROW, Series.id).where(Series.cover_id.in_(image_ids))
    avatars = select(Artist.id, NO_ROW, NO_ROW).where(Artist.avatar_id.in_(image_ids))
    uses = union_all(panels, thumbnails, covers, avatars).subquery("uses")
    # Name the columns once for every branch (a union takes its names from the first).
    return select(
        uses.c[0].label("artist_id"), uses.c[1].label("episode_id"), uses.c[2].label("series_id")
    ).subquery("image_uses")


def is_public_file(name: str) -> bool:
    """Tell, in one query, whether this stored file belongs to an image readers may see now."""
    uses = image_uses(images_named(name))
    public_episode = select(Episode.id).where(Episode.id == uses.c.episode_id, Episode.is_public).exists()
    public_series = select(Series.id).where(Series.id == uses.c.series_id, Series.is_public).exists()
    avatar = uses.c.episode_id.is_(None) & uses.c.series_id.is_(None)
    visible = select(uses.c.artist_id).where(or_(public_episode, public_series, avatar)).exists()
    return bool(db.session.scalar(select(visible)))


def is_artists_file(artist_id: int, name: str) -> bool:
    """Tell whether this stored file belongs to an image of the artist's own work or profile."""
    uses = image_uses(images_named(name))
    return bool(db.session.scalar(select(select(uses.c.artist_id).where(uses.c.artist_id == artist_id).exists())))
