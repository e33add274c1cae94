"""Fingerprinted static files: a content hash in every asset URL, so each can be cached for a year."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request

from web.languages import root_url_for

ONE_YEAR = 31_536_000
DIGEST_LENGTH = 12


def fingerprints(app: Flask) -> dict[str, str]:
    """Return the app's table of static file hashes, computed once at start-up."""
    table = app.extensions.get("static_fingerprints")
    if table is None:
        table = app.extensions["static_fingerprints"] = {}
        root = Path(app.static_folder or "static")
        for path in root.rglob("*"):
            if path.is_file():
                table[path.relative_to(root).as_posix()] = _digest(path)
    return table


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]


def static_url(filename: str) -> str:
    """Return the URL of a static file with its content hash, so a changed file gets a new URL."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    table = fingerprints(app)
    digest = table.get(filename)
    if digest is None:
        path = Path(app.static_folder or "static") / filename
        # A file added after start-up gets hashed when first asked for; a missing one gets no hash.
        if not path.is_file():
            return root_url_for("static", filename=filename)
        digest = table[filename] = _digest(path)
    return root_url_for("static", filename=filename, v=digest)


def mark_static_immutable(response: Response) -> Response:
    """Cache a static file for a year when its URL carries its current hash; otherwise revalidate."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    if response.direct_passthrough and response.status_code == 200:
        # Read the (small) file into memory: Flask-Compress then compresses it as a whole, with an
        # ETag per encoding, and the file is closed with the response instead of leaking.
        response.direct_passthrough = False
        response.make_sequence()
    filename = (request.view_args or {}).get("filename", "")
    current = fingerprints(current_app._get_current_object()).get(filename)  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    if current is not None and request.args.get("v") == current:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response
