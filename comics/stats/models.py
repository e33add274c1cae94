"""Daily counts: views per episode and clicks per artist link, and nothing that could name a reader."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class EpisodeDailyViews(db.Model):
    """How many times an episode's page was read on one UTC day."""

    __tablename__ = "episode_daily_views"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class LinkDailyClicks(db.Model):
    """How many times an artist's link was followed on one UTC day."""

    __tablename__ = "link_daily_clicks"

    link_id: Mapped[int] = mapped_column(ForeignKey("artist_link.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(default=0)
