"""Whole-page caching for anonymous readers, versioned by content and revalidated with ETags.

Pages are keyed by the content version (web.page_cache.version), so a change can never serve a stale
page, and entries never outlive the next scheduled publication, so a scheduled episode appears on
time. What only the features know the factory hands it at configure time (configure_page_cache): the
site's clock, when the next scheduled content goes public, and the request headers that make a reader's
page differ (Save-Data); so this package knows no episode and no feature.

Two layers: the configured Flask-Caching backend (FileSystemCache in the instance folder by default,
shared by every worker of the machine; Redis when configured), and a small per-process memo of
entries (web.page_cache.entries). No entry, in either layer, outlives CACHE_DEFAULT_TIMEOUT. While the cache's Redis cannot be reached, pages are rendered without it
("X-Page-Cache: OFF"): slower, never stale.

The decorator wraps the view function itself, not the route: a decorator applied outside it (view
counting) still runs on every request, cache hits included.

A page this worker holds in memory is answered before Flask builds a request for it, by the WSGI
layer of web.page_cache.held_pages: the early answer of every cached view is _answer_held_page.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    make_response,
    request,
    session,
)
from flask.typing import ResponseReturnValue
from flask_caching.backends.nullcache import NullCache
from flask_login import current_user
from redis.exceptions import RedisError

from extensions import cache
from settings import default_language
from web.languages import SITE_ROOT_KEY, language_of
from web.page_cache.entries import PageEntry, answer, entry_from, page_memo
from web.page_cache.held_pages import answers_early
from web.page_cache.version import cache_backend, content_version

log = logging.getLogger(__name__)

PRIVATE_CACHE_CONTROL = "private, no-store"

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])


def caching_enabled(app: Flask | None = None) -> bool:
    """Tell whether a real backend is configured (NullCache stores nothing, so skip the work)."""
    return not isinstance(cache_backend(app or _current_app()), NullCache)


def _current_app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


# --- what the features tell the cache ------------------------------------------------------------


# A request header's reading that makes a reader's page differ (Save-Data: on), as a word for the key
# (None: the page every other reader gets).
ReaderVariant = Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class PageCacheSetup:
    """What the page cache must be told by the features, at configure time."""

    # The site's clock, naive UTC: the moments entries die at are compared with it.
    now: Callable[[], datetime]
    # When the next scheduled content goes public, or None: no cached page outlives it.
    next_publication: Callable[[], datetime | None]
    # Each takes the WSGI environ; pages whose variants differ are stored apart.
    variants: tuple[ReaderVariant, ...]


SETUP = "page_cache.setup"


def configure_page_cache(
    app: Flask,
    *,
    now: Callable[[], datetime],
    next_publication: Callable[[], datetime | None],
    variants: Sequence[ReaderVariant] = (),
) -> None:
    """Tell this app's page cache the site's clock, its schedule and the readers' variants.

    The features own all three (comics.clock, comics.publishing.workflow.next_publication,
    comics.data_saver); the factory hands them over, so the cache asks and knows no feature. There is
    no default: without the schedule a scheduled episode would appear late.
    """
    app.extensions[SETUP] = PageCacheSetup(now, next_publication, tuple(variants))


def _setup(app: Flask) -> PageCacheSetup:
    setup: PageCacheSetup = app.extensions[SETUP]
    return setup


def next_publication(version: str) -> datetime | None:
    """Return when the next scheduled episode goes public, read once per version and moment."""
    setup = _setup(_current_app())
    key = f"page-cache/{version}/next-publication"
    now = setup.now()
    remembered: tuple[datetime | None] | None = cache.get(key)
    if remembered is not None and (remembered[0] is None or remembered[0] > now):
        return remembered[0]
    upcoming = setup.next_publication()
    cache.set(key, (upcoming,), timeout=_timeout_until(upcoming, now))
    return upcoming


def _longest_seconds(app: Flask) -> int:
    """Return CACHE_DEFAULT_TIMEOUT: how long any entry may live, in either layer (0: for ever)."""
    return int(app.config["CACHE_DEFAULT_TIMEOUT"])


def _timeout_until(moment: datetime | None, now: datetime) -> int:
    """Return the backend timeout for an entry that must not outlive this moment."""
    default = _longest_seconds(_current_app())
    if moment is None:
        return default
    # At least a second: 0 means "forever" to Flask-Caching.
    return max(1, min(default, int((moment - now) / timedelta(seconds=1)) + 1))


# --- who gets cached pages -----------------------------------------------------------------------


def _cookies(req: Request) -> Mapping[str, str]:
    # Readers get no cookie from this site, so most requests carry none: then nothing is parsed.
    return req.cookies if "HTTP_COOKIE" in req.environ else {}


def _has_session_cookie(app: Flask, req: Request) -> bool:
    return app.config.get("SESSION_COOKIE_NAME", "session") in _cookies(req)


def _may_be_signed_in(app: Flask, req: Request) -> bool:
    """Tell whether Flask-Login could find a user for this request, without asking it to look."""
    manager = getattr(app, "login_manager", None)
    if manager is None:
        return False  # no accounts on this app: everyone is anonymous
    # Flask-Login finds a user only in the session, the remember-me cookie or a request loader.
    remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return _has_session_cookie(app, req) or remember_cookie in _cookies(req) or manager._request_callback is not None


def reader_is_anonymous(app: Flask | None = None, req: Request | None = None) -> bool:
    """Tell whether this request comes from a reader who is not signed in."""
    app = app or _current_app()
    req = req or request._get_current_object()  # type: ignore[attr-defined]
    # Most readers are answered without loading a user.
    return not _may_be_signed_in(app, req) or not current_user.is_authenticated


def can_use_cache(app: Flask, req: Request) -> bool:
    """Tell whether this request may be answered from, and stored into, the shared page cache."""
    if req.method not in ("GET", "HEAD") or not caching_enabled(app):
        return False
    # A pending flash message belongs to one reader and must be shown to them, not skipped.
    if _has_session_cookie(app, req) and "_flashes" in session:
        return False
    return reader_is_anonymous(app, req)


def _rendered_per_reader() -> bool:
    """Tell whether the page just rendered holds something of this reader's (a form token, a session)."""
    return "csrf_token" in g or session.modified


