"""The page cache: anonymous readers get stored pages, and no change ever leaves a stale one behind."""
from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from artists.models import ArtistLink, LinkKind
from comics import clock, models
from comics.models import Episode, EpisodeStatus, Series
from extensions import db
from tests.conftest import SiteBuilder, make_test_app
from tests.engines import TEST_REDIS_URL
from web.languages import LANGUAGE_KEY, page_language, page_locale
from web.page_cache import serving as page_cache
from web.page_cache import version as content_version


def real_cache(tmp_path: Path) -> dict[str, object]:
    """Return the settings of a real cache: Redis when the run has one, else the default file cache."""
    if TEST_REDIS_URL:
        return {}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path, **real_cache(tmp_path))
    with app.app_context():
        yield app


@pytest.fixture
def built(site: SiteBuilder) -> Episode:
    series = site.series()
    site.episode(series, panels=2, title="The ferry")
    return site.episode(series, panels=3, title="The border")


PAGES = ["/", "/series/river/", "/series/river/2/", "/artists/mina/"]


def fetch(client: FlaskClient, path: str, **headers: str) -> TestResponse:
    response = client.get(path, headers=headers)
    assert response.status_code in (200, 304), (path, response.status_code)
    return response


@pytest.mark.parametrize("path", PAGES)
def test_the_second_anonymous_request_is_a_hit_with_the_same_page(client: FlaskClient, built: Episode, path: str) -> None:
    first = fetch(client, path)
    second = fetch(client, path)
    assert first.headers["X-Page-Cache"] == "MISS"
    assert second.headers["X-Page-Cache"] == "HIT"
    assert first.data == second.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Cache-Control"] == "public, no-cache"
    assert "Last-Modified" in second.headers


