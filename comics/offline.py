"""Episodes saved for offline reading, kept in the reader's own browser and nowhere else.

Nothing here stores anything: a reader presses "Save for offline" on an episode, and
static/js/offline.js puts the page, the panel images it shows and its CSS and JS into the browser's
Cache Storage; the service worker (static/js/offline-sw.js) answers from there when the network is
gone. This blueprint serves that worker from the site's root, so its scope is the whole site, and the
two pages the worker needs in each language: the list of saved episodes and the offline notice.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

from web.page_cache import cached_page

bp = Blueprint("offline", __name__)

WORKER_FILE = Path("js") / "offline-sw.js"


@bp.get("/offline-sw.js")
def service_worker() -> Response:
    """Serve the offline worker at the root (a worker's scope is its own folder), always revalidated."""
    path = Path(current_app.static_folder or "static") / WORKER_FILE
    response = Response(path.read_bytes(), mimetype="text/javascript")  # a small file, read whole
    # A browser checks a worker for updates at the address it registered, so that address is asked afresh.
    response.cache_control.no_cache = True
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/saved/")
@cached_page
def saved_episodes() -> str:
    """List the episodes saved in this browser (drawn by offline.js from Cache Storage)."""
    return render_template("comics/saved.html")


@bp.get("/offline/")
@cached_page
def offline_notice() -> str:
    """Say that the network is gone and this page was not saved; the worker answers with it offline."""
    return render_template("comics/offline.html")
