"""The application factory: configuration layers, extensions, blueprints and CLI commands."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, render_template

from comics.image_settings import IMAGE_SETTINGS, check_image_settings
from comics.page_cache import init_page_cache
from comics.static_assets import init_static_assets
from extensions import cache, compress, csrf, db, limiter, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the webtoon site."""
    app = Flask(__name__, instance_relative_config=True)
    configure_settings(app, test_config)
    check_image_settings(app.config)
    configure_extensions(app)
    configure_blueprints(app)
    configure_error_pages(app)
    configure_cli(app)
    return app


def default_settings(instance_path: str) -> dict[str, Any]:
    """Return the embedded defaults: SQLite, a file cache and media files in the instance folder."""
    instance = Path(instance_path)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'webtoon.sqlite'}",
        "MEDIA_ROOT": str(instance / "media"),
        "MEDIA_URL_PREFIX": "/media",
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(instance / "cache"),
        "CACHE_DEFAULT_TIMEOUT": 300,
        # HTML, CSS and JS compressed; cached pages keep their compressed forms (comics.page_cache).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        # Renditions in the upload request ("inline") or by RQ workers ("rq", with RQ_REDIS_URL).
        "RENDER_QUEUE": "inline",
        "RQ_REDIS_URL": "redis://127.0.0.1:6379/0",
        "RQ_QUEUE_NAME": "webtoon-renditions",
        "SITE_NAME": "Free Lines",
        # Discovery (issue 6): absolute links in feeds and previews; see the README's configuration table.
        "SITE_URL": None,
        "STATS_FLUSH_INTERVAL": 30,
        "STATS_FLUSH_MAX_PENDING": 1000,
        "FEED_LENGTH": 20,
        "SEARCH_RESULTS_PER_PAGE": 20,
        "SITEMAP_PAGE_SIZE": 50_000,
        "SHARE_CARD_FONT": None,
        "EPISODES_PER_PAGE": 20,
        # Upload limits, slicing and rendition widths: comics/image_settings.py and docs/imaging.md.
        **IMAGE_SETTINGS,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Studio: accounts, uploads and the review workflow.
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMITS": "10 per 15 minutes",
        "LOGIN_RATE_LIMITS_PER_IP": "100 per hour",
        "INVITATION_TTL_HOURS": 72,
        "ARTISTS_MAY_PUBLISH": False,
        "STUDIO_TIMEZONE": "UTC",
        # A whole episode's files in one request; each file is still held to UPLOAD_MAX_BYTES.
        "MAX_CONTENT_LENGTH": 200_000_000,
    }


def configure_settings(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Layer the configuration: defaults, instance/config.py, FLASK_* variables, then tests."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(default_settings(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


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


def configure_extensions(app: Flask) -> None:
    """Bind each extension singleton to this app."""
    db.init_app(app)
    from comics.search import include_in_autogenerate

    # Batch mode lets later migrations alter tables on SQLite, which has no ALTER COLUMN; the search
    # engine's own index tables are not models, so autogenerate must leave them alone.
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path) / "migrations"),
        render_as_batch=True,
        include_name=include_in_autogenerate,
    )
    cache.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    init_page_cache(app)
    init_static_assets(app)
    login_manager.init_app(app)
    limiter.init_app(app)


def configure_blueprints(app: Flask) -> None:
    """Register each area of the site."""
    from artists.auth import bp as auth_bp
    from artists.views import bp as artists_bp
    from comics.media import bp as media_bp
    from comics.studio import bp as studio_bp
    from comics.views import bp as comics_bp

    app.register_blueprint(comics_bp)
    app.register_blueprint(artists_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(studio_bp)
    configure_discovery_blueprints(app)


def configure_discovery_blueprints(app: Flask) -> None:
    """Register what brings readers and supporters in: links, feeds, sharing, sitemap and search."""
    from artists.outbound import bp as outbound_bp
    from comics.feeds import bp as feeds_bp
    from comics.search_views import bp as search_bp
    from comics.sharing import bp as sharing_bp
    from comics.sitemap import bp as sitemap_bp

    for blueprint in (outbound_bp, feeds_bp, sharing_bp, sitemap_bp, search_bp):
        app.register_blueprint(blueprint)


def configure_error_pages(app: Flask) -> None:
    """Answer errors with friendly pages, rolling back any half-done transaction on a 500."""

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/500.html"), 500


def configure_cli(app: Flask) -> None:
    """Register the operators' flask commands."""
    from artists.accounts import register_commands as register_account_commands
    from comics.cli import register_commands

    register_commands(app)
    register_account_commands(app)
