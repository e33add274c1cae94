"""Every setting's default, and every check that refuses a bad one before the site starts.

Settings come in layers, each overriding the one before: these defaults, then instance/config.py,
then FLASK_* environment variables (parsed as JSON where they can be), then the mapping a test
passes to create_app. The README's configuration table describes each one. A wrong value would
otherwise surface much later, as a failed upload or a broken link in a feed; check_settings stops
the app at startup with a message naming the setting.

The settings that many modules read are read through the typed accessors at the end of this module
(site_languages, default_language, locale_of, site_name, site_url, site_is_https), not through
app.config[...]; each language of LANGUAGES has what its pages need (LANGUAGE_LOCALES) or the app
refuses to start.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from limits import parse_many

from comics.images.encoding import DEFAULT_WIDTHS, THUMBNAIL_WIDTH, WEBP_MAX_SIDE
from comics.images.looking import DEFAULT_FACE_CASCADE
from comics.images.opening import ImageLimits

_LIMITS = ImageLimits()

# The publisher's review for films, built in: what could identify a person or a crossing, and accuracy.
DEFAULT_REVIEW_CHECKLIST = (
    "No real names or faces of people who could be identified",
    "No places, routes or dates that could identify a crossing",
    "Facts checked",
    "Alt text and transcripts describe every panel",
)



@dataclass(frozen=True)
class LanguageLocale:
    """What the site needs to serve its pages in one language."""

    # The language named in itself, as a reader looking for their own would look for it.
    native_name: str
    # The locale Babel formats dates and numbers, and picks the catalogue (web/translations), with.
    locale: str
    # Open Graph names a page's language as a locale (og:locale).
    open_graph: str


# Every language the site can serve. LANGUAGES may name only these: the app refuses to start otherwise
# (check_languages), so no page ever falls back to showing a bare code. A new language is added here,
# with its catalogue in web/translations (docs/translating.md).
LANGUAGE_LOCALES = {
    "en": LanguageLocale(native_name="English", locale="en", open_graph="en_US"),
    "ko": LanguageLocale(native_name="한국어", locale="ko_KR", open_graph="ko_KR"),
}


def default_settings(instance_path: str) -> dict[str, Any]:
    """Return the embedded defaults: SQLite, a file cache and media files in the instance folder."""
    instance = Path(instance_path)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'webtoon.sqlite'}",
        "MEDIA_ROOT": str(instance / "media"),
        "MEDIA_URL_PREFIX": "/media",
        # Media files no row references (an upload or import killed mid-way) are removed once older than
        # the grace, at each start and every interval (comics.images.sweeping); the grace must outlast
        # the longest upload, whose files have no rows until it commits.
        "MEDIA_SWEEP_GRACE_SECONDS": 3600,
        "MEDIA_SWEEP_INTERVAL": 3600,
        # The page cache (web.page_cache): shared by the workers of a machine, or Redis for several.
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(instance / "cache"),
        "CACHE_DEFAULT_TIMEOUT": 300,
        # Recent pages each worker keeps in its own memory, in front of the shared cache.
        "PAGE_MEMO_SIZE": 128,
        # HTML, CSS and JS compressed; cached pages keep their compressed forms (web.page_cache.entries).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        # Renditions in the upload request ("inline") or by RQ workers ("rq", with RQ_REDIS_URL).
        "RENDER_QUEUE": "inline",
        "RQ_REDIS_URL": "redis://127.0.0.1:6379/0",
        "RQ_QUEUE_NAME": "webtoon-renditions",
        "RENDER_RETRY_INTERVALS": [10, 60, 300],
        "SITE_NAME": "Free Lines",
        # The languages of the interface and of the pages (web.languages): the default at the root,
        # each other under its prefix (/ko/). Catalogues: web/translations (make translations).
        "LANGUAGES": ["en", "ko"],
        "DEFAULT_LANGUAGE": "en",
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
        # A .zip or .cbz for import-episode: bytes uncompressed in all (each file: UPLOAD_MAX_BYTES), and
        # how far one entry may be compressed; checked before anything is inflated (comics.images.uploaded_archives).
        "ARCHIVE_MAX_BYTES": 200_000_000,
        "ARCHIVE_MAX_RATIO": 100,
        "PANEL_SLICE_HEIGHT": 1280,
        "MASTER_MAX_WIDTH": 1600,
        "RENDITION_WIDTHS": list(DEFAULT_WIDTHS),
        # A whole episode's files in one request; each file is still held to UPLOAD_MAX_BYTES.
        "MAX_CONTENT_LENGTH": 200_000_000,
        # Studio: accounts, sign-in limits and the review workflow.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # None: follow SITE_URL (derive_settings): Secure and named __Host-session when it is https.
        "SESSION_COOKIE_SECURE": None,
        "SESSION_COOKIE_NAME": None,
        # A sign-in session ends after this long without a request, or this long after it began.
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_LIFETIME_HOURS": 12,
        # How many proxies (nginx: 1) stand in front and set X-Forwarded-For/-Proto; 0 believes none.
        "TRUSTED_PROXIES": 0,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMITS": "10 per 15 minutes",
        "LOGIN_RATE_LIMITS_PER_IP": "100 per hour",
        "INVITATION_TTL_HOURS": 72,
        "ARTISTS_MAY_PUBLISH": False,
        "STUDIO_TIMEZONE": "UTC",
        # Second factors (artists.accounts.services.factors): always for admins and editors; for artists too when set.
        "ARTISTS_REQUIRE_SECOND_FACTOR": False,
        # Failed codes or passkeys per account, wherever they come from: a 6-digit code is never guessed.
        "SECOND_FACTOR_RATE_LIMITS": "5 per 5 minutes; 30 per day",
        # How long "the password was right, the second factor is owed" lasts before the password is asked again.
        "SECOND_FACTOR_PENDING_SECONDS": 300,
        # How recent a proof of a factor must be to add another or to make new recovery codes.
        "SECOND_FACTOR_FRESH_SECONDS": 600,
        # What an editor confirms, item by item, before an episode or a revision goes public.
        "REVIEW_CHECKLIST": list(DEFAULT_REVIEW_CHECKLIST),
        # The items an editor cannot confirm while a review flag of the episode is open (docs/review.md);
        # None: the built-in items on people and crossings (comics.publishing.checklist), where the checklist has them.
        "REVIEW_FLAGGED_ITEMS": None,
        # Names of real people and places, border towns and routes, brokers' names: words the editor is
        # shown wherever they are lettered in a panel or written by the artist (docs/review.md).
        "REVIEW_WATCHLIST": [],
        # Read each panel's lettering with Tesseract, with the renditions, as a draft for the artist.
        "REVIEW_READ_LETTERING": True,
        "REVIEW_READING_LANGUAGES": "kor+eng",
        # The frontal face cascade faces in photographs are looked for with (Debian's opencv-data).
        "REVIEW_FACE_CASCADE": DEFAULT_FACE_CASCADE,
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


def derive_settings(config: MutableMapping[str, Any]) -> None:
    """Fill in the settings whose default depends on another: the session cookie follows SITE_URL.

    A site served over https sends its session cookie only over https (Secure) and names it with the
    __Host- prefix, which browsers accept only from that exact host, over https, for every path: no
    sibling subdomain or plain-http answer can set or replace it.
    """
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = _is_https(config.get("SITE_URL"))
    if not config.get("SESSION_COOKIE_NAME"):
        config["SESSION_COOKIE_NAME"] = "__Host-session" if config["SESSION_COOKIE_SECURE"] is True else "session"


def _is_https(site_url: object) -> bool:
    return bool(site_url) and urlsplit(str(site_url)).scheme == "https"


# --- startup checks ------------------------------------------------------------------------------

_LIMIT_KEYS = ("UPLOAD_MAX_BYTES", "UPLOAD_MAX_PIXELS", "UPLOAD_MAX_WIDTH", "UPLOAD_MAX_HEIGHT", "UPLOAD_MAX_FRAMES")
# Every rendition is at most a slice tall and a master wide, and WebP holds no larger side.
_SIDE_KEYS = ("PANEL_SLICE_HEIGHT", "MASTER_MAX_WIDTH")


def check_settings(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the first setting that has no sane value."""
    check_image_settings(config)
    check_site_url(config.get("SITE_URL"))
    check_session_settings(config)
    check_security_settings(config)
    check_review_checklist(config.get("REVIEW_CHECKLIST"))
    check_review_watch(config)
    check_languages(config.get("LANGUAGES"), config.get("DEFAULT_LANGUAGE"))


