"""The OPDS 1.2 catalogue: comic apps (Panels, KOReader, Mihon, Chunky) browse, search and download here.

/opds/ is the root navigation feed: the latest episodes, every series, the catalogue in each language,
and an OpenSearch description. Each series has an acquisition feed with an entry per public episode:
its CBZ (open access), its cover and thumbnail, and an OPDS-PSE 1.2 stream of its pages
(comics.editions.downloads). Like every page, the catalogue is in the language of its URL (/ko/opds/…),
and each entry is the episode's version in that language, or its original where it has none.

Only what readers may see now is listed: public originals (Episode.public()) and their public
versions. Every URL is absolute: comic apps resolve nothing against the page they came from.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from artists.models import Artist
from comics.discovery.feeds import xml_text
from comics.discovery.search import SearchQueryError
from comics.discovery.search import search as find
from comics.editions.downloads import (
    CBZ_TYPE,
    WEBPUB_TYPE,
    ShownEpisode,
    baseline_image_href,
    plain_answer,
    stream_href,
)
from comics.images.models import StoredImage
from comics.models import Episode, Series
from comics.reader import public_series
from extensions import db
from web.absolute_urls import absolute, site_origin
from web.languages import language_name, page_language, site_languages, url_for_language
from web.page_cache import cached_page

bp = Blueprint("opds", __name__)

NAVIGATION_TYPE = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
THUMBNAIL_WIDTH = 320
SEARCH_RESULTS = 40
# When nothing is published yet, feeds still need an <updated>: a fixed one keeps their bytes stable.
EPOCH = datetime(2000, 1, 1)


@dataclass(frozen=True)
class ImageLink:
    href: str
    width: int
    height: int


@dataclass(frozen=True)
class NavigationEntry:
    """An entry of a navigation feed: a link to another feed of the catalogue."""

    id: str
    title: str
    updated: str
    href: str
    type: str
    content: str = ""
    language: str = ""
    image: ImageLink | None = None
    thumbnail: ImageLink | None = None


@dataclass(frozen=True)
class EpisodeEntry:
    """An entry of an acquisition feed: one episode in one language, with its CBZ and page stream."""

    id: str
    title: str
    updated: str
    issued: str
    author: str
    author_uri: str
    language: str
    summary: str
    translator: str
    page_url: str
    cbz_url: str
    manifest_url: str
    stream_url: str
    pages: int
    image: ImageLink | None
    thumbnail: ImageLink | None


@dataclass
class Feed:
    """What every feed of the catalogue says about itself."""

    title: str
    self_url: str
    kind: str
    updated: datetime
    up_url: str = ""
    entries: Sequence[NavigationEntry | EpisodeEntry] = field(default_factory=list)


def xml_response(body: str, media_type: str) -> Response:
    """Answer an OPDS document with its media type and its charset, so a browser showing the raw XML
    reads Korean as Korean (the OPDS types carry parameters, so werkzeug adds no charset itself)."""
    return Response(body, content_type=f"{media_type};charset=utf-8")


def atom_time(moment: datetime | None) -> str:
    """Return a stored naive-UTC time as an Atom date (RFC 3339)."""
    return (moment or EPOCH).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def stable_id(*parts: object) -> str:
    """Return a urn:uuid that is the same for the same thing on the same site, and differs between sites."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join([site_origin(), *map(str, parts)])))


