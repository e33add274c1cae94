"""The Give page's words and donation link, one row per language, set by an admin."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from comics.clock import utcnow
from extensions import Model, db


class GiveText(Model):
    """What the Give page says to readers of one language, and where their gift goes.

    The link is a plain address of the organisation's own page or its payment processor's: the site
    loads no script of anyone's to take a gift, and follows no one who clicks.
    """

    __tablename__ = "give_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(35), unique=True)
    heading: Mapped[str] = mapped_column(String(200), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    donation_url: Mapped[str] = mapped_column(String(2000), default="")
    donation_label: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def give_texts() -> dict[str, GiveText]:
    """Return the Give page's words by language (at most one row per language of the site)."""
    return {row.language: row for row in db.session.scalars(select(GiveText))}
