"""A series' content warning per language: written in the studio's series form beside the title and
summary of each other language, reviewed with them, and shown to readers of that language (the
original's otherwise, marked with its language), on the site and in the offline edition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from artists.models import Role
from comics.models import Episode, Series
from comics.publishing.revisions import approve_revision, pending_revision
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app
from tests.forms import submit
from tests.studio_support import make_account, make_artist_account, problems, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)
WARNING_KO = "가족과 헤어지는 장면이 나와요."


def river_in(app: Flask) -> Episode:
    """Make Mina's English series River, with a warning and its first episode public."""
    artist, _ = make_artist_account("mina")
    builder = SiteBuilder()
    series = builder.series(artist)
    series.content_warning = "Separation from family."
    db.session.commit()
    return builder.episode(series, panels=1, publish=True)


@pytest.fixture
def river(studio_app: Flask) -> Episode:
    return river_in(studio_app)


def warning_of(page: str) -> tuple[str, str] | None:
    """Return the content warning a page shows, and the language its words are marked with."""
    found = re.search(r'class="content-warning"><strong>[^<]*</strong> <span lang="([\w-]+)">([^<]*)</span>', page)
    return (found.group(2), found.group(1)) if found else None


def test_the_original_warning_is_marked_with_its_language_where_none_is_translated(river: Episode, studio_app: Flask) -> None:
    client = studio_app.test_client()
    for path in ("/ko/series/river/", "/ko/series/river/1/"):
        assert warning_of(client.get(path).get_data(as_text=True)) == ("Separation from family.", "en"), path
    assert warning_of(client.get("/series/river/").get_data(as_text=True)) == ("Separation from family.", "en")


def test_an_artists_korean_warning_waits_for_review_then_shows_on_korean_pages(river: Episode, studio_app: Flask) -> None:
    mina = studio_app.test_client()
    sign_in(mina, "mina@example.org")
    page = mina.get(f"/studio/series/{river.series_id}/edit")
    response = submit(mina, page, "warning-ko", {"warning-ko": WARNING_KO})
    assert response.status_code == 303, problems(response)
    reader = studio_app.test_client()
    # River is public and Mina may not publish: readers see the old words until an editor approves.
    assert warning_of(reader.get("/ko/series/river/").get_data(as_text=True)) == ("Separation from family.", "en")
    revision = pending_revision("series", river.series_id)
    assert revision is not None and revision.proposed["translations"] == {
        "ko": {"title": "", "summary": "", "content_warning": WARNING_KO}
    }
    approve_revision(revision, make_account("ed@example.org", Role.EDITOR), CHECKLIST)
    db.session.commit()
    for path in ("/ko/series/river/", "/ko/series/river/1/"):
        assert warning_of(reader.get(path).get_data(as_text=True)) == (WARNING_KO, "ko"), path
    # English readers keep the original's; the Korean title stays the original's, as none was given.
    assert warning_of(reader.get("/series/river/1/").get_data(as_text=True)) == ("Separation from family.", "en")
    assert db.session.get_one(Series, river.series_id).title_in("ko") == "River"
    # The form shows the warning it holds, so saving again keeps it.
    again = mina.get(f"/studio/series/{river.series_id}/edit").get_data(as_text=True)
    assert f'value="{WARNING_KO}"' in again


def test_the_korean_studio_form_saves_the_warning_at_once_for_an_editor(tmp_path: Path) -> None:
    # No app context held around the requests: Flask-Babel keeps a request's locale in g.
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        series_id = river_in(app).series_id
        make_account("ed@example.org", Role.EDITOR).interface_language = "ko"
        db.session.commit()
    editor = app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get(f"/ko/studio/series/{series_id}/edit")
    assert page.status_code == 200 and "한국어로 쓴 주의 사항이에요" in page.get_data(as_text=True)
    response = submit(editor, page, "warning-ko", {"title-ko": "강", "warning-ko": WARNING_KO})
    assert response.status_code == 303, problems(response)
    with app.app_context():
        assert db.session.get_one(Series, series_id).warning_in("ko") == (WARNING_KO, "ko")
    # Emptied, the Korean warning is gone and the original's shows again, marked as English.
    page = editor.get(f"/ko/studio/series/{series_id}/edit")
    assert submit(editor, page, "warning-ko", {"warning-ko": ""}).status_code == 303
    with app.app_context():
        assert db.session.get_one(Series, series_id).warning_in("ko") == ("Separation from family.", "en")


def test_a_warning_too_long_is_refused_and_changes_nothing(river: Episode, studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get(f"/studio/series/{river.series_id}/edit")
    response = submit(editor, page, "warning-ko", {"warning-ko": "가" * 301})
    assert response.status_code == 400 and "300" in problems(response)
    db.session.expire_all()
    assert db.session.get_one(Series, river.series_id).translations == []


def test_the_korean_edition_takes_the_korean_warning(river: Episode, studio_app: Flask) -> None:
    from comics.editions.records import collect_edition
    from comics.images.storage import MediaStore

    series = db.session.get_one(Series, river.series_id)
    store = MediaStore(studio_app.config["MEDIA_ROOT"])
    english = collect_edition(store, ["river"], ["en"]).shelves[0][1][0]
    assert (english.content_warning, english.content_warning_language) == ("Separation from family.", "en")
    from comics.models import SeriesTranslation

    series.translations.append(SeriesTranslation(language="ko", title="강", content_warning=WARNING_KO))
    db.session.commit()
    # A Korean shelf needs a Korean version; without one the edition holds only English, with the original's words.
    assert [language for language, _ in collect_edition(store, ["river"], ["en", "ko"]).shelves] == ["en"]
    assert series.warning_in("ko") == (WARNING_KO, "ko") and series.warning_in("en") == ("Separation from family.", "en")


def test_the_korean_demo_shows_its_korean_warning(demo_app: Flask) -> None:
    client: FlaskClient = demo_app.test_client()
    home = client.get("/ko/").get_data(as_text=True)
    slug = re.search(r'href="/ko/series/([\w-]+)/"', home)
    assert slug is not None
    for path in (f"/ko/series/{slug.group(1)}/", f"/ko/series/{slug.group(1)}/1/"):
        shown = warning_of(client.get(path).get_data(as_text=True))
        assert shown is not None and shown[1] == "ko" and re.search("[가-힣]", shown[0]), path