# --- the decorator -------------------------------------------------------------------------------


def page_key(app: Flask, version: str, req: Request) -> str:
    """Return the cache key of this request's page under a content version.

    The page's language is part of it, read as Babel and the templates read it (language_of), so each
    language's page is stored apart. The host is part of it (feeds and canonical links are absolute),
    and the site's root, should it be mounted under a folder; the query string is taken as sent, so the
    same page asked for with its arguments in another order is merely stored twice. The reader's
    variants (configure_page_cache) are part of it too: `Save-Data: on`, say, for which the episode page
    offers only its narrowest images and says `Vary: Save-Data`; other pages are merely stored twice.
    """
    environ = req.environ
    language = language_of(environ, default_language(app))
    address = (
        f"{language}\n{environ.get('HTTP_HOST', '')}{environ.get(SITE_ROOT_KEY, '')}{environ.get('PATH_INFO', '')}"
        f"?{environ.get('QUERY_STRING', '')}"
    )
    for variant in _setup(app).variants:
        word = variant(environ)
        if word:
            address += f"\n{word}"
    return f"page/{version}/{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def cached_page(view: View) -> View:
    """Cache the view's page for anonymous readers and answer conditional requests with 304."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        # The objects behind current_app and request, looked up once: a hit is a few dozen steps.
        app = _current_app()
        req: Request = request._get_current_object()  # type: ignore[attr-defined]
        if not can_use_cache(app, req):
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
            return response
        try:
            version = content_version(app)
            key = page_key(app, version, req)
            now = _setup(app).now()
            entry = _fetch(app, key, now)
        except RedisError as error:
            # Redis away: without the version no stored page can be known current, so none is served;
            # readers get the page rendered afresh meanwhile, never one from before a change.
            _note_cache_away(error)
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
            response.headers["X-Page-Cache"] = "OFF"
            return response
        if entry is not None:
            return answer(req, entry, "HIT")
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200 or response.is_streamed or _rendered_per_reader():
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
            response.headers["X-Page-Cache"] = "MISS"
            return response
        try:
            entry = entry_from(response, _expiry(app, next_publication(version), now), now)
            _store(app, key, entry, now)
        except RedisError as error:
            _note_cache_away(error)
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
            response.headers["X-Page-Cache"] = "OFF"
            return response
        return answer(req, entry, "MISS")

    answers_early(wrapper, _answer_held_page)
    return wrapper  # type: ignore[return-value]


_AWAY_LOG_SECONDS = 60.0
_away_logged_at: list[float] = []


def _note_cache_away(error: Exception) -> None:
    """Log that pages are rendered without the cache, once a minute at most while it lasts."""
    now = time.monotonic()
    if not _away_logged_at or now - _away_logged_at[0] > _AWAY_LOG_SECONDS:
        _away_logged_at[:] = [now]
        log.warning("the page cache's Redis cannot be reached (%r): pages are rendered without it", error)


def _answer_held_page(app: Flask, req: Request, view_args: Mapping[str, Any]) -> Response | None:
    """Answer from this worker's memo before Flask builds a request (web.page_cache.held_pages), or return None.

    Only readers whom no cookie or request loader could sign in: without a request context Flask-Login
    cannot be asked, so everyone else goes through Flask; can_use_cache then applies the rest of the
    rule. The memo only: a page this worker has not seen yet goes through Flask, which then holds it.
    """
    if _may_be_signed_in(app, req) or not can_use_cache(app, req):
        return None
    entry = _fresh(page_memo(app).get(page_key(app, content_version(app), req)), _setup(app).now())
    return None if entry is None else answer(req, entry, "HIT")


def _fetch(app: Flask, key: str, now: datetime) -> PageEntry | None:
    memo = page_memo(app)
    entry = memo.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            memo.put(key, entry)
    return _fresh(entry, now)


def _expiry(app: Flask, upcoming: datetime | None, now: datetime) -> datetime | None:
    """Return when a page rendered now dies: at the next publication, and CACHE_DEFAULT_TIMEOUT at most.

    The bound holds for the workers' memos as for the shared backend, so a change whose new version
    could not be announced (Redis away at the time, web.page_cache.version_feed) is shown within that time anyway.
    """
    default = _longest_seconds(app)
    if default <= 0:  # 0: entries never expire
        return upcoming
    bound = now + timedelta(seconds=default)
    return bound if upcoming is None or upcoming > bound else upcoming


def _fresh(entry: PageEntry | None, now: datetime) -> PageEntry | None:
    """Return the entry unless a scheduled publication has made it stale."""
    if entry is not None and entry.expires_at is not None and entry.expires_at <= now:
        return None
    return entry


def _store(app: Flask, key: str, entry: PageEntry, now: datetime) -> None:
    cache.set(key, entry, timeout=_timeout_until(entry.expires_at, now))
    page_memo(app).put(key, entry)

