"""Privacy-preserving counts: views per episode and clicks per artist link, per day, and nothing else.

A row holds an episode (or link), a UTC day and a number. No IP address, cookie, user agent, referrer
or time of day is stored anywhere, so there is nothing to tie a view to a reader, however the rows are
combined. The user agent is read only to skip bots that say they are bots, and then forgotten.

Counting must not slow down cached pages (a page served from the cache does no SQL), so a hit is one
increment of an in-memory counter; each process writes its counters in one batch of UPSERTs every
STATS_FLUSH_INTERVAL seconds or STATS_FLUSH_MAX_PENDING hits, whichever comes first, and at exit.
Several processes add their batches to the same rows, never overwrite them. Tests set the interval
to 0, which writes every hit at once.
"""
from __future__ import annotations

import atexit
import functools
import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import Flask, Request, Response, current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Table, delete, event, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from artists.models import ArtistLink
from comics.clock import utcnow
from comics.models import Episode, Series
from comics.stats.models import EpisodeDailyViews, LinkDailyClicks
from extensions import db
from web.page_cache.held_pages import answers_early, own_early_answer

log = logging.getLogger(__name__)



# SQLite does not enforce foreign keys here, and reuses the highest id after a delete: without this a
# new episode could inherit a deleted one's counts. (PostgreSQL's ON DELETE CASCADE does the same.)
def _forget_episode_views(mapper: Any, connection: Connection, target: Episode) -> None:
    connection.execute(delete(EpisodeDailyViews).where(EpisodeDailyViews.episode_id == target.id))


def _forget_link_clicks(mapper: Any, connection: Connection, target: ArtistLink) -> None:
    connection.execute(delete(LinkDailyClicks).where(LinkDailyClicks.link_id == target.id))


def listen_for_deleted_subjects() -> None:
    """Delete the counts of a deleted episode or link in the same flush."""
    if event.contains(Episode, "after_delete", _forget_episode_views):
        return
    event.listen(Episode, "after_delete", _forget_episode_views)
    event.listen(ArtistLink, "after_delete", _forget_link_clicks)


# --- who is counted --------------------------------------------------------------------------------

# Crawlers, link checkers, feed fetchers and the link-preview robots of chat apps and the fediverse
# (one Mastodon post makes every instance that sees it fetch the page), matched in the lower-cased
# user agent. Plain substring tests: a regular expression of these costs more than the cached page.
_ROBOT_WORDS = (
    "bot", "crawl", "spider", "slurp", "preview", "scrap", "fetch", "archiv", "monitor", "checker",
    "validator", "facebookexternalhit", "embedly", "iframely", "whatsapp", "mastodon", "pleroma",
    "akkoma", "misskey", "lighthouse", "headless", "phantomjs", "python", "curl", "wget", "httpclient",
    "okhttp", "go-http", "java/", "libwww", "+http",
)
_CACHED_AGENT_LENGTH = 512  # longer user agents are judged afresh, so no one can fill the cache with them


@functools.lru_cache(maxsize=2048)
def _judge_agent(user_agent: str) -> bool:
    # Cubot is a make of phone, not a robot.
    lowered = user_agent.lower().replace("cubot", "")
    return any(word in lowered for word in _ROBOT_WORDS)


def is_declared_robot(user_agent: str | None) -> bool:
    """Tell whether a user agent says it is a program rather than a person's browser."""
    # No user agent at all: a script, not a browser (every browser sends one).
    if not user_agent:
        return True
    if len(user_agent) > _CACHED_AGENT_LENGTH:
        return _judge_agent.__wrapped__(user_agent)
    return _judge_agent(user_agent)


def is_counted_request(req: Request) -> bool:
    """Tell whether this request is a person reading: a GET from a browser that is not prefetching."""
    if req.method != "GET":
        return False
    environ = req.environ
    # Speculative loads the reader may never look at: <link rel=prefetch>, Chrome's prerender. And the
    # copy of a page a reader saves for offline (static/js/offline.js asks with Purpose: prefetch): the
    # reading of that page was counted when it was opened.
    purpose = f"{environ.get('HTTP_SEC_PURPOSE', '')} {environ.get('HTTP_PURPOSE', '')} {environ.get('HTTP_X_MOZ', '')}"
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower():
        return False
    return not is_declared_robot(environ.get("HTTP_USER_AGENT"))


# --- the buffer ------------------------------------------------------------------------------------

ViewKey = tuple[str, int, date]  # series slug, episode number, day: what the URL says, no SQL needed
ClickKey = tuple[int, date]


class StatsBuffer:
    """Counts waiting in this process's memory to be written to the database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.views: Counter[ViewKey] = Counter()
        self.clicks: Counter[ClickKey] = Counter()
        self.pending = 0
        self.last_flush = time.monotonic()

    def add_view(self, slug: str, number: int, day: date) -> None:
        """Count one view of an episode, named as in its URL."""
        with self._lock:
            self.views[(slug, number, day)] += 1
            self.pending += 1

    def add_click(self, link_id: int, day: date) -> None:
        """Count one click on a link."""
        with self._lock:
            self.clicks[(link_id, day)] += 1
            self.pending += 1

    def is_due(self, interval: float, max_pending: int) -> bool:
        """Tell whether the counts have waited long enough, or grown large enough, to be written."""
        return self.pending > 0 and (
            self.pending >= max_pending or time.monotonic() - self.last_flush >= interval
        )

    def take(self) -> tuple[Counter[ViewKey], Counter[ClickKey]]:
        """Return the waiting counts and start afresh."""
        with self._lock:
            views, clicks = self.views, self.clicks
            self.views, self.clicks = Counter(), Counter()
            self.pending = 0
            self.last_flush = time.monotonic()
        return views, clicks

    def put_back(self, views: Counter[ViewKey], clicks: Counter[ClickKey]) -> None:
        """Return counts a failed write could not store, so they go out with the next batch."""
        with self._lock:
            self.views.update(views)
            self.clicks.update(clicks)
            self.pending += sum(views.values()) + sum(clicks.values())


def stats_buffer(app: Flask | None = None) -> StatsBuffer:
    """Return the app's buffer, creating it (and its flush at exit) on first use in this process."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    buffer = app.extensions.get("stats_buffer")
    if buffer is None:
        buffer = app.extensions["stats_buffer"] = StatsBuffer()
        # A weak reference: the exit hook must not keep every app a test suite creates alive.
        atexit.register(_flush_at_exit, weakref.ref(app))
    return buffer


