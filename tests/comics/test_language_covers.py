"""A cover per series translation: uploaded in the studio's series form for each other language through
the image pipeline, reviewed like the series' own cover, and shown to readers of that language on the
series page, the home page's list and the OPDS catalogue (the original's where a language has none)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask

from artists.models import Role, User
from comics.images.models import StoredImage
from comics.models import Series
from comics.publishing.models import Revision
from comics.publishing.revisions import approve_revision, pending_revision, return_revision
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app, panel_png
from tests.forms import submit
from tests.studio_support import make_account, make_artist_account, problems, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)


def cover_file(colour: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(panel_png(400, 500, colour=colour, label="cover")), "cover.png"


@pytest.fixture
def site_app(tmp_path: Path) -> Flask:
    """Mina's public series River with an English cover; no app context held around the requests."""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        artist, _ = make_artist_account("mina")
        make_account("ed@example.org", Role.EDITOR)
        builder = SiteBuilder()
        series = builder.series(artist)
        builder.episode(series, panels=1, publish=True)
    client = app.test_client()
    sign_in(client, "ed@example.org")
    page = client.get("/studio/series/1/edit")
    assert submit(client, page, "cover", {"cover": cover_file("#224488")}).status_code == 303
    return app


def cover_names(app: Flask, language: str | None) -> set[str]:
    """Return the files of River's cover: the original's (None) or a translation's."""
    with app.app_context():
        series = db.session.get_one(Series, 1)
        image: StoredImage | None = series.cover if language is None else series.cover_in(language)
        return set(image.file_names()) if image is not None else set()


def shows(page: str, names: set[str]) -> bool:
    return any(name in page for name in names)


def test_an_editors_korean_cover_shows_on_korean_pages_only(site_app: Flask) -> None:
    editor = site_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get("/studio/series/1/edit")
    assert 'name="cover-ko"' in page.get_data(as_text=True)
    response = submit(editor, page, "cover-ko", {"cover-ko": cover_file("#aa3300")})
    assert response.status_code == 303, problems(response)
    original, korean = cover_names(site_app, None), cover_names(site_app, "ko")
    assert korean and korean != original
    reader = site_app.test_client()
    for path in ("/ko/series/river/", "/ko/"):
        text = reader.get(path).get_data(as_text=True)
        assert shows(text, korean) and not shows(text, original), path
    for path in ("/series/river/", "/"):
        text = reader.get(path).get_data(as_text=True)
        assert shows(text, original) and not shows(text, korean), path
    opds = reader.get("/ko/opds/series/").get_data(as_text=True)
    assert "/opds/" in opds
    # Readers may fetch it, like the original's.
    assert reader.get(f"/media/{sorted(korean)[0]}").status_code == 200
    # Removed, Korean readers see the original's cover again, and its files go.
    page = editor.get("/studio/series/1/edit")
    assert submit(editor, page, "remove-cover-ko", {"remove-cover-ko": True}).status_code == 303
    assert cover_names(site_app, "ko") == original
    with site_app.app_context():
        assert db.session.get_one(Series, 1).translations == []


def test_an_artists_korean_cover_waits_for_review(site_app: Flask) -> None:
    mina = site_app.test_client()
    sign_in(mina, "mina@example.org")
    page = mina.get("/studio/series/1/edit")
    response = submit(mina, page, "cover-ko", {"cover-ko": cover_file("#aa3300")})
    assert response.status_code == 303, problems(response)
    original = cover_names(site_app, None)
    assert cover_names(site_app, "ko") == original  # readers still see the original's
    with site_app.app_context():
        revision = pending_revision("series", 1)
        assert revision is not None and revision.proposed["covers"] == {"ko": "new"}
        waiting = set(revision.language_images[0].image.file_names())
    reader = site_app.test_client()
    assert reader.get(f"/media/{sorted(waiting)[0]}").status_code == 404
    # Mina's form shows the cover waiting for review; the editor's review page shows it beside none.
    assert shows(mina.get("/studio/series/1/edit").get_data(as_text=True), waiting)
    editor = site_app.test_client()
    sign_in(editor, "ed@example.org")
    review = editor.get(f"/studio/revisions/{revision.id}").get_data(as_text=True)
    assert 'data-field="cover-ko"' in review and shows(review, waiting)
    with site_app.app_context():
        approve_revision(db.session.get_one(Revision, revision.id), make_account("ed2@example.org", Role.EDITOR), CHECKLIST)
        db.session.commit()
    assert cover_names(site_app, "ko") == waiting
    assert shows(reader.get("/ko/series/river/").get_data(as_text=True), waiting)
    assert reader.get(f"/media/{sorted(waiting)[0]}").status_code == 200


