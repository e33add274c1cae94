"""comics.images as this site runs it: the current app's media store, image setup and render queue, and
the image steps given them, with refusals in the page's language.

comics.images imports no Flask (a contract and tests/comics/images/test_imaging.py keep it so): its
steps are given their settings and store (comics.images.setup). The features call these instead, as
Flask's send_file wraps werkzeug's: same steps, the app's settings filled in from current_app.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _
from PIL.Image import Image
from rq import Queue
from werkzeug.datastructures import FileStorage

from comics.images import ingest, jobs, opening, queue
from comics.images.ingest import IngestError, Upload
from comics.images.models import StoredImage
from comics.images.setup import ImageSetup, media_store_of
from comics.images.storage import MediaStore
from comics.images.untranslated import Wording

# The function RQ runs for a rendition job, by name: a render worker imports it (render_stored_image).
RENDER_JOB = "comics.site_images.render_stored_image"


def current_site() -> Flask:
    """Return the app of the current context, not its proxy: what comics.images' steps are given."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    return app


def media_store(app: Flask | None = None) -> MediaStore:
    """Return the media store of this app, or of the current one."""
    return media_store_of(app or current_site())


def image_setup() -> ImageSetup:
    """Return the current app's image settings and media store."""
    return ImageSetup.of(current_site())


# --- messages -----------------------------------------------------------------------------------


def in_page_language(text: str) -> str:
    """Return a pure step's message in the page's language (comics.images.untranslated); other text as it is."""
    if not isinstance(text, Wording):
        return text
    values = {name: in_page_language(value) if isinstance(value, str) else value for name, value in text.values.items()}
    return str(_(text.template, **values))


def refusal_text(refusal: opening.RejectedImage) -> str:
    """Return a refused upload's message, its reason in the page's language."""
    return in_page_language(ingest.refusal_wording(refusal))


# --- storing and looking ------------------------------------------------------------------------


def store_image(image: Image, *, in_background: bool = False) -> StoredImage:
    """Write a metadata-free master and its renditions with the app's settings; return the new, unsaved row."""
    return ingest.store_image(image, image_setup(), in_background=in_background)


def store_single_image(upload: Upload, what: opening.SinglePicture = "a cover or profile picture") -> StoredImage:
    """Run a cover or avatar through the pipeline as one unsliced image; return the unsaved row, or raise an
    IngestError in the page's language."""
    try:
        return ingest.store_single_image(upload, what, setup=image_setup())
    except IngestError as refusal:
        raise IngestError([in_page_language(reason) for reason in refusal.reasons]) from refusal


def single_image_from(upload: object, what: opening.SinglePicture) -> StoredImage | None:
    """Store a form's file field as a cover or avatar and return the unsaved row; None when no file was sent."""
    if isinstance(upload, FileStorage) and upload.filename:
        return store_single_image(Upload(upload.filename, upload.stream), what)
    return None


def look_at(stored: StoredImage, image: Image) -> None:
    """Record what the review looks for in an image's pixels, with the app's settings (ingest.look_at)."""
    ingest.look_at(stored, image, image_setup())


def open_master(stored: StoredImage) -> Image:
    """Open a stored master from the app's media store (ingest.open_master)."""
    return ingest.open_master(stored, media_store())


def add_renditions(stored: StoredImage, image: Image) -> list[str]:
    """Encode and store the renditions a stored image lacks or has stale, with the app's widths
    (ingest.add_renditions); return the replaced files, to discard once committed."""
    return ingest.add_renditions(stored, image, image_setup())


def lacks_renditions(stored: StoredImage, *, stale: bool = False) -> bool:
    """Tell whether a ready image lacks a rendition the app's widths ask for today (or, with stale, has
    one made with other encoder settings)."""
    return ingest.lacks_renditions(stored, current_site().config["RENDITION_WIDTHS"], stale=stale)


def rollback_and_discard() -> None:
    """Roll back the session and remove the files this transaction wrote that no row references."""
    ingest.rollback_and_discard(media_store())


def discard_unreferenced(names: Iterable[str]) -> None:
    """Delete those of these files no committed row references, from the app's media store."""
    ingest.discard_unreferenced(names, media_store())


# --- the render queue ---------------------------------------------------------------------------


def renders_in_background() -> bool:
    """Tell whether the current app hands rendition work to the RQ queue."""
    return queue.renders_in_background(current_site())


def render_queue(app: Flask | None = None) -> Queue:
    """Return the queue the rendition jobs of this app, or of the current one, go to."""
    return queue.render_queue(app or current_site())


def enqueue_renders(image_ids: list[int]) -> list[str]:
    """Queue one rendition job per image on the current app's queue; return the job ids."""
    return queue.enqueue_renders(current_site(), image_ids, RENDER_JOB)


def enqueue_after_commit(image_ids: list[int]) -> None:
    """Queue the renders a commit left pending, when it was made in an app (the factory's listener)."""
    if has_app_context():
        enqueue_renders(image_ids)


def render_stored_image(image_id: int) -> str:
    """Make the renditions of one stored image from its master; the RQ job. Return the image's state."""
    if not has_app_context():
        raise RuntimeError(
            "a render job needs the site's app context: run `flask --app app render-worker`, "
            "or `rq worker --worker-class worker.AppWorker` (worker.py)"
        )
    # A context of its own, so the job's session is new and closed when the job ends.
    app = current_site()
    with app.app_context():
        return jobs.render(image_id, ImageSetup.of(app))
