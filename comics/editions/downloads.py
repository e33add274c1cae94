"""Open formats on the web: an episode's CBZ, its pages one at a time (OPDS-PSE) and its Divina manifest.

Every route answers only for what the episode page itself shows: a public original (comics.reader's
lookups, so "public now" stays one rule) and, in the page's language, its public version in that
language or else the original. A draft or scheduled episode, or a draft version, is a 404 everywhere.

The CBZ is the offline edition's (comics.editions.cbz.build_cbz, one builder) with a neutral imprint,
so a downloaded file names no site, like a carried one. Its bytes are kept in the cache under the
content version, so an edit is never served stale and an unchanged episode is built once.

Pages for page streaming are baseline JPEGs at one of the site's named widths only (RENDITION_WIDTHS),
never a size taken from the URL, except below the narrowest: there maxWidth is rounded down to a
multiple of 80 px, down to a floor of 240 px (stream_width), so the widths ever cached stay few. The JPEG renditions the reader uses are progressive (docs/imaging.md),
which some comic apps and old devices cannot decode, so a page is re-encoded from its master through
the editions' baseline encoder unless its rendition at that width is already baseline; pages are
cached by master and width, which are content-addressed and so never stale.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from comics.editions.cbz import build_cbz
from comics.editions.jpeg import EDITION_MAX_WIDTH, EncodedPage, encode_page, page_encoder
from comics.editions.records import episode_content
from comics.images.encoding import MASTER_EXTENSION, scaled_height
from comics.images.models import StoredImage
from comics.media import media_url
from comics.models import Episode, Panel, Series
from comics.reader import get_public_episode_or_404, get_series_or_404, version_to_show
from comics.site_images import media_store, open_master
from extensions import cache, db
from web.absolute_urls import absolute
from web.languages import page_language, url_for_language
from web.page_cache import cached_page, content_version

bp = Blueprint("editions_downloads", __name__)

CBZ_TYPE = "application/vnd.comicbook+zip"
WEBPUB_TYPE = "application/webpub+json"
# Page streaming below the narrowest named width: the smallest page sent (narrower is unreadable on
# any screen a comic app runs on) and the step maxWidth is rounded down to, so the cache stays bounded.
STREAM_MIN_WIDTH = 240
STREAM_WIDTH_STEP = 80
# Revalidated on every use, like the site's pages: an episode taken down must not live on in a proxy.
DOWNLOAD_CACHE_CONTROL = "public, no-cache"


@dataclass(frozen=True)
class ShownEpisode:
    """A public episode as readers of one language see it: its series, its original and the version shown."""

    series: Series
    original: Episode
    version: Episode

    @property
    def language(self) -> str:
        return self.version.language


def shown_episode_or_404(slug: str, number: int) -> ShownEpisode:
    """Return the episode page's episode in the page's language, or answer 404 as that page would."""
    series = get_series_or_404(slug)
    original = get_public_episode_or_404(series, number)
    return ShownEpisode(series, original, version_to_show(original, page_language()))


def version_by_id_or_404(original_id: int, language: str) -> ShownEpisode:
    """Return a public original's version in a language by the original's id, or answer 404.

    The language must be the version's own (the original's, or a public version's): a catalogue only
    links a version by its own language, so each file has exactly one address.
    """
    original = db.session.scalar(
        Episode.public()
        .where(Episode.id == original_id)
        .options(joinedload(Episode.series).joinedload(Series.artist), selectinload(Episode.translations))
    )
    if original is None:
        abort(404)
    version = version_to_show(original, language)
    if version.language != language:
        abort(404)
    return ShownEpisode(original.series, original, version)


def plain_answer(message: str, status: int) -> Response:
    """Answer a comic app's bad request with a sentence it can show (they do not render HTML pages)."""
    return Response(message + "\n", status, mimetype="text/plain")


# --- file names and caching ----------------------------------------------------------------------


def download_name(shown: ShownEpisode, suffix: str) -> str:
    """Return the file name of a download, e.g. the-lantern-road-001-ko.cbz."""
    return f"{shown.series.slug}-{shown.version.number:03d}-{shown.language}.{suffix}"


