"""The sweep of orphaned media files, run by the site itself: at each start, then every interval.

An upload or an import writes its files first and commits the rows that name them last; killed in
between (a crash, a SIGKILL, a power cut), it leaves files no row references, which nothing would
ever serve or remove. The sweep removes every such file once it is older than MEDIA_SWEEP_GRACE_SECONDS
(younger ones may belong to an upload still in flight), with MediaStore.sweep.

Who runs it, so no one has to:
- gunicorn's master, when it is ready (gunicorn.conf.py `when_ready`), in a child process so the workers
  start at once: the start after a crash sweeps what the crash left;
- each gunicorn worker's PeriodicSweep thread (`post_worker_init`), and each render worker between
  jobs (SweepingWorker), whenever MEDIA_SWEEP_INTERVAL has passed since the last sweep by any of them.
A small file in MEDIA_ROOT, `.last-sweep`, holds the time of the last sweep in its mtime and a lock
(flock) while one runs, so the processes of a machine take turns instead of sweeping together.
`flask --app app media-gc` runs the same sweep by hand. No Flask here: each function is given the app (SiteApp).
"""
from __future__ import annotations

import fcntl
import logging
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

from rq import Worker

from comics.images.ingest import referenced_files
from comics.images.setup import SiteApp, media_store_of
from extensions import db

log = logging.getLogger(__name__)

MARKER = ".last-sweep"


def sweep_orphans(app: SiteApp, grace_seconds: int | None = None) -> list[str]:
    """Remove the media files no row references, older than the grace (MEDIA_SWEEP_GRACE_SECONDS by default).

    Returns their names. Runs in its own app context, so any thread or process may call it.
    """
    grace = app.config["MEDIA_SWEEP_GRACE_SECONDS"] if grace_seconds is None else grace_seconds
    with app.app_context():
        report = media_store_of(app).sweep(referenced_files(), grace_seconds=grace)
    if report.held:
        log.info("media sweep: skipped while a backup holds deletions; the next sweep removes what is left")
        return []
    # Every sweep says what it did, nothing included: an operator can see that it runs, and what a
    # crash left that waits for the grace. Counts and sizes only: a name says nothing worth logging.
    log.info(
        "media sweep: removed %d unreferenced files (%d bytes); kept %d (%d bytes) younger than the grace of %d s",
        len(report.removed), report.removed_bytes, report.young, report.young_bytes, grace,
    )
    return report.removed


def sweep_if_due(app: SiteApp, *, starting: bool = False) -> list[str] | None:
    """Sweep when MEDIA_SWEEP_INTERVAL has passed since the last sweep (at once when starting), unless
    another process of this machine is sweeping now. Returns what was removed, or None if it did not run."""
    root = Path(app.config["MEDIA_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER
    with open(marker, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another process is sweeping this moment
        status = os.fstat(handle.fileno())
        # Made just now, the marker is empty: no sweep has ever run here.
        swept_at = status.st_mtime if status.st_size else 0.0
        if not starting and time.time() - swept_at < app.config["MEDIA_SWEEP_INTERVAL"]:
            return None
        removed = sweep_orphans(app)
        if not status.st_size:
            handle.write("the mtime of this file is when the media folder was last swept (comics/images/sweeping.py)\n")
            handle.flush()
        os.utime(handle.fileno())
        return removed


def disconnect(app: SiteApp) -> None:
    """Close this process's pooled database connections, before it forks a child that must not share them."""
    if "sqlalchemy" in app.extensions:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


class PeriodicSweep(threading.Thread):
    """A daemon thread that sweeps whenever one is due, for a long-running process that forks no children
    (a gunicorn worker). A failure (the database away) is logged and tried again next time."""

    def __init__(self, app: SiteApp) -> None:
        super().__init__(name="media-sweep", daemon=True)
        self.app = app
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = self.app.config["MEDIA_SWEEP_INTERVAL"]
        # Each process looks a few times per interval, at its own moments; the marker decides.
        while not self.stopping.wait(min(interval, 600) * random.uniform(0.25, 0.5)):
            try:
                sweep_if_due(self.app)
            except Exception as error:  # noqa: BLE001 - a sweep is housekeeping: never end the thread over it
                log.warning("media sweep failed, will try again: %r", error)

    @classmethod
    def start_for(cls, app: SiteApp) -> PeriodicSweep:
        """Start the thread for this app, and return it."""
        thread = cls(app)
        thread.start()
        return thread


class SweepingWorker(Worker):
    """An RQ worker that also sweeps orphaned media: at its start and between jobs when one is due.

    RQ runs its maintenance at start and every few minutes in the worker's main process, which then
    forks a child per job; the sweep closes its database connections so no child inherits them.
    """

    def __init__(self, *args: Any, app: SiteApp, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = app
        self._swept_once = False

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        try:
            sweep_if_due(self.app, starting=not self._swept_once)
        except Exception as error:  # noqa: BLE001 - never stop rendering over housekeeping
            log.warning("media sweep failed, will try again: %r", error)
        finally:
            self._swept_once = True
            disconnect(self.app)
