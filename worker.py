"""The render queue's worker outside the flask CLI, for process managers that start `rq worker` itself.

    rq worker --worker-class worker.AppWorker --url redis://127.0.0.1:6379/0 webtoon-renditions

Each job runs inside the site's app context, built from the same configuration layers as the site
(instance/config.py and FLASK_* variables). `flask --app app render-worker` does the same.
"""
from __future__ import annotations

from typing import Any

from app import create_app
from comics.images.sweeping import SweepingWorker


class AppWorker(SweepingWorker):
    """An RQ worker whose jobs run inside the site's app context (and which sweeps orphaned media)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, app=create_app(), **kwargs)

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        # Passed through as given: RQ's own signature has grown between releases.
        with self.app.app_context():
            return bool(super().perform_job(*args, **kwargs))