def check_languages(languages: object, default: object) -> None:
    """Refuse a language list the URLs cannot carry, or a default that is not one of them."""
    if not isinstance(languages, (list, tuple)) or not languages:
        raise ValueError(f"LANGUAGES must be a list of language codes, such as ['en', 'ko'], not {languages!r}")
    for code in languages:
        if not isinstance(code, str) or not code.isascii() or not code.isalpha() or not code.islower() or len(code) > 8:
            raise ValueError(f"each of LANGUAGES must be a lower-case language code such as 'ko', not {code!r}")
    if len(set(languages)) != len(languages):
        raise ValueError(f"LANGUAGES names a language twice: {languages!r}")
    if default not in languages:
        raise ValueError(f"DEFAULT_LANGUAGE must be one of LANGUAGES {languages!r}, not {default!r}")
    for code in languages:
        if code not in LANGUAGE_LOCALES:
            raise ValueError(
                f"LANGUAGES names {code!r}, which has no locale, native name and Open Graph locale: add it to "
                f"LANGUAGE_LOCALES in settings.py (and its catalogue to web/translations), or leave it out"
            )


def _check_whole(key: str, value: object, largest: int | None = None, see: str = "docs/imaging.md", smallest: int = 1) -> None:
    """Raise ValueError unless value is a whole number from smallest to largest (True is not a number here)."""
    if isinstance(value, int) and not isinstance(value, bool) and smallest <= value <= (largest or max(value, smallest)):
        return
    bounds = f"from {smallest} to {largest}" if largest is not None else f"of at least {smallest}"
    raise ValueError(f"{key} must be a whole number {bounds}, not {value!r} (see {see})")


