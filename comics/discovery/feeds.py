"""RSS 2.0 and Atom feeds of published episodes: the whole site, each series and each artist.

Feeds list only episodes public now, newest first, each with its thumbnail (an <img> in the content,
an enclosure and media:thumbnail), so a feed reader shows the new episode with its picture. Every
URL in a feed is absolute: feeds are read away from the site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from artists.models import Artist
from comics.images.models import StoredImage
from comics.media import media_url
from comics.models import Episode, Series, has_public_work
from extensions import db
from settings import site_name
from web.absolute_urls import absolute, absolute_url_for
from web.languages import page_language, root_url_for
from web.markup import render_markdown
from web.page_cache import cached_page

bp = Blueprint("feeds", __name__)

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
THUMBNAIL_WIDTH = 640  # wide enough for a feed reader's card, small enough for a metered connection

# Characters XML 1.0 cannot carry at all: one in a title would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Return text with the characters XML cannot hold removed."""
    return _NOT_XML.sub("", text)


def plain_text(text: str) -> str:
    """Return artist-written text as plain text for a feed's titles and names: markup removed.

    Many feed readers render <title> and <dc:creator> as HTML, so a name like "<b>Mina</b>" or a title
    holding a script, escaped only once by the XML writer, would run there. Tags are stripped until none
    is left (stripping unescapes entities, so "&lt;b&gt;" becomes a tag to strip in turn), and a "<" left
    over, which could open a tag, is dropped; the XML writer then escapes the plain text once.
    """
    while True:
        stripped = Markup(text).striptags()
        if stripped == text:
            break
        text = stripped
    return xml_text(" ".join(text.replace("<", "").split()))


@dataclass
class FeedInfo:
    """What a feed is about: its title, description, the page it mirrors and its own address."""

    title: str
    description: str
    page_url: str
    feed_endpoint: str
    feed_values: dict[str, str]
    language: str | None = None
    show_series: bool = True


def feed_length() -> int:
    """Return how many episodes a feed lists."""
    return int(current_app.config["FEED_LENGTH"])


def published_episodes(query: Select[Episode]) -> list[Episode]:
    """Return the newest public episodes a feed lists, with what their entries show."""
    return list(
        db.session.scalars(
            query.options(
                joinedload(Episode.series).joinedload(Series.artist).selectinload(Artist.translations),
                joinedload(Episode.series).selectinload(Series.translations),
                joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
                selectinload(Episode.translations).joinedload(Episode.thumbnail),
            )
            .order_by(Episode.published_at.desc(), Episode.id.desc())
            .limit(feed_length())
        ).unique()
    )


def as_utc(moment: datetime) -> datetime:
    """Return a stored naive-UTC time as an aware one, as feedgen requires."""
    return moment.replace(tzinfo=UTC)


def thumbnail_of(episode: Episode) -> tuple[str, int, int, int] | None:
    """Return (absolute URL, width, height, bytes) of the episode's JPEG thumbnail, if it has one."""
    if episode.thumbnail is None:
        return None
    jpegs = episode.thumbnail.sources("jpeg")
    if not jpegs:
        return None
    fitting = [rendition for rendition in jpegs if rendition.width <= THUMBNAIL_WIDTH] or jpegs[:1]
    chosen = fitting[-1]
    return absolute(media_url(chosen.file)), chosen.width, chosen.height, chosen.size


def entry_html(episode: Episode, url: str, thumbnail: tuple[str, int, int, int] | None) -> str:
    """Return the HTML a feed reader shows for an episode: its thumbnail, the artist's note, a link."""
    parts: list[str] = []
    if thumbnail is not None:
        src, width, height, _bytes = thumbnail
        parts.append(
            Markup('<p><a href="{}"><img src="{}" width="{}" height="{}" alt=""></a></p>').format(url, src, width, height)
        )
    if episode.author_note:
        parts.append(render_markdown(episode.author_note))
    read = _("Read episode %(number)s: %(title)s", number=episode.number, title=episode.title)
    parts.append(Markup('<p><a href="{}">{}</a></p>').format(url, read))
    return "".join(str(part) for part in parts)


def build_feed(info: FeedInfo, episodes: list[Episode], format: str) -> FeedGenerator:
    """Return a feedgen feed of the episodes, newest first, to be written as RSS or Atom."""
    feed = FeedGenerator()
    feed.load_extension("media", atom=True, rss=True)
    feed.load_extension("dc", atom=False, rss=True)
    self_url = absolute_url_for(info.feed_endpoint, **info.feed_values)
    feed.id(self_url)
    feed.title(plain_text(info.title))
    feed.subtitle(xml_text(info.description) or plain_text(info.title))  # also RSS's required <description>
    # feedgen gives RSS's <link> the last link set: the page, not the feed itself.
    feed.link(href=self_url, rel="self")
    feed.link(href=info.page_url, rel="alternate")
    feed.language(info.language or page_language())
    feed.generator(site_name())
    feed.icon(absolute(root_url_for("static", filename="icons/favicon.svg")))
    # The newest entry's time, not the time of rendering: the same episodes give the same bytes.
    newest = episodes[0].published_at if episodes and episodes[0].published_at else datetime(2000, 1, 1)
    feed.updated(as_utc(newest))
    for episode in episodes:
        add_entry(feed, episode, show_series=info.show_series, enclosure=format == "rss")
    return feed


