"""Whole-page caching for anonymous readers, versioned by content and revalidated with ETags.

A cached page is keyed by a *content version*: a random token kept in the shared cache and replaced
after every commit that touched anything a public page shows (SQLAlchemy session events, below), so
no view has to remember to invalidate anything and a change can never serve a stale page. Entries
also never outlive the next scheduled publication, so a scheduled episode appears on time.

Two layers: the configured Flask-Caching backend (FileSystemCache in the instance folder by default,
shared by every worker of the machine; Redis when configured), and a small per-process memo of
entries under versioned keys, which is safe because a versioned key never changes meaning. Every
request still reads the current version, so no worker lags behind a change: from Redis, or, beside a
FileSystemCache, from a few bytes of shared memory (VersionBoard).

The decorator wraps the view function itself, not the route: a decorator applied outside it (view
counting) still runs on every request, cache hits included.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import mmap
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import brotli
from cachelib.file import FileSystemCache
from flask import Flask, Request, Response, current_app, g, has_app_context, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_caching.backends.nullcache import NullCache
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.http import http_date, quote_etag

from comics import clock
from extensions import cache

VERSION_KEY = "page-cache/content-version"
MEMO_SIZE = 128
# Browsers and proxies keep the page but ask every time; the ETag makes that question cheap.
PUBLIC_CACHE_CONTROL = "public, no-cache"
PRIVATE_CACHE_CONTROL = "private, no-store"
ENCODINGS = ("br", "gzip")

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])

_watched_models: set[type] = set()


def watch_models(*models: type) -> None:
    """Bump the content version whenever a commit adds, changes or deletes one of these models."""
    _watched_models.update(models)


@dataclass
class PageEntry:
    """One rendered page, with its compressed forms and their headers, ready to be answered as is."""

    etag: str
    last_modified: datetime
    # The next scheduled publication when it was rendered: the entry is dead from that moment on.
    expires_at: datetime | None
    # Per content coding (None for identity): the body and every header of the answer, built once.
    variants: dict[str | None, tuple[bytes, list[tuple[str, str]]]] = field(default_factory=dict)


class _Memo:
    """A small, thread-safe, per-process LRU of entries under versioned keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, PageEntry] = OrderedDict()
        self._lock = threading.Lock()
        # This process's mapping of the content version (None: not made yet; False: not a file cache).
        self.board: VersionBoard | None | bool = None
        self.board_pid = 0

    def get(self, key: str) -> PageEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: PageEntry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _memo(app: Flask) -> _Memo:
    memo = app.extensions.get("page_memo")
    if memo is None:
        memo = app.extensions["page_memo"] = _Memo(app.config.get("PAGE_MEMO_SIZE", MEMO_SIZE))
    return memo


def init_page_cache(app: Flask) -> None:
    """Give the app its per-process memo and make sure the version-bumping events are listening."""
    from artists.models import Artist, ArtistLink
    from comics.models import Episode, Panel, Rendition, Series, StoredImage

    watch_models(Series, Episode, Panel, StoredImage, Rendition, Artist, ArtistLink)
    _memo(app)
    _listen_once()


def _backend(app: Flask) -> Any:
    """Return the app's Flask-Caching backend (what cache.cache gives, without the proxy lookups)."""
    return app.extensions["cache"][cache]


def caching_enabled(app: Flask | None = None) -> bool:
    """Tell whether a real backend is configured (NullCache stores nothing, so skip the work)."""
    return not isinstance(_backend(app or _current_app()), NullCache)


def _current_app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


# --- the content version -------------------------------------------------------------------------


def content_version(app: Flask | None = None) -> str:
    """Return the current content version, starting a new one if none is recorded.

    A missing version (first start, eviction, a flushed Redis) becomes a fresh random token, so
    entries stored under any earlier version can never be served again.
    """
    board = _version_board(app or _current_app())
    if board is not None:
        return board.read() or board.start()
    version = cache.get(VERSION_KEY)
    if version is None:
        candidate = secrets.token_hex(8)
        # add, not set: when several workers start at once, the first one's token wins for all.
        if cache.add(VERSION_KEY, candidate, timeout=0):
            return candidate
        version = cache.get(VERSION_KEY) or candidate
    return str(version)


def bump_content_version() -> None:
    """Start a new content version, so every page is rendered afresh on its next request."""
    app = _current_app()
    board = _version_board(app)
    if board is not None:
        board.start()
    else:
        cache.set(VERSION_KEY, secrets.token_hex(8), timeout=0)
    _memo(app).clear()


