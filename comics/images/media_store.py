"""The media store the app writes to: one MediaStore per app, at its MEDIA_ROOT.

Serving the files, and the URLs readers fetch them from, belong to the reader (comics.media).
"""
from __future__ import annotations

from flask import Flask, current_app

from comics.images.storage import MediaStore


def media_store(app: Flask | None = None) -> MediaStore:
    """Return the app's media store, created once per app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    store = app.extensions.get("media_store")
    if store is None:
        store = app.extensions["media_store"] = MediaStore(app.config["MEDIA_ROOT"])
    return store
