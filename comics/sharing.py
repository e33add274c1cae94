"""Link previews and structured data: Open Graph and Twitter tags, canonical URLs, JSON-LD, share cards.

A share card is a 1200x630 JPEG drawn (comics.share_card) from an episode's first panel and its
title, or a series' cover and its title. It is made on the first request for it, usually a link
preview robot's, stored content-addressed through the media store, and remembered in share_card under
a key made of everything drawn on it: change the title or the first panel and the next request draws
a new card, while pages link to it with the new key so previews refresh.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, send_file, url_for
from markupsafe import Markup
from sqlalchemy import ForeignKey, String, delete, event, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, joinedload, mapped_column
from werkzeug.wrappers import Response

from artists.links import is_allowed_link_url
from artists.models import Artist
from comics import share_card
from comics.absolute_urls import absolute, absolute_url_for, check_site_url
from comics.markup import render_markdown
from comics.media import media_store, media_url
from comics.models import Episode, Panel, Series, StoredImage
from extensions import db

bp = Blueprint("sharing", __name__)

log = logging.getLogger(__name__)

# Bump when the drawing changes, so every card is drawn again in the new style.
CARD_STYLE = "1"
CARD_MAX_AGE = 86_400
DESCRIPTION_LENGTH = 200


class ShareCard(db.Model):
    """The stored share card of an episode or a series, and the key of what was drawn on it."""

    __tablename__ = "share_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), unique=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), unique=True)
    source_key: Mapped[str] = mapped_column(String(64))
    # A StoredImage row, so media-gc keeps the file for as long as the card exists.
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id"))


@bp.record_once
def check_configuration(state) -> None:  # type: ignore[no-untyped-def]
    check_site_url(state.app)


# --- share cards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSubject:
    """What a card shows: whose card it is, the words on it and the stored image it is drawn from."""

    episode_id: int | None
    series_id: int | None
    title: str
    subtitle: str
    source: str | None  # the master file name of the picture, if there is one

    @property
    def key(self) -> str:
        """Return a hash of everything drawn on the card."""
        config = current_app.config
        parts = (CARD_STYLE, self.title, self.subtitle, self.source or "", config["SITE_NAME"], config.get("SHARE_CARD_FONT") or "")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def episode_card_subject(series: Series, episode: Episode, first_panel_master: str | None) -> CardSubject:
    """Return the card subject of an episode: its title over its first panel."""
    return CardSubject(
        episode_id=episode.id,
        series_id=None,
        title=episode.title,
        subtitle=f"{series.title} · Episode {episode.number}",
        source=first_panel_master,
    )


def series_card_subject(series: Series, picture_master: str | None) -> CardSubject:
    """Return the card subject of a series: its title over its cover (or first panel)."""
    return CardSubject(
        episode_id=None, series_id=series.id, title=series.title, subtitle=f"by {series.artist.display_name}", source=picture_master
    )


def share_card_file(subject: CardSubject) -> str:
    """Return the media name of the subject's card, drawing and storing it first if it is missing or stale."""
    key = subject.key
    owner = ShareCard.episode_id == subject.episode_id if subject.episode_id else ShareCard.series_id == subject.series_id
    stored = db.session.execute(
        select(ShareCard.source_key, StoredImage.master).join(StoredImage, StoredImage.id == ShareCard.image_id).where(owner)
    ).first()
    store = media_store()
    if stored is not None and stored.source_key == key and store.exists(stored.master):
        return stored.master
    source = store.path_of(subject.source).read_bytes() if subject.source and store.exists(subject.source) else None
    data = share_card.share_card_from_master(
        source,
        subject.title,
        subject.subtitle,
        site_name=current_app.config["SITE_NAME"],
        font_path=current_app.config.get("SHARE_CARD_FONT"),
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
    width, height = share_card.CARD_SIZE
    image_id = connection.execute(
        insert(StoredImage).values(master=name, width=width, height=height).returning(StoredImage.id)
    ).scalar_one()
    owner = (
        ShareCard.episode_id == subject.episode_id if subject.episode_id else ShareCard.series_id == subject.series_id
    )
    old_image_id = connection.scalar(select(ShareCard.image_id).where(owner))
    if old_image_id is None:
        connection.execute(
            insert(ShareCard).values(
                episode_id=subject.episode_id, series_id=subject.series_id, source_key=key, image_id=image_id
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


@event.listens_for(Episode, "after_delete")
def _forget_episode_card(mapper: Any, connection: Connection, target: Episode) -> None:
    forget_share_cards(connection, episode_id=target.id)


@event.listens_for(Series, "after_delete")
def _forget_series_card(mapper: Any, connection: Connection, target: Series) -> None:
    forget_share_cards(connection, series_id=target.id)


def first_panel_master(episode_id: int) -> str | None:
    """Return the master file name of an episode's first panel."""
    return db.session.scalar(
        select(StoredImage.master)
        .join(Panel, Panel.image_id == StoredImage.id)
        .where(Panel.episode_id == episode_id)
        .order_by(Panel.position)
        .limit(1)
    )


def series_picture_master(series: Series) -> str | None:
    """Return the master file name of a series' cover, else of its first public episode's first panel."""
    if series.cover_id is not None:
        return db.session.scalar(select(StoredImage.master).where(StoredImage.id == series.cover_id))
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
    """Serve a public episode's share card, drawing it on first request."""
    row = db.session.execute(
        Episode.public()
        .join(Series, Series.id == Episode.series_id)
        .where(Series.slug == slug, Episode.number == number)
        .add_columns(Series)
    ).first()
    if row is None:
        abort(404)
    episode, series = row
    return _send_card(share_card_file(episode_card_subject(series, episode, first_panel_master(episode.id))))


@bp.get("/series/<slug>/share.jpg")
def series_card(slug: str) -> Response:
    """Serve a public series' share card, drawing it on first request."""
    series = db.session.scalar(Series.public().where(Series.slug == slug).options(joinedload(Series.artist)))
    if series is None:
        abort(404)
    return _send_card(share_card_file(series_card_subject(series, series_picture_master(series))))


# --- what a page tells link previews and search engines ---------------------------------------------


@dataclass
class PreviewImage:
    """An image for og:image, with what a preview needs to lay it out before fetching it."""

    url: str
    width: int
    height: int
    alt: str
    type: str = "image/jpeg"

    @property
    def large(self) -> bool:
        """Tell whether the image is wide enough for a large preview rather than a thumbnail."""
        return self.width >= 600 and self.width > self.height


@dataclass
class SharePage:
    """Everything a page's <head> says about it to previews and crawlers."""

    title: str
    description: str
    url: str
    og_type: str
    json_ld: dict[str, Any]
    image: PreviewImage | None = None
    properties: list[tuple[str, str]] = field(default_factory=list)


def plain_text(markdown: str | None, limit: int = DESCRIPTION_LENGTH) -> str:
    """Return Markdown as one line of plain text, cut at a word near the limit."""
    text = " ".join(Markup(str(render_markdown(markdown))).striptags().split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _card_url(endpoint: str, key: str, **values: Any) -> str:
    # The key in the query only busts caches (the route serves the current card whatever it says).
    return absolute_url_for(endpoint, v=key[:12], **values)


def _organisation() -> dict[str, str]:
    return {"@type": "Organization", "name": current_app.config["SITE_NAME"], "url": absolute_url_for("comics.home")}


def person_json_ld(artist: Artist) -> dict[str, Any]:
    """Return schema.org Person data for an artist."""
    data: dict[str, Any] = {"@type": "Person", "name": artist.display_name, "url": absolute_url_for("artists.profile", slug=artist.slug)}
    return data


def episode_sharing(series: Series, episode: Episode) -> SharePage:
    """Return the previews and structured data of an episode page (its panels loaded)."""
    url = absolute_url_for("comics.episode_detail", slug=series.slug, number=episode.number)
    master = episode.panels[0].image.master if episode.panels else None
    subject = episode_card_subject(series, episode, master)
    title = f"{episode.title} · {series.title}"
    description = plain_text(episode.author_note) or f"Episode {episode.number} of {series.title}, a webtoon by {series.artist.display_name}."
    image = PreviewImage(
        url=_card_url("sharing.episode_card", subject.key, slug=series.slug, number=episode.number),
        width=share_card.CARD_SIZE[0],
        height=share_card.CARD_SIZE[1],
        alt=f"{episode.title}, episode {episode.number} of {series.title}",
    )
    published = f"{episode.published_at.replace(microsecond=0).isoformat()}Z" if episode.published_at else None
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ComicIssue",
        "name": episode.title,
        "issueNumber": episode.number,
        "url": url,
        "inLanguage": series.language,
        "image": image.url,
        "description": description,
        "author": person_json_ld(series.artist),
        "publisher": _organisation(),
        "isPartOf": {"@type": "ComicSeries", "name": series.title, "url": absolute_url_for("comics.series_detail", slug=series.slug)},
    }
    if published:
        json_ld["datePublished"] = published
    properties = [("article:published_time", published)] if published else []
    return SharePage(title, description, url, "article", json_ld, image, properties)


def series_sharing(series: Series, page: int = 1) -> SharePage:
    """Return the previews and structured data of a series page."""
    url = absolute_url_for("comics.series_detail", slug=series.slug, **({"page": page} if page > 1 else {}))
    subject = series_card_subject(series, series_picture_master(series))
    description = plain_text(series.summary) or f"A webtoon by {series.artist.display_name}."
    image = PreviewImage(
        url=_card_url("sharing.series_card", subject.key, slug=series.slug),
        width=share_card.CARD_SIZE[0],
        height=share_card.CARD_SIZE[1],
        alt=f"{series.title}, a webtoon by {series.artist.display_name}",
    )
    json_ld = {
        "@context": "https://schema.org",
        "@type": "ComicSeries",
        "name": series.title,
        "url": absolute_url_for("comics.series_detail", slug=series.slug),
        "description": description,
        "inLanguage": series.language,
        "image": image.url,
        "author": person_json_ld(series.artist),
        "publisher": _organisation(),
    }
    return SharePage(series.title, description, url, "website", json_ld, image)


def artist_sharing(artist: Artist) -> SharePage:
    """Return the previews and structured data of an artist's profile."""
    url = absolute_url_for("artists.profile", slug=artist.slug)
    description = plain_text(artist.bio_markdown) or f"Webtoons by {artist.display_name} on {current_app.config['SITE_NAME']}."
    json_ld = {"@context": "https://schema.org", **person_json_ld(artist), "description": description}
    image = None
    if artist.avatar is not None:
        jpegs = artist.avatar.sources("jpeg")
        if jpegs:
            largest = jpegs[-1]
            image = PreviewImage(absolute(media_url(largest.file)), largest.width, largest.height, f"{artist.display_name}")
            json_ld["image"] = image.url
    # The artist's own public pages elsewhere, as they listed them: search engines join the profiles.
    same_as = [link.url for link in artist.links if is_allowed_link_url(link.url) and not link.url.lower().startswith("mailto:")]
    if same_as:
        json_ld["sameAs"] = same_as
    return SharePage(artist.display_name, description, url, "profile", json_ld, image)


def home_sharing() -> SharePage:
    """Return the previews and structured data of the home page, with the site search for crawlers."""
    url = absolute_url_for("comics.home")
    name = current_app.config["SITE_NAME"]
    description = f"{name} publishes webtoons by artists who escaped North Korea, in their own words and pictures."
    json_ld = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": name,
        "url": url,
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute(url_for("search.search_page")) + "?q={query}",
            "query-input": "required name=query",
        },
    }
    return SharePage(name, description, url, "website", json_ld)


def json_ld_script(data: dict[str, Any]) -> Markup:
    """Return the data as a JSON-LD <script>, escaped so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</script>" or "<!--" inside a title would end the script early: escape the characters, which
    # JSON reads back unchanged. U+2028/9 are valid JSON but end a line in older script parsers.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>')


bp.add_app_template_global(episode_sharing)
bp.add_app_template_global(series_sharing)
bp.add_app_template_global(artist_sharing)
bp.add_app_template_global(home_sharing)
bp.add_app_template_filter(json_ld_script, "json_ld")
