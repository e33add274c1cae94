"""The revisions of public profiles and series that wait for an editor, and the review flags editors set aside."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comics.clock import utcnow
from extensions import Model, enum_as_text

if TYPE_CHECKING:
    from artists.models import User
    from comics.images.models import StoredImage


class RevisionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Revision(Model):
    """Changes to a public artist profile or series, waiting for an editor to approve or return them.

    proposed holds the whole of what the form asked for (comics/publishing/revisions.py names the
    fields), so the review page can set it beside the live version; a newly uploaded picture is image,
    which no reader can fetch while the revision waits (comics/image_uses.py). Readers see none of it
    until approval copies it onto the live rows.
    """

    __tablename__ = "revision"
    __table_args__ = (Index("ix_revision_target", "target_type", "target_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))  # "artist" or "series"
    target_id: Mapped[int]
    # Whose work this is: the artist who may see and withdraw it, and who owns its picture meanwhile.
    artist_id: Mapped[int] = mapped_column(ForeignKey("artist.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[RevisionState] = mapped_column(enum_as_text(RevisionState), default=RevisionState.PENDING)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    # A new avatar or cover; let go of (moved onto the target, or deleted) when the revision is decided.
    image_id: Mapped[int | None] = mapped_column(ForeignKey("stored_image.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The editor's words to the artist when returning it (or approving with a note).
    comment: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    image: Mapped[StoredImage | None] = relationship()
    # New covers for the series' other languages, one per language, held like image.
    language_images: Mapped[list[RevisionImage]] = relationship(
        back_populates="revision", order_by="RevisionImage.language", cascade="all, delete-orphan"
    )


class RevisionImage(Model):
    """A new cover for one of a series' other languages, proposed in a revision that waits for review:
    no reader can fetch it meanwhile (comics/image_uses.py); approval makes it the translation's cover."""

    __tablename__ = "revision_image"
    __table_args__ = (UniqueConstraint("revision_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id"), index=True)

    revision: Mapped[Revision] = relationship(back_populates="language_images")
    image: Mapped[StoredImage] = relationship()


class FlagDismissal(Model):
    """An editor's decision that one review flag of an episode, or of a waiting revision of a profile or
    series, is no risk, with the reason: one of episode_id and revision_id is set (comics.publishing.flags
    sets it).

    Flags are worked out from the episode or revision as it is (comics.publishing.flags); a dismissal
    names its flag by key, so a changed panel, picture or text makes a new flag that needs looking at again.
    """

    __tablename__ = "flag_dismissal"
    __table_args__ = (
        UniqueConstraint("episode_id", "flag_key"),
        UniqueConstraint("revision_id", "flag_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), index=True)
    flag_key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
