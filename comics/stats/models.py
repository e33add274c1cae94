"""Daily counts: views per episode and clicks per artist link, and nothing that could name a reader."""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Table
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model


class EpisodeDailyViews(Model):
    """How many times an episode's page was read on one UTC day."""

    __tablename__ = "episode_daily_views"
    __table__: ClassVar[Table]  # declared for type checkers: its table is a Table (counting writes it with Core)

    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class LinkDailyClicks(Model):
    """How many times an artist's link was followed on one UTC day."""

    __tablename__ = "link_daily_clicks"
    __table__: ClassVar[Table]  # declared for type checkers, as above

    link_id: Mapped[int] = mapped_column(ForeignKey("artist_link.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(default=0)