def check_image_settings(config: Mapping[str, Any]) -> None:
    """Refuse an upload limit, slice height, master width or rendition width that is not a sane number.

    Otherwise it would surface as a failed upload (a slice taller than WebP allows) or a silently
    useless limit (a width limit of "8000", a string).
    """
    for key in _LIMIT_KEYS:
        _check_whole(key, config[key])
    for key in ("ARCHIVE_MAX_BYTES", "ARCHIVE_MAX_RATIO", "MEDIA_SWEEP_INTERVAL"):
        _check_whole(key, config[key], see="README.md")
    _check_whole("MEDIA_SWEEP_GRACE_SECONDS", config["MEDIA_SWEEP_GRACE_SECONDS"], see="README.md", smallest=0)
    for key in _SIDE_KEYS:
        _check_whole(key, config[key], WEBP_MAX_SIDE)
    widths = config["RENDITION_WIDTHS"]
    if not isinstance(widths, (list, tuple)) or not widths:
        raise ValueError(f"RENDITION_WIDTHS must be a list of widths in pixels, such as [480, 800, 1200], not {widths!r}")
    for width in widths:
        _check_whole("each of RENDITION_WIDTHS", width, WEBP_MAX_SIDE)
    if len(set(widths)) != len(widths):
        raise ValueError(f"RENDITION_WIDTHS names a width twice: {widths!r}")
    if THUMBNAIL_WIDTH in widths:
        raise ValueError(
            f"RENDITION_WIDTHS names {THUMBNAIL_WIDTH}, the thumbnail width (THUMBNAIL_WIDTH in comics/images/encoding.py), "
            f"which every image gets anyway and panels are never offered: leave it out of {widths!r}"
        )


def check_site_url(site_url: object) -> None:
    """Refuse a SITE_URL that is not an http(s) origin, rather than publish broken links."""
    if not site_url:
        return
    parts = urlsplit(str(site_url))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(
            f"SITE_URL must be the site's scheme and host only, such as https://freelines.example, not {site_url!r}"
        )


def check_review_checklist(items: object) -> None:
    """Refuse a checklist that is not a list of distinct, non-empty sentences.

    A string would otherwise become one item per letter, and two equal items one checkbox.
    """
    if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) and item.strip() for item in items):
        raise ValueError(f"REVIEW_CHECKLIST must be a list of sentences an editor confirms, such as [\"Facts checked\"], not {items!r}")
    if any(len(item) > 300 for item in items):
        raise ValueError("each item of REVIEW_CHECKLIST must be at most 300 characters")
    if len({item.strip() for item in items}) != len(items):
        raise ValueError(f"REVIEW_CHECKLIST names an item twice: {items!r}")


def check_review_watch(config: Mapping[str, Any]) -> None:
    """Refuse a watch list that is not a list of words, or flagged items that are not on the checklist."""
    watchlist = config.get("REVIEW_WATCHLIST", [])
    if not isinstance(watchlist, (list, tuple)) or not all(isinstance(word, str) and word.strip() for word in watchlist):
        raise ValueError(f"REVIEW_WATCHLIST must be a list of names and places to look for, such as [\"Hyesan\"], not {watchlist!r}")
    flagged = config.get("REVIEW_FLAGGED_ITEMS")
    if flagged is None:
        return
    checklist = [item.strip() for item in config.get("REVIEW_CHECKLIST") or ()]
    if not isinstance(flagged, (list, tuple)) or any(not isinstance(item, str) or item.strip() not in checklist for item in flagged):
        raise ValueError(f"REVIEW_FLAGGED_ITEMS must be items of REVIEW_CHECKLIST, word for word, not {flagged!r}")


