"""Share cards: the 1200x630 JPEG a link preview shows for an episode or a series.

A card is drawn (comics.discovery.card_drawing) from an episode's first panel and its title, or a
series' cover and its title, on the first request for it, usually a link preview robot's. It is
stored content-addressed through the media store and remembered in share_card under a key made of
everything drawn on it: change the title or the first panel and the next request draws a new card,
while pages link to it with the new key so previews refresh.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, send_file
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, delete, event, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from comics.discovery import card_drawing
from comics.discovery.models import ShareCard
from comics.images.models import StoredImage
from comics.models import Episode, Panel, Series
from comics.site_images import media_store
from extensions import db
from settings import default_language, site_name
from web.languages import LANGUAGE_LOCALES, locale_of, page_language

bp = Blueprint("sharing", __name__)

log = logging.getLogger(__name__)

# Bump when the drawing changes, so every card is drawn again in the new style.
# 2: lettered in the bundled Nanum Gothic Bold (comics.fonts), so Korean titles stop showing as boxes.
CARD_STYLE = "2"
CARD_MAX_AGE = 86_400



@dataclass(frozen=True)
class CardSubject:
    """What a card shows: whose card it is, the words on it and the stored image it is drawn from."""

    episode_id: int | None
    series_id: int | None
    language: str  # a series' card is kept per language; an episode's is its version's
    title: str
    subtitle: str
    source: str | None  # the master file name of the picture, if there is one

    @property
    def key(self) -> str:
        """Return a hash of everything drawn on the card."""
        font = current_app.config["SHARE_CARD_FONT"] or ""
        parts = (CARD_STYLE, self.title, self.subtitle, self.source or "", site_name(), font)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def episode_card_subject(series: Series, episode: Episode, first_panel_master: str | None) -> CardSubject:
    """Return the card subject of an episode version: its title over its first panel, in its language."""
    # A version lettered in a language the site does not serve (an import's "ja") is announced in the default.
    language = episode.language if episode.language in LANGUAGE_LOCALES else default_language()
    with force_locale(locale_of(language).locale):
        subtitle = _("%(series)s · Episode %(number)s", series=series.title_in(episode.language), number=episode.number)
    return CardSubject(
        episode_id=episode.id, series_id=None, language="", title=episode.title, subtitle=subtitle, source=first_panel_master
    )


def series_card_subject(series: Series, picture_master: str | None, language: str) -> CardSubject:
    """Return the card subject of a series for one language's readers: its title over its cover (or first panel)."""
    with force_locale(locale_of(language).locale):
        subtitle = _("by %(artist)s", artist=series.artist.name_in(language))
    return CardSubject(
        episode_id=None,
        series_id=series.id,
        language=language,
        title=series.title_in(language),
        subtitle=subtitle,
        source=picture_master,
    )


def _card_owner(subject: CardSubject) -> ColumnElement[bool]:
    if subject.episode_id:
        return ShareCard.episode_id == subject.episode_id
    return and_(ShareCard.series_id == subject.series_id, ShareCard.language == subject.language)


def share_card_file(subject: CardSubject) -> str:
    """Return the media name of the subject's card, drawing and storing it first if it is missing or stale."""
    key = subject.key
    owner = _card_owner(subject)
    stored = db.session.execute(
        select(ShareCard.source_key, StoredImage.master).join(StoredImage, StoredImage.id == ShareCard.image_id).where(owner)
    ).first()
    store = media_store()
    if stored is not None and stored.source_key == key and store.exists(stored.master):
        master: str = stored.master
        return master
    source = store.path_of(subject.source).read_bytes() if subject.source and store.exists(subject.source) else None
    data = card_drawing.share_card_from_master(
        source,
        subject.title,
        subject.subtitle,
        site_name=site_name(),
        font_path=current_app.config["SHARE_CARD_FONT"],
    )
    name = store.put(data, "jpg")
    try:
        # Its own transaction: the request's session stays read-only, and saving a card is not a change
        # of content that should empty the page cache.
        with db.engine.begin() as connection:
            _save_card(connection, subject, key, name)
    except IntegrityError:
        # Another request drew the same card at the same moment; its row stands, and the bytes are equal.
        log.info("share card for %s was saved by a concurrent request", subject)
    return name


