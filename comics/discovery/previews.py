"""What a page tells link previews and search engines: Open Graph and Twitter tags, canonical URLs, JSON-LD."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from artists.links import is_allowed_link_url
from artists.models import Artist
from comics.discovery import card_drawing
from comics.discovery.share_cards import (
    episode_card_subject,
    series_card_subject,
    series_picture_master,
)
from comics.media import media_url
from comics.models import Episode, Series
from settings import site_name
from web.absolute_urls import absolute, absolute_url_for
from web.languages import page_language, url_for_language
from web.markup import render_markdown

DESCRIPTION_LENGTH = 200  # characters of a page's description, cut at a word


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
    return {"@type": "Organization", "name": site_name(), "url": absolute_url_for("comics.home")}


def person_json_ld(artist: Artist) -> dict[str, Any]:
    """Return schema.org Person data for an artist, named as for this page's readers."""
    return {"@type": "Person", "name": artist.name_in(page_language()), "url": absolute_url_for("artists.profile", slug=artist.slug)}


def episode_sharing(series: Series, episode: Episode) -> SharePage:
    """Return the previews and structured data of an episode page (its panels loaded).

    episode is the version the page shows: its language is the page's inLanguage, and a version
    names its translator and the original it translates.
    """
    language = page_language()
    series_title, artist_name = series.title_in(language), series.artist.name_in(language)
    url = absolute_url_for("comics.episode_detail", slug=series.slug, number=episode.number)
    master = episode.panels[0].image.master if episode.panels else None
    subject = episode_card_subject(series, episode, master)
    title = f"{episode.title} · {series_title}"
    description = plain_text(episode.author_note) or _(
        "Episode %(number)s of %(series)s, a webtoon by %(artist)s.", number=episode.number, series=series_title, artist=artist_name
    )
    image = PreviewImage(
        url=_card_url("sharing.episode_card", subject.key, slug=series.slug, number=episode.number),
        width=card_drawing.CARD_SIZE[0],
        height=card_drawing.CARD_SIZE[1],
        alt=_("%(title)s, episode %(number)s of %(series)s", title=episode.title, number=episode.number, series=series_title),
    )
    published = f"{episode.published_at.replace(microsecond=0).isoformat()}Z" if episode.published_at else None
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ComicIssue",
        "name": episode.title,
        "issueNumber": episode.number,
        "url": url,
        "inLanguage": episode.language,
        "image": image.url,
        "description": description,
        "author": person_json_ld(series.artist),
        "publisher": _organisation(),
        "isPartOf": {"@type": "ComicSeries", "name": series_title, "url": absolute_url_for("comics.series_detail", slug=series.slug)},
    }
    if episode.original is not None:
        json_ld["translator"] = {"@type": "Person", "name": episode.translator} if episode.translator else _organisation()
        json_ld["translationOfWork"] = {
            "@type": "ComicIssue",
            "name": episode.original.title,
            "inLanguage": episode.original.language,
            "url": absolute(url_for_language(episode.original.language, "comics.episode_detail", slug=series.slug, number=episode.number)),
        }
    if published:
        json_ld["datePublished"] = published
    properties = [("article:published_time", published)] if published else []
    return SharePage(title, description, url, "article", json_ld, image, properties)


def series_sharing(series: Series, page: int = 1) -> SharePage:
    """Return the previews and structured data of a series page."""
    url = absolute_url_for("comics.series_detail", slug=series.slug, **({"page": page} if page > 1 else {}))
    language = page_language()
    series_title, artist_name = series.title_in(language), series.artist.name_in(language)
    subject = series_card_subject(series, series_picture_master(series, language), language)
    description = plain_text(series.summary_in(language)) or _("A webtoon by %(artist)s.", artist=artist_name)
    image = PreviewImage(
        url=_card_url("sharing.series_card", subject.key, slug=series.slug),
        width=card_drawing.CARD_SIZE[0],
        height=card_drawing.CARD_SIZE[1],
        alt=_("%(series)s, a webtoon by %(artist)s", series=series_title, artist=artist_name),
    )
    json_ld = {
        "@context": "https://schema.org",
        "@type": "ComicSeries",
        "name": series_title,
        "url": absolute_url_for("comics.series_detail", slug=series.slug),
        "description": description,
        "inLanguage": series.language,
        "image": image.url,
        "author": person_json_ld(series.artist),
        "publisher": _organisation(),
    }
    return SharePage(series_title, description, url, "website", json_ld, image)


def artist_sharing(artist: Artist) -> SharePage:
    """Return the previews and structured data of an artist's profile."""
    url = absolute_url_for("artists.profile", slug=artist.slug)
    language = page_language()
    name = artist.name_in(language)
    description = plain_text(artist.bio_in(language)) or _("Webtoons by %(artist)s on %(site)s.", artist=name, site=site_name())
    json_ld = {"@context": "https://schema.org", **person_json_ld(artist), "description": description}
    image = None
    if artist.avatar is not None:
        jpegs = artist.avatar.sources("jpeg")
        if jpegs:
            largest = jpegs[-1]
            image = PreviewImage(absolute(media_url(largest.file)), largest.width, largest.height, name)
            json_ld["image"] = image.url
    # The artist's own public pages elsewhere, as they listed them: search engines join the profiles.
    same_as = [link.url for link in artist.links if is_allowed_link_url(link.url) and not link.url.lower().startswith("mailto:")]
    if same_as:
        json_ld["sameAs"] = same_as
    return SharePage(name, description, url, "profile", json_ld, image)


def home_sharing() -> SharePage:
    """Return the previews and structured data of the home page, with the site search for crawlers."""
    url = absolute_url_for("comics.home")
    name = site_name()
    description = _("%(site)s publishes webtoons by artists who escaped North Korea, in their own words and pictures.", site=name)
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
