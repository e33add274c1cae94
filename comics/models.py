"""Stored images with their renditions, and the series, episodes and panels that use them."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import Select

from comics.clock import utcnow
from extensions import db, enum_as_text

if TYPE_CHECKING:
    from artists.models import Artist


class RenderState(enum.StrEnum):
    """Where an image's renditions stand: made in the upload, or by a background worker (comics.rendering)."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class StoredImage(db.Model):
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

    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="image",
        cascade="all, delete-orphan",
        order_by="(Rendition.format, Rendition.width)",
        lazy="selectin",
    )

    def sources(self, format: str) -> list[Rendition]:
        """Return this image's renditions in one format, narrowest first."""
        return sorted((r for r in self.renditions if r.format == format), key=lambda r: r.width)

    def file_names(self) -> list[str]:
        """Return every file this image owns in the media store."""
        return [self.master, *(r.file for r in self.renditions)]


class Rendition(db.Model):
    """One named size and format of a stored image."""

    __tablename__ = "rendition"
    __table_args__ = (UniqueConstraint("image_id", "width", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id", ondelete="CASCADE"))
    width: Mapped[int]
    height: Mapped[int]
    format: Mapped[str] = mapped_column(String(8))
    file: Mapped[str] = mapped_column(String(80), index=True)
    size: Mapped[int]

    image: Mapped[StoredImage] = relationship(back_populates="renditions")


class SeriesStatus(enum.StrEnum):
    ONGOING = "ongoing"
    COMPLETED = "completed"


class Series(db.Model):
    """A webtoon: a titled run of episodes by one artist."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    artist_id: Mapped[int] = mapped_column(ForeignKey("artist.id"), index=True)
    # Indexed, like every image reference: /media/<name> asks "is this image public?" on each request.
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("stored_image.id"), index=True)
    # A BCP 47 tag per series, not a site-wide assumption: episodes in Korean sit beside English ones.
    language: Mapped[str] = mapped_column(String(35), default="en")
    status: Mapped[SeriesStatus] = mapped_column(
        enum_as_text(SeriesStatus),
        default=SeriesStatus.ONGOING,
    )
    content_warning: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    artist: Mapped[Artist] = relationship(back_populates="series")
    cover: Mapped[StoredImage | None] = relationship()
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="series", order_by="Episode.number", cascade="all, delete-orphan"
    )

    @staticmethod
    def public() -> Select[tuple[Series]]:
        """Select the series readers may see now: those with at least one public episode."""
        has_public_episode = (
            Episode.public().where(Episode.series_id == Series.id).with_only_columns(Episode.id).exists()
        )
        return select(Series).where(has_public_episode)


class EpisodeStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    # Approved: public once published_at has passed, so a scheduled episode needs no cron job.
    PUBLISHED = "published"


class Episode(db.Model):
    """A numbered chapter of a series: panels read top to bottom."""

    __tablename__ = "episode"
    __table_args__ = (
        UniqueConstraint("series_id", "number"),
        # The listings ask for published episodes by time: the home page's latest, feeds, schedules.
        Index("ix_episode_status_published_at", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[EpisodeStatus] = mapped_column(
        enum_as_text(EpisodeStatus),
        default=EpisodeStatus.DRAFT,
    )
    published_at: Mapped[datetime | None]
    thumbnail_id: Mapped[int | None] = mapped_column(ForeignKey("stored_image.id"), index=True)
    author_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    series: Mapped[Series] = relationship(back_populates="episodes")
    thumbnail: Mapped[StoredImage | None] = relationship()
    panels: Mapped[list[Panel]] = relationship(
        back_populates="episode", order_by="Panel.position", cascade="all, delete-orphan"
    )

    @property
    def renditions_ready(self) -> bool:
        """Tell whether every image of the episode has its renditions, so it may be published."""
        images = [panel.image for panel in self.panels]
        if self.thumbnail is not None:
            images.append(self.thumbnail)
        return bool(self.panels) and all(image.render_state == RenderState.READY for image in images)

    @property
    def is_public(self) -> bool:
        """Tell whether readers may see this episode now."""
        return (
            self.status == EpisodeStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= utcnow()
        )

    @staticmethod
    def public() -> Select[tuple[Episode]]:
        """Select the episodes readers may see now."""
        return select(Episode).where(
            Episode.status == EpisodeStatus.PUBLISHED, Episode.published_at <= utcnow()
        )


class Panel(db.Model):
    """One image of an episode, at its place in the reading order."""

    __tablename__ = "panel"
    __table_args__ = (UniqueConstraint("episode_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"))
    position: Mapped[int]
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id"), index=True)
    alt_text: Mapped[str] = mapped_column(Text, default="")
    transcript: Mapped[str] = mapped_column(Text, default="")

    episode: Mapped[Episode] = relationship(back_populates="panels")
    image: Mapped[StoredImage] = relationship(lazy="joined")

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height
