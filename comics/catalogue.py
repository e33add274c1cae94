"""The catalogue's writes from uploads: new episodes, their versions in other languages, and panels.

The images themselves are stored by comics.images (the pixels, the files, the StoredImage rows); this
module decides which Episode and Panel rows they become, in which order, and commits them, so a
refusal anywhere leaves no partial episode and no orphan file. The studio, the import-episode command
and the demo all come through here.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from comics.images import disclosure, opening, pipeline
from comics.images.ingest import IngestError, Upload
from comics.models import Episode, EpisodeStatus, Panel, Series
from comics.site_images import (
    image_setup,
    in_page_language,
    look_at,
    refusal_text,
    renders_in_background,
    rollback_and_discard,
    store_image,
)
from extensions import db
from settings import site_languages


def add_panels(
    episode: Episode,
    uploads: Sequence[Upload],
    progress: Callable[[Upload], None] | None = None,
    *,
    in_background: bool | None = None,
) -> list[str]:
    """Append the uploads to an episode as panels, slicing tall strips; return the notes to show.

    Nothing is committed here: the caller commits, or calls rollback_and_discard() on failure.
    Renditions are left to the render queue when one is configured, unless in_background says otherwise.
    """
    config = current_app.config
    if in_background is None:
        in_background = renders_in_background()
    position = max((panel.position for panel in episode.panels), default=0)
    notes: list[str] = []
    for upload in uploads:
        prepared = pipeline.prepare_upload(
            upload.source,
            upload.filename,
            limits=image_setup().limits,
            slice_height=config["PANEL_SLICE_HEIGHT"],
            master_width=config["MASTER_MAX_WIDTH"],
        )
        slices = prepared.slices
        notes.extend(f"{upload.filename}: {in_page_language(note)}" for note in prepared.notes)
        notes.extend(f"{upload.filename}: {in_page_language(disclosure.removed_note(kind))}" for kind in prepared.disclosure.kinds)
        if len(slices) > 1:
            notes.append(_("%(file)s: cut into %(count)s panels at quiet rows", file=upload.filename, count=len(slices)))
        for index, piece in enumerate(slices):
            position += 1
            stored = store_image(piece, in_background=in_background)
            stored.findings = {"metadata": prepared.disclosure.as_record()}
            if not in_background:
                look_at(stored, piece)
            episode.panels.append(
                Panel(
                    position=position,
                    image=stored,
                    # The alt text describes the whole picture once; later slices continue it.
                    alt_text=upload.alt_text if index == 0 else "",
                    transcript=upload.transcript if index == 0 else "",
                )
            )
        if progress is not None:
            progress(upload)
    if episode.thumbnail is None and episode.panels:
        episode.thumbnail = episode.panels[0].image
    return notes


def next_episode_number(series: Series) -> int:
    """Return the number the series' next episode takes."""
    highest = db.session.scalar(select(func.max(Episode.number)).where(Episode.series_id == series.id))
    return (highest or 0) + 1


def create_episode(
    series: Series,
    title: str,
    uploads: Sequence[Upload],
    *,
    author_note: str = "",
    publish_at: datetime | None = None,
    progress: Callable[[Upload], None] | None = None,
) -> tuple[Episode, list[str]]:
    """Create and commit an episode from uploads, or raise IngestError having stored nothing."""
    if not title.strip():
        raise IngestError([_("The episode needs a title.")])
    if not uploads:
        raise IngestError([_("The episode needs at least one image.")])
    episode = Episode(
        series=series,
        number=next_episode_number(series),
        language=series.language,
        title=title.strip(),
        author_note=author_note,
    )
    return episode, commit_new_episode(episode, uploads, publish_at, progress)


