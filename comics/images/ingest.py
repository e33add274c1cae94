"""The path of a panel from upload to database: the one pipeline the studio, the CLI and the demo use.

Pixels are handled by the pure steps (comics.images.pipeline) and bytes by comics.images.storage; this module decides what becomes a
row, in which order, and cleans up after a failure so no partial episode and no orphan file remain.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from PIL.Image import Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from comics.images import disclosure, encoding, looking, normalising, opening, pipeline, reading
from comics.images.media_store import media_store
from comics.images.models import RenderState, Rendition, StoredImage
from comics.images.queue import renders_in_background
from comics.images.wording import Wording
from comics.models import Episode, EpisodeStatus, Panel, Series
from extensions import db

log = logging.getLogger(__name__)

@dataclass
class Upload:
    """One file as the artist sent it: its name is for messages only, never for deciding its type."""

    filename: str
    source: bytes | IO[bytes] | os.PathLike[str]
    alt_text: str = ""
    transcript: str = ""


def in_page_language(text: str) -> str:
    """Return a pure step's message in the page's language (comics.images.wording); other text as it is."""
    if not isinstance(text, Wording):
        return text
    values = {name: in_page_language(value) if isinstance(value, str) else value for name, value in text.values.items()}
    return str(_(text.template, **values))


def refusal_text(refusal: opening.RejectedImage) -> str:
    """Return a refused upload's message, its reason in the page's language."""
    return f"{refusal.filename}: {in_page_language(refusal.reason)}"


class IngestError(ValueError):
    """An upload refused as a whole, with one message per reason, and nothing stored."""

    def __init__(self, reasons: Sequence[str]):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


def image_limits() -> opening.ImageLimits:
    """Return the configured per-image limits."""
    config = current_app.config
    return opening.ImageLimits(
        max_bytes=config["UPLOAD_MAX_BYTES"],
        max_pixels=config["UPLOAD_MAX_PIXELS"],
        max_width=config["UPLOAD_MAX_WIDTH"],
        max_height=config["UPLOAD_MAX_HEIGHT"],
        max_frames=config["UPLOAD_MAX_FRAMES"],
    )


def store_image(image: Image, *, in_background: bool = False) -> StoredImage:
    """Write a metadata-free master and its renditions; return the new, unsaved row.

    in_background leaves the renditions to a worker: the row is marked pending and queued after the
    commit (comics.images.queue).
    """
    store = media_store()
    if in_background:
        master_name = store.put(encoding.encode_master(image), encoding.MASTER_EXTENSION)
        return StoredImage(master=master_name, width=image.width, height=image.height, render_state=RenderState.PENDING)
    master, renditions = encoding.encode_master_and_renditions(image, rendition_specs_for(image))
    stored = StoredImage(master=store.put(master, encoding.MASTER_EXTENSION), width=image.width, height=image.height)
    attach_renditions(stored, renditions)
    return stored


def add_renditions(stored: StoredImage, image: Image) -> None:
    """Encode the renditions a stored image lacks from its master pixels, store them and mark the row ready.

    Only the missing ones: an image made before a width was named (the thumbnail's) gets just that one.
    """
    made = {(rendition.width, rendition.format) for rendition in stored.renditions}
    missing = [spec for spec in rendition_specs_for(image) if (spec.width, spec.format) not in made]
    attach_renditions(stored, encoding.render_renditions(image, missing) if missing else [])


def lacks_renditions(stored: StoredImage) -> bool:
    """Tell whether a ready image lacks a rendition the pipeline makes today (a width named since)."""
    made = {(rendition.width, rendition.format) for rendition in stored.renditions}
    wanted = encoding.rendition_specs(
        stored.width, widths=current_app.config["RENDITION_WIDTHS"], thumbnail_width=encoding.THUMBNAIL_WIDTH
    )
    return any((spec.width, spec.format) not in made for spec in wanted)


def look_at(stored: StoredImage, image: Image) -> None:
    """Record what the review looks for in a panel's master pixels (docs/review.md): whether it looks like a
    photograph, the faces in a photograph and where, and the words lettered in it when REVIEW_READ_LETTERING
    is on.

    An image that cannot be looked at or read gets a note in its findings, never a failed upload.
    """
    config = current_app.config
    findings = dict(stored.findings or {})
    notes = [note for note in findings.get("notes", []) if note not in ("unlooked", "unread")]
    notes = [note for note in notes if note != "faces-unlooked"]
    findings.pop("faces", None)
    try:
        findings["photograph"] = looking.looks_like_photograph(image)
        # Drawn faces are the story's; a photograph's may be a real person's.
        if findings["photograph"]:
            findings["faces"] = [region.as_list() for region in looking.find_faces(image, config["REVIEW_FACE_CASCADE"])]
    except looking.FacesUnavailable as error:
        log.warning("could not look for faces in stored image %s: %s", stored.id, error)
        notes.append("faces-unlooked")
    except Exception:  # a panel no one could look at is the editor's to check by eye
        log.exception("could not look at stored image %s", stored.id)
        notes.append("unlooked")
    if config["REVIEW_READ_LETTERING"]:
        try:
            stored.lettering = reading.read_lettering(image, config["REVIEW_READING_LANGUAGES"])
        except reading.UnreadableImage as error:
            log.warning("could not read the lettering of stored image %s: %s", stored.id, error)
            notes.append("unread")
    findings["notes"] = notes
    stored.findings = findings


def rendition_specs_for(image: Image) -> list[encoding.RenditionSpec]:
    """Return the configured renditions for an image of this width."""
    return encoding.rendition_specs(
        image.width, widths=current_app.config["RENDITION_WIDTHS"], thumbnail_width=encoding.THUMBNAIL_WIDTH
    )


def attach_renditions(stored: StoredImage, renditions: Iterable[encoding.EncodedRendition]) -> None:
    """Store encoded renditions as files and rows of the image, and mark it ready."""
    store = media_store()
    for encoded in renditions:
        stored.renditions.append(
            Rendition(
                width=encoded.width,
                height=encoded.height,
                format=encoded.format,
                file=store.put(encoded.data, encoded.extension),
                size=len(encoded.data),
            )
        )
    stored.render_state = RenderState.READY
    stored.render_error = None


def open_master(stored: StoredImage) -> Image:
    """Open a stored master (our own metadata-free PNG) through the same safe opener as uploads.

    It is held to the size its row records, not to today's upload limits: a master stored before an
    admin lowered UPLOAD_MAX_WIDTH must still render, and a file that is not the master the row
    describes must not.
    """
    path = media_store().path_of(stored.master)
    limits = opening.ImageLimits(
        # No RGB PNG of this size is larger: 3 bytes a pixel, a filter byte a row, zlib's and the
        # chunks' framing. Derived from the row, so no second stat of the file.
        max_bytes=stored.width * stored.height * 4 + 65_536,
        max_pixels=stored.width * stored.height,
        max_width=stored.width,
        max_height=stored.height,
        max_frames=1,
    )
    return opening.open_image(path, stored.master, limits).image


# Covers and profile pictures are never sliced, so their shape is limited instead (see check_proportions).
SINGLE_IMAGE_MAX_RATIO = 3


def store_single_image(upload: Upload, what: opening.SinglePicture = "a cover or profile picture") -> StoredImage:
    """Run a cover or avatar through the pipeline as one unsliced image; return the unsaved row.

    what says which picture it is ("a cover"), which picks the sentence of a refusal (opening.proportions_refusal).
    """
    opened = _open(upload)
    try:
        opening.check_proportions(opened.image, upload.filename, what, SINGLE_IMAGE_MAX_RATIO)
    except opening.RejectedImage as refusal:
        raise IngestError([refusal_text(refusal)]) from refusal
    image = encoding.make_master(normalising.normalise(opened.image), current_app.config["MASTER_MAX_WIDTH"])
    return store_image(image)


def delete_images(images: Iterable[StoredImage]) -> set[str]:
    """Delete image rows from the session and return their file names, to discard after the commit."""
    names: set[str] = set()
    for image in images:
        names.update(image.file_names())
        db.session.delete(image)
    return names


def single_image_from(upload: object, what: opening.SinglePicture) -> StoredImage | None:
    """Store a form's file field as a cover or avatar and return the unsaved row; None when no file was sent."""
    if isinstance(upload, FileStorage) and upload.filename:
        return store_single_image(Upload(upload.filename, upload.stream), what)
    return None


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
            limits=image_limits(),
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
    if language not in current_app.config["LANGUAGES"]:
        known = ", ".join(current_app.config["LANGUAGES"])
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


def rollback_and_discard() -> None:
    """Roll back the session and remove the files this transaction wrote that no row references."""
    new_names = _new_file_names()
    db.session.rollback()
    discard_unreferenced(new_names)


def _new_file_names() -> set[str]:
    """Return the media files named by images still pending in the session."""
    names: set[str] = set()
    for instance in db.session.new:
        if isinstance(instance, StoredImage):
            names.update(instance.file_names())
        elif isinstance(instance, Rendition):
            names.add(instance.file)
    return names


def discard_unreferenced(names: Iterable[str]) -> None:
    """Delete those of these files no committed row references (identical content may be shared)."""
    names = set(names)
    if not names:
        return
    referenced = set(db.session.scalars(select(StoredImage.master).where(StoredImage.master.in_(names))))
    referenced |= set(db.session.scalars(select(Rendition.file).where(Rendition.file.in_(names))))
    media_store().delete(names - referenced)


def referenced_files() -> set[str]:
    """Return every media file name a row references."""
    return set(db.session.scalars(select(StoredImage.master))) | set(db.session.scalars(select(Rendition.file)))


def _open(upload: Upload) -> opening.OpenedImage:
    """Open one upload safely, turning a refusal into an IngestError."""
    try:
        return opening.open_image(upload.source, upload.filename, image_limits())
    except opening.RejectedImage as refusal:
        raise IngestError([refusal_text(refusal)]) from refusal
