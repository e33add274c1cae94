"""Operators' commands: load the demo, import an episode from files, sweep unreferenced media."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app, url_for
from sqlalchemy import select

from comics.archives import ArchiveLimits, RejectedArchive, is_archive, read_archive
from comics.clock import utcnow
from comics.ingest import IngestError, Upload, create_episode, referenced_files
from comics.media import media_store
from comics.models import Series
from extensions import db


def register_commands(app: Flask) -> None:
    """Add this module's commands to the app's flask CLI."""
    app.cli.add_command(import_episode_command)
    app.cli.add_command(media_gc_command)
    app.cli.add_command(demo_command)
    from comics.rendering import register_commands as register_render_commands

    register_render_commands(app)


def uploads_from_paths(paths: tuple[Path, ...]) -> list[Upload]:
    """Expand image files and .zip/.cbz archives into uploads, in the order given."""
    uploads: list[Upload] = []
    for path in paths:
        if is_archive(path.name):
            uploads.extend(Upload(filename=f"{path.name}/{name}", source=data) for name, data in read_archive(path, ArchiveLimits()))
        else:
            uploads.append(Upload(filename=path.name, source=path))
    return uploads


@click.command("import-episode")
@click.argument("series_slug")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="The episode's title.")
@click.option("--publish", is_flag=True, help="Publish at once instead of leaving a draft.")
def import_episode_command(series_slug: str, paths: tuple[Path, ...], title: str, publish: bool) -> None:
    """Import image files or a .zip/.cbz as the next episode of a series."""
    series = db.session.scalar(select(Series).where(Series.slug == series_slug))
    if series is None:
        raise click.ClickException(f"no series with the slug {series_slug!r}")
    try:
        uploads = uploads_from_paths(paths)
    except RejectedArchive as refusal:
        raise click.ClickException(str(refusal)) from None
    with click.progressbar(length=len(uploads), label="Importing panels") as bar:
        try:
            episode, notes = create_episode(
                series, title, uploads, publish_at=utcnow() if publish else None, progress=lambda _: bar.update(1)
            )
        except IngestError as refusal:
            raise click.ClickException("nothing was imported: " + "; ".join(refusal.reasons)) from None
    for note in notes:
        click.echo(note, err=True)
    click.echo(f"Imported {len(episode.panels)} panels as episode {episode.number} ({episode.status.value}).", err=True)
    # A path, not an absolute URL: the CLI does not know which host the site is served from.
    with current_app.test_request_context():
        click.echo(url_for("comics.episode_detail", slug=series.slug, number=episode.number))


@click.command("media-gc")
@click.option("--grace", default=3600, show_default=True, help="Keep unreferenced files younger than this many seconds.")
def media_gc_command(grace: int) -> None:
    """Remove media files that no database row references."""
    removed = media_store().sweep(referenced_files(), grace_seconds=grace)
    click.echo(f"Removed {len(removed)} unreferenced media files.")


@click.command("demo")
def demo_command() -> None:
    """Load the demo artist and series, once; running it again changes nothing."""
    from comics.demo import load_demo

    created = load_demo(progress=lambda message: click.echo(message, err=True))
    click.echo("Demo content loaded." if created else "Demo content is already there.")


