"""The operators' flask commands for images: import-episode (an episode or a version from image files or a
.zip/.cbz), media-gc (sweep unreferenced media), render-worker and render-requeue (the render queue).

Beside the catalogue and comics.site_images, not in comics/images/, which imports no Flask; the factory
registers them (app.configure_cli).
"""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import current_app, url_for
from sqlalchemy import select

from comics.catalogue import create_episode, create_version, missing_alt_text
from comics.clock import utcnow
from comics.images.ingest import IngestError, Upload
from comics.images.models import RenderState, StoredImage
from comics.images.panel_texts import (
    MAX_SIDECAR_BYTES,
    ComicInfo,
    PanelText,
    RejectedSidecar,
    check_count,
    read_comic_info,
    read_panel_texts,
    sidecar_kind,
)
from comics.images.queue import redis_connection, render_queue
from comics.images.sweeping import SweepingWorker, sweep_orphans
from comics.images.uploaded_archives import (
    ArchiveLimits,
    RejectedArchive,
    is_archive,
    read_archive,
)
from comics.models import Episode, Series
from comics.site_images import (
    add_renditions,
    current_site,
    discard_unreferenced,
    enqueue_renders,
    lacks_renditions,
    open_master,
    render_stored_image,
    renders_in_background,
    rollback_and_discard,
)
from extensions import db
from settings import default_language, site_languages


def archive_limits() -> ArchiveLimits:
    """Return the configured limits of an archive: each file as large as an upload may be, at most."""
    config = current_app.config
    return ArchiveLimits(
        max_entry_bytes=config["UPLOAD_MAX_BYTES"],
        max_total_bytes=config["ARCHIVE_MAX_BYTES"],
        max_ratio=config["ARCHIVE_MAX_RATIO"],
    )


@dataclass
class ImportFiles:
    """What the paths of an import hold: image uploads in order, and the words that came beside them."""

    uploads: list[Upload] = field(default_factory=list)
    texts: list[PanelText] | None = None
    texts_label: str = ""
    info: ComicInfo = field(default_factory=ComicInfo)


def uploads_from_paths(paths: tuple[Path, ...], opened: ExitStack) -> ImportFiles:
    """Expand image files and .zip/.cbz archives into uploads, in the order given, and read the
    texts.json and ComicInfo.xml an archive holds (see comics.images.panel_texts).

    The entries of archives are files that `opened` closes. Raises RejectedArchive or RejectedSidecar.
    """
    found = ImportFiles()
    for path in paths:
        if not is_archive(path.name):
            found.uploads.append(Upload(filename=path.name, source=path))
            continue
        for name, data in read_archive(path, archive_limits()):
            opened.callback(data.close)
            label = f"{path.name}/{name}"
            kind = sidecar_kind(name)
            if kind is None:
                found.uploads.append(Upload(filename=label, source=data))
            elif kind == "info":
                found.info = read_comic_info(data.read(MAX_SIDECAR_BYTES + 1), label)
            elif found.texts is not None:
                raise RejectedSidecar(f"{label}: the texts were given already, in {found.texts_label}; give them once")
            else:
                found.texts, found.texts_label = read_panel_texts(data.read(MAX_SIDECAR_BYTES + 1), label), label
    return found


def read_files(paths: tuple[Path, ...], texts_path: Path | None, opened: ExitStack) -> ImportFiles:
    """Gather the uploads and their words, with the texts paired to the uploads; refuse as a ClickException."""
    try:
        found = uploads_from_paths(paths, opened)
        if texts_path is not None:
            if found.texts is not None:
                raise RejectedSidecar(f"{texts_path.name}: the texts were given already, in {found.texts_label}; give them once")
            with texts_path.open("rb") as sidecar:
                found.texts, found.texts_label = read_panel_texts(sidecar.read(MAX_SIDECAR_BYTES + 1), texts_path.name), texts_path.name
        if found.texts is not None:
            check_count(found.texts, len(found.uploads), found.texts_label)
            for upload, text in zip(found.uploads, found.texts, strict=True):
                upload.alt_text, upload.transcript = text.alt, text.transcript
    except (RejectedArchive, RejectedSidecar) as refusal:
        raise click.ClickException(f"nothing was imported: {refusal}") from None
    return found


def site_language(tag: str) -> str:
    """Return a ComicInfo language tag as the site names it: "ko-KR" is "ko" where the site has "ko"."""
    languages = site_languages()
    primary = tag.split("-")[0].lower()
    return tag if tag in languages or primary not in languages else primary


