"""The content version: one token for everything public, replaced after every commit that changes it.

A cached page is keyed by the content version, so no view has to remember to invalidate anything and
a change can never serve a stale page. Beside a FileSystemCache the token lives in a few bytes of
shared memory (VersionBoard); with Redis it lives in Redis, and each worker holds a copy that a
channel renews (web.page_cache.version_feed), waiting for every worker to take a new one. Either way a hit reads
memory, and no worker lags behind a change. SQLAlchemy session events, registered by the factory
through listen_for_content_changes, replace it after a commit touched a watched model.
"""
from __future__ import annotations

import logging
import mmap
import os
import secrets
import time
from collections.abc import Iterable
from typing import Any

from cachelib.file import FileSystemCache
from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from extensions import cache
from web.page_cache.entries import page_memo
from web.page_cache.version_feed import VersionFeed, version_feed

log = logging.getLogger(__name__)

VERSION_KEY = "page-cache/content-version"
# How long a change waits for every worker to take the new version (web.page_cache.version_feed).
VERSION_ACK_SECONDS = 2.0

_watched_models: set[type] = set()


def cache_backend(app: Flask) -> Any:
    """Return the app's Flask-Caching backend (what cache.cache gives, without the proxy lookups)."""
    return app.extensions["cache"][cache]


def _current_app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def content_version(app: Flask | None = None) -> str:
    """Return the current content version, starting a new one if none is recorded.

    A missing version (first start, eviction, a flushed Redis) becomes a fresh random token, so
    entries stored under any earlier version can never be served again.
    """
    app = app or _current_app()
    board = _version_board(app)
    if board is not None:
        return board.read() or board.start()
    feed = _version_feed(app)
    if feed is not None:
        held = feed.version
        if held is not None:
            return held  # the common case with Redis: this worker's copy, kept current by its channel
        feed.listen()
        return feed.read()
    # The backend itself, not the cache proxy: pages answered before Flask (web.page_cache.held_pages) read the
    # version outside any application context.
    backend = cache_backend(app)
    version = backend.get(VERSION_KEY)
    if version is None:
        candidate = secrets.token_hex(8)
        # add, not set: when several workers start at once, the first one's token wins for all.
        if backend.add(VERSION_KEY, candidate, timeout=0):
            return candidate
        version = backend.get(VERSION_KEY) or candidate
    return str(version)


def bump_content_version() -> None:
    """Start a new content version, so every page is rendered afresh on its next request."""
    app = _current_app()
    board = _version_board(app)
    feed = None if board is not None else _version_feed(app)
    if board is not None:
        board.start()
    elif feed is not None:
        try:
            feed.publish()
        except RedisError as error:
            # The change is committed; its pages are renewed when Redis is back, as every worker then
            # starts a new version (web.page_cache.version_feed), and no entry outlives CACHE_DEFAULT_TIMEOUT.
            log.error("could not start a new content version (%r): cached pages are renewed when Redis is back", error)
    else:
        cache.set(VERSION_KEY, secrets.token_hex(8), timeout=0)
    page_memo(app).clear()


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
    held = app.extensions.get("page_version_board")
    if held is False:
        return None
    if held is None or held[0] != os.getpid():
        if not isinstance(cache_backend(app), FileSystemCache):
            app.extensions["page_version_board"] = False
            return None
        directory = os.path.normpath(app.config["CACHE_DIR"])
        held = app.extensions["page_version_board"] = (os.getpid(), VersionBoard(f"{directory}.version"))
    board: VersionBoard = held[1]
    # Once a second at most, make sure nobody replaced the file under this process's mapping.
    now = time.monotonic()
    if now - board.checked_at > 1.0:
        board.checked_at = now
        if board.replaced():
            app.extensions["page_version_board"] = None
            return _version_board(app)
    return board


def _version_feed(app: Flask) -> VersionFeed | None:
    """Return this process's feed of the content version, when the cache is Redis."""
    held = app.extensions.get("page_version_feed")
    if held is False:
        return None
    if held is None or held.pid != os.getpid():
        feed = version_feed(cache_backend(app), VERSION_KEY, VERSION_ACK_SECONDS)
        app.extensions["page_version_feed"] = False if feed is None else feed
        return feed
    feed_held: VersionFeed = held
    return feed_held


# --- after a commit that changed what readers see ------------------------------------------------


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



def listen_for_content_changes(*models: type) -> None:
    """Bump the content version whenever a commit adds, changes or deletes one of these models."""
    _watched_models.update(models)
    if event.contains(Session, "before_flush", _note_flush):
        return
    event.listen(Session, "before_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_bulk_statement)
    event.listen(Session, "after_commit", _bump_after_commit)
    event.listen(Session, "after_soft_rollback", _forget_after_rollback)
