"""Review is decided by "has ever been public", not "is public now" (issue 20, F8).

An artist whose edit took their only published episode back into review left the series with nothing
public for a while; its title, summary, warning and cover then changed at once and went out unreviewed
with the episode, and the editor's notice called it "for the first time". Once readers have seen a
series or profile, every change waits for an editor; the editor's review of an episode shows what
changed since readers last saw them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from artists.models import Artist, Role
from comics.models import Episode, EpisodeStatus, Series
from comics.publishing.models import Revision, RevisionState
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app
from tests.forms import submit
from tests.studio_support import make_account, make_artist_account, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)


class Site:
    """Mina, her series "River" with one public episode, an editor, and their signed-in clients."""

    def __init__(self, app: Flask) -> None:
        self.artist, self.artist_user = make_artist_account("mina", "Mina")
        self.series = SiteBuilder().series(self.artist)
        self.episode = SiteBuilder().episode(self.series, panels=1)
        make_account("park@example.org", Role.EDITOR)
        db.session.commit()
        self.mina = app.test_client()
        sign_in(self.mina, "mina@example.org")
        self.editor = app.test_client()
        sign_in(self.editor, "park@example.org")
        self.reader = app.test_client()

    def edit_episode(self) -> None:
        """Mina corrects her published episode: it goes back into review, the series has nothing public."""
        page = self.mina.get(f"/studio/episodes/{self.episode.id}/")
        assert submit(self.mina, page, "author_note", {"title": "Chapter 1, corrected"}).status_code == 303
        db.session.expire_all()
        assert db.session.get_one(Episode, self.episode.id).status == EpisodeStatus.SUBMITTED
        assert not db.session.get_one(Series, self.series.id).is_public
        assert self.reader.get("/series/river/").status_code == 404

    def change_series(self, client: FlaskClient, **values: Any) -> None:
        page = client.get(f"/studio/series/{self.series.id}/edit")
        assert submit(client, page, "summary", values).status_code == 303

    def change_profile(self, client: FlaskClient, **values: Any) -> None:
        page = client.get(f"/studio/artists/{self.artist.id}/profile")
        assert submit(client, page, "display_name", values).status_code == 303

    def review_page(self) -> str:
        return self.editor.get(f"/studio/episodes/{self.episode.id}/").get_data(as_text=True)

    def approve_episode(self) -> None:
        page = self.editor.get(f"/studio/episodes/{self.episode.id}/")
        response = submit(self.editor, page, "decision", {"decision": "approve", "when": "now", "checklist": CHECKLIST})
        assert response.status_code == 303
        db.session.expire_all()
        assert db.session.get_one(Episode, self.episode.id).is_public


@pytest.fixture
def site(tmp_path: Path) -> Any:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield Site(app)


def pending(kind: str, target_id: int) -> Revision | None:
    return db.session.scalar(
        select(Revision).where(Revision.target_type == kind, Revision.target_id == target_id, Revision.state == RevisionState.PENDING)
    )


def test_a_series_change_while_its_only_episode_is_back_in_review_waits_for_an_editor(site: Site) -> None:
    site.edit_episode()
    site.change_series(site.mina, title="Burn the Border", summary="Something else.", content_warning="")
    db.session.expire_all()
    series = db.session.get_one(Series, site.series.id)
    assert series.title == "River" and series.summary == "The summary of River."
    revision = pending("series", series.id)
    assert revision is not None and revision.proposed["title"] == "Burn the Border"
    # The editor approves the corrected episode: readers see the series as they saw it before.
    site.approve_episode()
    page = site.reader.get("/series/river/").get_data(as_text=True)
    assert "River" in page and "Burn the Border" not in page
    assert pending("series", series.id) is not None


def test_a_profile_change_while_the_only_episode_is_back_in_review_waits_for_an_editor(site: Site) -> None:
    site.edit_episode()
    site.change_profile(site.mina, display_name="Someone Else")
    db.session.expire_all()
    assert db.session.get_one(Artist, site.artist.id).display_name == "Mina"
    revision = pending("artist", site.artist.id)
    assert revision is not None and revision.proposed["display_name"] == "Someone Else"
    studio_page = site.mina.get(f"/studio/artists/{site.artist.id}/profile").get_data(as_text=True)
    assert "data-seen-before" in studio_page and "Nobody outside the studio can see this profile yet" not in studio_page
    site.approve_episode()
    page = site.reader.get("/artists/mina/").get_data(as_text=True)
    assert "Mina" in page and "Someone Else" not in page


def test_the_editor_sees_what_changed_since_readers_last_saw_the_series_and_profile(site: Site) -> None:
    site.edit_episode()
    # Changes that apply at once (an editor's own) go out with the episode: the review shows them.
    site.change_series(site.editor, title="River, Retold")
    site.change_profile(site.editor, display_name="Mina Park")
    page = site.review_page()
    assert "for the first time" not in page
    assert "readers see again the series" in page and "readers see again the profile" in page
    assert "River" in page and "River, Retold" in page
    assert 'data-field="title"' in page and 'data-field="display_name"' in page and "Mina Park" in page


def test_an_unchanged_series_coming_back_says_so(site: Site) -> None:
    site.edit_episode()
    page = site.review_page()
    assert "for the first time" not in page
    assert "Nothing of it changed since readers last saw it." in page and "data-since-public" not in page


def test_a_series_never_seen_is_still_new_to_readers(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        artist, _user = make_artist_account("mina", "Mina")
        series = SiteBuilder().series(artist)
        SiteBuilder().episode(series, panels=1, publish=False)
        db.session.commit()
        client = app.test_client()
        sign_in(client, "mina@example.org")
        page = client.get(f"/studio/series/{series.id}/edit")
        assert submit(client, page, "summary", {"title": "River Two"}).status_code == 303
        db.session.expire_all()
        assert db.session.get_one(Series, series.id).title == "River Two" and pending("series", series.id) is None


def test_a_series_change_after_the_artist_pulls_their_only_episode_waits_for_an_editor(site: Site) -> None:
    response = site.mina.post(f"/studio/episodes/{site.episode.id}/unpublish", data={"comment": ""})
    assert response.status_code == 303
    site.change_series(site.mina, title="Burn the Border")
    db.session.expire_all()
    series = db.session.get_one(Series, site.series.id)
    assert not series.is_public and series.first_public_at is not None
    assert series.title == "River" and pending("series", series.id) is not None


def test_the_migration_marks_what_readers_have_seen(tmp_path: Path) -> None:
    """0007 stamps a series (and its artist) with its earliest past publication, whatever its episodes'
    status now; a series never published stays unstamped."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'seen.sqlite'}"})
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            for artist_id, slug in ((1, "mina"), (2, "jun")):
                connection.execute(text(
                    "INSERT INTO artist (id, slug, display_name, bio_markdown, created_at)"
                    " VALUES (:id, :slug, :slug, '', '2026-01-01 00:00:00')"), {"id": artist_id, "slug": slug})
                connection.execute(text(
                    "INSERT INTO series (id, slug, title, summary, artist_id, language, status, created_at)"
                    " VALUES (:id, :slug, :slug, '', :id, 'en', 'ongoing', '2026-01-01 00:00:00')"), {"id": artist_id, "slug": slug})
            episode = (
                "INSERT INTO episode (series_id, number, title, status, published_at, author_note, language, translator,"
                " created_at, updated_at) VALUES (:series, :number, 'E', :status, :at, '', 'en', '', '2026-01-01 00:00:00',"
                " '2026-01-01 00:00:00')"
            )
            # Mina's first episode is back in review; her second was published later.
            connection.execute(text(episode), {"series": 1, "number": 1, "status": "submitted", "at": "2026-02-01 00:00:00"})
            connection.execute(text(episode), {"series": 1, "number": 2, "status": "published", "at": "2026-03-01 00:00:00"})
            # Jun's only episode is a draft, and another is scheduled far ahead.
            connection.execute(text(episode), {"series": 2, "number": 1, "status": "draft", "at": None})
            connection.execute(text(episode), {"series": 2, "number": 2, "status": "published", "at": "2999-01-01 00:00:00"})
        upgrade()
        with db.engine.connect() as connection:
            series = connection.execute(text("SELECT id, first_public_at FROM series ORDER BY id")).all()
            artists = connection.execute(text("SELECT id, first_public_at FROM artist ORDER BY id")).all()
        db.engine.dispose()
    assert [(row[0], str(row[1])[:10] if row[1] else None) for row in series] == [(1, "2026-02-01"), (2, None)]
    assert [(row[0], str(row[1])[:10] if row[1] else None) for row in artists] == [(1, "2026-02-01"), (2, None)]
