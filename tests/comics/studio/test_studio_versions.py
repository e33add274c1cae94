"""Language versions in the studio: add one to an original, edit, submit, review side by side and
publish it; the series' and profile's words in other languages; panels without alt text flagged."""
from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from artists.models import Artist, Role
from comics.models import Episode, EpisodeStatus, Series
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, panel_png
from tests.studio_support import make_account, make_artist_account, problems, profile_form_data, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)


@pytest.fixture
def mina(studio_app: Flask) -> tuple[FlaskClient, Episode]:
    """Mina, signed in, with her series River and its published first episode."""
    artist, _ = make_artist_account("mina")
    builder = SiteBuilder()
    episode = builder.episode(builder.series(artist), panels=2, publish=True)
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    return client, episode


def add_korean_version(client: FlaskClient, episode: Episode, alt_texts: tuple[str, str] = ("강가의 소녀", "")) -> Episode:
    response = client.post(
        f"/studio/episodes/{episode.id}/versions/ko/new",
        data={
            "title": "도착",
            "translator": "김하나",
            "author_note": "번역했어요.",
            "files": [(io.BytesIO(panel_png(label="1")), "1.png"), (io.BytesIO(panel_png(label="2")), "2.png")],
            "alt_text": list(alt_texts),
            "transcript": ["안녕!", ""],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    return db.session.get_one(Episode, episode.id).translations[0]


def test_an_original_offers_the_languages_it_lacks(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
    assert 'data-add-version="ko"' in page and 'data-add-version="en"' not in page
    assert "Add a version in Korean" in page
    assert client.get(f"/studio/episodes/{episode.id}/versions/ko/new").status_code == 200
    assert client.get(f"/studio/episodes/{episode.id}/versions/en/new").status_code == 404
    assert client.get(f"/studio/episodes/{episode.id}/versions/fr/new").status_code == 404


def test_adding_a_version_gives_it_its_own_page(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    version = add_korean_version(client, episode)
    assert (version.title, version.translator, version.language, version.status) == ("도착", "김하나", "ko", EpisodeStatus.DRAFT)
    assert [(p.alt_text, p.transcript) for p in version.panels] == [("강가의 소녀", "안녕!"), ("", "")]
    page = client.get(f"/studio/episodes/{version.id}/").get_data(as_text=True)
    assert "This is the version in Korean of episode 1" in page
    assert 'value="김하나"' in page  # the translator's credit, editable
    assert "1 panel has no alt text" in page
    original_page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
    assert 'data-version="ko"' in original_page and "도착" in original_page and "draft" in original_page
    assert 'data-add-version="ko"' not in original_page
    # The series' page lists the original once: its versions are on its own page.
    assert client.get(f"/studio/series/{episode.series_id}/").get_data(as_text=True).count("/studio/episodes/") >= 1
    # Asking for the same language again opens the version there is.
    again = client.get(f"/studio/episodes/{episode.id}/versions/ko/new")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/studio/episodes/{version.id}/")


def test_the_version_editor_saves_its_translator_and_alt_texts(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    version = add_korean_version(client, episode)
    second = version.panels[1]
    response = client.post(
        f"/studio/episodes/{version.id}/", data={"title": "도착", "translator": "박둘", "author_note": "", f"alt-{second.id}": "밤의 강"}
    )
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    version = db.session.get_one(Episode, version.id)
    assert version.translator == "박둘" and version.panels[1].alt_text == "밤의 강"
    assert "no alt text" not in client.get(f"/studio/episodes/{version.id}/").get_data(as_text=True)


def test_a_version_is_refused_without_files_or_title(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    response = client.post(f"/studio/episodes/{episode.id}/versions/ko/new", data={"title": "", "translator": ""})
    assert response.status_code == 400
    assert "Choose at least one image file" in problems(response)
    db.session.expire_all()
    assert db.session.get_one(Episode, episode.id).translations == []


def test_another_artist_cannot_touch_the_version(mina: tuple[FlaskClient, Episode], studio_app: Flask) -> None:
    client, episode = mina
    version = add_korean_version(client, episode)
    make_artist_account("joon")
    other = studio_app.test_client()
    sign_in(other, "joon@example.org")
    assert other.get(f"/studio/episodes/{version.id}/").status_code == 404
    assert other.get(f"/studio/episodes/{episode.id}/versions/ko/new").status_code == 404


def test_submitted_and_approved_the_version_is_public_and_reviewed_side_by_side(
    mina: tuple[FlaskClient, Episode], studio_app: Flask
) -> None:
    client, episode = mina
    version = add_korean_version(client, episode, ("강가의 소녀", "밤"))
    assert client.post(f"/studio/episodes/{version.id}/submit", data={"comment": ""}).status_code == 303
    make_account("ed@example.org", Role.EDITOR)
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get(f"/studio/episodes/{version.id}/").get_data(as_text=True)
    assert "data-version-pairs" in page and "Beside the original" in page
    # The original's alt text beside the version's.
    assert "Panel 1 of the episode" in page and "강가의 소녀" in page and "안녕!" in page
    assert f'action="/studio/episodes/{version.id}/review"' in page
    response = editor.post(f"/studio/episodes/{version.id}/review", data={"decision": "approve", "when": "now", "checklist": CHECKLIST})
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    version = db.session.get_one(Episode, version.id)
    assert version.status == EpisodeStatus.PUBLISHED and version.is_public
    assert version.original_version.version_in("ko") is version


def test_the_series_form_saves_and_removes_a_translation(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    series = episode.series
    form = {"title": series.title, "slug": series.slug, "summary": series.summary, "language": "en", "status": "ongoing", "content_warning": ""}
    page = client.get(f"/studio/series/{series.id}/edit").get_data(as_text=True)
    assert 'name="title-ko"' in page and 'name="title-en"' not in page
    # Mina may not publish and River is public: the change waits for an editor, words in Korean included.
    response = client.post(f"/studio/series/{series.id}/edit", data=form | {"title-ko": "강", "summary-ko": "강 이야기예요."})
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    series = db.session.get_one(Series, series.id)
    assert series.translations == []
    from comics.publishing.revisions import approve_revision, pending_revision

    revision = pending_revision("series", series.id)
    assert revision is not None and revision.proposed["translations"] == {"ko": {"title": "강", "summary": "강 이야기예요.", "content_warning": ""}}
    editor = make_account("ed@example.org", Role.EDITOR)
    approve_revision(revision, editor, CHECKLIST)
    db.session.commit()
    db.session.expire_all()
    series = db.session.get_one(Series, series.id)
    assert series.title_in("ko") == "강" and series.summary_in("ko") == "강 이야기예요."


def test_an_editor_saves_series_words_at_once_and_empty_removes_them(mina: tuple[FlaskClient, Episode], studio_app: Flask) -> None:
    _, episode = mina
    series = episode.series
    make_account("ed@example.org", Role.EDITOR)
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    form = {"title": series.title, "slug": series.slug, "summary": series.summary, "language": "en", "status": "ongoing",
            "content_warning": "", "artist": str(series.artist_id)}
    assert editor.post(f"/studio/series/{series.id}/edit", data=form | {"title-ko": "강", "summary-ko": ""}).status_code == 303
    db.session.expire_all()
    assert [(t.language, t.title) for t in db.session.get_one(Series, series.id).translations] == [("ko", "강")]
    refused = editor.post(f"/studio/series/{series.id}/edit", data=form | {"title-ko": "", "summary-ko": "제목 없는 요약"})
    assert refused.status_code == 400 and "title" in problems(refused).lower()
    assert editor.post(f"/studio/series/{series.id}/edit", data=form | {"title-ko": "", "summary-ko": ""}).status_code == 303
    db.session.expire_all()
    assert db.session.get_one(Series, series.id).translations == []


def test_the_profile_form_saves_the_name_and_bio_in_another_language(mina: tuple[FlaskClient, Episode], studio_app: Flask) -> None:
    _, episode = mina
    artist = episode.series.artist
    make_account("ed@example.org", Role.EDITOR)
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get(f"/studio/artists/{artist.id}/profile").get_data(as_text=True)
    assert 'name="name-ko"' in page
    response = editor.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, **{"name-ko": "미나", "bio-ko": "강가에 살아요."}))
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    artist = db.session.get_one(Artist, artist.id)
    assert artist.name_in("ko") == "미나" and artist.bio_in("ko") == "강가에 살아요."


def test_an_artists_profile_words_wait_for_review(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    artist = episode.series.artist
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, **{"name-ko": "미나"}))
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    from comics.publishing.revisions import pending_revision

    revision = pending_revision("artist", artist.id)
    assert revision is not None and revision.proposed["translations"] == {"ko": {"display_name": "미나", "bio_markdown": ""}}
    assert db.session.get_one(Artist, artist.id).translations == []
    # The form shows the waiting words back to the artist.
    assert 'value="미나"' in client.get(f"/studio/artists/{artist.id}/profile").get_data(as_text=True)


def test_an_original_without_alt_text_is_flagged(mina: tuple[FlaskClient, Episode]) -> None:
    client, episode = mina
    panel = episode.panels[0]
    response = client.post(f"/studio/episodes/{episode.id}/", data={"title": episode.title, "author_note": "", f"alt-{panel.id}": ""})
    assert response.status_code == 303, problems(response)
    assert "1 panel has no alt text" in client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
