"""The editor's second pair of eyes (issue 25): what a file said, the lettered words on the watch list,
photographs, all as review flags that hold back the checklist until an editor dismisses them with a reason.

Each flow goes through the pages' own forms (tests.forms), in English and in Korean; the app holds no
app context around the requests, so each request keeps its own language.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from PIL import ExifTags, Image, ImageDraw
from sqlalchemy import select

from artists.models import Role, User
from comics.audit.models import AuditAction, AuditEntry
from comics.fonts import lettering_font
from comics.images.models import StoredImage
from comics.models import Episode, EpisodeStatus, Series
from comics.publishing.models import FlagDismissal
from comics.site_images import media_store
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import make_test_app
from tests.forms import forms_on, submit
from tests.page_text import VisibleText, english_left, interface_words
from tests.studio_support import make_account, make_artist_account, problems, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)
FIXTURES = Path(__file__).parents[2] / "fixtures"
# Where the GPS tags put the file: the test looks for these numbers anywhere they could have gone.
LATITUDE = (41.0, 23.0, 47.0)


def gps_jpeg() -> bytes:
    """Return a drawn panel saved as a JPEG with GPS, camera make, model and serial, software and a date."""
    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 360, 260), fill="#3b6ea5", outline="black", width=4)
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    exif[0x0110] = "Galaxy-S9-Secret"
    exif[0x0131] = "SecretEditor 1.0"
    exif[0x0132] = "2019:03:14 02:10:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2], gps[3], gps[4] = "N", LATITUDE, "E", (128.0, 10.0, 30.0)
    exif.get_ifd(ExifTags.IFD.Exif)[0xA431] = "SERIAL-7781"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def lettered_png(words: str = "WE MET IN HYESAN") -> bytes:
    """Return a small panel lettered with these words, large enough for Tesseract."""
    image = Image.new("RGB", (640, 240), "white")
    ImageDraw.Draw(image).text((30, 90), words, font=lettering_font(44), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def detail(image: Image.Image) -> float:
    """Return the mean difference between horizontally neighbouring pixels: what a blur takes away."""
    pixels = np.asarray(image.convert("L"), dtype=np.int16)
    return float(np.abs(np.diff(pixels, axis=1)).mean())


class Studio:
    """Mina (an artist) and Ed (an editor), each signed in with a client of their own."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context():
            artist, _user = make_artist_account("mina", "Mina")
            db.session.add(Series(slug="river", title="River", summary="A river.", artist=artist))
            make_account("ed@example.org", Role.EDITOR)
            db.session.commit()
            self.series_id = db.session.scalar(select(Series.id))
        self.artist = app.test_client()
        sign_in(self.artist, "mina@example.org")
        self.editor = app.test_client()
        sign_in(self.editor, "ed@example.org")

    def upload(self, name: str, data: bytes, title: str = "The crossing") -> int:
        """Create an episode through the studio's own form; return its id."""
        page = self.artist.get(f"/studio/series/{self.series_id}/episodes/new", follow_redirects=True)
        response = submit(self.artist, page, "files", {"title": title, "files": [(io.BytesIO(data), name)]})
        assert response.status_code == 303, problems(response)
        with self.app.app_context():
            episode_id = db.session.scalar(select(Episode.id).order_by(Episode.id.desc()))
            assert episode_id is not None
            return episode_id

    def send_for_review(self, episode_id: int) -> None:
        page = self.artist.get(f"/studio/episodes/{episode_id}/", follow_redirects=True)
        response = submit(self.artist, page, "comment", {}, button="Submit for review")
        assert response.status_code == 303, problems(response)

    def decide(self, episode_id: int) -> tuple[int, str]:
        """Tick every box the review form lets the editor tick, approve now, and send it."""
        page = self.editor.get(f"/studio/episodes/{episode_id}/", follow_redirects=True)
        response = submit(self.editor, page, "decision", {"decision": "approve", "when": "now", "checklist": CHECKLIST})
        return response.status_code, response.get_data(as_text=True)

    def dismiss_all(self, episode_id: int, reason: str) -> None:
        """Dismiss every open flag through its own form on the page, one after the other."""
        while True:
            page = self.editor.get(f"/studio/episodes/{episode_id}/", follow_redirects=True)
            forms = [form for form in forms_on(page) if "reason" in form.names()]
            if not forms:
                return
            response = forms[0].fill({"reason": reason}).submit(self.editor)
            assert response.status_code == 303, problems(response)

    def stored(self, episode_id: int) -> list[StoredImage]:
        with self.app.app_context():
            episode = db.session.get_one(Episode, episode_id)
            images = [panel.image for panel in episode.panels]
            for image in images:
                db.session.expunge(image)
            return images


