"""Fixtures: an app with its own database and media folder per test, and a demo site per session."""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image, ImageDraw

from app import create_app
from artists.models import Artist, ArtistLink, LinkKind
from comics.catalogue import create_episode
from comics.clock import utcnow
from comics.images.ingest import Upload
from comics.images.storage import MediaStore
from comics.models import Episode, Series
from extensions import db


def make_test_app(tmp_path: Path, **overrides: object) -> Flask:
    """Create an app whose database, media and cache live in tmp_path (or this run's PostgreSQL and Redis)."""
    # PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set: see tests/engines.py.
    from tests.engines import engine_settings, reset_database

    config = {
        "TESTING": True,
        # 32 bytes or more: the length an https SITE_URL requires (settings.check_security_settings).
        "SECRET_KEY": "test-secret-key-of-the-test-apps-32",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_TYPE": "NullCache",
        "CACHE_NO_NULL_WARNING": True,
        # Small renditions keep the tests fast; the pipeline is the same.
        "RENDITION_WIDTHS": (320, 640),
        # Views and clicks written at once rather than buffered, so a test sees its counts (comics.stats).
        "STATS_FLUSH_INTERVAL": 0,
        # Tesseract takes a second a panel: only the tests of the reading turn it on (docs/review.md).
        "REVIEW_READ_LETTERING": False,
        **engine_settings(),
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        db.create_all()
        if "SQLALCHEMY_DATABASE_URI" not in overrides:
            reset_database()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path)
    with app.app_context():
        yield app


@pytest.fixture
def studio_app(tmp_path: Path) -> Iterator[Flask]:
    """An app for request tests of the studio, with CSRF checks off (test_studio_csrf turns them on)."""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield app


class MovableClock:
    """The site's clock (comics.clock.utcnow), stopped at the real time and moved on by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        """Move the clock on, e.g. move(minutes=31)."""
        self.now += timedelta(**delta)


@pytest.fixture
def site_clock(monkeypatch: pytest.MonkeyPatch) -> MovableClock:
    """Stop the clock of the code that reads comics.clock.utcnow() (sessions, sign-in delays), for moving by hand."""
    from comics import clock

    moving = MovableClock()
    monkeypatch.setattr(clock, "utcnow", moving)
    return moving


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def panel_png(width: int = 400, height: int = 600, colour: str = "#3b6ea5", label: str = "") -> bytes:
    """Draw a simple panel in memory and return it as PNG bytes."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, width - 20, height - 20), fill=colour, outline="black", width=4)
    draw.ellipse((width // 4, height // 4, width // 2, height // 2), fill="#f4d35e")
    if label:
        draw.text((30, 30), label, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def stored_names(store: MediaStore) -> list[str]:
    """Return the name of every file in a media store, sorted: what its sweep may consider."""
    if not store.root.is_dir():
        return []
    return sorted(path.relative_to(store.root).as_posix() for path in store.root.glob("??/*") if path.is_file())


class SiteBuilder:
    """Make artists, series and episodes through the real pipeline with tiny generated panels."""

    def artist(self, slug: str = "mina", name: str = "Mina", **fields: object) -> Artist:
        artist = Artist(slug=slug, display_name=name, bio_markdown=str(fields.pop("bio", "")), **fields)
        artist.links.append(ArtistLink(kind=LinkKind.SUPPORT, label="Support Mina", url="https://example.org/mina", position=1, is_primary=True))
        db.session.add(artist)
        db.session.commit()
        return artist

    def series(self, artist: Artist | None = None, slug: str = "river", title: str = "River") -> Series:
        series = Series(slug=slug, title=title, summary=f"The summary of {title}.", artist=artist or self.artist())
        db.session.add(series)
        db.session.commit()
        return series

    def episode(self, series: Series, panels: int = 2, publish: bool = True, title: str | None = None) -> Episode:
        uploads = [Upload(f"{i}.png", panel_png(label=str(i)), alt_text=f"Panel {i} of the episode") for i in range(1, panels + 1)]
        episode, _ = create_episode(series, title or f"Chapter {len(series.episodes) + 1}", uploads, publish_at=utcnow() if publish else None)
        return episode


@pytest.fixture
def site(app: Flask) -> SiteBuilder:
    return SiteBuilder()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with the demo loaded once per test session, for tests that only read it."""
    from comics.demo.loader import load_demo
    from tests.engines import own_database_url

    app = make_test_app(
        tmp_path_factory.mktemp("demo"), RENDITION_WIDTHS=(480, 800, 1200), **own_database_url("demo")
    )
    with app.app_context():
        load_demo()
    yield app


@pytest.fixture(scope="session", autouse=True)
def real_engines() -> Iterator[None]:
    """Drop this run's PostgreSQL databases and Redis keys when the session ends."""
    from tests.engines import drop_run_resources

    yield
    drop_run_resources()
