"""Cached pages as stored: each page's encodings and headers built once, and the answer made from them.

An entry is immutable and stored under a versioned key (web.page_cache.version), so a per-process memo of
recent entries in front of the shared backend is always safe: a key never changes meaning.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

import brotli
from flask import Flask, Request, Response
from werkzeug.http import http_date, quote_etag

MEMO_SIZE = 128
# Browsers and proxies keep the page but ask every time; the ETag makes that question cheap.
PUBLIC_CACHE_CONTROL = "public, no-cache"
ENCODINGS = ("br", "gzip")


@dataclass
class PageEntry:
    """One rendered page, with its compressed forms and their headers, ready to be answered as is."""

    etag: str
    last_modified: datetime
    # The next scheduled publication when it was rendered, or CACHE_DEFAULT_TIMEOUT from then if sooner
    # (web.page_cache.serving._expiry): the entry is dead from that moment on.
    expires_at: datetime | None
    # Per content coding (None for identity): the body and every header of the answer, built once.
    variants: dict[str | None, tuple[bytes, list[tuple[str, str]]]] = field(default_factory=dict)


class PageMemo:
    """A small, thread-safe, per-process LRU of entries under versioned keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, PageEntry] = OrderedDict()
        self._lock = threading.Lock()

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


def page_memo(app: Flask) -> PageMemo:
    """Return this process's memo of the app's pages, made on first use."""
    memo = app.extensions.get("page_memo")
    if memo is None:
        memo = app.extensions["page_memo"] = PageMemo(app.config["PAGE_MEMO_SIZE"])
    return memo


_NOT_KEPT = {"content-length", "content-type", "set-cookie", "etag", "last-modified", "cache-control", "vary",
             "content-encoding"}


def entry_from(response: Response, expires_at: datetime | None, now: datetime) -> PageEntry:
    """Build the cache entry of a rendered page: each encoding's body and headers, computed once."""
    body = response.get_data()
    etag = hashlib.sha256(body).hexdigest()[:32]
    last_modified = now.replace(microsecond=0)
    common = [
        ("Content-Type", response.headers.get("Content-Type", "text/html; charset=utf-8")),
        ("Cache-Control", PUBLIC_CACHE_CONTROL),
        # Cookie too: a shared cache must not hand a signed-in reader the anonymous page; and what the
        # page itself varies on (the episode page: Save-Data).
        ("Vary", ", ".join(["Accept-Encoding", "Cookie", *_own_vary(response)])),
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


def _own_vary(response: Response) -> list[str]:
    """Return the request headers the page says it varies on, beyond the two every entry names."""
    return [name for name in response.vary if name.lower() not in ("accept-encoding", "cookie")]


def _chosen_encoding(req: Request) -> str | None:
    """Return the best coding of ours the reader accepts; most load tools and bots accept none."""
    if not req.environ.get("HTTP_ACCEPT_ENCODING"):
        return None
    return req.accept_encodings.best_match(ENCODINGS)


def answer(req: Request, entry: PageEntry, state: str) -> Response:
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
