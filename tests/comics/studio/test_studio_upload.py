"""Creating and editing episodes in the studio: uploads, refusals, reorder, replace, remove."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from comics.models import Episode, EpisodeStatus, Series
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png
from tests.forms import submit
from tests.studio_support import (
    counts,
    https_client,
    json_post,
    make_artist_account,
    media_files,
    png_file,
    problems,
    sign_in,
)


def sign_in_with_a_series(app: Flask) -> tuple[FlaskClient, Series]:
    """Make the artist mina with her series River and sign her in; call inside the app's context."""
    mina, _ = make_artist_account("mina")
    series = SiteBuilder().series(mina)
    client = app.test_client()
    sign_in(client, "mina@example.org")
    return client, series


@pytest.fixture
def artist_client(studio_app: Flask) -> tuple[FlaskClient, Series]:
    return sign_in_with_a_series(studio_app)


def test_new_episode_without_script(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    page = client.get(f"/studio/series/{series.id}/episodes/new")
    files = [png_file("1.png", label="1"), png_file("2.png", label="2")]
    response = submit(client, page, "files", {"title": "The crossing", "author_note": "Thanks", "files": files})
    assert response.status_code == 303
    episode = db.session.scalar(db.select(Episode))
    assert episode.title == "The crossing" and episode.status == EpisodeStatus.DRAFT
    assert [panel.position for panel in episode.panels] == [1, 2]
    assert response.headers["Location"] == f"/studio/episodes/{episode.id}/"


def test_new_episode_from_the_script_gets_per_file_statuses(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    response = json_post(
        client,
        f"/studio/series/{series.id}/episodes/new",
        {"title": "One", "files": [png_file("b.png", label="b"), png_file("a.png", label="a")], "alt_text": ["Bee", "Ay"], "transcript": ["", "Hello"]},
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] and [f["status"] for f in answer["files"]] == ["accepted", "accepted"]
    episode = db.session.scalar(db.select(Episode))
    # The order sent is the reading order, with each file's own texts.
    assert [(p.alt_text, p.transcript) for p in episode.panels] == [("Bee", ""), ("Ay", "Hello")]


def test_a_wrong_file_type_is_refused_by_name_and_nothing_is_kept(artist_client: tuple[FlaskClient, Series], studio_app: Flask) -> None:
    client, series = artist_client
    before, files_before = counts(), media_files(studio_app)
    response = json_post(
        client,
        f"/studio/series/{series.id}/episodes/new",
        {"title": "One", "files": [png_file("good.png"), (io.BytesIO(b"%PDF-1.7 not an image"), "story.pdf.png")]},
    )
    assert response.status_code == 400
    answer = response.get_json()
    assert not answer["ok"]
    statuses = {f["name"]: f for f in answer["files"]}
    assert statuses["good.png"]["status"] == "accepted"
    assert statuses["story.pdf.png"]["status"] == "refused" and "PDF" in statuses["story.pdf.png"]["reason"]
    assert "story.pdf.png" in problems(response)
    assert counts() == before and media_files(studio_app) == files_before


def test_a_refusal_without_script_shows_a_page(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    response = client.post(f"/studio/series/{series.id}/episodes/new", data={"title": "One", "files": [(io.BytesIO(b"hello"), "notes.txt")]})
    assert response.status_code == 400
    text = problems(response)
    assert "notes.txt" in text and "Nothing was saved" in text
    assert counts()["episodes"] == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "files": []}, "Give the episode a title."),
        ({"title": "One"}, "Choose at least one image file"),
        ({"title": "x" * 201, "files": []}, "Use at most 200 characters."),
    ],
)
def test_new_episode_form_refusals(artist_client: tuple[FlaskClient, Series], data: dict, message: str) -> None:
    client, series = artist_client
    if "files" in data:
        data["files"] = [png_file()]
    response = client.post(f"/studio/series/{series.id}/episodes/new", data=data)
    assert response.status_code == 400
    assert message in problems(response)
    assert counts()["episodes"] == 0


