"""The demo artist and series, drawn by comics.demo_art and loaded through the real pipeline."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import click
from PIL.Image import Image
from sqlalchemy import select

from artists.models import Artist, ArtistLink, LinkKind
from comics.clock import utcnow
from comics.demo import art
from comics.images.ingest import Upload, create_episode, store_single_image
from comics.models import Series, SeriesStatus
from extensions import db

DEMO_LINKS = (
    (LinkKind.SUPPORT, "Support Haneul's work", "https://example.org/support/haneul", True),
    (LinkKind.SOCIAL, "Mastodon", "https://example.social/@haneul"),
    (LinkKind.SOCIAL, "Instagram", "https://example.com/haneul.draws"),
)


def png_upload(image: Image, filename: str, alt_text: str = "", transcript: str = "") -> Upload:
    """Wrap a drawn image as an upload, so the demo takes the same path as an artist's file."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Upload(filename=filename, source=buffer.getvalue(), alt_text=alt_text, transcript=transcript)


def load_demo(progress: Callable[[str], None] = lambda message: None) -> bool:
    """Create the demo artist, series and episodes unless they exist; tell whether anything was made."""
    script = art.DEMO_SERIES
    if db.session.scalar(select(Series).where(Series.slug == script.slug)) is not None:
        return False
    artist = db.session.scalar(select(Artist).where(Artist.slug == script.artist_slug))
    if artist is None:
        artist = Artist(slug=script.artist_slug, display_name=script.artist_name, bio_markdown=script.artist_bio_markdown)
        artist.avatar = store_single_image(png_upload(art.draw_avatar(), "avatar.png"))
        for position, (kind, label, url, *primary) in enumerate(DEMO_LINKS, start=1):
            artist.links.append(ArtistLink(kind=kind, label=label, url=url, position=position, is_primary=bool(primary)))
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
    db.session.add(series)
    start = utcnow() - timedelta(days=7 * len(script.episodes))
    for demo_episode in script.episodes:
        progress(f"Drawing episode {demo_episode.number}: {demo_episode.title}")
        uploads = [
            png_upload(art.draw_panel(demo_episode.number, index), f"{index + 1:02d}.png", alt, transcript)
            for index, (alt, transcript) in enumerate(demo_episode.panels)
        ]
        create_episode(
            series,
            demo_episode.title,
            uploads,
            author_note=demo_episode.author_note,
            publish_at=start + timedelta(days=7 * demo_episode.number),
        )
    return True


@click.command("demo")
def demo_command() -> None:
    """Load the demo artist and series, once; running it again changes nothing."""
    created = load_demo(progress=lambda message: click.echo(message, err=True))
    click.echo("Demo content loaded." if created else "Demo content is already there.")
