"""The render queue: renditions made by RQ workers when RENDER_QUEUE is "rq", in the upload otherwise.

With ``RENDER_QUEUE = "rq"`` an upload stores each panel's metadata-free master, marks the image
``pending`` and answers at once; after the commit, one job per image goes to the queue (a session
event registered by the factory, so every caller of the ingest gets this without asking). A worker
runs the job (comics.site_images.render_stored_image, doing comics.images.jobs' work) and the episode
publishes only once every image is ready. No Flask here: each function is given the app (SiteApp).

Start workers with ``flask --app app render-worker`` (see docs/deploy.md).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from comics.images.models import RenderState, StoredImage
from comics.images.setup import SiteApp

log = logging.getLogger(__name__)

# A job that has not finished in this long is stuck (an AVIF encode of a 1600 × 1280 master takes ~1 s).
JOB_TIMEOUT = 600


def renders_in_background(app: SiteApp) -> bool:
    """Tell whether this app hands rendition work to the RQ queue."""
    mode: str = app.config["RENDER_QUEUE"]
    return mode == "rq"


def redis_connection(app: SiteApp) -> Redis:
    """Return the app's connection to the queue's Redis, made once per app."""
    connection = app.extensions.get("rq_redis")
    if connection is None:
        connection = app.extensions["rq_redis"] = Redis.from_url(app.config["RQ_REDIS_URL"])
    return connection


def render_queue(app: SiteApp) -> Queue:
    """Return the queue rendition jobs go to."""
    return Queue(app.config["RQ_QUEUE_NAME"], connection=redis_connection(app))


def enqueue_renders(app: SiteApp, image_ids: Iterable[int], job_name: str) -> list[str]:
    """Queue one rendition job per image; return the job ids.

    job_name names the function RQ runs, by its dotted name (comics.site_images.RENDER_JOB): a worker
    imports it, and it runs in the worker's app.
    """
    intervals = list(app.config["RENDER_RETRY_INTERVALS"])
    queue = render_queue(app)
    jobs = [
        queue.enqueue(
            job_name,
            image_id,
            retry=Retry(max=len(intervals), interval=intervals),
            job_timeout=JOB_TIMEOUT,
            description=f"renditions of stored image {image_id}",
        )
        for image_id in image_ids
    ]
    return [job.id for job in jobs]


# After a commit, queue what it stored, with the site's function that queues on the current app's queue:
# given by listen_for_pending_renders (once a process, so one for every app).
_ENQUEUE: dict[str, Callable[[list[int]], object]] = {}


def _note_pending(session: Session, flush_context: Any) -> None:
    pending = [
        instance.id
        for instance in session.new
        if isinstance(instance, StoredImage) and instance.render_state == RenderState.PENDING
    ]
    if pending:
        session.info.setdefault("render_pending", set()).update(pending)


def _enqueue_after_commit(session: Session) -> None:
    pending = session.info.pop("render_pending", None)
    enqueue = _ENQUEUE.get("pending")
    if not pending or enqueue is None:
        return
    try:
        enqueue(sorted(pending))
    except RedisError:
        # The images stay pending (the studio says so); `flask render-requeue` queues them again.
        log.exception("could not queue renditions of stored images %s", sorted(pending))


def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("render_pending", None)


def listen_for_pending_renders(enqueue: Callable[[list[int]], object]) -> None:
    """Queue the renditions of the images a commit stored as pending, once it has committed, with enqueue
    (which finds the queue of the app the commit was made in)."""
    _ENQUEUE["pending"] = enqueue
    if event.contains(Session, "after_flush", _note_pending):
        return
    event.listen(Session, "after_flush", _note_pending)
    event.listen(Session, "after_commit", _enqueue_after_commit)
    event.listen(Session, "after_soft_rollback", _forget_after_rollback)


