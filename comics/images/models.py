"""Stored images and their renditions: the rows behind every file in the media store."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comics.clock import utcnow
from comics.images.encoding import FALLBACK_FORMAT, FORMATS, MEDIA_TYPES, SETTINGS_VERSIONS, THUMBNAIL_WIDTH
from extensions import Model, enum_as_text


class RenderState(enum.StrEnum):
    """Where an image's renditions stand: made in the upload, or by a background worker (comics.images.jobs)."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class StoredImage(Model):
    """A metadata-free master image, rebuilt from pixels, and the renditions made from it."""

    __tablename__ = "stored_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not unique: identical uploads share one content-addressed file, each row its own lifetime.
    master: Mapped[str] = mapped_column(String(80), index=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    render_state: Mapped[RenderState] = mapped_column(
        enum_as_text(RenderState),
        default=RenderState.READY,
        server_default=RenderState.READY.value,
    )
    # Why the renditions could not be made, after the last retry: shown to the artist in the studio.
    render_error: Mapped[str | None] = mapped_column(Text)
    # What the review found (docs/review.md): the kinds of metadata the upload held ("metadata": {"kinds",
    # "sources"}, never the values), whether it looks like a photograph, faces and where, and notes on
    # what could not be looked at. Seen in the studio only.
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The words Tesseract read in the master: a draft for the artist, never public; None until read.
    lettering: Mapped[str | None] = mapped_column(Text)

    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="image",
        cascade="all, delete-orphan",
        order_by="(Rendition.format, Rendition.width)",
        lazy="selectin",
    )

    def sources(self, format: str, *, thumbnail: bool = False) -> list[Rendition]:
        """Return this image's renditions in one format, narrowest first.

        The thumbnail width (encoding.THUMBNAIL_WIDTH) is left out unless asked for: it is for images
        shown as small as a list's thumbnail, not for panels, the data saver or the comic apps.
        """
        return sorted(
            (r for r in self.renditions if r.format == format and (thumbnail or r.width != THUMBNAIL_WIDTH)),
            key=lambda r: r.width,
        )

    # The format of a <picture>'s <img>, for the templates (encoding.FALLBACK_FORMAT).
    FALLBACK_FORMAT = FALLBACK_FORMAT

    def offered(self, *, thumbnail: bool = False) -> list[tuple[str, str, list[Rendition]]]:
        """Return (format, media type, renditions narrowest first) for each format this image has, in
        the order a browser should prefer them (encoding.FORMATS): what a <picture> offers."""
        offered = []
        for format in FORMATS:
            sources = self.sources(format, thumbnail=thumbnail)
            if sources:
                offered.append((format, MEDIA_TYPES[format], sources))
        return offered

    def file_names(self) -> list[str]:
        """Return every file this image owns in the media store."""
        return [self.master, *(r.file for r in self.renditions)]


class Rendition(Model):
    """One named size and format of a stored image, and the settings it was encoded with.

    One row per width and format: a rendition made again with today's settings replaces the stale one.
    """

    __tablename__ = "rendition"
    __table_args__ = (UniqueConstraint("image_id", "width", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id", ondelete="CASCADE"))
    width: Mapped[int]
    height: Mapped[int]
    format: Mapped[str] = mapped_column(String(8))
    file: Mapped[str] = mapped_column(String(80), index=True)
    size: Mapped[int]
    # The version of the encoder settings it was made with (encoding.SETTINGS_VERSIONS): None for a
    # rendition made before versions were recorded, whose settings no one knows.
    settings_version: Mapped[str | None] = mapped_column(String(16))

    image: Mapped[StoredImage] = relationship(back_populates="renditions")

    @property
    def stale(self) -> bool:
        """Tell whether it was made with other encoder settings than today's (or unknown ones)."""
        return self.settings_version != SETTINGS_VERSIONS.get(self.format)

