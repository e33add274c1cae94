"""The Redis page cache's content version, held by each worker and renewed by pub/sub (web.page_cache.version_feed).

Two apps on one database and one Redis are two workers. Every test here runs on a real Redis: the
run's (TEST_REDIS_URL) or the local one, skipped with a reason when there is none; the test of Redis
going away and coming back starts a Redis server of its own.
"""

from __future__ import annotations

import functools
import gc
import logging
import secrets
import socket
import subprocess
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from comics.models import Episode
from extensions import db
from tests.conftest import SiteBuilder, make_test_app
from tests.engines import REDIS_PREFIX, redis_url_or_skip
from tests.waiting import HANG_GUARD, wait_until
from web.page_cache import version as content_version
from web.page_cache.version import _version_feed, cache_backend
from web.page_cache.version_feed import VersionFeed

pytestmark = pytest.mark.redis

EPISODE = "/series/river/2/"


def redis_cache(url: str, prefix: str) -> dict[str, Any]:
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": prefix}


@pytest.fixture
def shared(tmp_path: Path) -> dict[str, Any]:
    """The settings two workers share: one Redis prefix of this test's own (so only its workers listen)."""
    return redis_cache(redis_url_or_skip(), f"{REDIS_PREFIX}-feed-{secrets.token_hex(3)}-")


@pytest.fixture
def app(tmp_path: Path, shared: dict[str, Any]) -> Iterator[Flask]:
    app = make_test_app(tmp_path, **shared)
    with app.app_context():
        yield app


@pytest.fixture
def built(site: SiteBuilder) -> Episode:
    series = site.series()
    site.episode(series, panels=1, title="The ferry")
    return site.episode(series, panels=1, title="The border")


def second_worker(app: Flask, tmp_path: Path, **settings: Any) -> Flask:
    """Another app on the same database and cache: another worker of the site."""
    return make_test_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(hide_password=False),
        MEDIA_ROOT=app.config["MEDIA_ROOT"],
        **{name: app.config[name] for name in ("CACHE_TYPE", "CACHE_REDIS_URL", "CACHE_KEY_PREFIX")},
        **settings,
    )


def feed_of(app: Flask) -> VersionFeed:
    feed = _version_feed(app)
    assert feed is not None
    return feed


def listening(app: Flask) -> bool:
    return feed_of(app).version is not None


