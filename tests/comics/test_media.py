"""No public URL serves an unpublished image; the studio previews them privately."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from artists.models import Role
from comics.clock import utcnow
from comics.image_uses import is_public_file
from comics.images.ingest import Upload
from comics.models import Episode, EpisodeStatus, Series
from comics.site_images import store_single_image
from extensions import db
from tests.conftest import SiteBuilder, panel_png
from tests.studio_support import (
    fetch_status,
    make_account,
    make_artist_account,
    sign_in,
)


def every_file(episode: Episode) -> list[str]:
    return [name for panel in episode.panels for name in panel.image.file_names()]


def test_draft_panels_and_thumbnail_are_not_public(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    draft = SiteBuilder().episode(series, publish=False)
    reader = studio_app.test_client()
    assert reader.get("/series/river/1/").status_code == 404
    assert draft.thumbnail is not None
    for name in every_file(draft) + draft.thumbnail.file_names():
        assert fetch_status(reader, f"/media/{name}") == 404, name


def test_published_panels_are_public_and_immutable(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    episode = SiteBuilder().episode(series, publish=True)
    reader = studio_app.test_client()
    name = episode.panels[0].image.renditions[0].file
    response = reader.get(f"/media/{name}")
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_scheduled_and_submitted_panels_are_not_public(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    scheduled = SiteBuilder().episode(series, publish=False, title="Later")
    scheduled.status, scheduled.published_at = EpisodeStatus.PUBLISHED, utcnow() + timedelta(days=1)
    db.session.commit()
    assert not any(is_public_file(name) for name in every_file(scheduled))
    scheduled.status = EpisodeStatus.SUBMITTED
    scheduled.published_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert not any(is_public_file(name) for name in every_file(scheduled))


def test_unpublishing_closes_the_files_again(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    episode = SiteBuilder().episode(series, publish=True)
    name = episode.panels[1].image.renditions[-1].file
    assert is_public_file(name)
    episode.status = EpisodeStatus.DRAFT
    db.session.commit()
    assert not is_public_file(name)


def test_covers_and_avatars_follow_the_artists_public_work(studio_app: Flask) -> None:
    builder = SiteBuilder()
    artist = builder.artist()
    artist.avatar = store_single_image(Upload("me.png", panel_png(200, 200, "#aa3355")))
    series = Series(slug="river", title="River", artist=artist, cover=store_single_image(Upload("c.png", panel_png(300, 400, "#335577"))))
    db.session.add(series)
    db.session.commit()
    assert series.cover is not None
    cover = series.cover.renditions[0].file
    assert not is_public_file(cover)  # no public episode yet
    assert not is_public_file(artist.avatar.renditions[0].file)  # nor a public profile
    builder.episode(series, publish=True)
    assert is_public_file(cover)
    assert is_public_file(artist.avatar.renditions[0].file)
    assert not is_public_file("00/00000000000000000000000000000000.jpg")


def captured_statements(action: Callable[[], object]) -> list[tuple[str, Any]]:
    statements: list[tuple[str, Any]] = []
    listener = lambda conn, cursor, statement, parameters, context, many: statements.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def test_the_check_is_one_query_that_walks_no_table(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    episode = SiteBuilder().episode(series, publish=True)
    name = episode.panels[0].image.renditions[0].file
    db.session.expire_all()
    statements = captured_statements(lambda: is_public_file(name))
    assert len(statements) == 1
    if db.engine.dialect.name != "sqlite":
        return  # the plan below is SQLite's; PostgreSQL plans by its statistics
    statement, parameters = statements[0]
    plan = db.session.execute(db.text("EXPLAIN QUERY PLAN " + statement.replace("?", "{}").format(*map(repr, parameters)))).all()
    steps = [str(row[-1]) for row in plan]
    # Only the list of the file's one or two images is scanned; every table is searched by an index.
    assert all(step.startswith(("SEARCH", "SCAN anon", "SCAN CONSTANT", "SCALAR", "CORRELATED", "MATERIALIZE", "COMPOUND", "LEFT-MOST", "UNION", "LIST SUBQUERY")) for step in steps), steps
    assert any("ix_panel_image_id" in step for step in steps), steps


def test_studio_preview_serves_own_unpublished_images_privately(studio_app: Flask) -> None:
    mina, _ = make_artist_account("mina")
    series = SiteBuilder().series(mina)
    draft = SiteBuilder().episode(series, publish=False)
    name = draft.panels[0].image.sources("avif")[0].file  # one the panel offers (not the thumbnail width)
    client = studio_app.test_client()
    assert fetch_status(client, f"/studio/media/{name}") == 302  # not signed in: to the sign-in page
    sign_in(client, "mina@example.org")
    response = client.get(f"/studio/media/{name}")
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert fetch_status(client, "/studio/media/../../etc/passwd") == 404
    preview = client.get(f"/studio/episodes/{draft.id}/preview").get_data(as_text=True)
    assert f"/studio/media/{name}" in preview and f'"/media/{name}' not in preview


def test_preview_is_the_readers_page(studio_app: Flask) -> None:
    mina, _ = make_artist_account("mina")
    series = SiteBuilder().series(mina)
    episode = SiteBuilder().episode(series, publish=True)
    episode.author_note = "Thank you for *reading*."
    db.session.commit()
    client = studio_app.test_client()
    reader_page = studio_app.test_client().get("/series/river/1/").get_data(as_text=True)
    sign_in(client, "mina@example.org")
    preview = client.get(f"/studio/episodes/{episode.id}/preview").get_data(as_text=True)
    start = reader_page.index('<div class="strip"')
    strip = reader_page[start : reader_page.index("</div>", start)]
    assert strip.replace('"/media/', '"/studio/media/').replace(" /media/", " /studio/media/") in preview
    assert "<em>reading</em>" in preview and "Preview of this episode (published)" in preview


def test_editors_preview_any_artists_images(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    draft = SiteBuilder().episode(series, publish=False)
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    assert fetch_status(client, f"/studio/media/{draft.panels[0].image.master}") == 200


def test_a_missing_file_is_404_not_500(studio_app: Flask) -> None:
    series = SiteBuilder().series()
    episode = SiteBuilder().episode(series, publish=True)
    name = episode.panels[0].image.renditions[0].file
    Path(studio_app.config["MEDIA_ROOT"], name).unlink()
    assert fetch_status(studio_app.test_client(), f"/media/{name}") == 404
