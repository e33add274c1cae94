"""Stored images from pixels: masters, renditions and the review's look, as StoredImage and Rendition rows.

Pixels are handled by the pure steps (comics.images.pipeline) and bytes by comics.images.storage; this
module makes the rows of the images, and cleans up after a failure so no orphan file remains. The
catalogue's rows (episodes, panels) are comics.catalogue's. No Flask here: each step is given the
site's settings and media store (comics.images.setup); comics.site_images gives them from the app.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from PIL.Image import Image
from sqlalchemy import select

from comics.images import disclosure, encoding, looking, normalising, opening, reading
from comics.images.models import RenderState, Rendition, StoredImage
from comics.images.setup import ImageSetup
from comics.images.storage import MediaStore
from comics.images.untranslated import Wording
from extensions import db

log = logging.getLogger(__name__)

@dataclass
class Upload:
    """One file as the artist sent it: its name is for messages only, never for deciding its type."""

    filename: str
    source: bytes | IO[bytes] | os.PathLike[str]
    alt_text: str = ""
    transcript: str = ""


def refusal_wording(refusal: opening.RejectedImage) -> Wording:
    """Return a refused upload's message, naming the file, in English until it is shown
    (comics.site_images.in_page_language translates it, reason included)."""
    return Wording("%(file)s: %(reason)s", file=refusal.filename, reason=refusal.reason)


class IngestError(ValueError):
    """An upload refused as a whole, with one message per reason, and nothing stored.

    Raised here, its reasons are Wordings, English until shown; comics.site_images and the catalogue
    raise it with reasons in the page's language.
    """

    def __init__(self, reasons: Sequence[str]):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


def store_image(image: Image, setup: ImageSetup, *, in_background: bool = False) -> StoredImage:
    """Write a metadata-free master and its renditions; return the new, unsaved row.

    in_background leaves the renditions to a worker: the row is marked pending and queued after the
    commit (comics.images.queue).
    """
    store = setup.store
    if in_background:
        master_name = store.put(encoding.encode_master(image), encoding.MASTER_EXTENSION)
        return StoredImage(master=master_name, width=image.width, height=image.height, render_state=RenderState.PENDING)
    master, renditions = encoding.encode_master_and_renditions(image, rendition_specs_for(image, setup))
    stored = StoredImage(master=store.put(master, encoding.MASTER_EXTENSION), width=image.width, height=image.height)
    attach_renditions(stored, renditions, store)
    return stored


def add_renditions(stored: StoredImage, image: Image, setup: ImageSetup) -> list[str]:
    """Encode the renditions a stored image lacks from its master pixels, store them and mark the row ready.

    Only the missing ones: an image made before a width was named (the thumbnail's) gets just that one,
    and a stale rendition (made with other encoder settings, Rendition.stale) is made again and replaces
    its row. Return the files of the replaced rows, to discard_unreferenced once the change is committed.
    """
    fresh = {(rendition.width, rendition.format) for rendition in stored.renditions if not rendition.stale}
    missing = [spec for spec in rendition_specs_for(image, setup) if (spec.width, spec.format) not in fresh]
    encoded = encoding.render_renditions(image, missing) if missing else []
    redone = {(spec.width, spec.format) for spec in missing}
    replaced = [rendition for rendition in stored.renditions if (rendition.width, rendition.format) in redone]
    for rendition in replaced:
        stored.renditions.remove(rendition)
    if replaced:
        # One row per width and format: the old rows must be gone before the new ones are inserted.
        db.session.flush()
    attach_renditions(stored, encoded, setup.store)
    return [rendition.file for rendition in replaced]


def lacks_renditions(stored: StoredImage, rendition_widths: Sequence[int], *, stale: bool = False) -> bool:
    """Tell whether a ready image lacks a rendition the pipeline makes today (a width named since), or,
    with stale, has one made with other encoder settings than today's."""
    made = {(rendition.width, rendition.format) for rendition in stored.renditions if not (stale and rendition.stale)}
    wanted = encoding.rendition_specs(
        stored.width, widths=rendition_widths, thumbnail_width=encoding.THUMBNAIL_WIDTH
    )
    return any((spec.width, spec.format) not in made for spec in wanted)


def look_at(stored: StoredImage, image: Image, setup: ImageSetup) -> None:
    """Record what the review looks for in a panel's master pixels (docs/review.md): whether it looks like a
    photograph, the faces in a photograph and where, and the words lettered in it when REVIEW_READ_LETTERING
    is on.

    An image that cannot be looked at or read gets a note in its findings, never a failed upload.
    """
    findings = dict(stored.findings or {})
    notes = [note for note in findings.get("notes", []) if note not in ("unlooked", "unread")]
    notes = [note for note in notes if note != "faces-unlooked"]
    findings.pop("faces", None)
    try:
        findings["photograph"] = looking.looks_like_photograph(image)
        # Drawn faces are the story's; a photograph's may be a real person's.
        if findings["photograph"]:
            findings["faces"] = [region.as_list() for region in looking.find_faces(image, setup.face_cascade)]
    except looking.FacesUnavailable as error:
        log.warning("could not look for faces in stored image %s: %s", stored.id, error)
        notes.append("faces-unlooked")
    except Exception:  # a panel no one could look at is the editor's to check by eye
        log.exception("could not look at stored image %s", stored.id)
        notes.append("unlooked")
    if setup.read_lettering:
        try:
            stored.lettering = reading.read_lettering(image, setup.reading_languages)
        except reading.UnreadableImage as error:
            log.warning("could not read the lettering of stored image %s: %s", stored.id, error)
            notes.append("unread")
    findings["notes"] = notes
    stored.findings = findings


def rendition_specs_for(image: Image, setup: ImageSetup) -> list[encoding.RenditionSpec]:
    """Return the configured renditions for an image of this width."""
    return encoding.rendition_specs(image.width, widths=setup.rendition_widths, thumbnail_width=encoding.THUMBNAIL_WIDTH)


def attach_renditions(stored: StoredImage, renditions: Iterable[encoding.EncodedRendition], store: MediaStore) -> None:
    """Store encoded renditions as files and rows of the image, and mark it ready."""
    for encoded in renditions:
        stored.renditions.append(
            Rendition(
                width=encoded.width,
                height=encoded.height,
                format=encoded.format,
                file=store.put(encoded.data, encoded.extension),
                size=len(encoded.data),
                settings_version=encoded.settings_version,
            )
        )
    stored.render_state = RenderState.READY
    stored.render_error = None


def open_master(stored: StoredImage, store: MediaStore) -> Image:
    """Open a stored master (our own metadata-free PNG) through the same safe opener as uploads.

    It is held to the size its row records, not to today's upload limits: a master stored before an
    admin lowered UPLOAD_MAX_WIDTH must still render, and a file that is not the master the row
    describes must not.
    """
    path = store.path_of(stored.master)
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


def store_single_image(
    upload: Upload, what: opening.SinglePicture = "a cover or profile picture", *, setup: ImageSetup
) -> StoredImage:
    """Run a cover or avatar through the pipeline as one unsliced image; return the unsaved row.

    what says which picture it is ("a cover"), which picks the sentence of a refusal (opening.proportions_refusal).
    Like a panel's, the row's findings keep the kinds of data the file held (never the values) and what
    the review sees in its pixels (look_at), for the artist's notes and the editor's flags.
    A refusal is an IngestError whose reason is a Wording, English until shown.
    """
    opened = _open(upload, setup.limits)
    try:
        opening.check_proportions(opened.image, upload.filename, what, SINGLE_IMAGE_MAX_RATIO)
    except opening.RejectedImage as refusal:
        raise IngestError([refusal_wording(refusal)]) from refusal
    said = disclosure.disclosure(opened.image)
    image = encoding.make_master(normalising.normalise(opened.image), setup.master_max_width)
    stored = store_image(image, setup)
    stored.findings = {"metadata": said.as_record()}
    look_at(stored, image, setup)
    return stored


def delete_images(images: Iterable[StoredImage]) -> set[str]:
    """Delete image rows from the session and return their file names, to discard after the commit."""
    names: set[str] = set()
    for image in images:
        names.update(image.file_names())
        db.session.delete(image)
    return names


def rollback_and_discard(store: MediaStore) -> None:
    """Roll back the session and remove the files this transaction wrote that no row references."""
    new_names = _new_file_names()
    db.session.rollback()
    discard_unreferenced(new_names, store)


def _new_file_names() -> set[str]:
    """Return the media files named by images still pending in the session."""
    names: set[str] = set()
    for instance in db.session.new:
        if isinstance(instance, StoredImage):
            names.update(instance.file_names())
        elif isinstance(instance, Rendition):
            names.add(instance.file)
    return names


def discard_unreferenced(names: Iterable[str], store: MediaStore) -> None:
    """Delete those of these files no committed row references (identical content may be shared)."""
    names = set(names)
    if not names:
        return
    referenced = set(db.session.scalars(select(StoredImage.master).where(StoredImage.master.in_(names))))
    referenced |= set(db.session.scalars(select(Rendition.file).where(Rendition.file.in_(names))))
    store.delete(names - referenced)


def referenced_files() -> set[str]:
    """Return every media file name a row references."""
    return set(db.session.scalars(select(StoredImage.master))) | set(db.session.scalars(select(Rendition.file)))


def _open(upload: Upload, limits: opening.ImageLimits) -> opening.OpenedImage:
    """Open one upload safely, turning a refusal into an IngestError."""
    try:
        return opening.open_image(upload.source, upload.filename, limits)
    except opening.RejectedImage as refusal:
        raise IngestError([refusal_wording(refusal)]) from refusal
