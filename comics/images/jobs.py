"""The render job's work: make one stored image's renditions from its master, retried, then marked failed.

A worker makes the renditions and marks the image ``ready``; the commit bumps the page cache's
content version. A job that fails is retried (``RENDER_RETRY_INTERVALS``) and after the last try
the image is marked ``failed`` with the reason, which the studio shows. The job RQ runs is
comics.site_images.render_stored_image, which gives this the app's context and setup.
"""
from __future__ import annotations

import logging

from rq import get_current_job

from comics.images.ingest import add_renditions, look_at, open_master, rollback_and_discard
from comics.images.models import RenderState, StoredImage
from comics.images.setup import ImageSetup
from extensions import db

log = logging.getLogger(__name__)


def render(image_id: int, setup: ImageSetup) -> str:
    """Make the renditions of one stored image from its master, inside an app context; return its state."""
    image = db.session.get(StoredImage, image_id)
    if image is None:
        return "gone"  # deleted before its turn came: nothing to do
    if image.render_state == RenderState.READY:
        return str(RenderState.READY)
    try:
        master = open_master(image, setup.store)
        add_renditions(image, master, setup)
        # The review's look and reading go with the renditions, off the upload's request (docs/review.md).
        look_at(image, master, setup)
        db.session.commit()
    except Exception as error:
        rollback_and_discard(setup.store)
        job = get_current_job()
        if job is None or not job.retries_left:
            _record_failure(image_id, error)
        raise
    return str(RenderState.READY)


def _record_failure(image_id: int, error: BaseException) -> None:
    """Mark the image failed with a reason the studio can show; the artist replaces or removes it."""
    image = db.session.get(StoredImage, image_id)
    if image is None:
        return
    image.render_state = RenderState.FAILED
    image.render_error = f"The smaller copies of this image could not be made ({type(error).__name__}: {error})"[:500]
    db.session.commit()
    log.error("rendering stored image %s failed for good: %s", image_id, error)
