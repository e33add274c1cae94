"""The demo artist and series, drawn by comics.demo.art and loaded through the real pipeline.

The series is written in English; each episode also has its Korean version, lettered in Hangul
(comics.demo.script_ko), published with it, and the series and artist have their words in Korean. The
Give page gets an example donation link in each language, so a new site shows how giving works.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import click
from flask import current_app
from PIL.Image import Image
from sqlalchemy import select

from artists.models import Artist, ArtistLink, ArtistTranslation, LinkKind
from comics.catalogue import create_episode, create_version
from comics.clock import utcnow
from comics.demo import art, script_ko
from comics.demo.script import EPISODE_SCRIPTS, DemoEpisode
from comics.giving.models import GiveText, give_texts
from comics.images.ingest import Upload
from comics.models import Episode, Series, SeriesStatus, SeriesTranslation
from comics.site_images import store_single_image
from extensions import db
from settings import site_languages

DEMO_LINKS = (
    (LinkKind.SUPPORT, "Support Haneul's work", "https://example.org/support/haneul", True),
    (LinkKind.SOCIAL, "Mastodon", "https://example.social/@haneul"),
    (LinkKind.SOCIAL, "Instagram", "https://example.com/haneul.draws"),
)
# The Give page's donation link in each language the demo is written in: an example address, so a new
# site shows how giving works (Studio → Give page replaces it); the words stay the interface's own.
DEMO_DONATION_LINKS = {
    "en": "https://example.org/give",
    script_ko.LANGUAGE: "https://example.org/ko/give",
}


def png_upload(image: Image, filename: str, alt_text: str = "", transcript: str = "") -> Upload:
    """Wrap a drawn image as an upload, so the demo takes the same path as an artist's file."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Upload(filename=filename, source=buffer.getvalue(), alt_text=alt_text, transcript=transcript)


@contextmanager
def lettering_left_unread() -> Iterator[None]:
    """Leave the review's reading of lettered panels off while the demo loads (REVIEW_READ_LETTERING).

    The demo's lettering is its own script, stored as its transcripts; reading it back with Tesseract
    takes seconds a panel, which would make `make run`'s first start, and every test and benchmark that
    loads the demo, minutes longer for nothing an editor needs. Everything else the review looks for
    (metadata, photographs, faces) is still looked for.
    """
    config = current_app.config
    before = config["REVIEW_READ_LETTERING"]
    config["REVIEW_READ_LETTERING"] = False
    try:
        yield
    finally:
        config["REVIEW_READ_LETTERING"] = before


def load_demo(progress: Callable[[str], None] = lambda message: None) -> bool:
    """Create the demo artist, series and episodes unless they exist; tell whether anything was made."""
    with lettering_left_unread():
        return load_demo_series(progress)


def load_demo_series(progress: Callable[[str], None]) -> bool:
    script = art.DEMO_SERIES
    if db.session.scalar(select(Series).where(Series.slug == script.slug)) is not None:
        return False
    korean = script_ko.series_in_korean()
    artist = db.session.scalar(select(Artist).where(Artist.slug == script.artist_slug))
    if artist is None:
        artist = Artist(slug=script.artist_slug, display_name=script.artist_name, bio_markdown=script.artist_bio_markdown)
        artist.translations.append(
            ArtistTranslation(language=korean.language, display_name=korean.artist_name, bio_markdown=korean.artist_bio_markdown)
        )
        artist.avatar = store_single_image(png_upload(art.draw_avatar(), "avatar.png"))
        for position, (kind, label, url, *primary) in enumerate(DEMO_LINKS, start=1):
            # A name such as Mastodon is the same in every language; the support button's words are not.
            labels = {korean.language: script_ko.KOREAN[label]} if label in script_ko.KOREAN else {}
            artist.links.append(
                ArtistLink(kind=kind, label=label, labels=labels, url=url, position=position, is_primary=bool(primary))
            )
    series = Series(
        slug=script.slug,
        title=script.title,
        summary=script.summary,
        language=script.language,
        content_warning=script.content_warning,
        status=SeriesStatus.ONGOING,
        artist=artist,
        cover=store_single_image(png_upload(art.draw_cover(), "cover.png")),
    )
    series.translations.append(
        SeriesTranslation(
            language=korean.language,
            title=korean.title,
            summary=korean.summary,
            content_warning=korean.content_warning or "",
            # Lettered in Korean: its title and "글·그림" (story and art) before the pen name.
            cover=store_single_image(
                png_upload(
                    art.draw_cover(title=korean.title, byline=f"글·그림 {korean.artist_name}", language=korean.language),
                    "cover-ko.png",
                )
            ),
        )
    )
    db.session.add(series)
    start = utcnow() - timedelta(days=7 * len(script.episodes))
    for demo_episode in script.episodes:
        progress(f"Drawing episode {demo_episode.number}: {demo_episode.title}")
        uploads = [
            png_upload(art.draw_panel(demo_episode.number, index), f"{index + 1:02d}.png", alt, transcript)
            for index, (alt, transcript) in enumerate(demo_episode.panels)
        ]
        published = start + timedelta(days=7 * demo_episode.number)
        original, _notes = create_episode(
            series, demo_episode.title, uploads, author_note=demo_episode.author_note, publish_at=published
        )
        progress(f"Lettering episode {demo_episode.number} in Korean")
        load_korean_version(original, demo_episode.number, korean.episodes[demo_episode.number - 1], published)
    load_give_links()
    return True


def load_give_links() -> None:
    """Set the example donation link for each language of the site that has no Give page words yet."""
    written = give_texts()
    for language in site_languages():
        if language in DEMO_DONATION_LINKS and language not in written:
            db.session.add(GiveText(language=language, donation_url=DEMO_DONATION_LINKS[language]))
    db.session.commit()


def load_korean_version(original: Episode, number: int, words: DemoEpisode, published: datetime) -> None:
    """Draw the episode again with its Korean lettering, and publish it as the original's Korean version."""
    lettering = script_ko.in_korean(EPISODE_SCRIPTS[number - 1])
    uploads = [
        png_upload(
            art.draw_panel(number, index, letters=lettering.panels[index].letters, language="ko"),
            f"{index + 1:02d}.png",
            alt,
            transcript,
        )
        for index, (alt, transcript) in enumerate(words.panels)
    ]
    create_version(original, script_ko.LANGUAGE, words.title, uploads, author_note=words.author_note, publish_at=published)


@click.command("demo")
def demo_command() -> None:
    """Load the demo artist and series, once; running it again changes nothing."""
    created = load_demo(progress=lambda message: click.echo(message, err=True))
    click.echo("Demo content loaded." if created else "Demo content is already there.")