def _save_card(connection: Connection, subject: CardSubject, key: str, name: str) -> None:
    """Point the subject's card row at a new stored image, removing the image it replaces."""
    width, height = card_drawing.CARD_SIZE
    image_id = connection.execute(
        insert(StoredImage).values(master=name, width=width, height=height).returning(StoredImage.id)
    ).scalar_one()
    owner = _card_owner(subject)
    old_image_id = connection.scalar(select(ShareCard.image_id).where(owner))
    if old_image_id is None:
        connection.execute(
            insert(ShareCard).values(
                episode_id=subject.episode_id,
                series_id=subject.series_id,
                language=subject.language,
                source_key=key,
                image_id=image_id,
            )
        )
        return
    connection.execute(update(ShareCard).where(owner).values(source_key=key, image_id=image_id))
    # The old file is left to media-gc, which removes it once no row names it and its grace has passed.
    connection.execute(delete(StoredImage).where(StoredImage.id == old_image_id))


def forget_share_cards(connection: Connection, *, episode_id: int | None = None, series_id: int | None = None) -> None:
    """Delete the card rows (and their image rows) of a deleted episode or series."""
    owner = ShareCard.episode_id == episode_id if episode_id is not None else ShareCard.series_id == series_id
    image_ids = list(connection.scalars(select(ShareCard.image_id).where(owner)))
    if image_ids:
        connection.execute(delete(ShareCard).where(owner))
        connection.execute(delete(StoredImage).where(StoredImage.id.in_(image_ids)))


def _forget_episode_card(mapper: Any, connection: Connection, target: Episode) -> None:
    forget_share_cards(connection, episode_id=target.id)


def _forget_series_card(mapper: Any, connection: Connection, target: Series) -> None:
    forget_share_cards(connection, series_id=target.id)


def listen_for_deleted_subjects() -> None:
    """Delete a card's rows with the episode or series it belongs to, in the same flush."""
    if event.contains(Episode, "after_delete", _forget_episode_card):
        return
    event.listen(Episode, "after_delete", _forget_episode_card)
    event.listen(Series, "after_delete", _forget_series_card)


def first_panel_master(episode_id: int) -> str | None:
    """Return the master file name of an episode's first panel."""
    return db.session.scalar(
        select(StoredImage.master)
        .join(Panel, Panel.image_id == StoredImage.id)
        .where(Panel.episode_id == episode_id)
        .order_by(Panel.position)
        .limit(1)
    )


def series_picture_master(series: Series, language: str) -> str | None:
    """Return the master file name of a series' cover in this language (its translation's own, else the
    original's: Series.cover_in), else of its first public episode's first panel."""
    cover = series.cover_in(language)
    if cover is not None:
        return cover.master
    first = db.session.scalar(
        Episode.public().where(Episode.series_id == series.id).order_by(Episode.number).limit(1).with_only_columns(Episode.id)
    )
    return first_panel_master(first) if first is not None else None


def _send_card(name: str) -> Response:
    response = send_file(media_store().path_of(name), mimetype="image/jpeg", etag=True, conditional=True, max_age=CARD_MAX_AGE)
    response.cache_control.public = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/series/<slug>/<episode_number:number>/share.jpg")
def episode_card(slug: str, number: int) -> Response:
    """Serve the share card of a public episode's version in the page's language, drawing it on first request."""
    row = db.session.execute(
        Episode.public()
        .join(Series, Series.id == Episode.series_id)
        .where(Series.slug == slug, Episode.number == number)
        .add_columns(Series)
    ).first()
    if row is None:
        abort(404)
    original, series = row
    episode = original.version_in(page_language())
    return _send_card(share_card_file(episode_card_subject(series, episode, first_panel_master(episode.id))))


@bp.get("/series/<slug>/share.jpg")
def series_card(slug: str) -> Response:
    """Serve a public series' share card, drawing it on first request."""
    series = db.session.scalar(Series.public().where(Series.slug == slug).options(joinedload(Series.artist)))
    if series is None:
        abort(404)
    return _send_card(share_card_file(series_card_subject(series, series_picture_master(series, page_language()), page_language())))

