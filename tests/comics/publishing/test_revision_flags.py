"""The review of a waiting profile or series (issue 25): what its new pictures' files held, photographs and
faces in them, and the watch list over the words it changes, on the revision's page, each naming the field
or picture and the language; the artist told in their language what each file held, and nothing of it kept.

Each flow goes through the pages' own forms (tests.forms), in English and in Korean, with the app holding no
app context around the requests, so each request keeps its own language.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from artists.models import Role
from comics.images.models import StoredImage
from comics.publishing.models import Revision, RevisionState
from extensions import db
from tests.comics.publishing.test_review_flags import FIXTURES, gps_jpeg, speak_korean
from tests.conftest import SiteBuilder, make_test_app
from tests.forms import submit
from tests.studio_support import make_account, make_artist_account, problems, sign_in

# What the page says, in each language: the artist's note at saving, the editor's flag, where the flags are.
WORDS = {
    "en": {
        "told": "This file held the location where it was made; it has been removed.",
        "camera": "This file held the make and model of the camera or phone; they have been removed.",
        "flag": "Its file held the location where it was made",
        "cover": "the new cover",
        "korean_cover": "the new cover (ko)",
        "heading": "What the review found",
        "bio": "the artist's profile",
        "korean_name": "the artist's name (ko)",
        "watch": "a word on the watch list: “Hyesan”",
        "korean_watch": "a word on the watch list: “김철”",
        "photograph": "looks like a photograph",
    },
    "ko": {
        "told": "이 파일에는 만든 곳의 위치가 들어 있었어요. 지금은 지웠어요.",
        "camera": "이 파일에는 카메라나 휴대폰의 제조사와 모델명이 들어 있었어요. 지금은 지웠어요.",
        "flag": "만든 곳의 위치",
        "cover": "새 표지",
        "korean_cover": "새 표지(ko)",
        "heading": "검토에서 찾은 것",
        "bio": "작가 소개",
        "korean_name": "작가 이름(ko)",
        "watch": "“Hyesan”",
        "korean_watch": "“김철”",
        "photograph": "사진",
    },
}
PREFIX = {"en": "", "ko": "/ko"}


class Review:
    """Mina, an artist with one public episode, and Ed, an editor, each signed in, in one language."""

    def __init__(self, app: Flask, language: str) -> None:
        self.app = app
        self.prefix = PREFIX[language]
        self.words = WORDS[language]
        with app.app_context():
            artist, _user = make_artist_account("mina", "Mina")
            series = SiteBuilder().series(artist)
            SiteBuilder().episode(series, panels=1)  # public: Mina's changes now wait for an editor
            make_account("ed@example.org", Role.EDITOR)
            db.session.commit()
            self.series_id, self.artist_id = series.id, artist.id
        if language == "ko":
            speak_korean(app, "mina@example.org")
            speak_korean(app, "ed@example.org")
        self.artist = app.test_client()
        sign_in(self.artist, "mina@example.org")
        self.editor = app.test_client()
        sign_in(self.editor, "ed@example.org")

    def send(self, path: str, holding: str, values: dict[str, object]) -> str:
        """Fill the page's form as the artist, send it, and return the page it leads to (its flashed note)."""
        page = self.artist.get(f"{self.prefix}{path}", follow_redirects=True)
        response = submit(self.artist, page, holding, values)  # type: ignore[arg-type]
        assert response.status_code == 303, problems(response)
        return self.artist.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)

    def waiting(self, kind: str) -> Revision:
        with self.app.app_context():
            revision = db.session.scalar(select(Revision).where(Revision.target_type == kind).order_by(Revision.id.desc()))
            assert revision is not None and revision.state == RevisionState.PENDING
            db.session.expunge(revision)
            return revision

    def review(self, revision: Revision, client: FlaskClient | None = None) -> str:
        response = (client or self.editor).get(f"{self.prefix}/studio/revisions/{revision.id}", follow_redirects=True)
        assert response.status_code == 200
        return html.unescape(response.get_data(as_text=True))

    def images(self) -> list[StoredImage]:
        with self.app.app_context():
            images = list(db.session.scalars(select(StoredImage)))
            for image in images:
                db.session.expunge(image)
            return images


