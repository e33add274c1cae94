"""The catalogue: series, their numbered episodes and the panels read top to bottom.

"Public now" is written once, here: Episode.is_public and Series.is_public work on a loaded row and as
SQL in any query (the reader, media, feeds, sitemap, search and the studio's dashboard all use them);
an artist's profile is public from their first public episode (has_public_work).
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    SQLColumnExpression,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import Select

from comics.clock import utcnow
from comics.images.models import StoredImage
from extensions import Model, enum_as_text

if TYPE_CHECKING:
    from artists.models import Artist


class SeriesStatus(enum.StrEnum):
    ONGOING = "ongoing"
    COMPLETED = "completed"


class Series(Model):
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

    @hybrid_property
    def is_public(self) -> bool:
        """Tell whether readers may see this series now: once at least one of its episodes is public."""
        return any(episode.is_public for episode in self.episodes)

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return select(Episode.id).where(Episode.series_id == cls.id, Episode.is_public).exists()

    @staticmethod
    def public() -> Select[Series]:
        """Select the series readers may see now."""
        return select(Series).where(Series.is_public)


def has_public_work(artist_id: SQLColumnExpression[int] | int) -> ColumnElement[bool]:
    """Tell, as SQL, whether an artist has an episode readers may see now: only then are their profile,
    picture and links public (the profile page, its feed, /go links, /media/ and search all ask this)."""
    return (
        select(Episode.id)
        .join(Series, Series.id == Episode.series_id)
        .where(Series.artist_id == artist_id, Episode.is_public)
        .exists()
    )


class EpisodeStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    # Approved: public once published_at has passed, so a scheduled episode needs no cron job.
    PUBLISHED = "published"


class Episode(Model):
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

    @hybrid_property
    def is_public(self) -> bool:
        """Tell whether readers may see this episode now: approved, and its publication time has come.

        An approved episode with a later time is scheduled, and goes public with no job running.
        """
        return self.status == EpisodeStatus.PUBLISHED and self.published_at is not None and self.published_at <= utcnow()

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == EpisodeStatus.PUBLISHED, cls.published_at <= utcnow())

    @hybrid_property
    def is_scheduled(self) -> bool:
        """Tell whether this episode is approved to go public at a time still to come."""
        return self.status == EpisodeStatus.PUBLISHED and self.published_at is not None and self.published_at > utcnow()

    @is_scheduled.inplace.expression
    @classmethod
    def _is_scheduled_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == EpisodeStatus.PUBLISHED, cls.published_at > utcnow())

    @staticmethod
    def public() -> Select[Episode]:
        """Select the episodes readers may see now."""
        return select(Episode).where(Episode.is_public)


class Panel(Model):
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
