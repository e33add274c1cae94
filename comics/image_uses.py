"""Which catalogue rows use a stored image: the one query behind "who owns it" and "may readers see it".

A stored image is a panel, an episode's thumbnail, a series' cover (its own, or a translation's), an
artist's picture, or a new cover or picture proposed in a revision that waits for review. Every question about an image's owner
or visibility starts from its uses, so the rule lives here once: the public media route asks whether
any use is public now, the studio's preview whether any use is the signed-in artist's.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, Select, String, cast, literal_column, null, or_, select, union, union_all
from sqlalchemy.sql.selectable import CompoundSelect, Subquery

from artists.models import Artist
from comics.images.models import Rendition, StoredImage
from comics.models import Episode, Panel, Series, SeriesTranslation, has_public_work
from comics.publishing.models import Revision, RevisionImage, RevisionState
from extensions import db

NO_ROW = cast(null(), Integer)


def _kind(name: str) -> ColumnElement[str]:
    """Return a use's kind as an SQL constant (a literal, not a parameter: the same text on every engine)."""
    return cast(literal_column(f"'{name}'"), String(10))


def images_named(name: str) -> CompoundSelect[int]:
    """Select the ids of the stored images that own this file, as master or rendition (both indexed)."""
    return union(
        select(StoredImage.id).where(StoredImage.master == name),
        select(Rendition.image_id).where(Rendition.file == name),
    )


def image_uses(image_ids: CompoundSelect[int] | Select[int]) -> Subquery:
    """Select every use of these images as (artist_id, episode_id, series_id, kind).

    kind is "panel", "thumbnail", "cover", "avatar" or "revision" (a picture waiting for review);
    episode_id is set for a panel or a thumbnail, series_id for a cover. Each branch reaches its rows
    by an indexed image column, so the cost does not grow with the site.
    """
    panels = (
        select(Series.artist_id, Episode.id, NO_ROW, _kind("panel"))
        .select_from(Panel)
        .join(Episode, Panel.episode_id == Episode.id)
        .join(Series, Episode.series_id == Series.id)
        .where(Panel.image_id.in_(image_ids))
    )
    thumbnails = (
        select(Series.artist_id, Episode.id, NO_ROW, _kind("thumbnail"))
        .join(Series, Episode.series_id == Series.id)
        .where(Episode.thumbnail_id.in_(image_ids))
    )
    covers = select(Series.artist_id, NO_ROW, Series.id, _kind("cover")).where(Series.cover_id.in_(image_ids))
    language_covers = (
        select(Series.artist_id, NO_ROW, Series.id, _kind("cover"))
        .join(SeriesTranslation, SeriesTranslation.series_id == Series.id)
        .where(SeriesTranslation.cover_id.in_(image_ids))
    )
    avatars = select(Artist.id, NO_ROW, NO_ROW, _kind("avatar")).where(Artist.avatar_id.in_(image_ids))
    proposed = select(Revision.artist_id, NO_ROW, NO_ROW, _kind("revision")).where(
        Revision.image_id.in_(image_ids), Revision.state == RevisionState.PENDING
    )
    proposed_covers = (
        select(Revision.artist_id, NO_ROW, NO_ROW, _kind("revision"))
        .join(RevisionImage, RevisionImage.revision_id == Revision.id)
        .where(RevisionImage.image_id.in_(image_ids), Revision.state == RevisionState.PENDING)
    )
    uses = union_all(panels, thumbnails, covers, language_covers, avatars, proposed, proposed_covers).subquery("uses")
    # Name the columns once for every branch (a union takes its names from the first).
    return select(
        uses.c[0].label("artist_id"), uses.c[1].label("episode_id"), uses.c[2].label("series_id"), uses.c[3].label("kind")
    ).subquery("image_uses")


def is_public_file(name: str) -> bool:
    """Tell, in one query, whether this stored file belongs to an image readers may see now.

    An artist's picture is public only once they have public work, like the rest of their profile; a
    picture proposed in a revision never is (approval makes it the avatar or cover first).
    """
    uses = image_uses(images_named(name))
    public_episode = select(Episode.id).where(Episode.id == uses.c.episode_id, Episode.is_public).exists()
    public_series = select(Series.id).where(Series.id == uses.c.series_id, Series.is_public).exists()
    public_avatar = (uses.c.kind == "avatar") & has_public_work(uses.c.artist_id)
    visible = select(uses.c.artist_id).where(or_(public_episode, public_series, public_avatar)).exists()
    return bool(db.session.scalar(select(visible)))


def is_artists_file(artist_id: int, name: str) -> bool:
    """Tell whether this stored file belongs to an image of the artist's own work or profile."""
    uses = image_uses(images_named(name))
    return bool(db.session.scalar(select(select(uses.c.artist_id).where(uses.c.artist_id == artist_id).exists())))