def test_a_returned_cover_is_deleted_and_never_public(site_app: Flask) -> None:
    mina = site_app.test_client()
    sign_in(mina, "mina@example.org")
    page = mina.get("/studio/series/1/edit")
    assert submit(mina, page, "cover-ko", {"cover-ko": cover_file("#aa3300")}).status_code == 303
    with site_app.app_context():
        revision = pending_revision("series", 1)
        assert revision is not None
        image_id = revision.language_images[0].image_id
        editor = db.session.scalars(db.select(User).where(User.email == "ed@example.org")).one()
        return_revision(revision, editor, "Not this one.")
        db.session.commit()
        assert db.session.get(StoredImage, image_id) is None
        assert db.session.get_one(Series, 1).translations == []


def test_a_file_that_is_no_image_is_refused_and_changes_nothing(site_app: Flask) -> None:
    editor = site_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get("/studio/series/1/edit")
    with site_app.app_context():
        images = db.session.query(StoredImage).count()
    response = submit(editor, page, "cover-ko", {"cover-ko": (io.BytesIO(b"not an image"), "cover.png")})
    assert response.status_code == 400 and "Cover in Korean" in problems(response)
    with site_app.app_context():
        assert db.session.query(StoredImage).count() == images
        assert db.session.get_one(Series, 1).translations == []


def test_the_demo_has_a_korean_cover(demo_app: Flask) -> None:
    with demo_app.app_context():
        series = db.session.scalars(db.select(Series)).one()
        korean, original = series.cover_in("ko"), series.cover
        assert korean is not None and original is not None and korean.id != original.id
        slug, korean_names, original_names = series.slug, set(korean.file_names()), set(original.file_names())
    client = demo_app.test_client()
    for path in (f"/ko/series/{slug}/", "/ko/", "/ko/search?q=등불"):
        text = client.get(path).get_data(as_text=True)
        assert shows(text, korean_names) and not shows(text, original_names), path
    text = client.get("/search?q=lantern").get_data(as_text=True)
    assert shows(text, original_names) and not shows(text, korean_names)


def test_the_korean_studio_takes_a_korean_cover(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        artist, _ = make_artist_account("mina")
        make_account("ed@example.org", Role.EDITOR).interface_language = "ko"
        db.session.commit()
        builder = SiteBuilder()
        builder.episode(builder.series(artist), panels=1, publish=True)
    editor = app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get("/ko/studio/series/1/edit")
    assert "한국어 표지" in page.get_data(as_text=True)
    response = submit(editor, page, "cover-ko", {"cover-ko": cover_file("#aa3300")})
    assert response.status_code == 303, problems(response)
    korean = cover_names(app, "ko")
    assert korean and shows(app.test_client().get("/ko/series/river/").get_data(as_text=True), korean)


def test_the_korean_share_card_is_drawn_over_the_korean_cover(demo_app: Flask) -> None:
    from comics.discovery.share_cards import series_picture_master

    with demo_app.app_context():
        series = db.session.scalars(db.select(Series)).one()
        korean, original = series.cover_in("ko"), series.cover
        assert korean is not None and original is not None
        assert series_picture_master(series, "ko") == korean.master
        assert series_picture_master(series, "en") == original.master
        slug = series.slug
    client = demo_app.test_client()
    cards = []
    for path in (f"/ko/series/{slug}/share.jpg", f"/series/{slug}/share.jpg"):
        with client.get(path) as card:  # closes the file it sends
            assert card.status_code == 200
            cards.append(card.data)
    assert cards[0] != cards[1]