@pytest.fixture
def review_app(tmp_path: Path) -> Iterator[Flask]:
    yield make_test_app(tmp_path, REVIEW_WATCHLIST=["Hyesan", "김철"])


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_cover_with_gps_and_camera_tags_is_told_to_the_artist_and_the_editor_and_nothing_of_it_is_kept(
    review_app: Flask, language: str
) -> None:
    review = Review(review_app, language)
    told = review.send(f"/studio/series/{review.series_id}/edit", "title", {"cover": (io.BytesIO(gps_jpeg()), "phone.jpg")})
    words = review.words
    # Told at once, in the artist's language, and beside the waiting cover for as long as it stays.
    assert words["told"] in told and words["camera"] in told
    form = review.artist.get(f"{review.prefix}/studio/series/{review.series_id}/edit", follow_redirects=True).get_data(as_text=True)
    assert "data-file-said" in form and words["told"] in form
    if language == "ko":
        assert "This file held" not in told + form

    revision = review.waiting("series")
    page = review.review(revision)
    assert words["heading"] in page and 'data-flag="metadata"' in page and words["flag"] in page and words["cover"] in page
    # The artist sees the same list on their revision's page.
    assert 'data-flag="metadata"' in review.review(revision, review.artist)

    # Only the kinds are stored: no value of any tag, in the row or in any file the studio serves.
    cover = next(image for image in review.images() if image.findings and image.findings.get("metadata", {}).get("kinds"))
    assert cover.findings is not None and cover.findings["metadata"]["kinds"] == ["location", "camera", "serial", "software", "date"]
    record = json.dumps(cover.findings) + (cover.lettering or "")
    for secret in ("Samsung", "Galaxy", "SERIAL", "SecretEditor", "2019", "41", "128"):
        assert secret not in record
    for name in cover.file_names():
        served = review.editor.get(f"/studio/media/{name}", follow_redirects=True)
        data = served.get_data()
        assert served.status_code == 200 and b"Samsung" not in data and b"SERIAL-7781" not in data and b"SecretEditor" not in data
        with Image.open(io.BytesIO(data)) as opened:
            assert not opened.getexif()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_watch_list_words_in_a_profile_are_flagged_by_field_and_language(review_app: Flask, language: str) -> None:
    review = Review(review_app, language)
    review.send(
        f"/studio/artists/{review.artist_id}/profile",
        "display_name",
        {"bio_markdown": "We crossed the river near Hyesan.", "name-ko": "김철"},
    )
    page = review.review(review.waiting("artist"))
    words = review.words
    assert 'data-flag="words"' in page
    assert words["bio"] in page and words["watch"] in page
    assert words["korean_name"] in page and words["korean_watch"] in page
    # The name readers see already was reviewed when it went out: only the words the change makes new are flagged.
    assert page.count('data-flag="words"') == 2


def test_a_profile_without_watch_list_words_raises_no_flag(review_app: Flask) -> None:
    review = Review(review_app, "en")
    review.send(f"/studio/artists/{review.artist_id}/profile", "display_name", {"bio_markdown": "I draw rivers."})
    assert "data-review-flags" not in review.review(review.waiting("artist"))


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_photograph_with_a_face_as_a_korean_cover_is_flagged_with_where_the_face_is(review_app: Flask, language: str) -> None:
    review = Review(review_app, language)
    photo = (FIXTURES / "astronaut.jpg").read_bytes()
    review.send(f"/studio/series/{review.series_id}/edit", "title", {"cover-ko": (io.BytesIO(photo), "astronaut.jpg")})
    page = review.review(review.waiting("series"))
    assert 'data-flag="photograph"' in page and review.words["photograph"] in page
    assert 'data-flag="face"' in page and review.words["korean_cover"] in page
    # Where the face is, in percent of the cover: a third of the way across, near the top.
    assert "% across" in page if language == "en" else "가로" in page


def test_a_refused_cover_changes_nothing(review_app: Flask) -> None:
    review = Review(review_app, "en")
    page = review.artist.get(f"/studio/series/{review.series_id}/edit")
    response = submit(review.artist, page, "title", {"cover": (io.BytesIO(b"not a picture"), "cover.jpg")})
    assert response.status_code == 400 and "cover.jpg" in problems(response)
    with review_app.app_context():
        assert db.session.scalar(select(Revision.id)) is None