def test_an_oversize_file_is_refused_with_a_message(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, UPLOAD_MAX_BYTES=2_000)
    with app.app_context():
        client, series = sign_in_with_a_series(app)
        response = json_post(client, f"/studio/series/{series.id}/episodes/new", {"title": "One", "files": [png_file("big.png", width=600, height=900)]})
        assert response.status_code == 400
        assert "big.png" in problems(response) and "MB" in problems(response)
        assert counts()["episodes"] == 0


def test_the_configured_width_limit_refuses_a_wider_file(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, UPLOAD_MAX_WIDTH=500)
    with app.app_context():
        client, series = sign_in_with_a_series(app)
        files = [png_file("narrow.png", width=400, height=300), png_file("wide.png", width=600, height=300)]
        response = json_post(client, f"/studio/series/{series.id}/episodes/new", {"title": "One", "files": files})
        assert response.status_code == 400
        assert "wide.png: it is 600 pixels wide; the limit is 500" in problems(response)
        assert counts() == {"episodes": 0, "panels": 0, "images": 0}
        assert media_files(app) == set()


def test_a_request_over_max_content_length_is_413_with_a_message(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, MAX_CONTENT_LENGTH=5_000)
    with app.app_context():
        client, series = sign_in_with_a_series(app)
        big = {"title": "One", "files": [(io.BytesIO(b"\\x89PNG" + b"0" * 20_000), "huge.png")]}
        page = client.post(f"/studio/series/{series.id}/episodes/new", data=big)
        assert page.status_code == 413 and "too large" in problems(page)
        big["files"] = [(io.BytesIO(b"\\x89PNG" + b"0" * 20_000), "huge.png")]
        answer = json_post(client, f"/studio/series/{series.id}/episodes/new", big)
        assert answer.status_code == 413 and "too large" in answer.get_json()["error"]
        assert counts()["episodes"] == 0


def make_draft(series: Series, panels: int = 3) -> Episode:
    return SiteBuilder().episode(series, panels=panels, publish=False, title="Draft")


