"""The application factory: a short list of configure steps, each owning one app-wide concern.

Nothing inside a package imports this module: only the WSGI entry (gunicorn's `app:create_app()`),
the flask CLI (`--app app`) and the render worker (worker.py) do.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from extensions import babel, cache, compress, csrf, db, limiter, login_manager, migrate
from settings import (
    check_settings,
    default_language,
    default_settings,
    derive_settings,
    instance_secret_key,
    site_is_https,
    site_languages,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the webtoon site."""
    app = Flask(__name__, instance_relative_config=True)
    configure_settings(app, test_config)
    configure_extensions(app)
    configure_listeners()
    configure_blueprints(app)
    configure_request_hooks(app)
    configure_error_pages(app)
    configure_template_helpers(app)
    configure_cli(app)
    configure_request_pipeline(app)
    return app


def configure_settings(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Layer the configuration (defaults, instance/config.py, FLASK_* variables, tests), then check it."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(default_settings(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    derive_settings(app.config)
    check_settings(app.config)


def configure_extensions(app: Flask) -> None:
    """Load every model, then bind each extension singleton to this app."""
    import comics.audit.models
    import comics.discovery.models
    import comics.giving.models
    import comics.images.models
    import comics.models
    import comics.publishing.models
    import comics.stats.models  # noqa: F401  (every table in the metadata, whichever views load)
    from artists.accounts.auth import configure_login, state_the_real_wait
    from comics import clock
    from comics.data_saver import save_data_variant
    from comics.discovery.search_index import include_in_autogenerate
    from comics.publishing.workflow import next_publication
    from web.languages import page_locale
    from web.page_cache.serving import configure_page_cache
    from web.particle_messages import use_particle_messages
    from web.static_assets import fingerprints

    db.init_app(app)
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
    # The page cache knows no feature: the features' clock, schedule and readers' variants are handed to
    # it. The clock is looked up at each call, so a test that stops the site's clock stops the cache's.
    configure_page_cache(app, now=lambda: clock.utcnow(), next_publication=next_publication, variants=[save_data_variant])
    app.config["BABEL_DEFAULT_LOCALE"] = default_language(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(app.root_path) / "web" / "translations")
    babel.init_app(app, locale_selector=page_locale)
    use_particle_messages(app, babel)  # 작품은, 회차는: Korean particles chosen by the word they follow
    csrf.init_app(app)
    compress.init_app(app)
    fingerprints(app)  # hashed once at start-up, for static_url()
    login_manager.init_app(app)
    configure_login()
    # Registered before the limiter's header hook, so it runs after it (Flask runs them in reverse).
    app.after_request(state_the_real_wait)
    limiter.init_app(app)


def configure_listeners() -> None:
    """Register the session events that keep derived state in step with every commit (once a process)."""
    from artists.models import Artist, ArtistLink, ArtistTranslation
    from comics.discovery.search_index import listen_for_search_changes
    from comics.discovery.share_cards import (
        listen_for_deleted_subjects as forget_share_cards,
    )
    from comics.giving.models import GiveText
    from comics.images.models import Rendition, StoredImage
    from comics.images.queue import listen_for_pending_renders
    from comics.models import Episode, Panel, Series, SeriesTranslation
    from comics.site_images import enqueue_after_commit
    from comics.stats.counting import listen_for_deleted_subjects as forget_counts
    from web.page_cache.version import listen_for_content_changes

    listen_for_content_changes(
        Series, SeriesTranslation, Episode, Panel, StoredImage, Rendition, Artist, ArtistTranslation, ArtistLink, GiveText
    )
    listen_for_search_changes()
    forget_share_cards()
    forget_counts()
    listen_for_pending_renders(enqueue_after_commit)  # the current app's queue, found by comics.site_images


def configure_blueprints(app: Flask) -> None:
    """Register each area of the site, and the URL converters their routes use."""
    from artists.accounts.auth import bp as auth_bp
    from artists.accounts.security import bp as security_bp
    from artists.outbound import bp as outbound_bp
    from artists.studio import bp as artist_studio_bp
    from artists.views import bp as artists_bp
    from comics.discovery.feeds import bp as feeds_bp
    from comics.discovery.search_page import bp as search_bp
    from comics.discovery.share_cards import bp as share_cards_bp
    from comics.discovery.sitemap import bp as sitemap_bp
    from comics.editions.downloads import bp as editions_downloads_bp
    from comics.editions.opds import bp as opds_bp
    from comics.giving.page import bp as giving_bp
    from comics.giving.studio import bp as giving_studio_bp
    from comics.media import bp as media_bp
    from comics.offline import bp as offline_bp
    from comics.reader import bp as reader_bp
    from comics.studio import bp as studio_bp
    from web.areas import collect_areas
    from web.converters import register_converters

    register_converters(app)
    blueprints = (
        reader_bp, artists_bp, media_bp, auth_bp, studio_bp, artist_studio_bp,
        outbound_bp, feeds_bp, share_cards_bp, sitemap_bp, search_bp, security_bp,
        editions_downloads_bp, opds_bp, giving_bp, giving_studio_bp, offline_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Which areas are a person's own and which post forms back: each blueprint declared it (web.areas).
    collect_areas(app, blueprints)


def configure_request_hooks(app: Flask) -> None:
    """Run what every request needs: a fresh signed-in user, private answers for the signed-in,
    year-long caching for fingerprinted static files, a signed-in person's studio in their language, and
    a same-origin referrer from the areas whose forms post back."""
    from artists.accounts.auth import keep_signed_in_pages_private, load_user_afresh
    from artists.accounts.security.sign_in import sign_out_accounts_missing_a_factor
    from web.areas import send_referrer_to_this_site
    from web.languages import follow_interface_language
    from web.static_assets import mark_static_immutable

    app.before_request(load_user_afresh)
    # A role that needs a second factor never works signed in without one (artists.accounts.security).
    app.before_request(sign_out_accounts_missing_a_factor)
    app.before_request(follow_interface_language)
    app.after_request(keep_signed_in_pages_private)
    app.after_request(mark_static_immutable)
    app.after_request(send_referrer_to_this_site)


def configure_request_pipeline(app: Flask) -> None:
    """Wrap Flask in the site's WSGI layers: declared here, once, outermost first.

    A request goes down the list to Flask and its answer comes back up. Each layer is plain WSGI
    middleware given its settings as arguments, as werkzeug's ProxyFix is; none reads the app's config,
    and each one's docstring says what it rewrites. A layer left out under these settings is None.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    from web.languages import LanguagePrefix
    from web.page_cache.held_pages import HeldPages, may_hold_pages
    from web.request_logs import DevelopmentRequestLog, drop_werkzeug_request_lines
    from web.security_headers import SecurityHeaders

    config = app.config
    trusted = int(config["TRUSTED_PROXIES"])
    layers: list[Callable[[WSGIApplication], WSGIApplication] | None] = [
        # The request as the server got it (/ko/… included), logged with no address; the development
        # server's own lines, which name the client, are dropped. Under gunicorn it does nothing.
        DevelopmentRequestLog,
        # The security headers on every answer below, held pages, static files and errors included.
        partial(SecurityHeaders, hsts=site_is_https(app)),
        # X-Forwarded-For and -Proto believed from the TRUSTED_PROXIES proxies in front, and no more, so
        # all below see the client's address (the sign-in limits count clients, not the proxy) and scheme;
        # with 0, the default, none is believed, as a site reached directly must not.
        partial(ProxyFix, x_for=trusted, x_proto=trusted) if trusted else None,
        # The language's prefix moved from the path to SCRIPT_NAME (web.languages): every layer below, and
        # Flask, sees /series/…, in the language the URL named.
        partial(LanguagePrefix, languages=site_languages(app), default=default_language(app)),
        # Anonymous GETs of pages in this worker's memory answered before Flask and its hooks, which have
        # nothing to do for them: inside the language layer, so each language's page is held apart.
        partial(HeldPages, flask_app=app) if may_hold_pages(config) else None,
    ]
    wsgi_app: WSGIApplication = app.wsgi_app
    for layer in reversed(layers):
        if layer is not None:
            wsgi_app = layer(wsgi_app)
    app.wsgi_app = wsgi_app  # type: ignore[method-assign,assignment]
    drop_werkzeug_request_lines()


def configure_error_pages(app: Flask) -> None:
    """Answer every error with a page or a JSON message, never a bare status."""
    from web.errors import register_error_pages

    register_error_pages(app)


def configure_template_helpers(app: Flask) -> None:
    """Offer templates the site's filters, tests and globals."""
    from artists.links import display_host, is_allowed_link_url, opens_in_new_tab
    from comics.audit.log import action_label
    from comics.discovery.feeds import feed_links
    from comics.discovery.previews import (
        artist_sharing,
        episode_sharing,
        home_sharing,
        json_ld_script,
        series_sharing,
    )
    from comics.media import media_url
    from comics.publishing.checklist import item_label
    from comics.publishing.revisions import state_label
    from comics.publishing.workflow import stage_label
    from comics.studio.forms import studio_time
    from web.absolute_urls import absolute
    from web.byte_sizes import byte_size
    from web.languages import language_links, language_name, og_locale, other_language_links, page_language, url_for_language
    from web.markup import render_markdown
    from web.particles import with_particle
    from web.static_assets import static_url

    for function in (
        static_url, media_url, feed_links, episode_sharing, series_sharing, artist_sharing, home_sharing,
        page_language, language_links, other_language_links, url_for_language, language_name, og_locale,
    ):
        app.add_template_global(function)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(with_particle, "with_particle")  # {{ name | with_particle("을/를") }}
    app.add_template_filter(absolute, "absolute")
    app.add_template_filter(byte_size, "byte_size")
    app.add_template_filter(json_ld_script, "json_ld")
    app.add_template_filter(display_host, "link_host")
    app.add_template_filter(studio_time, "studio_time")
    # The studio's templates name stages, actions, revision states and checklist items in the page's language.
    app.add_template_filter(stage_label, "stage_label")
    app.add_template_filter(action_label, "audit_action")
    app.add_template_filter(state_label, "revision_state")
    app.add_template_filter(item_label, "checklist_item")
    app.add_template_test(is_allowed_link_url, "allowed_link")
    app.add_template_test(opens_in_new_tab, "new_tab_link")


def configure_cli(app: Flask) -> None:
    """Register the operators' flask commands."""
    from artists.accounts.cli import create_user_command, reset_factors_command
    from comics.backups.commands import backup_command, restore_command
    from comics.demo.loader import demo_command
    from comics.discovery.search_page import search_reindex_command
    from comics.editions.cli import export_offline_command
    from comics.image_commands import (
        import_episode_command,
        media_gc_command,
        render_requeue_command,
        render_worker_command,
    )

    for command in (
        import_episode_command, media_gc_command, render_worker_command, render_requeue_command,
        demo_command, create_user_command, reset_factors_command, export_offline_command, search_reindex_command,
        backup_command, restore_command,
    ):
        app.cli.add_command(command)
