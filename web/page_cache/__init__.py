"""Whole pages kept for anonymous readers: plumbing that knows no feature.

- serving.py: who gets a cached page, its key, and the `cached_page` decorator features put on views;
- entries.py: a page as stored, each encoding built once, and the per-process memo in front;
- version.py: the token every key carries, replaced after each commit that changes content;
- version_feed.py: with Redis, each worker's copy of that token, renewed by pub/sub;
- held_pages.py: the WSGI layer that answers a held page before Flask (and the early answers that
  other decorators, view counting, take part in).

Features use `cached_page`, and the content version when they must replace it by hand (a restore).
"""
from __future__ import annotations

from web.page_cache.serving import cached_page
from web.page_cache.version import bump_content_version, content_version

__all__ = ["bump_content_version", "cached_page", "content_version"]