@click.command("import-episode")
@click.argument("series_slug")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="The episode's title (else the Title of a ComicInfo.xml in the archive).")
@click.option("--language", help="The language the panels are lettered in; another than the series' imports a version of --number.")
@click.option("--number", type=int, help="The episode a version in another language translates.")
@click.option("--translator", help="The translator, as they wish to be credited (a version only).")
@click.option("--texts", "texts_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='A UTF-8 JSON list of {"alt": ..., "transcript": ...}, one per image file, in order.')
@click.option("--publish", is_flag=True, help="Publish at once instead of leaving a draft.")
def import_episode_command(
    series_slug: str,
    paths: tuple[Path, ...],
    title: str | None,
    language: str | None,
    number: int | None,
    translator: str | None,
    texts_path: Path | None,
    publish: bool,
) -> None:
    """Import image files or a .zip/.cbz as the next episode of a series, or as an episode's version in
    another language (--language, --number)."""
    series = db.session.scalar(select(Series).where(Series.slug == series_slug))
    if series is None:
        raise click.ClickException(f"no series with the slug {series_slug!r}")
    with ExitStack() as opened:
        found = read_files(paths, texts_path, opened)
        info = found.info
        language = (language or site_language(info.language) or series.language).strip()
        title = (title or info.title).strip()
        if not title:
            raise click.ClickException("nothing was imported: the episode needs a title: give --title (or a Title in the archive's ComicInfo.xml)")
        if language == series.language:
            if number is not None or translator:
                raise click.ClickException(
                    f"nothing was imported: --number and --translator are for a version in another language than the series' ({series.language})"
                )
            episode, notes = import_uploads(series, title, found.uploads, publish, author_note=info.summary)
        else:
            original = original_to_translate(series, number if number is not None else info.number, language)
            episode, notes = import_uploads(
                series, title, found.uploads, publish, author_note=info.summary, original=original,
                language=language, translator=translator if translator is not None else info.translator,
            )
    for note in notes:
        click.echo(note, err=True)
    what = f"episode {episode.number}" if episode.original_id is None else f"the {episode.language} version of episode {episode.number}"
    click.echo(f"Imported {len(episode.panels)} panels as {what} ({episode.status.value}).", err=True)
    missing = missing_alt_text(episode)
    if missing:
        click.echo(
            f"{missing} of {len(episode.panels)} panels have no alt text: readers using screen readers get nothing from them. "
            "Describe them in the studio.",
            err=True,
        )
    # A path, not an absolute URL: the CLI does not know which host the site is served from.
    prefix = "" if episode.language == default_language() else f"/{episode.language}"
    with current_app.test_request_context(base_url=f"http://localhost{prefix}/"):
        click.echo(url_for("comics.episode_detail", slug=series.slug, number=episode.number))


def original_to_translate(series: Series, number: int | None, language: str) -> Episode:
    """Return the original episode a version is imported for, or refuse as a ClickException."""
    if number is None:
        raise click.ClickException(
            f"nothing was imported: --language {language} is not the series' language ({series.language}), "
            "so this is a version of an episode: say which with --number"
        )
    original = db.session.scalar(
        select(Episode).where(Episode.series_id == series.id, Episode.number == number, Episode.original_id.is_(None))
    )
    if original is None:
        raise click.ClickException(f"nothing was imported: {series.slug} has no episode {number} to translate")
    return original


def import_uploads(
    series: Series,
    title: str,
    uploads: list[Upload],
    publish: bool,
    *,
    author_note: str = "",
    original: Episode | None = None,
    language: str = "",
    translator: str = "",
) -> tuple[Episode, list[str]]:
    """Create the episode, or the original's version, from the uploads with a progress bar, or raise
    the refusal as a ClickException."""
    publish_at = utcnow() if publish else None
    with click.progressbar(length=len(uploads), label="Importing panels") as bar:
        try:
            if original is None:
                return create_episode(
                    series, title, uploads, author_note=author_note, publish_at=publish_at, progress=lambda _: bar.update(1)
                )
            return create_version(
                original, language, title, uploads, translator=translator, author_note=author_note,
                publish_at=publish_at, progress=lambda _: bar.update(1),
            )
        except IngestError as refusal:
            raise click.ClickException("nothing was imported: " + "; ".join(refusal.reasons)) from None


@click.command("media-gc")
@click.option("--grace", type=int, help="Keep unreferenced files younger than this many seconds (MEDIA_SWEEP_GRACE_SECONDS).")
def media_gc_command(grace: int | None) -> None:
    """Remove media files that no database row references (the site also does it by itself: comics/images/sweeping.py)."""
    removed = sweep_orphans(current_site(), grace)
    click.echo(f"Removed {len(removed)} unreferenced media files.")


def complete_renditions(*, stale: bool = False) -> None:
    """Add to every ready image the renditions it lacks (and, with stale, make again those made with
    other encoder settings), one image and one commit at a time; then remove the replaced files.

    In this process, not on the queue: the render job is for images without renditions (and looks at
    their pixels for the review too), while this only encodes the files a new width or new settings need.
    """
    ids = list(db.session.scalars(select(StoredImage.id).where(StoredImage.render_state == RenderState.READY)))
    completed = 0
    for image_id in ids:
        image = db.session.get(StoredImage, image_id)
        if image is None or not lacks_renditions(image, stale=stale):
            continue
        try:
            replaced = add_renditions(image, open_master(image))
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - the image keeps the renditions it has; go on with the others
            rollback_and_discard()
            click.echo(f"image {image_id}: {error}", err=True)
            continue
        # After the commit, and only files no row uses (a rendition made again with the same bytes keeps its name).
        discard_unreferenced(replaced)
        completed += 1
    what = "made again the stale renditions" if stale else "added the missing renditions"
    click.echo(f"{what} of {completed} image(s)")


@click.command("render-worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def render_worker_command(burst: bool) -> None:
    """Run an RQ worker for the rendition queue, inside this app's configuration."""
    app = current_site()
    # Each job runs in a forked child that inherits this app context; the worker closes the database
    # connections of its sweeps (comics.images.sweeping), so no pooled connection is shared across the fork.
    worker = SweepingWorker([render_queue(app)], connection=redis_connection(app), app=app)
    worker.work(burst=burst, with_scheduler=True)


@click.command("render-requeue")
@click.option("--failed", is_flag=True, help="Also try again images whose rendering failed.")
@click.option(
    "--missing", is_flag=True, help="Also make, here and now, the renditions ready images lack (a width named since, such as the thumbnail's)."
)
@click.option(
    "--stale",
    is_flag=True,
    help="Also make again, here and now, the renditions made with other encoder settings than today's (and the missing ones).",
)
def render_requeue_command(failed: bool, missing: bool, stale: bool) -> None:
    """Queue again the images still waiting for renditions (after Redis was down, say)."""
    if stale:
        complete_renditions(stale=True)  # a stale rendition's image lacks it too: one pass makes both
    elif missing:
        complete_renditions()
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