def fetch(client: FlaskClient, path: str = EPISODE) -> TestResponse:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_a_hit_costs_no_redis_round_trip(
    app: Flask, client: FlaskClient, built: Episode, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fetch(client).headers["X-Page-Cache"] == "MISS"
    wait_until(lambda: listening(app), "the worker to listen for new content versions")
    backend = cache_backend(app)

    def no_round_trip(*args: object, **kwargs: object) -> None:
        raise AssertionError("a hit asked Redis")

    monkeypatch.setattr(backend._read_client, "execute_command", no_round_trip)
    monkeypatch.setattr(backend._write_client, "execute_command", no_round_trip)
    for _ in range(3):
        assert fetch(client).headers["X-Page-Cache"] == "HIT"


def test_a_publication_on_one_worker_is_served_by_another_at_its_next_request(
    app: Flask, tmp_path: Path, site: SiteBuilder, built: Episode
) -> None:
    readers = [second_worker(app, tmp_path).test_client() for _ in range(2)]
    for reader in readers:
        fetch(reader, "/series/river/")
        wait_until(lambda reader=reader: listening(reader.application), "the reader's worker to listen")  # type: ignore[misc]
        assert fetch(reader, "/series/river/").headers["X-Page-Cache"] == "HIT"
        assert b"The crossing" not in fetch(reader, "/series/river/").data
    # Published through this worker (its commit starts the new version and waits for the others).
    site.episode(built.series, panels=1, title="The crossing")
    pages = [fetch(reader, "/series/river/") for reader in readers]
    # The first renders it afresh and stores it in Redis, where the second finds it.
    assert [page.headers["X-Page-Cache"] for page in pages] == ["MISS", "HIT"]
    assert all(b"The crossing" in page.data for page in pages)
    # Each worker holds the same version, the one now in Redis.
    versions = {feed_of(reader.application).version for reader in readers}
    assert versions == {cache_backend(app).get(content_version.VERSION_KEY)}


def test_an_edit_on_one_worker_is_served_by_another_at_its_next_request(app: Flask, tmp_path: Path, built: Episode) -> None:
    reader = second_worker(app, tmp_path).test_client()
    fetch(reader)
    wait_until(lambda: listening(reader.application), "the reader's worker to listen")
    assert fetch(reader).headers["X-Page-Cache"] == "HIT"
    built.title = "Changed by another worker"
    db.session.commit()
    assert b"Changed by another worker" in fetch(reader).data


def test_a_worker_that_does_not_confirm_is_not_waited_for_ever(
    app: Flask, built: Episode, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A listener that never says it took the version (a stuck worker) delays a change, then is logged."""
    feed = feed_of(app)
    monkeypatch.setattr(feed, "ack_seconds", 0.2)
    silent = feed.client.pubsub()
    silent.subscribe(feed.channel)
    wait_until(lambda: silent.get_message(timeout=0.1) is not None, "the silent listener to subscribe")
    try:
        with caplog.at_level(logging.WARNING, logger="web.page_cache.version_feed"):
            built.title = "Saved all the same"
            db.session.commit()
        assert "workers did not confirm the new content version" in caplog.text
        assert b"Saved all the same" in fetch(app.test_client()).data
        assert not feed.client.keys(f"{feed.acks_prefix}*")
    finally:
        silent.close()


def test_a_feed_ends_with_its_app(tmp_path: Path, shared: dict[str, Any]) -> None:
    """Each app's listening thread and connection go with the app (tests make hundreds of apps)."""
    app = make_test_app(tmp_path, **shared)
    with app.app_context():
        content_version.content_version()
    wait_until(functools.partial(listening, app), "the worker to listen")
    thread = feed_of(app)._thread
    assert thread is not None and thread.is_alive()
    del app
    # Flask-Caching's Cache holds the app it was last given: the next app, or the next test's, lets it go.
    (tmp_path / "next").mkdir()
    make_test_app(tmp_path / "next", **shared)
    gc.collect()
    wait_until(lambda: not thread.is_alive(), "the thread to end with its app")


# --- Redis going away and coming back --------------------------------------------------------------


class OwnRedis:
    """A Redis server of this test's own, which it may stop and start again with the same data."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, "the test's own Redis to answer")
        client.close()

    def stop(self) -> None:
        """Stop it after writing its data to disk, as a restart or a crash after a snapshot would."""
        assert self.process is not None
        client = redis.Redis.from_url(self.url)
        with suppress(redis.ConnectionError):  # the connection ends with the server
            client.shutdown(save=True)
        self.process.wait(timeout=HANG_GUARD)
        client.close()

    def end(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=HANG_GUARD)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    try:
        subprocess.run(["redis-server", "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs the redis-server program (Debian: apt-get install redis-server)")
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.end()


def test_redis_going_away_and_coming_back_leaves_no_stale_page(
    tmp_path: Path, own_redis: OwnRedis, caplog: pytest.LogCaptureFixture
) -> None:
    """While Redis is away no worker trusts its copy; a change committed meanwhile is shown once it is back."""
    settings = redis_cache(own_redis.url, "away-and-back-")
    writer = make_test_app(tmp_path, **settings)
    with writer.app_context():
        series = SiteBuilder().series()
        episode = SiteBuilder().episode(series, panels=1, title="Before the outage")
        reader = second_worker(writer, tmp_path).test_client()
        fetch(reader, "/series/river/1/")
        wait_until(lambda: listening(reader.application), "the reader's worker to listen")
        assert fetch(reader, "/series/river/1/").headers["X-Page-Cache"] == "HIT"

        own_redis.stop()
        wait_until(lambda: not listening(reader.application), "the reader's worker to notice Redis is away")
        with caplog.at_level(logging.WARNING):
            # A change committed meanwhile is saved; its new version cannot be announced, and says so.
            episode.title = "Changed while Redis was away"
            db.session.commit()
            assert "could not start a new content version" in caplog.text
            # Readers get the page rendered afresh, not the one the worker holds from before.
            away = fetch(reader, "/series/river/1/")
            assert away.headers["X-Page-Cache"] == "OFF"
            assert away.headers["Cache-Control"] == "private, no-store"
            assert b"Changed while Redis was away" in away.data
            assert "pages are rendered without it" in caplog.text

        # Back with its data: the old version and the pages stored under it.
        own_redis.start()
        wait_until(lambda: listening(reader.application), "the reader's worker to listen again")
        page = fetch(reader, "/series/river/1/")
        assert page.headers["X-Page-Cache"] == "MISS"
        assert b"Changed while Redis was away" in page.data
        assert b"Changed while Redis was away" in fetch(writer.test_client(), "/series/river/1/").data