@pytest.mark.parametrize("path", PAGES)
def test_a_current_copy_gets_304(client: FlaskClient, built: Episode, path: str) -> None:
    page = fetch(client, path)
    again = client.get(path, headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == page.headers["ETag"]
    since = client.get(path, headers={"If-Modified-Since": page.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_copy_from_before_a_change_gets_the_new_page(client: FlaskClient, built: Episode) -> None:
    page = fetch(client, "/series/river/2/")
    built.title = "Across the river"
    db.session.commit()
    again = client.get("/series/river/2/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 200
    assert b"Across the river" in again.data


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_are_compressed_with_an_etag_per_encoding(
    client: FlaskClient, built: Episode, encoding: str, decode: Callable[[bytes], bytes]
) -> None:
    plain = fetch(client, "/series/river/2/")
    for _ in range(2):  # the miss, then the hit
        packed = fetch(client, "/series/river/2/", **{"Accept-Encoding": f"{encoding}, identity"})
        assert packed.headers["Content-Encoding"] == encoding
        assert decode(packed.data) == plain.data
        assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + f':{encoding}"'
        assert "Accept-Encoding" in packed.headers["Vary"]
    # A copy held in any encoding is current for every encoding of the same page.
    again = client.get("/series/river/2/", headers={"If-None-Match": packed.headers["ETag"], "Accept-Encoding": "gzip"})
    assert again.status_code == 304


def test_static_files_are_fingerprinted_immutable_and_compressed(client: FlaskClient, built: Episode) -> None:
    page = fetch(client, "/series/river/2/").get_data(as_text=True)
    from web.static_assets import static_url

    with client.application.test_request_context():
        css = static_url("css/site.css")
    assert "?v=" in css and css in page
    response = client.get(css, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br"
    response.close()
    unversioned = client.get("/static/css/site.css")
    assert "immutable" not in unversioned.headers["Cache-Control"]
    unversioned.close()


# --- no stale page after any kind of change -------------------------------------------------------


def publish_new_episode(site: SiteBuilder, episode: Episode) -> bytes:
    site.episode(episode.series, panels=1, title="A new dawn")
    return b"A new dawn"


def edit_episode_title(site: SiteBuilder, episode: Episode) -> bytes:
    episode.title = "Renamed chapter"
    db.session.commit()
    return b"Renamed chapter"


def edit_panel_alt_text(site: SiteBuilder, episode: Episode) -> bytes:
    episode.panels[0].alt_text = "Rewritten description"
    db.session.commit()
    return b"Rewritten description"


def reorder_panels(site: SiteBuilder, episode: Episode) -> bytes:
    first, *_, last = episode.panels
    first.alt_text, last.alt_text = "Now last", "Now first"
    # Swap the positions through a free slot, as a studio reorder does.
    top, bottom = first.position, last.position
    first.position = 99
    db.session.flush()
    last.position = top
    db.session.flush()
    first.position = bottom
    db.session.commit()
    db.session.refresh(episode)
    return b"Now first"


def unpublish_episode(site: SiteBuilder, episode: Episode) -> bytes:
    episode.series.episodes[0].status = EpisodeStatus.DRAFT
    db.session.commit()
    return b"First episode"  # episode 1 vanished: episode 2 has no previous one any more


def delete_panel(site: SiteBuilder, episode: Episode) -> bytes:
    db.session.delete(episode.panels[-1])
    db.session.commit()
    return b"Panel 2 of the episode"


def edit_artist(site: SiteBuilder, episode: Episode) -> bytes:
    episode.series.artist.display_name = "Mina Park"
    db.session.commit()
    return b"Mina Park"


def add_artist_link(site: SiteBuilder, episode: Episode) -> bytes:
    artist = episode.series.artist
    artist.links.append(ArtistLink(kind=LinkKind.SHOP, label="Prints and zines", url="https://example.org/shop", position=2))
    db.session.commit()
    return b"Prints and zines"


def edit_series_in_bulk(site: SiteBuilder, episode: Episode) -> bytes:
    db.session.execute(update(Series).values(title="The Wide River"))
    db.session.commit()
    return b"The Wide River"


CHANGES = [
    publish_new_episode, edit_episode_title, edit_panel_alt_text, reorder_panels, unpublish_episode,
    delete_panel, edit_artist, add_artist_link, edit_series_in_bulk,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_no_stale_page_after_a_change(
    client: FlaskClient, site: SiteBuilder, built: Episode, change: Callable[[SiteBuilder, Episode], bytes]
) -> None:
    pages = ["/", "/series/river/", "/series/river/2/", "/artists/mina/"]
    for path in pages:
        fetch(client, path)
        assert fetch(client, path).headers["X-Page-Cache"] == "HIT"
    expected = change(site, built)
    texts = {path: fetch(client, path).get_data() for path in pages}
    assert any(expected in text for text in texts.values()), expected
    for path, text in texts.items():
        fresh_app_page = fetch(client, path)
        assert fresh_app_page.headers["X-Page-Cache"] == "HIT"
        assert fresh_app_page.get_data() == text


def test_a_reorder_shows_the_new_order(client: FlaskClient, site: SiteBuilder, built: Episode) -> None:
    before = fetch(client, "/series/river/2/").get_data(as_text=True)
    reorder_panels(site, built)
    after = fetch(client, "/series/river/2/").get_data(as_text=True)
    assert before.index("Panel 1 of") < before.index("Panel 3 of") or "Now first" not in before
    assert after.index("Now first") < after.index("Now last")


def test_another_worker_sees_a_change_at_once(tmp_path: Path, built: Episode) -> None:
    """Two apps on one database and one cache are two workers: a commit in one reaches the other."""
    shared = {"SQLALCHEMY_DATABASE_URI": db.engine.url.render_as_string(hide_password=False),
              "MEDIA_ROOT": str(tmp_path / "media"), **real_cache(tmp_path)}
    from flask import current_app

    if "CACHE_KEY_PREFIX" in current_app.config:
        shared["CACHE_KEY_PREFIX"] = current_app.config["CACHE_KEY_PREFIX"]
    reader = make_test_app(tmp_path, **shared).test_client()
    assert fetch(reader, "/series/river/2/").headers["X-Page-Cache"] == "MISS"
    assert fetch(reader, "/series/river/2/").headers["X-Page-Cache"] == "HIT"
    built.title = "Changed by another worker"
    db.session.commit()
    assert b"Changed by another worker" in fetch(reader, "/series/river/2/").data


def test_a_rolled_back_change_keeps_the_cache(client: FlaskClient, built: Episode) -> None:
    fetch(client, "/series/river/2/")
    built.title = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert fetch(client, "/series/river/2/").headers["X-Page-Cache"] == "HIT"


# --- scheduled episodes ---------------------------------------------------------------------------


def test_a_scheduled_episode_appears_on_time(
    client: FlaskClient, site: SiteBuilder, built: Episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = site.episode(built.series, panels=1, title="Tomorrow's chapter", publish=False)
    later.status = EpisodeStatus.PUBLISHED
    later.published_at = clock.utcnow() + timedelta(hours=1)
    db.session.commit()
    for path in ("/", "/series/river/", "/series/river/2/"):
        fetch(client, path)
        page = fetch(client, path)
        assert page.headers["X-Page-Cache"] == "HIT"
        assert b"Tomorrow&#39;s chapter" not in page.data
    # An hour passes, with no request and no commit in between.
    moment = clock.utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)
    monkeypatch.setattr(models, "utcnow", lambda: moment)
    for path in ("/", "/series/river/", "/series/river/2/"):
        page = fetch(client, path)
        assert page.headers["X-Page-Cache"] == "MISS"
        assert b"Tomorrow&#39;s chapter" in page.data
    assert fetch(client, "/series/river/3/").status_code == 200


def test_entries_never_outlive_the_next_publication(app: Flask, site: SiteBuilder, built: Episode) -> None:
    later = site.episode(built.series, panels=1, publish=False)
    later.status = EpisodeStatus.PUBLISHED
    later.published_at = clock.utcnow() + timedelta(seconds=42)
    db.session.commit()
    with app.test_request_context("/"):
        version = content_version.content_version()
        upcoming = page_cache.next_publication(version)
        assert upcoming == later.published_at
        assert page_cache._timeout_until(upcoming, clock.utcnow()) <= 43
        assert page_cache._timeout_until(None, clock.utcnow()) == app.config["CACHE_DEFAULT_TIMEOUT"]


# --- who is served from the cache -----------------------------------------------------------------


def test_signed_in_readers_bypass_the_cache(
    client: FlaskClient, built: Episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetch(client, "/series/river/2/")
    monkeypatch.setattr(page_cache, "reader_is_anonymous", lambda *reader: False)
    for _ in range(2):
        page = fetch(client, "/series/river/2/")
        assert "X-Page-Cache" not in page.headers
        assert page.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in page.headers


def test_a_page_holding_a_form_token_is_not_stored(app: Flask, client: FlaskClient) -> None:
    from flask_wtf.csrf import generate_csrf

    @app.get("/test-form")
    @page_cache.cached_page
    def form_page() -> str:
        return f"<form><input name=csrf_token value={generate_csrf()}></form>"

    for _ in range(2):
        page = client.get("/test-form")
        assert page.headers["X-Page-Cache"] == "MISS"
        assert page.headers["Cache-Control"] == "private, no-store"


def test_an_outer_decorator_runs_on_every_request(app: Flask, client: FlaskClient, built: Episode) -> None:
    """View counting wraps the cached view and must see hits as well as misses."""
    import functools

    calls: list[str] = []

    def counted(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(kwargs["slug"])
            return view(*args, **kwargs)

        return wrapper

    from comics.reader import episode_detail

    app.view_functions["comics.episode_detail"] = counted(episode_detail)
    hits = [fetch(client, "/series/river/2/").headers["X-Page-Cache"] for _ in range(3)]
    assert hits == ["MISS", "HIT", "HIT"]
    assert calls == ["river"] * 3


def test_errors_are_not_cached(client: FlaskClient, built: Episode) -> None:
    assert client.get("/series/river/9/").status_code == 404
    assert client.get("/series/nowhere/").status_code == 404


def test_a_signed_in_reader_gets_their_own_page_and_readers_keep_theirs(client: FlaskClient, built: Episode) -> None:
    """A real sign-in (Flask-Login): the editor's page is never stored, and never served to anyone."""
    from artists.models import Role
    from tests.studio_support import make_account, sign_in

    anonymous = fetch(client, "/series/river/2/")
    make_account("editor@example.org", Role.EDITOR)
    editor = client.application.test_client()
    sign_in(editor, "editor@example.org")
    for _ in range(2):
        page = fetch(editor, "/series/river/2/")
        assert "X-Page-Cache" not in page.headers
        assert page.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in page.headers
        # Even holding the anonymous page's ETag, a signed-in reader gets a full answer.
        assert editor.get("/series/river/2/", headers={"If-None-Match": anonymous.headers["ETag"]}).status_code == 200
    again = fetch(client, "/series/river/2/")
    assert again.headers["X-Page-Cache"] == "HIT"
    assert again.data == anonymous.data


def test_a_deleted_version_file_starts_a_new_version(app: Flask, client: FlaskClient, built: Episode) -> None:
    """An operator's rm -rf of the cache leaves no process reading a version nobody else writes."""
    if TEST_REDIS_URL:
        pytest.skip("the version lives in Redis on this run, not in a file")
    fetch(client, "/series/river/2/")
    assert fetch(client, "/series/river/2/").headers["X-Page-Cache"] == "HIT"
    board = content_version._version_board(app)
    assert isinstance(board, content_version.VersionBoard)
    Path(board.path).unlink()
    board.checked_at = 0  # as if a second had passed
    assert fetch(client, "/series/river/2/").headers["X-Page-Cache"] == "MISS"
    assert Path(board.path).exists()


# --- pages held in memory, answered before Flask (web.page_cache.held_pages) ---------------------------------


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_a_held_page_skips_the_hooks_the_session_and_sql_and_is_still_counted(
    app: Flask, client: FlaskClient, built: Episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    from comics.stats.counting import stats_buffer

    hooks: list[str] = []
    app.before_request(lambda: hooks.append("before"))
    app.teardown_request(lambda error: hooks.append("teardown"))
    app.config["STATS_FLUSH_INTERVAL"] = 3600  # counts wait in memory, so any SQL would be the page's
    assert fetch(client, "/series/river/2/", **{"User-Agent": BROWSER}).headers["X-Page-Cache"] == "MISS"
    assert hooks == ["before", "teardown"]
    hooks.clear()
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, statement, *args: statements.append(statement))
    opened: list[object] = []
    open_session = app.session_interface.open_session

    def counted_open(*args: Any) -> Any:
        opened.append(args)
        return open_session(*args)

    monkeypatch.setattr(app.session_interface, "open_session", counted_open)
    pending = stats_buffer(app).pending
    for _ in range(3):
        page = fetch(client, "/series/river/2/", **{"User-Agent": BROWSER})
        assert page.headers["X-Page-Cache"] == "HIT"
    assert (hooks, statements, opened) == ([], [], [])
    assert stats_buffer(app).pending == pending + 3


@pytest.mark.parametrize("path", PAGES)
def test_a_held_page_is_the_answer_flask_would_give(
    app: Flask, client: FlaskClient, built: Episode, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    from web.page_cache.held_pages import HeldPages

    page = fetch(client, path)
    requests: list[tuple[str, dict[str, str]]] = [
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"Accept-Encoding": "gzip, deflate, br"}),
        ("GET", {"Accept-Encoding": "gzip"}),
        ("GET", {"If-None-Match": page.headers["ETag"]}),
        ("GET", {"If-Modified-Since": page.headers["Last-Modified"]}),
        ("GET", {"Cookie": "theme=dark"}),  # a cookie that signs nobody in
    ]

    def answers() -> list[tuple[int, list[tuple[str, str]], bytes]]:
        return [
            (answer.status_code, list(answer.headers.items()), answer.data)
            for answer in (client.open(path, method=method, headers=headers) for method, headers in requests)
        ]

    held = answers()
    # The layers around it (web.security_headers, outermost) stay: only this one is taken out.
    outer: Any = app
    while not isinstance(outer.wsgi_app, HeldPages):
        outer = outer.wsgi_app
    layer = outer.wsgi_app
    monkeypatch.setattr(outer, "wsgi_app", layer.wsgi_app)  # Flask alone, as before the layer
    assert answers() == held
    assert [status for status, _, _ in held] == [200, 200, 200, 200, 304, 304, 200]


def test_a_failed_early_answer_leaves_the_request_to_flask(
    client: FlaskClient, built: Episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetch(client, "/series/river/2/")
    real_page_key = page_cache.page_key
    calls: list[str] = []

    def fails_first(*args: Any) -> str:
        calls.append("key")
        if len(calls) == 1:
            raise ConnectionError("the cache is gone")
        return real_page_key(*args)

    monkeypatch.setattr(page_cache, "page_key", fails_first)
    assert fetch(client, "/series/river/2/").headers["X-Page-Cache"] == "HIT"
    assert calls == ["key", "key"]  # the early answer, then the view's own lookup in Flask


def test_only_a_decorator_that_takes_part_is_answered_early() -> None:
    import functools

    from web.page_cache.held_pages import answers_early, own_early_answer

    def view() -> str:
        return "page"

    answers_early(view, lambda app, req, view_args: None)

    @functools.wraps(view)
    def wrapper() -> str:
        return view()

    # functools.wraps copied the attribute, but the copy belongs to the view below.
    assert own_early_answer(view) is not None
    assert own_early_answer(wrapper) is None


def test_a_limit_on_every_view_sends_every_page_through_flask(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, RATELIMIT_DEFAULT="1000 per hour", **real_cache(tmp_path))
    with app.app_context():
        site = SiteBuilder()
        site.episode(site.series(), panels=1)
        client = app.test_client()
        assert fetch(client, "/series/river/1/").headers["X-Page-Cache"] == "MISS"
        hit = fetch(client, "/series/river/1/")
        assert hit.headers["X-Page-Cache"] == "HIT"
        assert hit.headers["X-RateLimit-Limit"] == "1000"


def test_the_cache_keys_a_page_by_the_language_babel_and_the_templates_see(app: Flask) -> None:
    """One accessor (web.languages.language_of) gives the page's language to the locale selector, the
    templates and the cache key, so a page is never stored under a language it was not rendered in."""

    def seen(**environ: str) -> tuple[str, str, str]:
        with app.test_request_context("/series/river/", environ_overrides=environ):
            return page_cache.page_key(app, "v1", request), page_language(), page_locale()

    english, korean = seen(), seen(**{LANGUAGE_KEY: "ko"})
    assert english[1:] == ("en", "en") and korean[1:] == ("ko", "ko_KR")
    assert korean[0] != english[0]
    # Through the site's layers, /ko/series/river/ is that Korean page, under the same key.
    assert seen(**{LANGUAGE_KEY: "ko", "SCRIPT_NAME": "/ko"})[0] == korean[0]
    keys: list[str] = []

    def key_of_this_page() -> str:
        keys.append(page_cache.page_key(app, "v1", request))
        return ""

    app.add_url_rule("/key-of-this-page", "key_of_this_page", key_of_this_page)
    app.test_client().get("/ko/key-of-this-page")
    with app.test_request_context("/key-of-this-page", environ_overrides={LANGUAGE_KEY: "ko"}):
        assert keys == [page_cache.page_key(app, "v1", request)]


@pytest.mark.parametrize("path", PAGES)
def test_each_language_of_a_page_is_cached_apart(client: FlaskClient, built: Episode, path: str) -> None:
    english = fetch(client, path)
    korean = fetch(client, "/ko" + path)
    # Asked again in either order, each language gets its own page from the cache, never the other's.
    assert fetch(client, "/ko" + path).data == korean.data and 'lang="ko"' in korean.get_data(as_text=True)
    assert fetch(client, path).data == english.data and 'lang="en"' in english.get_data(as_text=True)
    assert english.headers["ETag"] != korean.headers["ETag"]
    assert fetch(client, "/ko" + path, **{"If-None-Match": english.headers["ETag"]}).status_code == 200


def test_the_cache_keeps_apart_only_the_readers_variants_the_features_hand_it(app: Flask) -> None:
    """The page cache knows no header: Save-Data keeps pages apart because the factory hands it the data
    saver's variant (configure_page_cache); a variant handed to it later counts the same way."""

    def key(**headers: str) -> str:
        with app.test_request_context("/series/river/", headers=headers):
            return page_cache.page_key(app, "v1", request)

    plain = key()
    assert key(**{"Save-Data": "on"}) != plain
    assert key(**{"Save-Data": " ON "}) == key(**{"Save-Data": "on"})
    assert key(**{"Save-Data": "off"}) == plain
    assert key(**{"X-Night": "1"}) == plain
    setup = app.extensions[page_cache.SETUP]
    page_cache.configure_page_cache(
        app,
        now=setup.now,
        next_publication=setup.next_publication,
        variants=[*setup.variants, lambda environ: "night" if environ.get("HTTP_X_NIGHT") else None],
    )
    assert key(**{"X-Night": "1"}) != plain
    assert key(**{"X-Night": "1", "Save-Data": "on"}) not in (plain, key(**{"Save-Data": "on"}))