def commit_new_episode(
    episode: Episode,
    uploads: Sequence[Upload],
    publish_at: datetime | None,
    progress: Callable[[Upload], None] | None,
    clash: str | None = None,
) -> list[str]:
    """Add a new episode or version with its panels and commit; return the notes, or store nothing.

    clash is the refusal to give when the database's unique constraints refuse the row (a request
    that made the same version a moment before); without one, that error goes up as it came.
    """
    if publish_at is not None:
        episode.status = EpisodeStatus.PUBLISHED
        episode.published_at = publish_at
    db.session.add(episode)
    try:
        # An episode published at once needs its renditions now: only drafts leave them to the queue.
        notes = add_panels(episode, uploads, progress, in_background=publish_at is None and renders_in_background())
        db.session.commit()
    except opening.RejectedImage as refusal:
        rollback_and_discard()
        raise IngestError([refusal_text(refusal)]) from refusal
    except IntegrityError as conflict:
        rollback_and_discard()
        if clash is None:
            raise
        raise IngestError([clash]) from conflict
    except BaseException:
        rollback_and_discard()
        raise
    return notes


def version_refusals(original: Episode, language: str) -> list[str]:
    """Return why a version of this episode in this language cannot be made; empty when it can."""
    if original.original_id is not None:
        return [_("“%(title)s” is itself a version in another language: add the version to its original.", title=original.title)]
    if language not in site_languages():
        known = ", ".join(site_languages())
        return [_("This site has no language “%(language)s”: choose one of %(languages)s.", language=language, languages=known)]
    if language == original.language:
        return [_("Episode %(number)s is written in “%(language)s” already: a version must be in another language.", number=original.number, language=language)]
    if any(version.language == language for version in original.translations):
        return [_("Episode %(number)s has a version in “%(language)s” already: edit that one instead.", number=original.number, language=language)]
    return []


def create_version(
    original: Episode,
    language: str,
    title: str,
    uploads: Sequence[Upload],
    *,
    translator: str = "",
    author_note: str = "",
    alt_texts: Sequence[str] | None = None,
    transcripts: Sequence[str] | None = None,
    publish_at: datetime | None = None,
    progress: Callable[[Upload], None] | None = None,
) -> tuple[Episode, list[str]]:
    """Create and commit the version of an original episode in another language, through the same
    pipeline as create_episode, or raise IngestError having stored and changed nothing.

    The version takes the original's series and number, and its own lettered panels. alt_texts and
    transcripts pair with the uploads in order (the i-th text with the i-th upload; an upload's own
    text stands where none is given). A tall strip that is sliced into several panels carries its text
    on its first slice only; the later slices start empty, to be described in the studio.
    """
    language = language.strip()
    reasons = version_refusals(original, language)
    if not title.strip():
        reasons.append(_("The version needs a title."))
    if not uploads:
        reasons.append(_("The version needs at least one image."))
    longest = max(len(alt_texts or ()), len(transcripts or ()))
    if uploads and longest > len(uploads):
        reasons.append(_("There are more texts (%(texts)s) than image files (%(files)s).", texts=longest, files=len(uploads)))
    if reasons:
        raise IngestError(reasons)
    uploads = [
        Upload(
            upload.filename,
            upload.source,
            alt_text=(alt_texts[index] if alt_texts is not None and index < len(alt_texts) else upload.alt_text).strip(),
            transcript=(transcripts[index] if transcripts is not None and index < len(transcripts) else upload.transcript).strip(),
        )
        for index, upload in enumerate(uploads)
    ]
    version = Episode(
        series_id=original.series_id,
        number=original.number,
        language=language,
        original=original,
        title=title.strip(),
        translator=translator.strip(),
        author_note=author_note,
    )
    # Another request may make the same version a moment before: the unique (series, number, language) holds.
    clash = _("Episode %(number)s has a version in “%(language)s” already: edit that one instead.", number=original.number, language=language)
    notes = commit_new_episode(version, uploads, publish_at, progress, clash)
    return version, notes


def missing_alt_text(episode: Episode) -> int:
    """Count the panels of an episode that have no alt text, which screen readers then skip."""
    return sum(1 for panel in episode.panels if not panel.alt_text.strip())
