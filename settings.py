"""Every setting's default, and every check that refuses a bad one before the site starts.

Settings come in layers, each overriding the one before: these defaults, then instance/config.py,
then FLASK_* environment variables (parsed as JSON where they can be), then the mapping a test
passes to create_app. The README's configuration table describes each one. A wrong value would
otherwise surface much later, as a failed upload or a broken link in a feed; check_settings stops
the app at startup with a message naming the setting.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from comics.images.encoding import DEFAULT_WIDTHS, WEBP_MAX_SIDE
from comics.images.opening import ImageLimits

_LIMITS = ImageLimits()


def default_settings(instance_path: str) -> dict[str, Any]:
    """Return the embedded defaults: SQLite, a file cache and media files in the instance folder."""
    instance = Path(instance_path)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'webtoon.sqlite'}",
        "MEDIA_ROOT": str(instance / "media"),
        "MEDIA_URL_PREFIX": "/media",
        # The page cache (web.page_cache): shared by the workers of a machine, or Redis for several.
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(instance / "cache"),
        "CACHE_DEFAULT_TIMEOUT": 300,
        # Recent pages each worker keeps in its own memory, in front of the shared cache.
        "PAGE_MEMO_SIZE": 128,
        # HTML, CSS and JS compressed; cached pages keep their compressed forms (web.page_entries).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        # Renditions in the upload request ("inline") or by RQ workers ("rq", with RQ_REDIS_URL).
        "RENDER_QUEUE": "inline",
        "RQ_REDIS_URL": "redis://127.0.0.1:6379/0",
        "RQ_QUEUE_NAME": "webtoon-renditions",
        "RENDER_RETRY_INTERVALS": [10, 60, 300],
        "SITE_NAME": "Free Lines",
        # Absolute links in feeds, sitemaps and previews; the request's host when unset.
        "SITE_URL": None,
        "STATS_FLUSH_INTERVAL": 30,
        "STATS_FLUSH_MAX_PENDING": 1000,
        "FEED_LENGTH": 20,
        "SEARCH_RESULTS_PER_PAGE": 20,
        "SITEMAP_PAGE_SIZE": 50_000,
        "SHARE_CARD_FONT": None,
        "EPISODES_PER_PAGE": 20,
        # Upload limits, slicing and rendition widths: docs/imaging.md.
        "UPLOAD_MAX_BYTES": _LIMITS.max_bytes,
        "UPLOAD_MAX_PIXELS": _LIMITS.max_pixels,
        "UPLOAD_MAX_WIDTH": _LIMITS.max_width,
        "UPLOAD_MAX_HEIGHT": _LIMITS.max_height,
        "UPLOAD_MAX_FRAMES": _LIMITS.max_frames,
        "PANEL_SLICE_HEIGHT": 1280,
        "MASTER_MAX_WIDTH": 1600,
        "RENDITION_WIDTHS": list(DEFAULT_WIDTHS),
        # A whole episode's files in one request; each file is still held to UPLOAD_MAX_BYTES.
        "MAX_CONTENT_LENGTH": 200_000_000,
        # Studio: accounts, sign-in limits and the review workflow.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMITS": "10 per 15 minutes",
        "LOGIN_RATE_LIMITS_PER_IP": "100 per hour",
        "INVITATION_TTL_HOURS": 72,
        "ARTISTS_MAY_PUBLISH": False,
        "STUDIO_TIMEZONE": "UTC",
    }


def instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it on first start; never a hard-coded secret."""
    path = instance / "secret_key"
    try:
        # O_EXCL: when several workers start at once, exactly one of them writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as key_file:
        key_file.write(secrets.token_hex(32))
    return path.read_text().strip()


# --- startup checks ------------------------------------------------------------------------------

_LIMIT_KEYS = ("UPLOAD_MAX_BYTES", "UPLOAD_MAX_PIXELS", "UPLOAD_MAX_WIDTH", "UPLOAD_MAX_HEIGHT", "UPLOAD_MAX_FRAMES")
# Every rendition is at most a slice tall and a master wide, and WebP holds no larger side.
_SIDE_KEYS = ("PANEL_SLICE_HEIGHT", "MASTER_MAX_WIDTH")


def check_settings(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the first setting that has no sane value."""
    check_image_settings(config)
    check_site_url(config.get("SITE_URL"))


def _check_whole(key: str, value: object, largest: int | None = None) -> None:
    """Raise ValueError unless value is a whole number from 1 to largest (True is not a number here)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= (largest or value):
        return
    bounds = f"from 1 to {largest}" if largest is not None else "of at least 1"
    raise ValueError(f"{key} must be a whole number {bounds}, not {value!r} (see docs/imaging.md)")


def check_image_settings(config: Mapping[str, Any]) -> None:
    """Refuse an upload limit, slice height, master width or rendition width that is not a sane number.

    Otherwise it would surface as a failed upload (a slice taller than WebP allows) or a silently
    useless limit (a width limit of "8000", a string).
    """
    for key in _LIMIT_KEYS:
        _check_whole(key, config[key])
    for key in _SIDE_KEYS:
        _check_whole(key, config[key], WEBP_MAX_SIDE)
    widths = config["RENDITION_WIDTHS"]
    if not isinstance(widths, (list, tuple)) or not widths:
        raise ValueError(f"RENDITION_WIDTHS must be a list of widths in pixels, such as [480, 800, 1200], not {widths!r}")
    for width in widths:
        _check_whole("each of RENDITION_WIDTHS", width, WEBP_MAX_SIDE)
    if len(set(widths)) != len(widths):
        raise ValueError(f"RENDITION_WIDTHS names a width twice: {widths!r}")


def check_site_url(site_url: object) -> None:
    """Refuse a SITE_URL that is not an http(s) origin, rather than publish broken links."""
    if not site_url:
        return
    parts = urlsplit(str(site_url))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(
            f"SITE_URL must be the site's scheme and host only, such as https://freelines.example, not {site_url!r}"
        )