def check_session_settings(config: Mapping[str, Any]) -> None:
    """Refuse cookie settings that contradict each other or the site's https, and bad session limits.

    A Secure-less cookie on an https site would be sent in clear to anyone who makes the browser fetch
    an http:// URL of it; a __Host- or __Secure- cookie without Secure is dropped by every browser, so
    no one could sign in.
    """
    secure, name = config.get("SESSION_COOKIE_SECURE"), str(config.get("SESSION_COOKIE_NAME") or "")
    if not isinstance(secure, bool):
        raise ValueError(f"SESSION_COOKIE_SECURE must be true or false (or unset, to follow SITE_URL), not {secure!r}")
    if _is_https(config.get("SITE_URL")) and not secure:
        raise ValueError(
            f"SESSION_COOKIE_SECURE is false but SITE_URL is {config['SITE_URL']}: the session cookie would also "
            "travel over plain http. Set it to true, or leave it unset to follow SITE_URL."
        )
    for prefix in ("__Host-", "__Secure-"):
        if name.startswith(prefix) and not secure:
            raise ValueError(
                f"SESSION_COOKIE_NAME {name!r} needs SESSION_COOKIE_SECURE = true: browsers drop a {prefix} cookie "
                "that is not Secure, so no one could sign in."
            )
    if name.startswith("__Host-") and (config.get("SESSION_COOKIE_DOMAIN") or config.get("SESSION_COOKIE_PATH") not in (None, "/")):
        raise ValueError(
            f"SESSION_COOKIE_NAME {name!r} needs SESSION_COOKIE_DOMAIN unset and SESSION_COOKIE_PATH '/': "
            "browsers drop a __Host- cookie with a domain or another path."
        )
    _check_whole("SESSION_IDLE_MINUTES", config["SESSION_IDLE_MINUTES"], see="README.md, Configuration")
    _check_whole("SESSION_LIFETIME_HOURS", config["SESSION_LIFETIME_HOURS"], see="README.md, Configuration")
    _check_whole("TRUSTED_PROXIES", config["TRUSTED_PROXIES"], 10, see="docs/deploy.md", smallest=0)


# The sign-in limits, read by flask-limiter, which would quietly drop a string it cannot parse.
_RATE_LIMIT_KEYS = ("LOGIN_RATE_LIMITS", "LOGIN_RATE_LIMITS_PER_IP", "SECOND_FACTOR_RATE_LIMITS")
# No sign-in limit may allow more than one attempt a second on average over its window (3600 an hour):
# beyond that it no longer slows a guesser, and no person signing in needs more.
MOST_ATTEMPTS_PER_SECOND = 1
# How long a pending second step, a fresh proof and an invitation last: a zero or negative one is a mistake.
_POSITIVE_DURATION_KEYS = ("SECOND_FACTOR_PENDING_SECONDS", "SECOND_FACTOR_FRESH_SECONDS", "INVITATION_TTL_HOURS")
# Flask signs the session cookie with SECRET_KEY: a short one can be guessed offline from any cookie.
SHORTEST_SECRET_KEY_BYTES = 32


