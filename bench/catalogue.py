"""A large catalogue made in PostgreSQL with set-based SQL, for the scale benchmarks.

Rows come from INSERT ... SELECT generate_series, not the ORM: 4 million panels take seconds this way.
Every episode has the same number of panels, and the panels share a few dozen stored images (with a
full set of rendition rows each), so the HTML of a page is exactly what a real catalogue gives while
the media folder stays empty: the pages are measured, not the images.
"""
from __future__ import annotations

import secrets
import time

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

WIDTHS = (480, 800, 1200)
FORMATS = ("avif", "webp", "jpeg")
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
SHARED_IMAGES = 40


def create_database(maintenance_url: str, label: str) -> str:
    """Create a uniquely named database next to the maintenance one; return its URL."""
    name = f"webtoon_bench_{label}_{secrets.token_hex(3)}"
    admin = create_engine(maintenance_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(maintenance_url).set(database=name).render_as_string(hide_password=False)


def drop_database(maintenance_url: str, url: str) -> None:
    """Drop a benchmark database, closing whatever still holds it."""
    admin = create_engine(maintenance_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def populate(engine: Engine, *, series: int, episodes_per_series: int, panels_per_episode: int) -> dict[str, float]:
    """Fill an empty schema (made by db.create_all) with one artist's catalogue; return timings."""
    timings: dict[str, float] = {}
    statements = {
        "artist": """
            INSERT INTO artist (slug, display_name, bio_markdown, created_at)
            VALUES ('mina', 'Mina', 'Draws the river towns.', now() AT TIME ZONE 'utc')""",
        "stored_image": f"""
            INSERT INTO stored_image (master, width, height, created_at, render_state)
            SELECT substr(md5(n::text), 1, 2) || '/' || substr(md5(n::text), 1, 32) || '.png', 1200, 1920,
                   now() AT TIME ZONE 'utc', 'ready'
            FROM generate_series(1, {SHARED_IMAGES}) AS n""",
        "rendition": f"""
            INSERT INTO rendition (image_id, width, height, format, file, size)
            SELECT image.id, w.width, w.width * 8 / 5, f.format,
                   substr(md5(image.id || f.format || w.width), 1, 2) || '/'
                     || substr(md5(image.id || f.format || w.width), 1, 32) || '.' || f.extension,
                   40000
            FROM stored_image AS image,
                 (VALUES {", ".join(f"({width})" for width in WIDTHS)}) AS w(width),
                 (VALUES {", ".join(f"('{f}', '{EXTENSIONS[f]}')" for f in FORMATS)}) AS f(format, extension)""",
        "series": f"""
            INSERT INTO series (slug, title, summary, artist_id, cover_id, language, status, created_at)
            SELECT 'series-' || n, 'Series ' || n, 'The summary of series ' || n || '.', 1, 1, 'en',
                   'ongoing', now() AT TIME ZONE 'utc'
            FROM generate_series(1, {series}) AS n""",
        "episode": f"""
            INSERT INTO episode (series_id, number, language, translator, title, status, published_at, thumbnail_id, author_note,
                                 created_at, updated_at)
            SELECT s, e, 'en', '', 'Episode ' || e || ' of series ' || s, 'published',
                   (now() AT TIME ZONE 'utc') - make_interval(hours => ({series} - s) * {episodes_per_series} + ({episodes_per_series} - e) + 1),
                   1 + (e % {SHARED_IMAGES}), '', now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
            FROM generate_series(1, {series}) AS s, generate_series(1, {episodes_per_series}) AS e""",
        "panel": f"""
            INSERT INTO panel (episode_id, position, image_id, alt_text, transcript)
            SELECT episode.id, p, 1 + ((episode.id + p) % {SHARED_IMAGES}),
                   'Panel ' || p || ' of episode ' || episode.number, ''
            FROM episode, generate_series(1, {panels_per_episode}) AS p""",
    }
    with engine.begin() as connection:
        for table, statement in statements.items():
            started = time.perf_counter()
            connection.execute(text(statement))
            timings[table] = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        started = time.perf_counter()
        connection.execute(text("VACUUM ANALYZE"))
        timings["vacuum analyze"] = time.perf_counter() - started
    return timings


def row_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of each catalogue table."""
    with engine.connect() as connection:
        return {
            table: int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("series", "episode", "panel", "stored_image", "rendition")
        }


def engine_for(url: str | URL) -> Engine:
    return create_engine(url, poolclass=NullPool)
