"""What comics.images is handed by the site: the settings its steps read, and the app's media store.

comics.images imports no Flask (a contract and tests/comics/images/test_imaging.py keep it so). The
site's face of it, comics.site_images, reads these from the current app and passes them in; SiteApp
names the little of a Flask app that the queue, the sweep and this module use, so a Flask app fits it
without this package importing Flask.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from comics.images.opening import ImageLimits
from comics.images.storage import MediaStore


class SiteApp(Protocol):
    """A Flask app, as far as comics.images needs one: its settings, its extensions, an app context."""

    @property
    def config(self) -> Mapping[str, Any]: ...

    @property
    def extensions(self) -> dict[str, Any]: ...

    def app_context(self) -> AbstractContextManager[Any]: ...


def media_store_of(app: SiteApp) -> MediaStore:
    """Return the app's media store, at its MEDIA_ROOT, made once per app."""
    store = app.extensions.get("media_store")
    if store is None:
        store = app.extensions["media_store"] = MediaStore(app.config["MEDIA_ROOT"])
    return store


@dataclass(frozen=True)
class ImageSetup:
    """The settings the image steps work by, and the store they write to: read from the app at each use,
    so a setting changed on a running app (as tests do) counts from the next image on."""

    store: MediaStore
    limits: ImageLimits
    rendition_widths: Sequence[int]
    master_max_width: int
    slice_height: int
    face_cascade: str
    read_lettering: bool
    reading_languages: str

    @classmethod
    def of(cls, app: SiteApp) -> ImageSetup:
        """Return the setup of this app's images."""
        config = app.config
        return cls(
            store=media_store_of(app),
            limits=ImageLimits(
                max_bytes=config["UPLOAD_MAX_BYTES"],
                max_pixels=config["UPLOAD_MAX_PIXELS"],
                max_width=config["UPLOAD_MAX_WIDTH"],
                max_height=config["UPLOAD_MAX_HEIGHT"],
                max_frames=config["UPLOAD_MAX_FRAMES"],
            ),
            rendition_widths=config["RENDITION_WIDTHS"],
            master_max_width=config["MASTER_MAX_WIDTH"],
            slice_height=config["PANEL_SLICE_HEIGHT"],
            face_cascade=config["REVIEW_FACE_CASCADE"],
            read_lettering=config["REVIEW_READ_LETTERING"],
            reading_languages=config["REVIEW_READING_LANGUAGES"],
        )
