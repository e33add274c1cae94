"""Renditions made in the background: an RQ queue on Redis when configured, in the upload otherwise.

With ``RENDER_QUEUE = "rq"`` an upload stores each panel's metadata-free master, marks the image
``pending`` and answers at once; after the commit, one job per image goes to the queue (a session
event, so every caller of the ingest gets this without asking). A worker makes the renditions from the
master and marks the image ``ready``; the commit bumps the page cache's content version. A job that
fails is retried (``RENDER_RETRY_INTERVALS``) and after the last try the image is marked ``failed``
with the reason, which the studio shows; an episode publishes only when every image is ready
(``Episode.renditions_ready``).

Start workers with ``flask --app app render-worker`` (see docs/deploy.md).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker, get_current_job
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from comics.models import RenderState, StoredImage
from extensions import db

log = logging.getLogger(__name__)

# A job that has not finished in this long is stuck (an AVIF encode of a 1600 × 1280 master takes ~1 s).
JOB_TIMEOUT = 600


def renders_in_background(app: Flask | None = None) -> bool:
    """Tell whether this app hands rendition work to the RQ queue."""
    return (app or current_app).config.get("RENDER_QUEUE", "inline") == "rq"


def redis_connection(app: Flask | None = None) -> Redis:
    """Return the app's connection to the queue's Redis, made once per app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    connection = app.extensions.get("rq_redis")
    if connection is None:
        connection = app.extensions["rq_redis"] = Redis.from_url(app.config["RQ_REDIS_URL"])
    return connection


def render_queue(app: Flask | None = None) -> Queue:
    """Return the queue rendition jobs go to."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return Queue(app.config["RQ_QUEUE_NAME"], connection=redis_connection(app))


def enqueue_renders(image_ids: Iterable[int]) -> list[str]:
    """Queue one rendition job per image; return the job ids."""
    intervals = list(current_app.config.get("RENDER_RETRY_INTERVALS", [10, 60, 300]))
    queue = render_queue()
    jobs = [
        queue.enqueue(
            render_stored_image,
            image_id,
            retry=Retry(max=len(intervals), interval=intervals),
            job_timeout=JOB_TIMEOUT,
            description=f"renditions of stored image {image_id}",
        )
        for image_id in image_ids
    ]
    return [job.id for job in jobs]


# --- the job -------------------------------------------------------------------------------------


def render_stored_image(image_id: int) -> str:
    """Make the renditions of one stored image from its master; the RQ job. Return the image's state."""
    if has_app_context():
        # A context of its own, so the job's session is new and closed when the job ends.
        with current_app.app_context():
            return _render(image_id)
    from app import create_app  # a plain `rq worker`: build the app from the same configuration

    with create_app().app_context():
        return _render(image_id)


def _render(image_id: int) -> str:
    from comics.ingest import add_renditions, open_master, rollback_and_discard

    image = db.session.get(StoredImage, image_id)
    if image is None:
        return "gone"  # deleted before its turn came: nothing to do
    if image.render_state == RenderState.READY:
        return str(RenderState.READY)
    try:
        add_renditions(image, open_master(image))
        db.session.commit()
    except Exception as error:
        rollback_and_discard()
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


def _listen_once() -> None:
    if event.contains(Session, "after_flush", _note_pending):
        return
    event.listen(Session, "after_flush", _note_pending)
    event.listen(Session, "after_commit", _enqueue_after_commit)
    event.listen(Session, "after_soft_rollback", _forget_after_rollback)


_listen_once()


# --- operators' commands -------------------------------------------------------------------------


@click.command("render-worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def render_worker_command(burst: bool) -> None:
    """Run an RQ worker for the rendition queue, inside this app's configuration."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Each job runs in a forked child that inherits this app context; nothing here has touched the
    # database, so no pooled connection is shared across the fork.
    worker = Worker([render_queue(app)], connection=redis_connection(app))
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


def register_commands(app: Flask) -> None:
    """Add the render worker commands to the flask CLI."""
    app.cli.add_command(render_worker_command)
    app.cli.add_command(render_requeue_command)