def here(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of an endpoint in this page's language."""
    return absolute(url_for(endpoint, **values))


def jpeg_links(image: StoredImage | None) -> tuple[ImageLink | None, ImageLink | None]:
    """Return (image, thumbnail) links to an image as baseline JPEGs at its JPEG renditions' widths: the
    widest, and a narrow one."""
    jpegs = image.sources("jpeg") if image is not None else []
    if image is None or not jpegs:
        return None, None
    small = [rendition for rendition in jpegs if rendition.width <= THUMBNAIL_WIDTH] or jpegs[:1]
    # Baseline copies, not the renditions themselves: those are progressive, which some apps cannot show.
    return (
        ImageLink(baseline_image_href(image, jpegs[-1].width), jpegs[-1].width, jpegs[-1].height),
        ImageLink(baseline_image_href(image, small[-1].width), small[-1].width, small[-1].height),
    )


# --- episodes ------------------------------------------------------------------------------------


def with_entry_rows(query: Select[Episode]) -> Select[Episode]:
    """Load what an episode entry shows with the originals: series, artist, versions, panels, pictures."""
    return query.options(
        joinedload(Episode.series).joinedload(Series.artist).selectinload(Artist.translations),
        joinedload(Episode.series).selectinload(Series.translations),
        joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
        selectinload(Episode.panels),
        selectinload(Episode.translations).selectinload(Episode.panels),
        selectinload(Episode.translations).joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
    )


def episode_entry(original: Episode, language: str) -> EpisodeEntry:
    """Return the acquisition entry of a public original as readers of this language see it."""
    version = original.version_in(language)
    series, shown_language = original.series, version.language
    shown = ShownEpisode(series, original, version)
    title = _("Episode %(number)s: %(title)s", number=version.number, title=version.title)
    image, thumbnail = jpeg_links(version.thumbnail or original.thumbnail)
    moment = max(filter(None, (version.published_at, version.updated_at)))

    def link(endpoint: str) -> str:
        return absolute(url_for_language(shown_language, endpoint, slug=series.slug, number=version.number))

    return EpisodeEntry(
        id=stable_id("episode", original.id, shown_language),
        title=xml_text(f"{series.title_in(language)} · {title}"),
        updated=atom_time(moment),
        issued=(version.published_at or version.created_at).date().isoformat(),
        author=xml_text(series.artist.name_in(language)),
        author_uri=absolute(url_for("artists.profile", slug=series.artist.slug)),
        language=shown_language,
        summary=xml_text(series.summary_in(language)),
        translator=xml_text(version.translator),
        page_url=link("comics.episode_detail"),
        cbz_url=link("editions_downloads.episode_download"),
        manifest_url=link("editions_downloads.episode_manifest"),
        stream_url=stream_href(shown),
        pages=len(version.panels),
        image=image,
        thumbnail=thumbnail,
    )


def acquisition_feed(title: str, self_url: str, originals: Iterable[Episode], up_url: str = "") -> Response:
    """Answer an acquisition feed of these public originals, each in this page's language."""
    language = page_language()
    entries = [episode_entry(original, language) for original in originals]
    updated = max((entry.updated for entry in entries), default=atom_time(None))
    feed = Feed(xml_text(title), self_url, ACQUISITION_TYPE, EPOCH, up_url or here("opds.root"), entries)
    return catalogue_answer(feed, updated)


def catalogue_answer(feed: Feed, updated: str | None = None) -> Response:
    """Render a feed of the catalogue as Atom, with the links every feed carries."""
    body = render_template(
        "opds/feed.xml",
        feed=feed,
        updated=updated or atom_time(feed.updated),
        start_url=here("opds.root"),
        search_url=here("opds.search_description"),
        language=page_language(),
        CBZ_TYPE=CBZ_TYPE,
        WEBPUB_TYPE=WEBPUB_TYPE,
        NAVIGATION_TYPE=NAVIGATION_TYPE,
        ACQUISITION_TYPE=ACQUISITION_TYPE,
        OPENSEARCH_TYPE=OPENSEARCH_TYPE,
    )
    return xml_response(body, feed.kind)


def newest_publication() -> datetime | None:
    return db.session.scalar(Episode.public().with_only_columns(func.max(Episode.published_at)))


# --- routes --------------------------------------------------------------------------------------


@bp.get("/opds/")
@cached_page
def root() -> Response:
    """Serve the root of the catalogue: the latest episodes, every series, each language, search."""
    newest = newest_publication()
    updated = atom_time(newest)
    entries = [
        NavigationEntry(
            id=stable_id("opds", "latest", page_language()),
            title=_("Latest episodes"),
            updated=updated,
            href=here("opds.latest"),
            type=ACQUISITION_TYPE,
            content=_("The newest episodes of every series."),
        ),
        NavigationEntry(
            id=stable_id("opds", "series", page_language()),
            title=_("All series"),
            updated=updated,
            href=here("opds.series_list"),
            type=NAVIGATION_TYPE,
            content=_("Every series, each with all its episodes."),
        ),
    ]
    for code in site_languages():
        entries.append(
            NavigationEntry(
                id=stable_id("opds", "language", code),
                title=language_name(code),
                updated=updated,
                href=absolute(url_for_language(code, "opds.root")),
                type=NAVIGATION_TYPE,
                content=language_name(code),
                language=code,
            )
        )
    feed = Feed(current_app.config["SITE_NAME"], here("opds.root"), NAVIGATION_TYPE, newest or EPOCH, entries=entries)
    return catalogue_answer(feed)


@bp.get("/opds/latest/")
@cached_page
def latest() -> Response:
    """Serve the newest public episodes of the whole site."""
    originals = db.session.scalars(
        with_entry_rows(Episode.public())
        .order_by(Episode.published_at.desc(), Episode.id.desc())
        .limit(int(current_app.config["FEED_LENGTH"]))
    ).unique()
    return acquisition_feed(_("Latest episodes"), here("opds.latest"), originals)


@bp.get("/opds/series/")
@cached_page
def series_list() -> Response:
    """Serve every public series, each a link to its acquisition feed."""
    language = page_language()
    rows = db.session.execute(
        Episode.public().with_only_columns(Episode.series_id, func.max(Episode.published_at)).group_by(Episode.series_id)
    )
    newest: dict[int, datetime | None] = {row[0]: row[1] for row in rows}
    entries = []
    for series in public_series():
        image, thumbnail = jpeg_links(series.cover)
        entries.append(
            NavigationEntry(
                id=stable_id("series", series.id, language),
                title=xml_text(series.title_in(language)),
                updated=atom_time(newest.get(series.id)),
                href=here("opds.series_feed", slug=series.slug),
                type=ACQUISITION_TYPE,
                content=xml_text(series.summary_in(language)),
                image=image,
                thumbnail=thumbnail,
            )
        )
    updated = max((moment for moment in newest.values() if moment is not None), default=EPOCH)
    feed = Feed(_("All series"), here("opds.series_list"), NAVIGATION_TYPE, updated, entries=entries)
    return catalogue_answer(feed)


@bp.get("/opds/series/<slug>/")
@cached_page
def series_feed(slug: str) -> Response:
    """Serve every public episode of one series, by number."""
    series = db.session.scalar(Series.public().where(Series.slug == slug))
    if series is None:
        abort(404)  # unknown, or with nothing public yet: the same for readers
    originals = db.session.scalars(
        with_entry_rows(Episode.public().where(Episode.series_id == series.id)).order_by(Episode.number)
    ).unique()
    return acquisition_feed(
        series.title_in(page_language()), here("opds.series_feed", slug=series.slug), originals, here("opds.series_list")
    )


@bp.get("/opds/search.xml")
@cached_page
def search_description() -> Response:
    """Serve the OpenSearch description that tells comic apps how to search the catalogue."""
    body = render_template(
        "opds/search.xml",
        template=here("opds.search_results") + "?q={searchTerms}",
        language=page_language(),
        ACQUISITION_TYPE=ACQUISITION_TYPE,
    )
    return xml_response(body, OPENSEARCH_TYPE)


@bp.get("/opds/search")
@cached_page
def search_results() -> Response:
    """Serve the public episodes matching a search: those found, and every episode of a series found."""
    query = request.args.get("q", "").strip()
    if not query:
        return plain_answer(_("Give words to search for, as in /opds/search?q=lantern."), 400)
    try:
        results = search_episodes(query)
    except SearchQueryError as error:
        return plain_answer(str(error), 400)
    self_url = here("opds.search_results", q=query)
    return acquisition_feed(_("Search: %(query)s", query=query), self_url, results)


def search_episodes(query: str) -> list[Episode]:
    """Return the public originals a search finds, best first; a series found stands for its episodes."""
    ids: list[int] = []
    for hit in find(query, per_page=SEARCH_RESULTS).hits:
        if hit.kind == "episode":
            ids.append(hit.item.id)
        elif hit.kind == "series":
            ids.extend(db.session.scalars(Episode.public().with_only_columns(Episode.id).where(Episode.series_id == hit.item.id).order_by(Episode.number)))
    order = {episode_id: index for index, episode_id in enumerate(dict.fromkeys(ids))}
    found = db.session.scalars(with_entry_rows(Episode.public().where(Episode.id.in_(order)))).unique()
    return sorted(found, key=lambda episode: order[episode.id])[:SEARCH_RESULTS]