class VersionBoard:
    """The content version in 16 bytes of a file that every process of the machine maps into memory.

    With FileSystemCache, reading the version is the one shared read of every cache hit; from a shared
    mapping it is a memory read, with no system call (a stat or open would release the GIL and queue
    the thread behind the others). A write is seen by every process at once. A torn read can only
    give a value that matches no entry, so at worst a page is rendered once more, never stale. The
    file sits beside the cache folder, not in it, so clearing or pruning the cache leaves it alone.
    """

    SIZE = 16

    def __init__(self, path: str) -> None:
        self.path = path
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(descriptor).st_size < self.SIZE:
                os.ftruncate(descriptor, self.SIZE)
            self._map = mmap.mmap(descriptor, self.SIZE)
        finally:
            os.close(descriptor)
        self._inode = os.stat(path).st_ino
        self.checked_at = time.monotonic()

    def read(self) -> str | None:
        """Return the version, or None if none was ever started."""
        raw = self._map[: self.SIZE]
        return None if raw == bytes(self.SIZE) else raw.hex()

    def start(self) -> str:
        """Write a new random version and return it."""
        token = os.urandom(self.SIZE)
        self._map[: self.SIZE] = token
        return token.hex()

    def replaced(self) -> bool:
        """Tell whether the file was deleted or replaced since it was mapped (an operator's rm -rf)."""
        try:
            return os.stat(self.path).st_ino != self._inode
        except FileNotFoundError:
            return True


def _version_board(app: Flask) -> VersionBoard | None:
    """Return this process's mapping of the version board, when the cache is a FileSystemCache."""
    memo = _memo(app)
    if memo.board is False:
        return None
    if memo.board is None or memo.board_pid != os.getpid():
        if not isinstance(_backend(app), FileSystemCache):
            memo.board = False
            return None
        directory = os.path.normpath(app.config["CACHE_DIR"])
        memo.board, memo.board_pid = VersionBoard(f"{directory}.version"), os.getpid()
    board = memo.board
    # Once a second at most, make sure nobody replaced the file under this process's mapping.
    now = time.monotonic()
    if now - board.checked_at > 1.0:
        board.checked_at = now
        if board.replaced():
            memo.board = None
            return _version_board(app)
    return board


def _session_changes_content(session: Session, instances: Iterable[object]) -> bool:
    watched = tuple(_watched_models)
    return any(isinstance(instance, watched) for instance in instances)


def _note_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if _session_changes_content(session, (*session.new, *session.dirty, *session.deleted)):
        session.info["page_cache_stale"] = True


def _note_bulk_statement(state: Any) -> None:
    # UPDATE or DELETE statements issued through the ORM bypass the flush.
    if (state.is_update or state.is_delete) and any(
        mapper.class_ in _watched_models for mapper in state.all_mappers
    ):
        state.session.info["page_cache_stale"] = True


def _bump_after_commit(session: Session) -> None:
    if session.info.pop("page_cache_stale", False) and has_app_context():
        bump_content_version()


def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("page_cache_stale", None)


