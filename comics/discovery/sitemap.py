"""What crawlers and browsers ask of every site at fixed addresses: robots.txt, a sitemap of the public
pages only, and /favicon.ico.

/sitemap.xml is a sitemap index: one sitemap of the home, series and artist pages, and the public
episodes in sitemaps of at most SITEMAP_PAGE_SIZE addresses each (the protocol allows 50,000), so a
catalogue of any size stays within what crawlers accept.

Every page is listed in each language of the site, each entry naming all of its languages with
xhtml:link alternates (and x-default, the default language's page), as the pages' own hreflang links
do; so a sitemap holds SITEMAP_PAGE_SIZE addresses, not pages.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, redirect, url_for
from sqlalchemy import func, select

from artists.models import Artist
from comics.models import Episode, Series
from extensions import db
from settings import default_language, site_languages
from web.absolute_urls import absolute, absolute_url_for
from web.languages import url_for_language
from web.page_cache import cached_page
from web.static_assets import static_url

bp = Blueprint("sitemap", __name__)

SITEMAP_LIMIT = 50_000
XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
# Kept out of search engines: the studio and accounts, outbound redirects, and search results pages.
DISALLOWED = ("/studio/", "/account/", "/go/", "/search")


def page_size() -> int:
    """Return how many pages one sitemap lists: each in every language, within the address limit."""
    addresses = max(1, min(SITEMAP_LIMIT, int(current_app.config["SITEMAP_PAGE_SIZE"])))
    return max(1, addresses // len(site_languages()))


Page = tuple[list[tuple[str, str]], datetime | None]  # ((language, absolute URL) for each language, lastmod)


def in_every_language(endpoint: str, **values: Any) -> list[tuple[str, str]]:
    """Return (language, absolute URL) of a page in each language of the site, the default first."""
    return [(code, absolute(url_for_language(code, endpoint, **values))) for code in site_languages()]


def w3c_date(moment: datetime | None) -> str | None:
    """Return a stored naive-UTC time as a sitemap lastmod."""
    return f"{moment.replace(microsecond=0).isoformat()}+00:00" if moment else None


def url_entries(pages: Iterable[Page]) -> str:
    """Return a <urlset> of every page in each language, with its alternates and last modification."""
    default = default_language()
    lines = [XML_HEADER, f'<urlset xmlns="{NAMESPACE}" xmlns:xhtml="{XHTML_NAMESPACE}">\n']
    for versions, modified in pages:
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(url)}"/>' for code, url in versions
        ) + "".join(
            f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(url)}"/>' for code, url in versions if code == default
        )
        for _code, location in versions:
            lines.append(f"  <url><loc>{escape(location)}</loc>")
            if modified is not None:
                lines.append(f"<lastmod>{w3c_date(modified)}</lastmod>")
            lines.append(f"{alternates}</url>\n")
    lines.append("</urlset>\n")
    return "".join(lines)


def xml_response(body: str) -> Response:
    return Response(body, mimetype="application/xml")


def public_episode_count() -> int:
    return db.session.scalar(Episode.public().with_only_columns(func.count())) or 0


@bp.get("/sitemap.xml")
@cached_page
def sitemap_index() -> Response:
    """List the site's sitemaps."""
    newest = db.session.scalar(Episode.public().with_only_columns(func.max(Episode.published_at)))
    episode_pages = math.ceil(public_episode_count() / page_size())
    locations = [absolute_url_for("sitemap.pages")]
    locations += [absolute_url_for("sitemap.episodes", number=number) for number in range(1, episode_pages + 1)]
    lines = [XML_HEADER, f'<sitemapindex xmlns="{NAMESPACE}">\n']
    for location in locations:
        lastmod = f"<lastmod>{w3c_date(newest)}</lastmod>" if newest else ""
        lines.append(f"  <sitemap><loc>{escape(location)}</loc>{lastmod}</sitemap>\n")
    lines.append("</sitemapindex>\n")
    return xml_response("".join(lines))


@bp.get("/sitemaps/pages.xml")
@cached_page
def pages() -> Response:
    """List the home page, every public series and every artist with a public series."""
    newest_by_series = (
        Episode.public()
        .with_only_columns(Episode.series_id, func.max(Episode.published_at).label("newest"))
        .group_by(Episode.series_id)
        .subquery()
    )
    series_rows = db.session.execute(
        select(Series.slug, Series.artist_id, newest_by_series.c.newest)
        .join(newest_by_series, newest_by_series.c.series_id == Series.id)
        .order_by(Series.slug)
    ).all()
    artist_newest: dict[int, datetime] = {}
    for _, artist_id, newest in series_rows:
        artist_newest[artist_id] = max(newest, artist_newest.get(artist_id, newest))
    artist_slugs = dict(db.session.execute(select(Artist.id, Artist.slug).where(Artist.id.in_(artist_newest))).all())
    overall = max(artist_newest.values(), default=None)
    entries: list[Page] = [(in_every_language("comics.home"), overall)]
    entries += [(in_every_language("comics.series_detail", slug=slug), newest) for slug, _, newest in series_rows]
    entries += [
        (in_every_language("artists.profile", slug=artist_slugs[artist_id]), newest)
        for artist_id, newest in sorted(artist_newest.items(), key=lambda item: artist_slugs[item[0]])
    ]
    return xml_response(url_entries(entries))


@bp.get("/sitemaps/episodes-<page_number:number>.xml")
@cached_page
def episodes(number: int) -> Response:
    """List one sitemap's worth of public episodes, oldest first so earlier sitemaps rarely change."""
    size = page_size()
    if number < 1 or number > max(1, math.ceil(public_episode_count() / size)):
        abort(404)
    rows = db.session.execute(
        Episode.public()
        .join(Series, Series.id == Episode.series_id)
        .with_only_columns(Series.slug, Episode.number, Episode.published_at, Episode.updated_at)
        .order_by(Episode.id)
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    entries = [
        (
            in_every_language("comics.episode_detail", slug=slug, number=episode_number),
            max(published, updated) if published and updated else published,
        )
        for slug, episode_number, published, updated in rows
    ]
    return xml_response(url_entries(entries))


@bp.get("/robots.txt")
def robots() -> Response:
    """Tell crawlers what to leave alone and where the sitemap is."""
    prefixes = ["", *(f"/{code}" for code in site_languages() if code != default_language())]
    lines = ["User-agent: *", *(f"Disallow: {prefix}{path}" for prefix in prefixes for path in DISALLOWED), "Allow: /", ""]
    lines.append(f"Sitemap: {absolute(url_for('sitemap.sitemap_index'))}")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Send what browsers, feed readers and catalogue apps ask for by habit to the site's icon.

    Pages name the icon themselves (<link rel="icon">); this address is for what has no page to read it
    from (a feed, an OPDS catalogue, a raw XML view), which would otherwise get a 404 on every visit.
    """
    response = redirect(static_url("icons/favicon.svg"), 302)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response  # type: ignore[return-value]