def check_security_settings(config: Mapping[str, Any]) -> None:
    """Refuse a setting that would quietly weaken sign-in: a limit off or absurd, a script-readable or
    cross-site cookie, a duration of zero, a short secret key or no limiter on a public (https) site."""
    for key in _RATE_LIMIT_KEYS:
        check_rate_limits(key, config.get(key))
    if config.get("SESSION_COOKIE_HTTPONLY") is not True:
        raise ValueError(
            f"SESSION_COOKIE_HTTPONLY must be true, not {config.get('SESSION_COOKIE_HTTPONLY')!r}: "
            "a session cookie that scripts can read is one injected script away from being stolen"
        )
    if config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        raise ValueError(
            f"SESSION_COOKIE_SAMESITE must be 'Lax' or 'Strict', not {config.get('SESSION_COOKIE_SAMESITE')!r}: "
            "other sites' pages would send the session cookie along"
        )
    for key in _POSITIVE_DURATION_KEYS:
        _check_whole(key, config.get(key), see="README.md, Configuration")
    if not _is_https(config.get("SITE_URL")):
        return
    secret = config.get("SECRET_KEY")
    size = len(secret.encode()) if isinstance(secret, str) else len(secret) if isinstance(secret, bytes) else 0
    if size < SHORTEST_SECRET_KEY_BYTES:
        raise ValueError(
            f"SECRET_KEY must be at least {SHORTEST_SECRET_KEY_BYTES} bytes when SITE_URL is https, not {size}: "
            "leave it unset to use the instance's generated key, or make one with "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if config.get("RATELIMIT_ENABLED") is not True:
        raise ValueError(
            f"RATELIMIT_ENABLED must be true when SITE_URL is {config['SITE_URL']}, not "
            f"{config.get('RATELIMIT_ENABLED')!r}: without it, passwords and codes can be guessed without end"
        )


def check_rate_limits(key: str, value: object) -> None:
    """Refuse a rate-limit string the limits library cannot parse, or one that allows absurdly many attempts."""
    example = "such as '10 per 15 minutes' or '5 per 5 minutes; 30 per day'"
    try:
        limits = parse_many(value) if isinstance(value, str) else []
    except ValueError:
        limits = []
    if not limits:
        raise ValueError(f"{key} must be one or more rate limits, {example}, not {value!r}")
    for limit in limits:
        if limit.amount < 1:
            raise ValueError(f"{key} allows no attempt at all in {limit}: no one could sign in")
        if limit.amount > MOST_ATTEMPTS_PER_SECOND * limit.get_expiry():
            raise ValueError(
                f"{key} allows {limit}, more than {MOST_ATTEMPTS_PER_SECOND} attempt a second: "
                f"that would not slow a guesser ({example})"
            )


def check_server_settings(config: Mapping[str, Any], workers: int) -> None:
    """Refuse a public site served by several worker processes that would each keep the sign-in limits alone.

    Called by gunicorn.conf.py before the workers start. "Public" means SITE_URL is https, as in
    production (docs/deploy.md); `make run` on the embedded defaults is not. With memory:// storage each
    worker would count failed sign-ins and keep each account's growing delay on its own, so the limits
    would be multiplied by the number of workers and the delay skipped by landing on another.
    """
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and _is_https(config.get("SITE_URL")) and config.get("RATELIMIT_ENABLED", True) and storage.startswith("memory://"):
        raise ValueError(
            f"RATELIMIT_STORAGE_URI is {storage} but gunicorn would start {workers} workers: each would count sign-in "
            "attempts on its own. Point it at Redis shared by every worker (FLASK_RATELIMIT_STORAGE_URI="
            "redis://127.0.0.1:6379/1), or run one worker (WEB_CONCURRENCY=1); see docs/deploy.md."
        )


def proxy_warning(config: Mapping[str, Any], binds: Sequence[str]) -> str | None:
    """Return a warning when a public site listens only on this machine, behind a proxy, yet believes none.

    Every request then seems to come from the proxy, so the per-address sign-in limits count everyone
    as one client (a warning, not a refusal: only the operator knows what stands in front).
    """
    if config.get("TRUSTED_PROXIES") or not _is_https(config.get("SITE_URL")) or not binds:
        return None
    if not all(bind.startswith(("unix:", "127.", "localhost", "[::1]")) for bind in binds):
        return None
    return (
        f"SITE_URL is https and gunicorn listens only on {', '.join(binds)}, behind a proxy, but TRUSTED_PROXIES "
        "is 0: every client will look like the proxy to the sign-in limits. Set FLASK_TRUSTED_PROXIES=1 "
        "behind nginx (docs/deploy.md)."
    )


# --- typed accessors -----------------------------------------------------------------------------
# The settings many modules read, one name and one type each. `app` for code that runs outside an
# application context (pages answered before Flask: web.page_cache.held_pages); else the current app.


def _config(app: Flask | None) -> Mapping[str, Any]:
    return (app or current_app).config


def site_languages(app: Flask | None = None) -> list[str]:
    """Return the site's languages (LANGUAGES), each with a locale (checked at start)."""
    return list(_config(app)["LANGUAGES"])


def default_language(app: Flask | None = None) -> str:
    """Return the language served at the site's root (DEFAULT_LANGUAGE), one of site_languages()."""
    return str(_config(app)["DEFAULT_LANGUAGE"])


def locale_of(code: str) -> LanguageLocale:
    """Return the locale and names of one of the site's languages (checked at start: every one has them)."""
    return LANGUAGE_LOCALES[code]


def site_name(app: Flask | None = None) -> str:
    """Return the site's name (SITE_NAME), as feeds, previews and the second factors' apps show it."""
    return str(_config(app)["SITE_NAME"] or "")


def site_url(app: Flask | None = None) -> str | None:
    """Return the site's scheme and host (SITE_URL, checked at start), or None to follow each request's."""
    url = _config(app).get("SITE_URL")
    return str(url) if url else None


def site_is_https(app: Flask | None = None) -> bool:
    """Tell whether the site is served over https (SITE_URL says so): the public site, as in production."""
    return _is_https(site_url(app))