def _listen_once() -> None:
    if event.contains(Session, "before_flush", _note_flush):
        return
    event.listen(Session, "before_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_bulk_statement)
    event.listen(Session, "after_commit", _bump_after_commit)
    event.listen(Session, "after_soft_rollback", _forget_after_rollback)


# --- scheduled publications ----------------------------------------------------------------------


def next_publication(version: str) -> datetime | None:
    """Return when the next scheduled episode goes public, read once per version and moment."""
    from comics.models import Episode, EpisodeStatus
    from extensions import db

    key = f"page-cache/{version}/next-publication"
    now = clock.utcnow()
    remembered = cache.get(key)
    if remembered is not None and (remembered[0] is None or remembered[0] > now):
        return remembered[0]
    upcoming = db.session.scalar(
        select(func.min(Episode.published_at)).where(
            Episode.status == EpisodeStatus.PUBLISHED, Episode.published_at > now
        )
    )
    cache.set(key, (upcoming,), timeout=_timeout_until(upcoming, now))
    return upcoming


def _timeout_until(moment: datetime | None, now: datetime) -> int:
    """Return the backend timeout for an entry that must not outlive this moment."""
    default = int(current_app.config.get("CACHE_DEFAULT_TIMEOUT") or 300)
    if moment is None:
        return default
    # At least a second: 0 means "forever" to Flask-Caching.
    return max(1, min(default, int((moment - now) / timedelta(seconds=1)) + 1))


# --- who gets cached pages -----------------------------------------------------------------------


def _has_session_cookie(app: Flask, req: Request) -> bool:
    return app.config.get("SESSION_COOKIE_NAME", "session") in req.cookies


def reader_is_anonymous(app: Flask | None = None, req: Request | None = None) -> bool:
    """Tell whether this request comes from a reader who is not signed in."""
    app = app or _current_app()
    req = req or request._get_current_object()  # type: ignore[attr-defined]
    manager = getattr(app, "login_manager", None)
    if manager is None:
        return True  # no accounts on this app: everyone is anonymous
    remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if not _has_session_cookie(app, req) and remember_cookie not in req.cookies and manager._request_callback is None:
        # Flask-Login finds a user only in the session or the remember-me cookie: with neither, nobody
        # is signed in, and most readers are answered without loading one.
        return True
    from flask_login import current_user

    return not current_user.is_authenticated


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


def page_key(version: str, req: Request | None = None) -> str:
    """Return the cache key of this request's page under a content version.

    The host is part of it (feeds and canonical links are absolute); the query string is taken as
    sent, so the same page asked for with its arguments in another order is merely stored twice.
    """
    environ = (req or request).environ
    address = f"{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
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
        version = content_version(app)
        key = page_key(version, req)
        now = clock.utcnow()
        entry = _fetch(app, key, now)
        if entry is not None:
            return _answer(req, entry, "HIT")
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200 or response.is_streamed or _rendered_per_reader():
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
            response.headers["X-Page-Cache"] = "MISS"
            return response
        entry = _entry_from(response, next_publication(version), now)
        _store(app, key, entry, now)
        return _answer(req, entry, "MISS")

    return wrapper  # type: ignore[return-value]


def _fetch(app: Flask, key: str, now: datetime) -> PageEntry | None:
    memo = _memo(app)
    entry = memo.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            memo.put(key, entry)
    if entry is not None and entry.expires_at is not None and entry.expires_at <= now:
        return None
    return entry


def _store(app: Flask, key: str, entry: PageEntry, now: datetime) -> None:
    cache.set(key, entry, timeout=_timeout_until(entry.expires_at, now))
    _memo(app).put(key, entry)


_NOT_KEPT = {"content-length", "content-type", "set-cookie", "etag", "last-modified", "cache-control", "vary",
             "content-encoding"}


def _entry_from(response: Response, expires_at: datetime | None, now: datetime) -> PageEntry:
    """Build the cache entry of a rendered page: each encoding's body and headers, computed once."""
    body = response.get_data()
    etag = hashlib.sha256(body).hexdigest()[:32]
    last_modified = now.replace(microsecond=0)
    common = [
        ("Content-Type", response.headers.get("Content-Type", "text/html; charset=utf-8")),
        ("Cache-Control", PUBLIC_CACHE_CONTROL),
        # Cookie too: a shared cache must not hand a signed-in reader the anonymous page.
        ("Vary", "Accept-Encoding, Cookie"),
        ("Last-Modified", http_date(last_modified)),
        *((name, value) for name, value in response.headers.items() if name.lower() not in _NOT_KEPT),
    ]
    encoded = {
        None: body,
        "br": brotli.compress(body, quality=5),
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
    }
    # Each encoding is its own representation with its own strong ETag, named as Flask-Compress does.
    variants = {
        encoding: (
            data,
            [*common, ("ETag", quote_etag(f"{etag}:{encoding}" if encoding else etag))]
            + ([("Content-Encoding", encoding)] if encoding else []),
        )
        for encoding, data in encoded.items()
    }
    return PageEntry(etag=etag, last_modified=last_modified, expires_at=expires_at, variants=variants)


def _chosen_encoding(req: Request) -> str | None:
    """Return the best coding of ours the reader accepts; most load tools and bots accept none."""
    if not req.environ.get("HTTP_ACCEPT_ENCODING"):
        return None
    return req.accept_encodings.best_match(ENCODINGS)


def _answer(req: Request, entry: PageEntry, state: str) -> Response:
    """Answer from an entry: 304 when the reader's copy is current, else the best encoding."""
    body, headers = entry.variants[_chosen_encoding(req)]
    headers = [*headers, ("X-Page-Cache", state)]
    if _not_modified(req, entry):
        return Response(status=304, headers=[(name, value) for name, value in headers if name != "Content-Type"])
    return Response(body, headers=headers)


def _not_modified(req: Request, entry: PageEntry) -> bool:
    """Tell whether the reader's conditional request names a copy of this very page."""
    environ = req.environ
    if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    if req.if_none_match:
        # Any encoding of the same body is the same page: a copy fetched as gzip is still current.
        held = {tag.split(":", 1)[0] for tag in req.if_none_match.as_set()}
        return entry.etag in held or req.if_none_match.star_tag
    if req.if_modified_since:
        return entry.last_modified <= req.if_modified_since.replace(tzinfo=None)
    return False
