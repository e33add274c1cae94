"""The workflow: draft → submitted → approved now or for a time, or returned; unpublish; delete; audit."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from artists.models import Role
from comics import clock
from comics.audit.models import AuditAction, AuditEntry
from comics.images.models import RenderState, Rendition
from comics.models import Episode, EpisodeStatus, Series
from comics.publishing.workflow import (
    WorkflowError,
    approve,
    delete_episode,
    delete_series,
    publish,
    publish_blockers,
    return_to_artist,
    stage,
    submit,
    unpublish,
    withdraw,
)
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app
from tests.studio_support import (
    counts,
    fetch_status,
    make_account,
    make_artist_account,
    media_files,
    sign_in,
)

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)


@pytest.fixture
def people(studio_app: Flask) -> dict[str, object]:
    mina, mina_user = make_artist_account("mina")
    editor = make_account("ed@example.org", Role.EDITOR)
    series = SiteBuilder().series(mina)
    episode = SiteBuilder().episode(series, panels=2, publish=False, title="First")
    return {"artist": mina_user, "editor": editor, "series": series, "episode": episode}


def actions(episode: Episode) -> list[AuditAction]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == episode.id).order_by(AuditEntry.id)))


def test_submit_then_approve_now_publishes(people: dict) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    assert stage(episode) == "draft"
    submit(episode, artist)
    assert stage(episode) == "in review" and not episode.is_public
    approve(episode, editor, comment="Checked names and places.", confirmed=CHECKLIST)
    db.session.commit()
    assert stage(episode) == "published" and episode.is_public
    assert actions(episode) == [AuditAction.SUBMIT, AuditAction.APPROVE, AuditAction.PUBLISH]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.APPROVE))
    assert entry is not None
    # Named, never by email: "An editor" until they choose a display name.
    assert entry.actor == "An editor" and entry.comment == "Checked names and places." and entry.created_at is not None
    assert entry.checklist == CHECKLIST


def test_scheduled_episode_appears_at_its_time_without_a_job(people: dict, monkeypatch: pytest.MonkeyPatch, studio_app: Flask) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    submit(episode, artist)
    when = clock.utcnow() + timedelta(hours=2)
    approve(episode, editor, publish_at=when, confirmed=CHECKLIST)
    db.session.commit()
    assert stage(episode) == "scheduled" and actions(episode)[-1] == AuditAction.SCHEDULE
    reader = studio_app.test_client()
    image = episode.panels[0].image.renditions[0].file
    assert reader.get("/series/river/1/").status_code == 404
    assert fetch_status(reader, f"/media/{image}") == 404
    later = lambda: when + timedelta(seconds=1)  # noqa: E731
    monkeypatch.setattr("comics.models.utcnow", later)
    assert reader.get("/series/river/1/").status_code == 200
    assert fetch_status(reader, f"/media/{image}") == 200


def test_return_needs_a_comment_and_reaches_the_artist(people: dict, studio_app: Flask) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    submit(episode, artist)
    with pytest.raises(WorkflowError, match="Say what the artist should change"):
        return_to_artist(episode, editor, "  ")
    return_to_artist(episode, editor, "Blur the street sign in panel 2.")
    db.session.commit()
    assert stage(episode) == "returned"
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
    assert "Blur the street sign in panel 2." in page
    submit(episode, artist)
    assert stage(episode) == "in review"


@pytest.mark.parametrize("step", ["approve", "return"])
def test_artists_cannot_review(people: dict, step: str) -> None:
    episode, artist = people["episode"], people["artist"]
    submit(episode, artist)
    with pytest.raises(WorkflowError, match="Only editors"):
        approve(episode, artist) if step == "approve" else return_to_artist(episode, artist, "x")


def test_steps_out_of_order_are_refused(people: dict) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    with pytest.raises(WorkflowError):
        approve(episode, editor)
    with pytest.raises(WorkflowError):
        withdraw(episode, artist)
    with pytest.raises(WorkflowError):
        unpublish(episode, artist)
    submit(episode, artist)
    with pytest.raises(WorkflowError):
        submit(episode, artist)


def test_an_episode_without_panels_or_renditions_cannot_go_out(people: dict) -> None:
    series, artist, editor = people["series"], people["artist"], people["editor"]
    empty = Episode(series=series, number=9, title="Empty")
    db.session.add(empty)
    db.session.commit()
    with pytest.raises(WorkflowError, match="at least one panel"):
        submit(empty, artist)
    episode = people["episode"]
    # Renditions made later by a worker: until they exist the episode waits.
    image = episode.panels[0].image
    for rendition in list(image.renditions):
        db.session.delete(rendition)
    image.render_state = RenderState.PENDING
    db.session.commit()
    db.session.refresh(image)
    assert publish_blockers(episode) == ["1 panel(s) are still being processed; try again in a minute."]
    with pytest.raises(WorkflowError, match="still being processed"):
        publish(episode, editor)


def test_artists_publish_only_where_the_site_allows_it(tmp_path: Path) -> None:
    for allowed in (False, True):
        (tmp_path / str(allowed)).mkdir()
        app = make_test_app(tmp_path / str(allowed), ARTISTS_MAY_PUBLISH=allowed)
        with app.app_context():
            mina, user = make_artist_account("mina")
            series = SiteBuilder().series(mina)
            episode = SiteBuilder().episode(series, panels=1, publish=False)
            if allowed:
                publish(episode, user, confirmed=CHECKLIST)
                assert episode.is_public
            else:
                with pytest.raises(WorkflowError, match="published by an editor"):
                    publish(episode, user)


def test_artist_edit_of_a_published_episode_goes_back_to_review(people: dict, studio_app: Flask) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    submit(episode, artist)
    approve(episode, editor, confirmed=CHECKLIST)
    db.session.commit()
    first_published = episode.published_at
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    response = client.post(f"/studio/episodes/{episode.id}/", data={"title": "First (fixed)", "author_note": ""})
    assert response.status_code == 303
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert stage(episode) == "in review" and not episode.is_public
    assert studio_app.test_client().get("/series/river/1/").status_code == 404
    approve(episode, editor, confirmed=CHECKLIST)
    db.session.commit()
    # Back with its first date, so it does not jump to the top of the listings.
    assert episode.is_public and episode.published_at == first_published


def test_unpublish_takes_it_down_at_once(people: dict, studio_app: Flask) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    submit(episode, artist)
    approve(episode, editor, confirmed=CHECKLIST)
    db.session.commit()
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    assert client.post(f"/studio/episodes/{episode.id}/unpublish", data={"comment": "Safety"}).status_code == 303
    db.session.expire_all()
    assert db.session.get_one(Episode, episode.id).status == EpisodeStatus.DRAFT
    assert studio_app.test_client().get("/series/river/1/").status_code == 404
    assert actions(episode)[-1] == AuditAction.UNPUBLISH


def test_delete_unpublishes_first_and_removes_files_after_commit(people: dict, studio_app: Flask) -> None:
    episode, artist, editor = people["episode"], people["artist"], people["editor"]
    submit(episode, artist)
    approve(episode, editor, confirmed=CHECKLIST)
    db.session.commit()
    names = {name for panel in episode.panels for name in panel.image.file_names()}
    assert names <= media_files(studio_app)
    episode_id = episode.id
    delete_episode(episode, artist)
    assert counts() == {"episodes": 0, "panels": 0, "images": 0}
    assert not names & media_files(studio_app)
    log = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == episode_id).order_by(AuditEntry.id)))
    assert log[-2:] == [AuditAction.UNPUBLISH, AuditAction.DELETE]


def test_deleting_an_original_removes_its_versions_and_their_files(people: dict, studio_app: Flask) -> None:
    from tests.comics.test_reader_languages import add_version

    version = add_version(people["episode"], publish=False)
    names = {name for panel in version.panels for name in panel.image.file_names()}
    assert names <= media_files(studio_app)
    delete_episode(people["episode"], people["artist"])
    assert counts() == {"episodes": 0, "panels": 0, "images": 0}
    assert not names & media_files(studio_app)


def test_delete_keeps_files_another_image_still_uses(people: dict, studio_app: Flask) -> None:
    series = people["series"]
    twin = SiteBuilder().episode(series, panels=2, publish=False, title="Twin")  # the same pictures, same files
    names = {name for panel in twin.panels for name in panel.image.file_names()}
    delete_episode(people["episode"], people["artist"])
    assert names <= media_files(studio_app)


def test_delete_pages_confirm_first(people: dict, studio_app: Flask) -> None:
    episode, series = people["episode"], people["series"]
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    page = client.get(f"/studio/episodes/{episode.id}/delete")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    assert counts()["episodes"] == 1
    assert client.post(f"/studio/episodes/{episode.id}/delete").status_code == 303
    assert counts()["episodes"] == 0
    assert client.get(f"/studio/series/{series.id}/delete").status_code == 200
    assert client.post(f"/studio/series/{series.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Series.id))) == 0


def test_delete_series_removes_everything_and_records_it(people: dict, studio_app: Flask) -> None:
    series, artist, editor = people["series"], people["artist"], people["editor"]
    submit(people["episode"], artist)
    approve(people["episode"], editor, confirmed=CHECKLIST)
    db.session.commit()
    delete_series(series, editor)
    assert counts() == {"episodes": 0, "panels": 0, "images": 0}
    assert db.session.scalar(select(func.count(Rendition.id))) == 0
    assert media_files(studio_app) == set()
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == AuditAction.DELETE


def test_review_through_the_studio_with_a_schedule(people: dict, studio_app: Flask) -> None:
    episode, artist = people["episode"], people["artist"]
    submit(episode, artist)
    db.session.commit()
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    dashboard = editor.get("/studio/").get_data(as_text=True)
    assert "1 episode waiting for review" in dashboard
    past = editor.post(f"/studio/episodes/{episode.id}/review", data={"decision": "approve", "when": "later", "publish_at": "2000-01-01T10:00"})
    assert past.status_code == 400 and "That time has passed" in past.get_data(as_text=True)
    missing = editor.post(f"/studio/episodes/{episode.id}/review", data={"decision": "return", "comment": ""})
    assert missing.status_code == 400 and "Say what the artist should change" in missing.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get_one(Episode, episode.id).status == EpisodeStatus.SUBMITTED
    later = (clock.utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert editor.post(f"/studio/episodes/{episode.id}/review", data={"decision": "approve", "when": "later", "publish_at": later, "checklist": CHECKLIST}).status_code == 303
    db.session.expire_all()
    episode = db.session.get_one(Episode, episode.id)
    assert stage(episode) == "scheduled" and episode.published_at is not None
    assert episode.published_at.strftime("%Y-%m-%dT%H:%M") == later
    audit = editor.get("/studio/audit").get_data(as_text=True)
    assert "schedule" in audit and "approve" in audit and "submit" in audit


def test_schedule_times_are_read_in_the_studio_time_zone(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, STUDIO_TIMEZONE="Asia/Seoul")
    with app.test_request_context():
        from datetime import datetime

        from comics.studio.forms import from_utc, to_utc

        assert to_utc(datetime(2030, 5, 1, 9, 0)) == datetime(2030, 5, 1, 0, 0)
        local = from_utc(datetime(2030, 5, 1, 0, 0))
        assert local is not None and local.hour == 9
