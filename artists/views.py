"""Artist profiles, public side: a profile is public from the artist's first public episode."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from artists.models import Artist
from comics.images.models import StoredImage
from comics.models import Series, has_public_work
from extensions import db
from web.page_cache import cached_page

bp = Blueprint("artists", __name__, url_prefix="/artists")


def get_artist_or_404(slug: str) -> Artist:
    """Return the artist with this slug, with links and avatar, or answer 404.

    An artist with no public work yet is 404, exactly like one that does not exist: a profile made
    for a new artist must not tell anyone they are about to publish here.
    """
    artist = db.session.scalar(
        select(Artist)
        .where(Artist.slug == slug, has_public_work(Artist.id))
        .options(
            selectinload(Artist.links),
            selectinload(Artist.translations),
            joinedload(Artist.avatar).selectinload(StoredImage.renditions),
        )
    )
    if artist is None:
        abort(404)
    return artist


@bp.get("/<slug>/")
@cached_page
def profile(slug: str) -> str:
    """Show an artist's bio, links and published series."""
    artist = get_artist_or_404(slug)
    series_list = db.session.scalars(
        Series.public()
        .where(Series.artist_id == artist.id)
        .options(joinedload(Series.cover).selectinload(StoredImage.renditions), selectinload(Series.translations))
        .order_by(Series.title)
    ).unique().all()
    return render_template("artists/profile.html", artist=artist, series_list=series_list)