def test_a_cover_applied_at_once_is_flagged_on_the_review_of_the_series_episode(review_app: Flask) -> None:
    from tests.comics.publishing.test_review_flags import Studio
    from tests.conftest import panel_png

    studio = Studio(review_app)  # a series readers have never seen: its artist's changes apply at once
    page = studio.artist.get(f"/studio/series/{studio.series_id}/edit")
    photo = (FIXTURES / "astronaut.jpg").read_bytes()
    response = submit(studio.artist, page, "title", {"cover": (io.BytesIO(photo), "astronaut.jpg")})
    assert response.status_code == 303, problems(response)
    with review_app.app_context():
        assert db.session.scalar(select(Revision.id)) is None
    episode_id = studio.upload("1.png", panel_png())
    studio.send_for_review(episode_id)
    review = html.unescape(studio.editor.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True))
    assert 'data-flag="photograph"' in review and 'data-flag="face"' in review and "the series' cover" in review
    # The boxes on people and crossings wait until the editor has looked at the cover's flags.
    assert "data-held-items" in review


@pytest.mark.parametrize("language", ["en", "ko"])
def test_an_open_flag_holds_the_revisions_checklist_until_dismissed_with_a_reason(review_app: Flask, language: str) -> None:
    from comics.audit.models import AuditAction, AuditEntry
    from settings import DEFAULT_REVIEW_CHECKLIST
    from tests.forms import forms_on

    review = Review(review_app, language)
    review.send(f"/studio/artists/{review.artist_id}/profile", "display_name", {"bio_markdown": "We crossed near Hyesan."})
    revision = review.waiting("artist")
    path = f"{review.prefix}/studio/revisions/{revision.id}"
    page = review.editor.get(path)
    assert "data-held-items" in page.get_data(as_text=True)

    # The boxes on people and crossings cannot be ticked: the approval is refused and changes nothing.
    refused = submit(review.editor, page, "decision", {"decision": "approve", "checklist": list(DEFAULT_REVIEW_CHECKLIST)})
    assert refused.status_code == 400
    assert review.waiting("artist").state == RevisionState.PENDING

    # A reason is needed; the dismissal is kept, and the audit log says what and where, not the words.
    form = next(form for form in forms_on(review.editor.get(path)) if "reason" in form.names())
    empty = form.fill({"reason": "  "}).submit(review.editor)
    assert empty.status_code == 400
    dismissed = form.fill({"reason": "Hyesan is a big city."}).submit(review.editor)
    assert dismissed.status_code == 303, problems(dismissed)
    with review_app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.FLAG_DISMISS)).all()
        assert entry.object_type == "artist" and entry.comment.startswith("words") and entry.comment.endswith("Hyesan is a big city.")

    page = review.editor.get(path)
    assert "data-held-items" not in page.get_data(as_text=True) and 'data-flag-state="dismissed"' in page.get_data(as_text=True)
    approved = submit(review.editor, page, "decision", {"decision": "approve", "checklist": list(DEFAULT_REVIEW_CHECKLIST)})
    assert approved.status_code == 303, problems(approved)
    with review_app.app_context():
        assert db.session.get_one(Revision, revision.id).state == RevisionState.APPROVED


def test_only_an_editor_dismisses_a_revisions_flag(review_app: Flask) -> None:
    review = Review(review_app, "en")
    review.send(f"/studio/artists/{review.artist_id}/profile", "display_name", {"bio_markdown": "We crossed near Hyesan."})
    revision = review.waiting("artist")
    page = review.artist.get(f"/studio/revisions/{revision.id}").get_data(as_text=True)
    assert 'data-flag="words"' in page and "data-dismiss-flag" not in page
    answer = review.artist.post(f"/studio/revisions/{revision.id}/flags/dismiss", data={"key": "words:profile-about:name:x", "reason": "mine"})
    assert answer.status_code in (400, 403)
    with review_app.app_context():
        from comics.publishing.models import FlagDismissal

        assert db.session.scalar(select(FlagDismissal.id)) is None