def speak_korean(app: Flask, email: str) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        user.interface_language = "ko"
        db.session.commit()


@pytest.fixture
def review_app(tmp_path: Path) -> Iterator[Flask]:
    yield make_test_app(tmp_path, REVIEW_WATCHLIST=["Hyesan", "김철"])


@pytest.fixture
def studio(review_app: Flask) -> Studio:
    return Studio(review_app)


# --- what the file said -----------------------------------------------------------------------------


def test_a_jpeg_with_gps_and_camera_tags_is_told_to_the_artist_and_editor_and_nothing_of_it_is_kept(studio: Studio) -> None:
    episode_id = studio.upload("phone.jpg", gps_jpeg())
    page = studio.artist.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    for sentence in (
        "This file held the location where it was made; it has been removed.",
        "This file held the make and model of the camera or phone; they have been removed.",
        "This file held a serial number of the camera or lens; it has been removed.",
        "This file held the name of the software or computer that made it; it has been removed.",
        "This file held the date and time it was made; they have been removed.",
    ):
        assert sentence in page
    studio.send_for_review(episode_id)
    review = studio.editor.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert 'data-flag="metadata"' in review and "Its file held the location where it was made" in review
    # A notice, not a flag: nothing of it is left to decide, so the checklist is not held back by it.
    assert "data-held-items" not in review
    # Only the kinds are stored: no value of any tag, in the row or in any file.
    [image] = studio.stored(episode_id)
    record = json.dumps(image.findings) + (image.lettering or "")
    assert image.findings is not None and image.findings["metadata"]["kinds"] == [
        "location",
        "camera",
        "serial",
        "software",
        "date",
    ]
    for secret in ("Samsung", "Galaxy", "SERIAL", "SecretEditor", "2019", "41", "128"):
        assert secret not in record
    with studio.app.app_context():
        for name in image.file_names():
            data = media_store().path_of(name).read_bytes()
            assert b"Samsung" not in data and b"SERIAL-7781" not in data and b"SecretEditor" not in data
            with Image.open(io.BytesIO(data)) as stored:
                assert not stored.getexif()


def test_the_korean_studio_tells_the_artist_in_korean(studio: Studio, review_app: Flask) -> None:
    speak_korean(review_app, "mina@example.org")
    episode_id = studio.upload("phone.jpg", gps_jpeg())
    page = studio.artist.get(f"/ko/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert "이 파일에는 만든 곳의 위치가 들어 있었어요. 지금은 지웠어요." in page
    assert "This file held" not in page


def test_import_episode_says_what_the_file_held(studio: Studio, review_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    path.write_bytes(gps_jpeg())
    with review_app.app_context():
        result = review_app.test_cli_runner().invoke(args=["import-episode", "river", str(path), "--title", "Imported"])
        assert result.exit_code == 0, result.output
        assert "phone.jpg: This file held the location where it was made; it has been removed." in result.output
        episode = db.session.scalar(select(Episode).where(Episode.title == "Imported"))
        assert episode is not None
        findings = episode.panels[0].image.findings
        assert findings is not None and findings["metadata"]["kinds"][0] == "location"


# --- the lettered words and the watch list ------------------------------------------------------------


@pytest.fixture
def reading_app(tmp_path: Path) -> Iterator[Flask]:
    """The review app with Tesseract on: only the tests of the reading pay for it."""
    yield make_test_app(tmp_path, REVIEW_WATCHLIST=["Hyesan", "김철"], REVIEW_READ_LETTERING=True)


def test_a_watch_list_name_in_the_lettering_holds_the_checklist_until_dismissed_with_a_reason(reading_app: Flask) -> None:
    studio = Studio(reading_app)
    episode_id = studio.upload("hyesan.png", lettered_png())
    # The artist gets the reading as a draft, never filled in on its own.
    page = studio.artist.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert "data-reading" in page and "WE MET IN HYESAN" in page
    [image] = studio.stored(episode_id)
    with reading_app.app_context():
        assert db.session.get_one(Episode, episode_id).panels[0].transcript == ""
    studio.send_for_review(episode_id)

    review = studio.editor.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert 'data-flag="lettering"' in review and "panel 1, lettered in the image" in review and "“Hyesan”" in review
    assert "data-held-items" in review
    # The boxes on people and crossings cannot be ticked: the approval is refused and changes nothing.
    status, answer = studio.decide(episode_id)
    assert status == 400 and "Confirm every item of the checklist before approving" in answer
    with reading_app.app_context():
        assert db.session.get_one(Episode, episode_id).status == EpisodeStatus.SUBMITTED

    # A reason is needed to dismiss a flag; the dismissal is kept in the audit log.
    form = next(form for form in forms_on(studio.editor.get(f"/studio/episodes/{episode_id}/")) if "reason" in form.names())
    refused = form.fill({"reason": "   "}).submit(studio.editor)
    assert refused.status_code == 400 and "Say why this flag is no risk" in problems(refused)
    studio.dismiss_all(episode_id, "Hyesan is a big city; the panel names no crossing.")
    with reading_app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.FLAG_DISMISS)).all()
        assert entry.comment.endswith("Hyesan is a big city; the panel names no crossing.") and entry.comment.startswith(
            "lettering"
        )
        assert db.session.scalar(select(FlagDismissal.reason)) == "Hyesan is a big city; the panel names no crossing."
    status, answer = studio.decide(episode_id)
    assert status == 303, answer
    # The raw reading is never public.
    public = reading_app.test_client().get("/series/river/1/").get_data(as_text=True)
    assert "HYESAN" not in public.upper()