def content_disposition(name: str) -> str:
    """Return an attachment header with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987)."""
    fallback = "".join(char if char.isascii() and char.isprintable() and char not in '"\\' else "_" for char in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def binary_answer(data: bytes, mimetype: str) -> Response:
    """Return bytes with a strong ETag, revalidated on each use and answered 304 when unchanged; a
    Range is answered with its part (206), or 416 when it lies outside, so a download cut off on a slow
    connection resumes where it stopped."""
    response = Response(data, mimetype=mimetype)
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.headers["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    return response


# --- pages ---------------------------------------------------------------------------------------


def named_width(max_width: int) -> int:
    """Return the widest of the site's named rendition widths that fits max_width, else the narrowest."""
    widths = sorted(int(width) for width in current_app.config["RENDITION_WIDTHS"])
    fitting = [width for width in widths if width <= max_width]
    return fitting[-1] if fitting else widths[0]


def stream_width(max_width: int) -> int:
    """Return the width a streamed page is sent at for an app's maxWidth.

    At or above the narrowest named width, the widest named width that fits. Below it, small screens
    (old e-readers, watches) are honoured too: maxWidth rounded down to a multiple of STREAM_WIDTH_STEP,
    never below STREAM_MIN_WIDTH, so at most a few extra widths are ever encoded and cached per page.
    """
    narrowest = min(int(width) for width in current_app.config["RENDITION_WIDTHS"])
    if max_width >= narrowest:
        return named_width(max_width)
    return max(STREAM_MIN_WIDTH, max_width - max_width % STREAM_WIDTH_STEP)


def version_panels(version: Episode) -> Sequence[Panel]:
    """Return a version's panels with their images and renditions, in reading order."""
    return list(
        db.session.scalars(
            select(Panel)
            .where(Panel.episode_id == version.id)
            .order_by(Panel.position)
            .options(joinedload(Panel.image).selectinload(StoredImage.renditions))
        ).unique()
    )


def baseline_page(image: StoredImage, width: int) -> EncodedPage:
    """Return a panel as an edition page, a baseline JPEG at most width wide, encoded once and cached.

    From the master: the site's JPEG renditions are progressive, which some comic apps cannot show.
    The key names the master's content hash and the page encoder, so a cached page is never stale.
    """
    key = f"editions/page/{page_encoder()}/{image.master}/{width}"
    page: EncodedPage | None = cache.get(key)
    if page is None:
        page = encode_page(open_master(image), max_width=width)
        cache.set(key, page)
    return page


def episode_pages(version: Episode, max_width: int = EDITION_MAX_WIDTH) -> list[EncodedPage]:
    """Return every panel of a version as an edition page (the pages page streaming sends too)."""
    return [baseline_page(panel.image, max_width) for panel in version_panels(version)]


def episode_cbz(shown: ShownEpisode) -> bytes:
    """Return the CBZ of the version shown, built once per content version and kept in the cache."""
    key = f"editions/cbz/{content_version()}/{shown.original.id}/{shown.language}"
    data: bytes | None = cache.get(key)
    if data is None:
        data = build_cbz(episode_content(shown.version, media_store()), episode_pages(shown.version))
        cache.set(key, data)
    return data


# --- routes --------------------------------------------------------------------------------------


@bp.get("/series/<slug>/<episode_number:number>/episode.cbz")
def episode_download(slug: str, number: int) -> Response:
    """Send an episode as a CBZ for comic apps, in the page's language where it has a version."""
    shown = shown_episode_or_404(slug, number)
    response = binary_answer(episode_cbz(shown), CBZ_TYPE)
    response.headers["Content-Disposition"] = content_disposition(download_name(shown, "cbz"))
    return response


@bp.get("/opds/pages/<row_id:episode_id>/<lang>/<int(max=99999):page>")
def stream_page(episode_id: int, lang: str, page: int) -> Response:
    """Send one page of an episode for OPDS page streaming: a baseline JPEG at a named width."""
    raw = request.args.get("maxWidth", "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        return plain_answer(_("maxWidth must be a whole number of pixels, such as 800; not “%(value)s”.", value=raw[:40]), 400)
    shown = version_by_id_or_404(episode_id, lang)
    panels = version_panels(shown.version)
    if page >= len(panels):
        return plain_answer(
            _("This episode has %(count)s pages, numbered from 0 to %(last)s; there is no page %(page)s.", count=len(panels), last=len(panels) - 1, page=page),
            404,
        )
    width = stream_width(int(raw) if raw else EDITION_MAX_WIDTH)
    return binary_answer(baseline_page(panels[page].image, width).data, "image/jpeg")


@bp.get("/opds/images/<digest>/<int(max=99999):width>.jpg")
def baseline_image(digest: str, width: int) -> Response:
    """Send a cover or thumbnail the catalogue links to as a baseline JPEG, like the pages.

    The site's own JPEG renditions are progressive, which some comic apps cannot decode. The image is
    named by its master's content hash, as its media files are, so this reveals nothing they do not;
    only the widths of its JPEG renditions are sent (the widths the catalogue links to).
    """
    if not (len(digest) <= 64 and digest.isascii() and all(char in "0123456789abcdef" for char in digest)):
        abort(404)
    image = db.session.scalar(
        select(StoredImage)
        .where(StoredImage.master == f"{digest[:2]}/{digest}.{MASTER_EXTENSION}")
        .options(selectinload(StoredImage.renditions))
        .limit(1)
    )
    if image is None:
        abort(404)
    widths = sorted({rendition.width for rendition in image.sources("jpeg")})
    if width not in widths:
        return plain_answer(_("This image is sent %(widths)s px wide; not %(width)s px.", widths=", ".join(map(str, widths)), width=width), 404)
    return binary_answer(baseline_page(image, width).data, "image/jpeg")


def baseline_image_href(image: StoredImage, width: int) -> str:
    """Return the absolute URL of an image's baseline JPEG at one of its JPEG renditions' widths."""
    digest = image.master.rsplit("/", 1)[-1].split(".", 1)[0]
    return absolute(url_for("editions_downloads.baseline_image", digest=digest, width=width))


def stream_href(shown: ShownEpisode) -> str:
    """Return the OPDS-PSE template of a version's pages, {pageNumber} and {maxWidth} left for the app."""
    first = url_for_language(
        shown.language, "editions_downloads.stream_page", episode_id=shown.original.id, lang=shown.language, page=0
    )
    # url_for would percent-encode the braces: the template's variables are put in by hand.
    return absolute(first.removesuffix("/0") + "/{pageNumber}?maxWidth={maxWidth}")


def manifest(shown: ShownEpisode) -> dict[str, Any]:
    """Return the Readium Web Publication manifest of a version, Divina profile, read scrolling down."""
    series, version, language = shown.series, shown.version, shown.language
    width = named_width(EDITION_MAX_WIDTH)
    reading_order: list[dict[str, Any]] = []
    for index, panel in enumerate(version_panels(version)):
        shown_width = min(width, panel.image.width)
        height = scaled_height(panel.image.width, panel.image.height, shown_width)
        href = url_for_language(
            language, "editions_downloads.stream_page", episode_id=shown.original.id, lang=language, page=index
        )
        item: dict[str, Any] = {"href": absolute(href) + f"?maxWidth={width}", "type": "image/jpeg", "width": shown_width, "height": height}
        if panel.alt_text:
            item["title"] = panel.alt_text
        reading_order.append(item)
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/ComicStory",
        "conformsTo": "https://readium.org/webpub-manifest/profiles/divina",
        "identifier": f"urn:x-episode:{shown.original.id}:{language}",
        "title": version.title,
        "author": series.artist.name_in(language),
        "language": language,
        "belongsTo": {"series": {"name": series.title_in(language), "position": version.number}},
        # A webtoon: one continuous strip, read top to bottom, each panel the width of the screen. The
        # Divina profile reads the layout from metadata itself; older readers from presentation.
        "layout": "scrolled",
        "presentation": {"overflow": "scrolled", "continuous": True, "fit": "width", "layout": "scrolled"},
    }
    if version.translator:
        metadata["translator"] = version.translator
    if version.published_at is not None:
        metadata["published"] = version.published_at.date().isoformat()
    self_href = absolute(url_for_language(language, "editions_downloads.episode_manifest", slug=series.slug, number=version.number))
    links: list[dict[str, Any]] = [{"rel": "self", "href": self_href, "type": WEBPUB_TYPE}]
    cbz = url_for_language(language, "editions_downloads.episode_download", slug=series.slug, number=version.number)
    links.append({"rel": "alternate", "href": absolute(cbz), "type": CBZ_TYPE})
    thumbnail = version.thumbnail or shown.original.thumbnail
    resources = []
    if thumbnail is not None and thumbnail.sources("jpeg"):
        cover = thumbnail.sources("jpeg")[-1]
        resources.append({"rel": "cover", "href": absolute(media_url(cover.file)), "type": "image/jpeg", "width": cover.width, "height": cover.height})
    document: dict[str, Any] = {
        "@context": "https://readium.org/webpub-manifest/context.jsonld",
        "metadata": metadata,
        "links": links,
        "readingOrder": reading_order,
    }
    if resources:
        document["resources"] = resources
    return document


@bp.get("/series/<slug>/<episode_number:number>/manifest.json")
@cached_page
def episode_manifest(slug: str, number: int) -> Response:
    """Serve an episode's Readium Web Publication manifest, in the page's language where it has a version."""
    response = jsonify(manifest(shown_episode_or_404(slug, number)))
    response.mimetype = WEBPUB_TYPE
    return response
