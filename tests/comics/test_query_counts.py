"""Every public page renders with a number of SQL statements that does not grow with the catalogue."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from comics.catalogue import add_panels
from comics.images.ingest import Upload
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    # No page cache, so every request renders; view counts kept in memory until the test ends.
    app = make_test_app(tmp_path, CACHE_TYPE="NullCache", STATS_FLUSH_INTERVAL=10**6, STATS_FLUSH_MAX_PENDING=10**6)
    with app.app_context():
        yield app


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Collect every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# Each public page by kind; {episode} is an episode in the middle of the series.
PAGES = {
    "home": "/",
    "series": "/series/river/",
    "series, oldest first, page 2": "/series/river/?order=oldest&page=2",
    "episode": "/series/river/{episode}/",
    "artist": "/artists/mina/",
    "site feed": "/feed.atom",
    "series feed": "/series/river/feed.rss",
    "artist feed": "/artists/mina/feed.atom",
    "sitemap": "/sitemap.xml",
}


def statement_counts(app: Flask, episode: int, *, paged: bool) -> dict[str, int]:
    """Return how many statements each public page runs (pages this app does not serve are left out)."""
    client = app.test_client()
    found: dict[str, int] = {}
    for kind, path in PAGES.items():
        if "page=2" in path and not paged:
            continue
        with counted_statements() as statements:
            response = client.get(path.format(episode=episode))
        if response.status_code == 404 and "feed" in kind or "sitemap" in kind and response.status_code == 404:
            continue  # not built on this branch yet
        assert response.status_code == 200, (path, response.status_code)
        found[kind] = len(statements)
    return found


def test_queries_do_not_grow_with_panels(app: Flask, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series, panels=1)
    middle = site.episode(series, panels=2)
    site.episode(series, panels=1)
    few = statement_counts(app, episode=2, paged=False)
    add_panels(middle, [Upload(f"{n}.png", panel_png(200, 300, label=str(n))) for n in range(18)])
    db.session.commit()
    assert len(middle.panels) == 20
    assert statement_counts(app, episode=2, paged=False) == few


def test_queries_do_not_grow_with_episodes_or_series(app: Flask, site: SiteBuilder) -> None:
    artist = site.artist()
    series = site.series(artist)
    for _ in range(3):
        site.episode(series, panels=1)
    few = statement_counts(app, episode=2, paged=False)
    for _ in range(27):
        site.episode(series, panels=1)
    for index in range(3):
        other = site.series(artist, slug=f"stream-{index}", title=f"Stream {index}")
        site.episode(other, panels=1)
    many = statement_counts(app, episode=15, paged=True)
    assert {kind: count for kind, count in many.items() if kind in few} == few
    assert many["series, oldest first, page 2"] == many["series"]