def test_the_artist_accepts_the_reading_as_the_transcript(reading_app: Flask) -> None:
    studio = Studio(reading_app)
    episode_id = studio.upload("hyesan.png", lettered_png("THE LANTERN ROAD"))
    page = studio.artist.get(f"/studio/episodes/{episode_id}/")
    with reading_app.app_context():
        panel_id = db.session.get_one(Episode, episode_id).panels[0].id
    form = next(form for form in forms_on(page) if f"use-reading-{panel_id}" in form.names())
    response = form.fill({f"use-reading-{panel_id}": ["transcript"]}).submit(studio.artist, "Save changes")
    assert response.status_code == 303, problems(response)
    with reading_app.app_context():
        panel = db.session.get_one(Episode, episode_id).panels[0]
        assert panel.transcript == "THE LANTERN ROAD" and panel.alt_text == ""


def test_an_image_tesseract_cannot_read_gets_a_note_not_a_refusal(reading_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from comics.images import reading

    def fail(*args: object, **kwargs: object) -> str:
        raise reading.UnreadableImage("tesseract is not installed")

    monkeypatch.setattr(reading, "read_lettering", fail)
    studio = Studio(reading_app)
    episode_id = studio.upload("hyesan.png", lettered_png())
    page = studio.artist.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert 'data-panel-flag="unread"' in page and "could not be read: check them by eye" in page


def test_the_watch_list_reads_everything_the_artist_wrote(studio: Studio, review_app: Flask) -> None:
    from tests.conftest import panel_png

    episode_id = studio.upload("1.png", panel_png(), title="The road to Hyesan")
    with review_app.app_context():
        episode = db.session.get_one(Episode, episode_id)
        episode.author_note = "Call me on 010-1234-5678."
        episode.panels[0].transcript = "김철이 말했어요."
        db.session.commit()
    studio.send_for_review(episode_id)
    review = studio.editor.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert "the episode&#39;s title" in review or "the episode's title" in review
    assert "what looks like a phone number: “010-1234-5678”" in review
    assert "panel 1, its transcript" in review and "“김철”" in review
    assert "data-held-items" in review


# --- photographs and the blur -------------------------------------------------------------------------


def test_a_photograph_and_its_face_are_flagged_and_the_blur_leaves_nothing_of_the_face(studio: Studio, review_app: Flask) -> None:
    photo = (FIXTURES / "astronaut.jpg").read_bytes()
    episode_id = studio.upload("photo.jpg", photo)
    page = studio.artist.get(f"/studio/episodes/{episode_id}/")
    text = page.get_data(as_text=True)
    assert 'data-panel-flag="photograph"' in text and "looks like a photograph" in text
    # The astronaut's face, where it is: a third of the way across, near the top.
    assert 'data-panel-flag="face"' in text and "panel 1, 34–54% across and 12–33% down" in text
    [old] = studio.stored(episode_id)

    # A region outside the panel is refused and changes nothing.
    by_hand = next(
        form for form in forms_on(page) if "width" in form.names() and "Blur this region" in [c.label for c in form.controls]
    )
    refused = by_hand.fill({"left": "60", "top": "10", "width": "50", "height": "20"}).submit(studio.artist)
    assert refused.status_code == 400 and "from the left plus the width is at most 100" in problems(refused)
    assert studio.stored(episode_id)[0].master == old.master

    # The face's own button blurs it, with a margin, from the master.
    face = next(form for form in forms_on(page) if "Blur the face found in panel 1" in [c.label for c in form.controls])
    response = face.submit(studio.artist)
    assert response.status_code == 303, problems(response)
    [new] = studio.stored(episode_id)
    assert new.id != old.id and new.master != old.master
    after = studio.artist.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert 'data-panel-flag="face"' not in after and 'data-panel-flag="photograph"' in after
    with review_app.app_context():
        store = media_store()
        # No file of the old image is left, master or rendition, for a page, an edition or a CBZ to use.
        assert not any(store.path_of(name).exists() for name in old.file_names())
        assert db.session.get(StoredImage, old.id) is None
        with Image.open(store.path_of(new.master)) as master:
            before = Image.open(io.BytesIO(photo)).convert("RGB").resize(master.size)
            # The face's area holds nothing but a smooth wash: next to no detail left between neighbouring pixels.
            box = (master.width * 36 // 100, master.height * 14 // 100, master.width * 52 // 100, master.height * 31 // 100)
            assert detail(master.crop(box)) < 1.5 < 8 < detail(before.crop(box))
        assert db.session.get_one(Episode, episode_id).thumbnail_id == new.id


def test_a_photograph_without_the_face_detector_gets_a_note(review_app: Flask, tmp_path: Path) -> None:
    review_app.config["REVIEW_FACE_CASCADE"] = str(tmp_path / "missing.xml")
    studio = Studio(review_app)
    episode_id = studio.upload("photo.jpg", (FIXTURES / "astronaut.jpg").read_bytes())
    page = studio.artist.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert "Faces could not be looked for in this photograph" in page and 'data-panel-flag="photograph"' in page


def test_drawn_panels_raise_no_flag(studio: Studio) -> None:
    from tests.conftest import panel_png

    episode_id = studio.upload("1.png", panel_png())
    studio.send_for_review(episode_id)
    review = studio.editor.get(f"/studio/episodes/{episode_id}/").get_data(as_text=True)
    assert "data-review-flags" not in review
    status, answer = studio.decide(episode_id)
    assert status == 303, answer


def test_the_korean_review_shows_the_flags_in_korean(studio: Studio, review_app: Flask) -> None:
    speak_korean(review_app, "ed@example.org")
    episode_id = studio.upload("phone.jpg", gps_jpeg(), title="Hyesan")
    studio.send_for_review(episode_id)
    page = studio.editor.get(f"/ko/studio/episodes/{episode_id}/").get_data(as_text=True)
    # The account's own name ("An editor", as make_account names editors) is data, not the interface.
    text = VisibleText.of(page).replace("An editor", "")
    assert "검토에서 찾은 것" in text and "감시 목록" in text
    assert "What the review found" not in page and english_left(text, interface_words()) == []


def test_the_render_worker_reads_and_looks_in_the_background(tmp_path: Path) -> None:
    """With an RQ queue, the upload records only what the file said; the worker reads and looks with the renditions."""
    import secrets

    from comics.catalogue import create_episode
    from comics.images.ingest import Upload
    from comics.site_images import render_queue
    from tests.comics.images.test_rendering import work
    from tests.engines import redis_url_or_skip

    name = f"webtoon-test-review-{secrets.token_hex(4)}"
    app = make_test_app(
        tmp_path,
        RENDER_QUEUE="rq",
        RQ_REDIS_URL=redis_url_or_skip(),
        RQ_QUEUE_NAME=name,
        REVIEW_READ_LETTERING=True,
        REVIEW_WATCHLIST=["Hyesan"],
    )
    with app.app_context():
        try:
            artist, _user = make_artist_account("mina", "Mina")
            series = Series(slug="river", title="River", summary="A river.", artist=artist)
            db.session.add(series)
            episode, _notes = create_episode(series, "Queued", [Upload("hyesan.png", lettered_png())])
            image = episode.panels[0].image
            assert image.lettering is None and image.findings == {"metadata": {"kinds": [], "sources": []}}
            work(app)
            db.session.expire_all()
            image = db.session.get_one(StoredImage, image.id)
            assert image.lettering is not None and "HYESAN" in image.lettering
            assert image.findings is not None and image.findings["photograph"] is False
        finally:
            connection = render_queue().connection
            for key in connection.scan_iter(match=f"*{name}*"):
                connection.delete(key)
            connection.close()
