"""The render queue: renditions made by RQ workers when RENDER_QUEUE is "rq", in the upload otherwise.

With ``RENDER_QUEUE = "rq"`` an upload stores each panel's metadata-free master, marks the image
``pending`` and answers at once; after the commit, one job per image goes to the queue (a session
event registered by the factory, so every caller of the ingest gets this without asking). A worker
runs the job (comics.images.jobs) and the episode publishes only once every image is ready.

Start workers with ``flask --app app render-worker`` (see docs/deploy.md).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from comics.images.models import RenderState, StoredImage

log = logging.getLogger(__name__)

# A job that has not finished in this long is stuck (an AVIF encode of a 1600 × 1280 master takes ~1 s).
JOB_TIMEOUT = 600


def renders_in_background(app: Flask | None = None) -> bool:
    """Tell whether this app hands rendition work to the RQ queue."""
    mode: str = (app or current_app).config["RENDER_QUEUE"]
    return mode == "rq"


def redis_connection(app: Flask | None = None) -> Redis:
    """Return the app's connection to the queue's Redis, made once per app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    connection = app.extensions.get("rq_redis")
    if connection is None:
        connection = app.extensions["rq_redis"] = Redis.from_url(app.config["RQ_REDIS_URL"])
    return connection


def render_queue(app: Flask | None = None) -> Queue:
    """Return the queue rendition jobs go to."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    return Queue(app.config["RQ_QUEUE_NAME"], connection=redis_connection(app))


def enqueue_renders(image_ids: Iterable[int]) -> list[str]:
    """Queue one rendition job per image; return the job ids."""
    intervals = list(current_app.config["RENDER_RETRY_INTERVALS"])
    queue = render_queue()
    jobs = [
        queue.enqueue(
            # By name: the job module needs the ingest, which needs this one.
            "comics.images.jobs.render_stored_image",
            image_id,
            retry=Retry(max=len(intervals), interval=intervals),
            job_timeout=JOB_TIMEOUT,
            description=f"renditions of stored image {image_id}",
        )
        for image_id in image_ids
    ]
    return [job.id for job in jobs]


# --- after a commit, queue what it stored --------------------------------------------------------


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
    if not pending or not has_app_context():
        return
    try:
        enqueue_renders(sorted(pending))
    except RedisError:
        # The images stay pending (the studio says so); `flask render-requeue` queues them again.
        log.exception("could not queue renditions of stored images %s", sorted(pending))


def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("render_pending", None)


def listen_for_pending_renders() -> None:
    """Queue the renditions of the images a commit stored as pending, once it has committed."""
    if event.contains(Session, "after_flush", _note_pending):
        return
    event.listen(Session, "after_flush", _note_pending)
    event.listen(Session, "after_commit", _enqueue_after_commit)
    event.listen(Session, "after_soft_rollback", _forget_after_rollback)