def test_reorder_with_position_numbers(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    episode = make_draft(series)
    a, b, c = [panel.id for panel in episode.panels]
    response = client.post(f"/studio/episodes/{episode.id}/", data={"title": "Draft", f"position-{a}": "3", f"position-{b}": "1", f"position-{c}": "2"})
    assert response.status_code == 303
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert [panel.id for panel in episode.panels] == [b, c, a]
    assert [panel.position for panel in episode.panels] == [1, 2, 3]
    assert episode.thumbnail_id == episode.panels[0].image_id


def test_alt_text_transcript_and_note_are_saved(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    episode = make_draft(series, panels=1)
    panel_id = episode.panels[0].id
    response = client.post(
        f"/studio/episodes/{episode.id}/",
        data={"title": "New title", "author_note": "See you **next week**", f"alt-{panel_id}": "Two people at a river", f"transcript-{panel_id}": "Hurry!"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert (episode.title, episode.author_note) == ("New title", "See you **next week**")
    assert (episode.panels[0].alt_text, episode.panels[0].transcript) == ("Two people at a river", "Hurry!")


def test_remove_and_replace_panels_and_files_go_after_commit(artist_client: tuple[FlaskClient, Series], studio_app: Flask) -> None:
    client, series = artist_client
    episode = make_draft(series)
    a, b, c = episode.panels
    old_b_files, old_c_files = set(b.image.file_names()), set(c.image.file_names())
    b_alt, a_id, b_id, c_id = b.alt_text, a.id, b.id, c.id
    response = client.post(
        f"/studio/episodes/{episode.id}/",
        data={"title": "Draft", f"remove-{c_id}": "1", f"replace-{b_id}": (io.BytesIO(panel_png(colour="#aa0000", label="new")), "new-b.png")},
    )
    assert response.status_code == 303
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert len(episode.panels) == 2
    assert episode.panels[0].id == a_id
    assert episode.panels[1].id not in (b_id, c_id) and episode.panels[1].alt_text == b_alt
    assert [panel.position for panel in episode.panels] == [1, 2]
    files = media_files(studio_app)
    assert not old_c_files & files and not old_b_files & files


def test_adding_panels_appends_them(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    episode = make_draft(series, panels=1)
    response = json_post(client, f"/studio/episodes/{episode.id}/", {"title": "Draft", "files": [png_file("more.png", label="more")], "alt_text": ["More"]})
    assert response.status_code == 200 and response.get_json()["files"][0]["status"] == "accepted"
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert [panel.alt_text for panel in episode.panels][-1] == "More" and len(episode.panels) == 2


def test_a_refused_replacement_changes_nothing(artist_client: tuple[FlaskClient, Series], studio_app: Flask) -> None:
    client, series = artist_client
    episode = make_draft(series, panels=2)
    a, b = [panel.id for panel in episode.panels]
    before, files_before = counts(), media_files(studio_app)
    response = client.post(
        f"/studio/episodes/{episode.id}/",
        data={"title": "Renamed", f"position-{a}": "2", f"position-{b}": "1", f"replace-{a}": (io.BytesIO(b"GIF89a broken"), "broken.gif")},
    )
    assert response.status_code == 400 and "broken.gif" in problems(response)
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert episode.title == "Draft" and [panel.id for panel in episode.panels] == [a, b]
    assert counts() == before and media_files(studio_app) == files_before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("position", "first", "whole number"),
        ("alt", "x" * 2001, "alt text under 2000"),
    ],
)
def test_bad_panel_fields_are_refused(artist_client: tuple[FlaskClient, Series], field: str, value: str, message: str) -> None:
    client, series = artist_client
    episode = make_draft(series, panels=1)
    panel_id = episode.panels[0].id
    response = client.post(f"/studio/episodes/{episode.id}/", data={"title": "Renamed", f"{field}-{panel_id}": value})
    assert response.status_code == 400 and message in problems(response)
    db.session.expire_all()
    assert db.session.get_one(Episode, episode.id).title == "Draft"


def test_a_submitted_episode_is_locked_for_its_artist(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    episode = make_draft(series, panels=1)
    assert client.post(f"/studio/episodes/{episode.id}/submit").status_code == 303
    response = client.post(f"/studio/episodes/{episode.id}/", data={"title": "Sneaky change"})
    assert response.status_code == 400 and "Take it back from review" in problems(response)
    assert client.post(f"/studio/episodes/{episode.id}/withdraw").status_code == 303
    assert client.post(f"/studio/episodes/{episode.id}/", data={"title": "Open change"}).status_code == 303


def test_series_create_edit_and_cover(artist_client: tuple[FlaskClient, Series], studio_app: Flask) -> None:
    client, series = artist_client
    page = client.get("/studio/series/new")
    cover = png_file("cover.png", width=300, height=400)
    response = submit(client, page, "title", {"title": "Night Train", "language": "ko", "cover": cover})
    assert response.status_code == 303, problems(response)
    created = db.session.scalar(db.select(Series).where(Series.slug == "night-train"))
    assert created is not None and created.cover is not None and created.language == "ko"
    old_cover = set(created.cover.file_names())
    page = client.get(f"/studio/series/{created.id}/edit")
    response = submit(client, page, "title", {"status": "completed", "remove_cover": True})
    assert response.status_code == 303, problems(response)
    db.session.expire_all()
    created = db.session.get_one(Series, created.id)
    assert created.cover is None and created.status.value == "completed"
    assert not old_cover & media_files(studio_app)


@pytest.mark.parametrize("language", ["", "/ko"])
def test_a_lone_artist_creates_a_series_with_the_form_the_page_renders(tmp_path: Path, language: str) -> None:
    """The form as the page holds it (the hidden artist, the token), over https, in each language."""
    app = make_test_app(tmp_path, SITE_URL="https://freelines.example", WTF_CSRF_ENABLED=True)
    with app.app_context():
        mina, _ = make_artist_account("mina")
        client = https_client(app)
        sign_in(client, "mina@example.org")
        page = client.get(f"{language}/studio/series/new")
        assert page.status_code == 200
        response = submit(client, page, "title", {"title": "Night Train", "summary": "Trains at night."})
        assert response.status_code == 303, problems(response)
        created = db.session.scalar(db.select(Series).where(Series.slug == "night-train"))
        assert created is not None and created.artist_id == mina.id
        assert response.headers["Location"] == f"{language}/studio/series/{created.id}/"


def test_a_korean_title_makes_a_romanised_web_address(tmp_path: Path) -> None:
    """A Korean artist types a Korean title and leaves the web address empty, as the form allows."""
    app = make_test_app(tmp_path, SITE_URL="https://freelines.example", WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_artist_account("mina")
        client = https_client(app)
        sign_in(client, "mina@example.org")
        page = client.get("/ko/studio/series/new")
        response = submit(client, page, "title", {"title": "선을 넘어", "language": "ko"})
        assert response.status_code == 303, problems(response)
        created = db.session.scalar(db.select(Series).where(Series.title == "선을 넘어"))
        assert created is not None and created.slug == "seoneul-neomeo"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "X", "slug": "river", "language": "en", "status": "ongoing"}, "taken by another series"),
        ({"title": "X", "slug": "Bad Slug!", "language": "en", "status": "ongoing"}, "lower-case letters"),
        ({"title": "X", "language": "english please", "status": "ongoing"}, "language tag"),
        ({"title": "", "language": "en", "status": "ongoing"}, "Give the series a title."),
        ({"title": "X", "language": "en", "status": "ongoing", "cover": (io.BytesIO(b"<svg/>"), "cover.svg")}, "cover.svg"),
        ({"title": "X", "language": "en", "status": "ongoing", "cover": png_file("strip.png", width=100, height=2000)}, "strip.png: a cover can be at most 3 times as tall"),
    ],
)
def test_series_refusals(artist_client: tuple[FlaskClient, Series], data: dict, message: str) -> None:
    client, _ = artist_client
    response = client.post("/studio/series/new", data=data)
    assert response.status_code == 400
    assert message in problems(response), problems(response)
    assert db.session.scalar(db.select(db.func.count(Series.id))) == 1


def test_a_strip_as_a_new_cover_changes_nothing(artist_client: tuple[FlaskClient, Series], studio_app: Flask) -> None:
    client, series = artist_client
    assert client.post(f"/studio/series/{series.id}/edit", data={"title": "River", "slug": "river", "language": "en", "status": "ongoing", "cover": png_file("cover.png", width=300, height=400)}).status_code == 303
    db.session.expire_all()
    cover_id, files = db.session.get_one(Series, series.id).cover_id, media_files(studio_app)
    # 800 × 20000: its 1200 px WebP would be 30000 px tall, past WebP's limit; refused before any work.
    response = client.post(f"/studio/series/{series.id}/edit", data={"title": "Renamed", "slug": "river", "language": "en", "status": "ongoing", "cover": png_file("strip.png", width=800, height=20_000)})
    assert response.status_code == 400
    assert "strip.png: a cover can be at most 3 times as tall as it is wide, or as wide as it is tall; this one is 800 × 20000 pixels" in problems(response)
    db.session.expire_all()
    series = db.session.get_one(Series, series.id)
    assert (series.title, series.cover_id) == ("River", cover_id)
    assert media_files(studio_app) == files


def test_dashboard_groups_episodes_by_stage(artist_client: tuple[FlaskClient, Series]) -> None:
    client, series = artist_client
    SiteBuilder().episode(series, panels=1, publish=False, title="A draft")
    SiteBuilder().episode(series, panels=1, publish=True, title="Out now")
    page = client.get("/studio/").get_data(as_text=True)
    drafts = page[page.index('data-group="drafts"') :]
    assert "A draft" in drafts[: drafts.index("</section>")]
    published = page[page.index('data-group="published"') :]
    assert "Out now" in published[: published.index("</section>")]
    assert "River" in page
