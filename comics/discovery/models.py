"""The rows discovery keeps beside the catalogue: stored share cards and searchable documents."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model


class ShareCard(Model):
    """The stored share card of an episode or a series, and the key of what was drawn on it."""

    __tablename__ = "share_card"
    __table_args__ = (UniqueConstraint("series_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # An episode's card is lettered in its own language (each language version is its own episode);
    # a series has one card per language of the site, titled as that language's readers see it.
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), unique=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35), default="")
    source_key: Mapped[str] = mapped_column(String(64))
    # A StoredImage row, so media-gc keeps the file for as long as the card exists.
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id"))


class SearchDocument(Model):
    """The searchable text of one series, episode or artist."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    title_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")

