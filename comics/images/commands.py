"""Operators' commands for images: import an episode from files, sweep unreferenced media, run the render queue."""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click
from flask import current_app, url_for
from sqlalchemy import select

from comics.clock import utcnow
from comics.images.archives import (
    ArchiveLimits,
    RejectedArchive,
    is_archive,
    read_archive,
)
from comics.images.ingest import IngestError, Upload, create_episode
from comics.images.jobs import render_stored_image
from comics.images.models import RenderState, StoredImage
from comics.images.queue import (
    enqueue_renders,
    redis_connection,
    render_queue,
    renders_in_background,
)
from comics.images.sweeping import SweepingWorker, sweep_orphans
from comics.models import Episode, Series
from extensions import db


def archive_limits() -> ArchiveLimits:
    """Return the configured limits of an archive: each file as large as an upload may be, at most."""
    config = current_app.config
    return ArchiveLimits(
        max_entry_bytes=config["UPLOAD_MAX_BYTES"],
        max_total_bytes=config["ARCHIVE_MAX_BYTES"],
        max_ratio=config["ARCHIVE_MAX_RATIO"],
    )


def uploads_from_paths(paths: tuple[Path, ...], opened: ExitStack) -> list[Upload]:
    """Expand image files and .zip/.cbz archives into uploads, in the order given.

    The entries of archives are files that `opened` closes.
    """
    uploads: list[Upload] = []
    for path in paths:
        if is_archive(path.name):
            for name, data in read_archive(path, archive_limits()):
                opened.callback(data.close)
                uploads.append(Upload(filename=f"{path.name}/{name}", source=data))
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
    with ExitStack() as opened:
        try:
            uploads = uploads_from_paths(paths, opened)
        except RejectedArchive as refusal:
            raise click.ClickException(str(refusal)) from None
        episode, notes = import_uploads(series, title, uploads, publish)
    for note in notes:
        click.echo(note, err=True)
    click.echo(f"Imported {len(episode.panels)} panels as episode {episode.number} ({episode.status.value}).", err=True)
    # A path, not an absolute URL: the CLI does not know which host the site is served from.
    with current_app.test_request_context():
        click.echo(url_for("comics.episode_detail", slug=series.slug, number=episode.number))


def import_uploads(series: Series, title: str, uploads: list[Upload], publish: bool) -> tuple[Episode, list[str]]:
    """Create the episode from the uploads with a progress bar, or raise the refusal as a ClickException."""
    with click.progressbar(length=len(uploads), label="Importing panels") as bar:
        try:
            episode, notes = create_episode(
                series, title, uploads, publish_at=utcnow() if publish else None, progress=lambda _: bar.update(1)
            )
        except IngestError as refusal:
            raise click.ClickException("nothing was imported: " + "; ".join(refusal.reasons)) from None
    return episode, notes


@click.command("media-gc")
@click.option("--grace", type=int, help="Keep unreferenced files younger than this many seconds (MEDIA_SWEEP_GRACE_SECONDS).")
def media_gc_command(grace: int | None) -> None:
    """Remove media files that no database row references (the site also does it by itself: comics/images/sweeping.py)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    removed = sweep_orphans(app, grace)
    click.echo(f"Removed {len(removed)} unreferenced media files.")


@click.command("render-worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def render_worker_command(burst: bool) -> None:
    """Run an RQ worker for the rendition queue, inside this app's configuration."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    # Each job runs in a forked child that inherits this app context; the worker closes the database
    # connections of its sweeps (comics.images.sweeping), so no pooled connection is shared across the fork.
    worker = SweepingWorker([render_queue(app)], connection=redis_connection(app), app=app)
    worker.work(burst=burst, with_scheduler=True)


@click.command("render-requeue")
@click.option("--failed", is_flag=True, help="Also try again images whose rendering failed.")
def render_requeue_command(failed: bool) -> None:
    """Queue again the images still waiting for renditions (after Redis was down, say)."""
    states = [RenderState.PENDING, RenderState.FAILED] if failed else [RenderState.PENDING]
    ids = list(db.session.scalars(select(StoredImage.id).where(StoredImage.render_state.in_(states))))
    if failed and ids:
        for image in db.session.scalars(select(StoredImage).where(StoredImage.id.in_(ids))):
            image.render_state, image.render_error = RenderState.PENDING, None
        db.session.commit()
    if not renders_in_background():
        # No queue configured: make them here and now.
        rendered = 0
        for image_id in ids:
            try:
                rendered += render_stored_image(image_id) == RenderState.READY
            except Exception as error:  # noqa: BLE001 - recorded on the image; go on with the others
                click.echo(f"image {image_id}: {error}", err=True)
        click.echo(f"rendered {rendered} of {len(ids)} image(s)")
        return
    enqueue_renders(ids)
    click.echo(f"queued {len(ids)} image(s)")
