"""An artist's reach: views per episode and clicks per link over a range of days, as charts and tables.

Needs no request: build_stats_report(artist, days) reads the daily counts (comics.stats) and draws the
charts (comics.stats.charts); the studio's stats page only renders what it returns.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from artists.links import display_host
from artists.models import Artist, ArtistLink
from comics.clock import utcnow
from comics.models import Episode, Series
from comics.stats.charts import Line, line_chart, sparkline
from comics.stats.counting import flush_stats
from comics.stats.models import EpisodeDailyViews, LinkDailyClicks
from extensions import db

RANGES = (7, 30, 90, 365)
DEFAULT_RANGE = 30
CHART_LINES = 6  # more lines than this make a chart nobody can read: the rest are summed as "Other"


@dataclass
class CountRow:
    """One episode or link: its name, total over the range, and its daily counts."""

    label: str
    total: int
    daily: list[int]
    detail: str = ""
    href: str | None = None

    @property
    def trend(self) -> Markup:
        """Return a sparkline of the daily counts."""
        return Markup(sparkline(self.daily, _("%(name)s: %(total)s over the period", name=self.label, total=self.total)))


@dataclass
class StatsReport:
    """What the stats page shows for one artist and range."""

    artist: Artist
    days: list[date]
    episodes: list[CountRow] = field(default_factory=list)
    links: list[CountRow] = field(default_factory=list)

    @property
    def total_views(self) -> int:
        return sum(row.total for row in self.episodes)

    @property
    def total_clicks(self) -> int:
        return sum(row.total for row in self.links)

    @property
    def views_chart(self) -> Markup:
        """Return the chart of daily views: the most-read episodes, the rest together."""
        return Markup(line_chart(
            _("Views per day, %(period)s", period=self._period),
            self.days,
            chart_lines(self.episodes),
            element_id="views-chart",
            day_label=chart_day_label,
        ))

    @property
    def clicks_chart(self) -> Markup:
        """Return the chart of daily clicks on each link."""
        return Markup(line_chart(
            _("Link clicks per day, %(period)s", period=self._period),
            self.days,
            chart_lines(self.links),
            element_id="clicks-chart",
            day_label=chart_day_label,
        ))

    @property
    def _period(self) -> str:
        return _("%(first)s to %(last)s", first=self.days[0].isoformat(), last=self.days[-1].isoformat()) if self.days else ""


def chart_day_label(day: date) -> str:
    """Name a day under a chart's axis in the page's language ("1 Jan"; in Korean "1월 1일")."""
    # Translators: a CLDR date pattern for the days under a chart (d: day, MMM: short month name).
    return str(format_date(day, _("d MMM")))


def chart_lines(rows: list[CountRow]) -> list[Line]:
    """Return chart lines for the busiest rows, the others summed into one, quiet rows left out."""
    busy = sorted((row for row in rows if row.total), key=lambda row: row.total, reverse=True)
    if not busy:
        return [Line(_("No views or clicks yet"), [0] * (len(rows[0].daily) if rows else 0))] if rows else []
    shown, rest = busy[: CHART_LINES - 1], busy[CHART_LINES - 1 :]
    if len(rest) == 1:
        shown, rest = busy, []
    lines = [Line(row.label, row.daily) for row in shown]
    if rest:
        lines.append(Line(_("%(count)s others", count=len(rest)), [sum(day) for day in zip(*(row.daily for row in rest), strict=True)]))
    return lines


def build_stats_report(artist: Artist, days: int = DEFAULT_RANGE, end: date | None = None) -> StatsReport:
    """Return the artist's views and clicks for the last `days` days (ending today, or at `end`)."""
    # Counts still waiting in this process's memory belong in what the artist sees now.
    flush_stats()
    range_days = day_range(days, end)
    first, last = range_days[0], range_days[-1]
    report = StatsReport(artist=artist, days=range_days)

    views = episode_views_by_day(artist.id, first, last)
    episodes = db.session.scalars(
        select(Episode)
        .join(Series, Series.id == Episode.series_id)
        .where(Series.artist_id == artist.id)
        .options(joinedload(Episode.series))
        .order_by(Series.title, Episode.number)
    ).all()
    for episode in episodes:
        daily = [views.get(episode.id, {}).get(day, 0) for day in range_days]
        # Unpublished episodes have no readers to count: list them only if they once had views.
        if not episode.is_public and not any(daily):
            continue
        report.episodes.append(
            CountRow(
                label=_("%(series)s · %(number)s. %(title)s", series=episode.series.title, number=episode.number, title=episode.title),
                total=sum(daily),
                daily=daily,
                detail="" if episode.is_public else _("not public now"),
            )
        )

    clicks = link_clicks_by_day(artist.id, first, last)
    links = db.session.scalars(select(ArtistLink).where(ArtistLink.artist_id == artist.id).order_by(ArtistLink.position))
    for link in links:
        daily = [clicks.get(link.id, {}).get(day, 0) for day in range_days]
        host = display_host(link.url)
        detail = _("%(host)s · primary", host=host) if link.is_primary else host
        report.links.append(CountRow(label=link.label, total=sum(daily), daily=daily, detail=detail))
    return report


# --- reading the counts ----------------------------------------------------------------------------


def day_range(days: int, end: date | None = None) -> list[date]:
    """Return the last `days` UTC days, oldest first, ending today (or at `end`)."""
    end = end or utcnow().date()
    return [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def episode_views_by_day(artist_id: int, first_day: date, last_day: date) -> dict[int, dict[date, int]]:
    """Return {episode id: {day: views}} for every episode of an artist with views in the range."""
    rows = db.session.execute(
        select(EpisodeDailyViews.episode_id, EpisodeDailyViews.day, EpisodeDailyViews.views)
        .join(Episode, Episode.id == EpisodeDailyViews.episode_id)
        .join(Series, Series.id == Episode.series_id)
        .where(Series.artist_id == artist_id, EpisodeDailyViews.day.between(first_day, last_day))
    )
    return _by_day(rows)


def link_clicks_by_day(artist_id: int, first_day: date, last_day: date) -> dict[int, dict[date, int]]:
    """Return {link id: {day: clicks}} for every link of an artist with clicks in the range."""
    rows = db.session.execute(
        select(LinkDailyClicks.link_id, LinkDailyClicks.day, LinkDailyClicks.clicks)
        .join(ArtistLink, ArtistLink.id == LinkDailyClicks.link_id)
        .where(ArtistLink.artist_id == artist_id, LinkDailyClicks.day.between(first_day, last_day))
    )
    return _by_day(rows)


def _by_day(rows: Iterable[tuple[int, date, int]]) -> dict[int, dict[date, int]]:
    result: dict[int, dict[date, int]] = {}
    for key, day, count in rows:
        result.setdefault(key, {})[day] = count
    return result
