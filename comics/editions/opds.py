"""The OPDS 1.2 catalogue: comic apps (Panels, KOReader, Mihon, Chunky) browse, search and download here.

/opds/ is the root navigation feed: the latest episodes, every series, the catalogue in each language,
and an OpenSearch description. Each series has an acquisition feed with an entry per public episode:
its CBZ (open access), its cover and thumbnail, and an OPDS-PSE 1.2 stream of its pages
(comics.editions.downloads). The latest episodes, a search and a series' feed come a page at a time
(?page=N), each page linking the first, previous, next and last (RFC 5005), so an app reaches every
episode. Like every page, the catalogue is in the language of its URL (/ko/opds/…),
and each entry is the episode's version in that language, or its original where it has none.

Only what readers may see now is listed: public originals (Episode.public()) and their public
versions. Every URL is absolute: comic apps resolve nothing against the page they came from.
"""
from __future__ import annotations

import math
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
from settings import site_name
from web.absolute_urls import absolute, site_origin
from web.languages import native_name, page_language, site_languages, url_for_language
from web.page_cache import cached_page

bp = Blueprint("opds", __name__)

NAVIGATION_TYPE = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
THUMBNAIL_WIDTH = 320
# Entries per page of a paged feed (the latest episodes: the FEED_LENGTH setting). Every page links
# the first, previous, next and last, so an app can walk to every episode (RFC 5005 paging).
SEARCH_RESULTS = 40
SERIES_PAGE_SIZE = 50
# A search lists at most this many episodes, over its pages: past it, words that say more are better.
SEARCH_MOST = 1000
SEARCH_HITS_PER_QUERY = 100
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


@dataclass(frozen=True)
class Paging:
    """Where a page of a paged feed stands: its number, its count, and the URL of any page."""

    number: int
    last: int
    endpoint: str
    values: dict[str, Any]

    def url(self, number: int) -> str:
        """Return the absolute URL of a page; the first is the feed's own URL, without ?page."""
        return here(self.endpoint, **self.values, **({"page": number} if number > 1 else {}))

    @property
    def links(self) -> list[tuple[str, str]]:
        """Return the (rel, URL) links to the first, previous, next and last pages that exist."""
        links = [("first", self.url(1))]
        if self.number > 1:
            links.append(("previous", self.url(self.number - 1)))
        if self.number < self.last:
            links.append(("next", self.url(self.number + 1)))
        links.append(("last", self.url(self.last)))
        return links


def requested_page() -> int:
    """Return the page number the request asks for (?page=N, from 1); a bad one is a 400."""
    raw = request.args.get("page", "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or int(raw) < 1:
        abort(plain_answer(_("page must be a whole number from 1, such as 2; not “%(value)s”.", value=raw[:40]), 400))
    return int(raw)


def paging(total: int, per_page: int, endpoint: str, **values: Any) -> Paging:
    """Return the page asked for of a feed of total entries; a page past the last is a 404."""
    number, last = requested_page(), max(1, math.ceil(total / per_page))
    if number > last:
        abort(plain_answer(_("This feed's pages are numbered from 1 to %(last)s; there is no page %(page)s.", last=last, page=number), 404))
    return Paging(number, last, endpoint, values)


@dataclass
class Feed:
    """What every feed of the catalogue says about itself."""

    title: str
    self_url: str
    kind: str
    updated: datetime
    up_url: str = ""
    entries: Sequence[NavigationEntry | EpisodeEntry] = field(default_factory=list)
    paging: Paging | None = None


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


def acquisition_feed(title: str, originals: Iterable[Episode], page: Paging, up_url: str = "") -> Response:
    """Answer one page of an acquisition feed of these public originals, each in this page's language."""
    language = page_language()
    entries = [episode_entry(original, language) for original in originals]
    updated = max((entry.updated for entry in entries), default=atom_time(None))
    self_url = page.url(page.number)
    feed = Feed(xml_text(title), self_url, ACQUISITION_TYPE, EPOCH, up_url or here("opds.root"), entries, page)
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


def public_count(episodes: Select[Episode]) -> int:
    """Return how many public originals a query of them finds."""
    return db.session.scalar(episodes.with_only_columns(func.count(Episode.id)).order_by(None)) or 0


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
                title=native_name(code),
                updated=updated,
                href=absolute(url_for_language(code, "opds.root")),
                type=NAVIGATION_TYPE,
                content=native_name(code),
                language=code,
            )
        )
    feed = Feed(site_name(), here("opds.root"), NAVIGATION_TYPE, newest or EPOCH, entries=entries)
    return catalogue_answer(feed)


@bp.get("/opds/latest/")
@cached_page
def latest() -> Response:
    """Serve the public episodes of the whole site, newest first, a page at a time."""
    per_page = int(current_app.config["FEED_LENGTH"])
    page = paging(public_count(Episode.public()), per_page, "opds.latest")
    originals = db.session.scalars(
        with_entry_rows(Episode.public())
        .order_by(Episode.published_at.desc(), Episode.id.desc())
        .offset((page.number - 1) * per_page)
        .limit(per_page)
    ).unique()
    return acquisition_feed(_("Latest episodes"), originals, page)


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
        image, thumbnail = jpeg_links(series.cover_in(language))
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
    episodes = Episode.public().where(Episode.series_id == series.id)
    page = paging(public_count(episodes), SERIES_PAGE_SIZE, "opds.series_feed", slug=series.slug)
    originals = db.session.scalars(
        with_entry_rows(episodes)
        .order_by(Episode.number)
        .offset((page.number - 1) * SERIES_PAGE_SIZE)
        .limit(SERIES_PAGE_SIZE)
    ).unique()
    return acquisition_feed(series.title_in(page_language()), originals, page, here("opds.series_list"))


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
    requested_page()  # a bad page number is refused before any search is made
    try:
        ids = search_episode_ids(query)
    except SearchQueryError as error:
        return plain_answer(str(error), 400)
    page = paging(len(ids), SEARCH_RESULTS, "opds.search_results", q=query)
    shown = ids[(page.number - 1) * SEARCH_RESULTS : page.number * SEARCH_RESULTS]
    order = {episode_id: index for index, episode_id in enumerate(shown)}
    found = db.session.scalars(with_entry_rows(Episode.public().where(Episode.id.in_(order)))).unique()
    results = sorted(found, key=lambda episode: order[episode.id])
    return acquisition_feed(_("Search: %(query)s", query=query), results, page)


def search_episode_ids(query: str) -> list[int]:
    """Return the ids of the public originals a search finds, best first, at most SEARCH_MOST; a series
    found stands for its episodes."""
    ids: dict[int, None] = {}
    number, pages = 1, 1
    while number <= pages and len(ids) < SEARCH_MOST:
        results = find(query, page=number, per_page=SEARCH_HITS_PER_QUERY)
        for hit in results.hits:
            if hit.kind == "episode":
                ids[hit.item.id] = None
            elif hit.kind == "series":
                episodes = Episode.public().with_only_columns(Episode.id).where(Episode.series_id == hit.item.id)
                ids.update(dict.fromkeys(db.session.scalars(episodes.order_by(Episode.number))))
        number, pages = number + 1, results.pages
    return list(ids)[:SEARCH_MOST]