def add_entry(feed: FeedGenerator, episode: Episode, *, show_series: bool, enclosure: bool) -> None:
    """Append an episode to the feed (callers pass originals, newest first), in the feed's language.

    Each entry shows the version readers of the feed's language see (Episode.version_in), at the
    address of the episode's page in that language.

    The enclosure is for RSS only: feedgen 1.0 writes an Atom entry's links without their rel, which
    would turn an enclosure into a second "alternate" page. Atom entries carry the thumbnail in
    media:thumbnail and in their content.
    """
    series = episode.series
    language = page_language()
    episode = episode.version_in(language)
    url = absolute_url_for("comics.episode_detail", slug=series.slug, number=episode.number)
    thumbnail = thumbnail_of(episode)
    entry = feed.add_entry(order="append")
    entry.id(url)
    entry.guid(url, permalink=True)
    title = _("Episode %(number)s: %(title)s", number=episode.number, title=episode.title)
    entry.title(plain_text(f"{series.title_in(language)} · {title}" if show_series else title))
    entry.link(href=url, rel="alternate")
    published = as_utc(episode.published_at or episode.created_at)
    entry.published(published)
    entry.updated(published)
    artist = series.artist
    name = artist.name_in(language)
    entry.author({"name": plain_text(name), "uri": absolute_url_for("artists.profile", slug=artist.slug)})
    entry.dc.dc_creator(plain_text(name))
    entry.content(xml_text(entry_html(episode, url, thumbnail)), type="html")
    if thumbnail is not None:
        src, width, height, size = thumbnail
        if enclosure:
            entry.enclosure(src, str(size), "image/jpeg")
        entry.media.thumbnail(url=src, width=str(width), height=str(height))


def feed_response(feed: FeedGenerator, format: str) -> Response:
    """Return the feed serialised as RSS 2.0 or Atom."""
    body = feed.rss_str(pretty=True) if format == "rss" else feed.atom_str(pretty=True)
    return Response(body, mimetype=MEDIA_TYPES[format])


@bp.get("/feed.<any(rss, atom):format>")
@cached_page
def site_feed(format: str) -> Response:
    """Serve the newest episodes of the whole site."""
    name = site_name()
    info = FeedInfo(
        title=name,
        description=_("New episodes on %(site)s: webtoons by artists who escaped North Korea.", site=name),
        page_url=absolute_url_for("comics.home"),
        feed_endpoint="feeds.site_feed",
        feed_values={"format": format},
    )
    return feed_response(build_feed(info, published_episodes(Episode.public()), format), format)


@bp.get("/series/<slug>/feed.<any(rss, atom):format>")
@cached_page
def series_feed(slug: str, format: str) -> Response:
    """Serve the newest episodes of one series."""
    series = db.session.scalar(Series.public().where(Series.slug == slug).options(joinedload(Series.artist)))
    if series is None:
        abort(404)  # a series with no public episode does not exist for readers yet
    language = page_language()
    info = FeedInfo(
        title=f"{series.title_in(language)} · {current_app.config['SITE_NAME']}",
        description=series.summary_in(language) or _("A webtoon by %(artist)s.", artist=series.artist.name_in(language)),
        page_url=absolute_url_for("comics.series_detail", slug=series.slug),
        feed_endpoint="feeds.series_feed",
        feed_values={"slug": series.slug, "format": format},
        show_series=False,
    )
    return feed_response(build_feed(info, published_episodes(Episode.public().where(Episode.series_id == series.id)), format), format)


@bp.get("/artists/<slug>/feed.<any(rss, atom):format>")
@cached_page
def artist_feed(slug: str, format: str) -> Response:
    """Serve the newest episodes of every series by one artist."""
    # An artist without public work has no public profile, so no feed either (404 like a stranger).
    artist = db.session.scalar(select(Artist).where(Artist.slug == slug, has_public_work(Artist.id)))
    if artist is None:
        abort(404)
    name = artist.name_in(page_language())
    info = FeedInfo(
        title=f"{name} · {current_app.config['SITE_NAME']}",
        description=_("New episodes by %(artist)s.", artist=name),
        page_url=absolute_url_for("artists.profile", slug=artist.slug),
        feed_endpoint="feeds.artist_feed",
        feed_values={"slug": artist.slug, "format": format},
    )
    query = Episode.public().join(Series, Series.id == Episode.series_id).where(Series.artist_id == artist.id)
    return feed_response(build_feed(info, published_episodes(query), format), format)


def feed_links(kind: str, **values: Any) -> list[tuple[str, str, str]]:
    """Return (media type, title suffix, path) of a feed's RSS and Atom forms, for autodiscovery."""
    endpoint = {"site": "feeds.site_feed", "series": "feeds.series_feed", "artist": "feeds.artist_feed"}[kind]
    return [
        (MEDIA_TYPES["rss"], "RSS", url_for(endpoint, format="rss", **values)),
        (MEDIA_TYPES["atom"], "Atom", url_for(endpoint, format="atom", **values)),
    ]

