"""The catalogue: series, their numbered episodes and the panels read top to bottom.

"Public now" is written once, here: Episode.is_public and Series.is_public work on a loaded row and as
SQL in any query (the reader, media, feeds, sitemap, search and the studio's dashboard all use them);
an artist's profile is public from their first public episode (has_public_work).

Languages: a series is written in one original language (Series.language) and may carry a title,
summary, content warning and cover in others (SeriesTranslation; Series.cover_in and the like pick
the page language's, falling back to the original's). An episode is the original's version; each other language is a
version of its own, an Episode row with original_id set: its own lettered panels, title, alt texts,
transcripts, author's note and translator, reviewed and published like any episode. A version is public
when it is approved and its original is public too. Listings show one row per number, the original
(Episode.public()); a page picks the version in its language with Episode.version_in().
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    SQLColumnExpression,
    String,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    or_,
    select,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship
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
    # Set once readers have seen the series (comics.publishing.revisions.has_been_public): from
    # then on every change to it waits for an editor, even while none of its episodes is public. Never cleared.
    first_public_at: Mapped[datetime | None]
    # The series as readers last saw it, kept when its last public episode left the site, so the editor
    # who puts it back sees what changed meanwhile.
    last_public_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    artist: Mapped[Artist] = relationship(back_populates="series")
    cover: Mapped[StoredImage | None] = relationship()
    # The originals, one per number; each original holds its versions in other languages.
    episodes: Mapped[list[Episode]] = relationship(
        primaryjoin="and_(Series.id == Episode.series_id, Episode.original_id.is_(None))",
        order_by="Episode.number",
        cascade="all, delete-orphan",
        overlaps="series",
    )
    translations: Mapped[list[SeriesTranslation]] = relationship(
        back_populates="series", order_by="SeriesTranslation.language", cascade="all, delete-orphan"
    )

    def text_in(self, language: str) -> SeriesTranslation:
        """Return the title and summary to show in this language: its translation, else the original's."""
        for translation in self.translations:
            if translation.language == language and translation.title:
                return translation
        return SeriesTranslation(language=self.language, title=self.title, summary=self.summary)

    def title_in(self, language: str) -> str:
        return self.text_in(language).title

    def cover_in(self, language: str) -> StoredImage | None:
        """Return the cover readers of this language see: their translation's own, else the original's."""
        for translation in self.translations:
            if translation.language == language and translation.cover is not None:
                return translation.cover
        return self.cover

    def warning_in(self, language: str) -> ContentWarning | None:
        """Return the content warning to show readers of this language, with the language it is written
        in: its translation's, else the original's (marked as in the original's language), else None."""
        for translation in self.translations:
            if translation.language == language and translation.content_warning:
                return ContentWarning(translation.content_warning, language)
        return ContentWarning(self.content_warning, self.language) if self.content_warning else None

    def summary_in(self, language: str) -> str:
        return self.text_in(language).summary

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


def now_when_run() -> BindParameter[datetime]:
    """Return the current time as a statement's parameter, read each time the statement runs.

    Not when it is built: so a statement built once and kept (search's visibility condition,
    comics.discovery.search) says "public now" at every run. utcnow is looked up at each run, so a
    test that moves this module's clock moves it too.
    """
    return bindparam(None, type_=DateTime(), callable_=lambda: utcnow())


class ContentWarning(NamedTuple):
    """A series' content warning as a page shows it: the words and the language they are written in."""

    text: str
    language: str


class SeriesTranslation(Model):
    """A series' title, summary, content warning and cover in a language other than its own."""

    __tablename__ = "series_translation"
    __table_args__ = (UniqueConstraint("series_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Shown above every episode in this language; "" shows the original's, marked as in its language.
    content_warning: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # A cover lettered in this language (its title, its byline); None shows the original's. Indexed, like
    # every image reference: /media/<name> asks "is this image public?" on each request.
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("stored_image.id"), index=True)

    series: Mapped[Series] = relationship(back_populates="translations")
    cover: Mapped[StoredImage | None] = relationship()


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
        # One original per number, and one version per language of it.
        UniqueConstraint("series_id", "number", "language"),
        Index(
            "uq_episode_original_number",
            "series_id",
            "number",
            unique=True,
            sqlite_where=text("original_id IS NULL"),
            postgresql_where=text("original_id IS NULL"),
        ),
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
    # The language this version is lettered in (a BCP 47 tag); an original takes its series' language.
    language: Mapped[str] = mapped_column(String(35), default="en")
    # Set on a version in another language: the episode it translates. None on an original.
    original_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    # Who translated this version, as they wish to be credited ("" on an original).
    translator: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    series: Mapped[Series] = relationship(overlaps="episodes")
    original: Mapped[Episode | None] = relationship(remote_side=[id], back_populates="translations")
    translations: Mapped[list[Episode]] = relationship(
        back_populates="original", order_by="Episode.language", cascade="all, delete-orphan"
    )
    thumbnail: Mapped[StoredImage | None] = relationship()
    panels: Mapped[list[Panel]] = relationship(
        back_populates="episode", order_by="Panel.position", cascade="all, delete-orphan"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Tell whether readers may see this episode now: approved, and its publication time has come.

        An approved episode with a later time is scheduled, and goes public with no job running. A
        version in another language is public only while its original is too.
        """
        approved = self.status == EpisodeStatus.PUBLISHED and self.published_at is not None and self.published_at <= utcnow()
        return approved and (self.original is None or self.original.is_public)

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        original = aliased(Episode)
        original_public = (
            select(original.id)
            .where(
                original.id == cls.original_id,
                original.status == EpisodeStatus.PUBLISHED,
                original.published_at <= now_when_run(),
            )
            .exists()
        )
        return and_(
            cls.status == EpisodeStatus.PUBLISHED,
            cls.published_at <= now_when_run(),
            or_(cls.original_id.is_(None), original_public),
        )

    @hybrid_property
    def is_scheduled(self) -> bool:
        """Tell whether this episode is approved to go public at a time still to come."""
        return self.status == EpisodeStatus.PUBLISHED and self.published_at is not None and self.published_at > utcnow()

    @is_scheduled.inplace.expression
    @classmethod
    def _is_scheduled_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == EpisodeStatus.PUBLISHED, cls.published_at > now_when_run())

    @staticmethod
    def public() -> Select[Episode]:
        """Select the episodes readers may see now, one per number: the originals (see version_in)."""
        return select(Episode).where(Episode.original_id.is_(None), Episode.is_public)

    @property
    def is_original(self) -> bool:
        return self.original_id is None and self.original is None

    @property
    def original_version(self) -> Episode:
        """Return the original of this episode: itself, or the one it translates."""
        return self.original or self

    def versions(self) -> list[Episode]:
        """Return the original and every version of it in another language, the original first."""
        original = self.original_version
        return [original, *original.translations]

    def version_in(self, language: str) -> Episode:
        """Return the version readers of this language see: theirs where it is public, else the original."""
        original = self.original_version
        if original.language == language:
            return original
        for version in original.translations:
            if version.language == language and version.is_public:
                return version
        return original


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
