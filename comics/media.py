"""Media files: the store the app writes to, and the immutable URLs readers fetch them from."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, send_file, url_for

from comics.storage import MediaStore, media_type_for

bp = Blueprint("media", __name__)

ONE_YEAR = 31_536_000


def media_store(app: Flask | None = None) -> MediaStore:
    """Return the app's media store, created once per app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("media_store")
    if store is None:
        store = app.extensions["media_store"] = MediaStore(app.config["MEDIA_ROOT"])
    return store


@bp.app_template_global()
def media_url(name: str) -> str:
    """Return the URL of a stored file; names are content hashes, so the URL never changes meaning."""
    return url_for("media.file", name=name)


@bp.get("/media/<path:name>")
def file(name: str) -> Response:
    """Serve a stored file as immutable; in production nginx serves this path directly."""
    store = media_store()
    try:
        path = store.path_of(name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype=media_type_for(name), etag=True, conditional=True, max_age=ONE_YEAR
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