def _flush_at_exit(app_ref: weakref.ref[Flask]) -> None:
    app = app_ref()
    if app is None or not app.extensions.get("stats_buffer") or not app.extensions["stats_buffer"].pending:
        return
    with app.app_context():
        flush_stats(app)


def record_episode_view(slug: str, number: int, app: Flask | None = None) -> None:
    """Count one reader's view of an episode page (of this app: outside a request, it must be given)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    stats_buffer(app).add_view(slug, number, utcnow().date())
    _flush_if_due(app)


def record_link_click(link_id: int) -> None:
    """Count one reader following an artist's link."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stats_buffer(app).add_click(link_id, utcnow().date())
    _flush_if_due(app)


def _flush_if_due(app: Flask) -> None:
    config = app.config
    if stats_buffer(app).is_due(
        float(config["STATS_FLUSH_INTERVAL"]),
        int(config["STATS_FLUSH_MAX_PENDING"]),
    ):
        # An application context of its own: pages answered before Flask (web.page_cache.held_pages) have none,
        # and the database is this app's even when another app's context is current (tests).
        with app.app_context():
            flush_stats(app)


def flush_stats(app: Flask | None = None) -> None:
    """Write every waiting count to the database in one transaction; on failure keep them for later.

    A failure is logged, never raised: a reader's page must not fail because a count could not be saved.
    """
    buffer = stats_buffer(app)
    views, clicks = buffer.take()
    if not views and not clicks:
        return
    try:
        # Its own connection and transaction, so the request's session is left exactly as it was.
        with db.engine.begin() as connection:
            _write_views(connection, views)
            _write_clicks(connection, clicks)
    except Exception:
        log.exception("could not write %d view and click counts; keeping them for the next flush", len(views) + len(clicks))
        buffer.put_back(views, clicks)


def _write_views(connection: Connection, views: Counter[ViewKey]) -> None:
    if not views:
        return
    # Resolve URL names to episode ids once per batch rather than once per view.
    names = {(slug, number) for slug, number, _ in views}
    ids = {
        (slug, number): episode_id
        for episode_id, slug, number in connection.execute(
            select(Episode.id, Series.slug, Episode.number)
            .join(Series, Series.id == Episode.series_id)
            .where(tuple_(Series.slug, Episode.number).in_(list(names)))
        )
    }
    rows = [
        {"episode_id": ids[(slug, number)], "day": day, "views": count}
        for (slug, number, day), count in views.items()
        if (slug, number) in ids  # an episode deleted since it was read has nothing to count towards
    ]
    _add_counts(connection, EpisodeDailyViews.__table__, ("episode_id", "day"), "views", rows)


def _write_clicks(connection: Connection, clicks: Counter[ClickKey]) -> None:
    if not clicks:
        return
    existing = set(connection.scalars(select(ArtistLink.id).where(ArtistLink.id.in_({link_id for link_id, _ in clicks}))))
    rows = [
        {"link_id": link_id, "day": day, "clicks": count}
        for (link_id, day), count in clicks.items()
        if link_id in existing
    ]
    _add_counts(connection, LinkDailyClicks.__table__, ("link_id", "day"), "clicks", rows)


def _add_counts(connection: Connection, table: Table, keys: tuple[str, str], column: str, rows: list[dict[str, Any]]) -> None:
    """Add each row's count to the stored one, inserting rows that are not there yet (one UPSERT)."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={column: table.c[column] + statement.excluded[column]}
        )
        connection.execute(statement, rows)
        return
    # Any other engine: update, then insert what was not there (the batch runs in one transaction).
    for row in rows:
        match = [table.c[key] == row[key] for key in keys]
        updated = connection.execute(table.update().where(*match).values({column: table.c[column] + row[column]}))
        if updated.rowcount == 0:
            connection.execute(table.insert().values(row))


# --- counting a view -------------------------------------------------------------------------------

def counts_episode_views(view: Callable[..., ResponseReturnValue]) -> Callable[..., Response]:
    """Count a reader's view of the episode a view function shows, cached answer or not.

    Apply it above the page cache's decorator, so pages served from the cache are counted too. Only
    answers that show the episode (200, or 304 to a reader's browser revalidating it) count.
    """

    @functools.wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Response:
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code in (200, 304) and is_counted_request(request):
            record_episode_view(kwargs["slug"], kwargs["number"])
        return response

    # Pages answered before Flask (web.page_cache.held_pages) are counted the same way.
    below = own_early_answer(view)
    if below is not None:

        def counted_early(app: Flask, req: Request, view_args: Mapping[str, Any]) -> Response | None:
            response = below.answer(app, req, view_args)
            if response is not None and response.status_code in (200, 304) and is_counted_request(req):
                record_episode_view(view_args["slug"], view_args["number"], app)
            return response

        answers_early(counted, counted_early)
    return counted
