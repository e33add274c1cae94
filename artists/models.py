"""Artist profiles and the ordered links supporters follow."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comics.clock import utcnow
from extensions import db, enum_as_text

if TYPE_CHECKING:
    from comics.models import Series, StoredImage


class Artist(db.Model):
    """A person who publishes here, under a pen name if they wish: no legal name is ever asked."""

    __tablename__ = "artist"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    bio_markdown: Mapped[str] = mapped_column(Text, default="")
    avatar_id: Mapped[int | None] = mapped_column(ForeignKey("stored_image.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    avatar: Mapped[StoredImage | None] = relationship()
    links: Mapped[list[ArtistLink]] = relationship(
        back_populates="artist", order_by="ArtistLink.position", cascade="all, delete-orphan"
    )
    series: Mapped[list[Series]] = relationship(back_populates="artist", order_by="Series.title")

    @property
    def primary_link(self) -> ArtistLink | None:
        """Return the link the artist marked primary, else their first support link."""
        marked = [link for link in self.links if link.is_primary]
        if marked:
            return marked[0]
        support = [link for link in self.links if link.kind == LinkKind.SUPPORT]
        return support[0] if support else None

    @property
    def other_links(self) -> list[ArtistLink]:
        """Return every link but the primary one, in the artist's order."""
        primary = self.primary_link
        return [link for link in self.links if link is not primary]


class LinkKind(enum.StrEnum):
    SUPPORT = "support"
    SOCIAL = "social"
    WEBSITE = "website"
    SHOP = "shop"


class ArtistLink(db.Model):
    """A support, social, website or shop link, in the order the artist chose."""

    __tablename__ = "artist_link"
    __table_args__ = (Index("ix_artist_link_artist_id_position", "artist_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artist_id: Mapped[int] = mapped_column(ForeignKey("artist.id", ondelete="CASCADE"))
    kind: Mapped[LinkKind] = mapped_column(
        enum_as_text(LinkKind)
    )
    label: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(String(2000))
    position: Mapped[int] = mapped_column(default=0)
    is_primary: Mapped[bool] = mapped_column(default=False)

    artist: Mapped[Artist] = relationship(back_populates="links")
