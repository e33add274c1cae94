"""Media files as readers fetch them: the /media/ route and the immutable URLs it answers.

The public URL serves a file only while the database says it belongs to something readers may see
now (a panel or thumbnail of a public episode, a cover of a public series, the avatar of an artist
with public work; never a picture waiting for review), so a draft's or a scheduled episode's panels
cannot be fetched by guessing or keeping their names. The
studio previews unpublished images through its own signed-in route (comics.studio), which sets
g.media_endpoint so the same templates point there.

It lives with the reader and image_uses, not in comics.images: serving is a web face, and its URLs
follow the site's languages (web.languages); comics.images keeps the store (comics.site_images.media_store).
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, g, request

from comics.image_uses import is_public_file
from comics.images.storage import InvalidMediaName, media_type_for
from comics.site_images import media_store
from web.languages import root_url_for

bp = Blueprint("media", __name__)

ONE_YEAR = 31_536_000


def media_url(name: str) -> str:
    """Return the URL of a stored file; names are content hashes, so the URL never changes meaning."""
    # The same in every language: at the site's root (web.languages), so a browser caches one copy.
    return root_url_for(g.get("media_endpoint", "media.file"), name=name)


def stored_path(name: str) -> Path:
    """Return the path of a stored file, or answer 404 for a name we could not have made or no longer have."""
    try:
        path = media_store().path_of(name)
    except InvalidMediaName:
        abort(404)
    if not path.is_file():
        abort(404)
    return path


def send_media(path: Path, name: str, *, public: bool) -> Response:
    """Send a stored file: immutable for everyone when public, private and unstored otherwise.

    Read whole (a rendition is tens to hundreds of kB), so no open file outlives an answer that is
    cut short or never read (a 304, an image load the browser cancels). Its name is its content's
    hash, so it is its own strong ETag; a Range gets its part.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype=media_type_for(name))
    response.set_etag(path.stem)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    if public:
        response.cache_control.public = True
        response.cache_control.immutable = True
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/media/<path:name>")
def file(name: str) -> Response:
    """Serve a file of a public image as immutable; 404 for anything readers may not see now."""
    path = stored_path(name)
    if not is_public_file(name):
        abort(404)
    return send_media(path, name, public=True)
