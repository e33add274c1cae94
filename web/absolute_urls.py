"""Absolute URLs for what leaves the site: canonical links, feeds, sitemaps and link previews.

Pages link with relative paths; only things read elsewhere need the scheme and host. They come from
SITE_URL when it is set (do set it in production: then no request header decides them) and from the
request otherwise, which suits `flask run` and tests.
"""
from __future__ import annotations

from typing import Any

from flask import request, url_for

from settings import site_url


def site_origin() -> str:
    """Return the site's scheme and host, with no trailing slash."""
    configured = site_url()
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/")


def absolute(path: str) -> str:
    """Return an absolute URL for a path on this site, such as one url_for or media_url returned."""
    if not path.startswith("/"):
        raise ValueError(f"expected a path starting with '/', not {path!r}")
    return site_origin() + path


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """Return url_for(endpoint, **values) as an absolute URL."""
    return absolute(url_for(endpoint, **values))
