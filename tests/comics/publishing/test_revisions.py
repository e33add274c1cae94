"""Nothing public without review: changes to public profiles and series wait beside the live version.

An artist's change to a public profile or series is a pending revision that readers never see until an
editor approves it (every checklist item confirmed); a returned one never goes live; a picture waiting
for review is never served by /media/; a profile and its picture are public only from the artist's
first public episode.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from artists.models import Artist, ArtistLink, LinkKind, Role
from comics.audit.models import AuditAction, AuditEntry
from comics.models import Series
from comics.publishing.models import Revision, RevisionState
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app
from tests.studio_support import (
    fetch_status,
    make_account,
    make_artist_account,
    media_files,
    png_file,
    problems,
    profile_form_data,
    sign_in,
)

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)
OLD_URL = "https://ko-fi.com/mina"
NEW_URL = "https://ko-fi.com/somebody-else"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Flask]:
    """A studio with the page cache on (Redis when the run has one, else files), as in production."""
    from tests.engines import TEST_REDIS_URL

    cache = {} if TEST_REDIS_URL else {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, **cache)
    with app.app_context():
        yield app


class People:
    """Mina (an artist with one public episode), an editor named Park, and their signed-in clients."""

    def __init__(self, app: Flask, public: bool = True) -> None:
        self.artist, self.artist_user = make_artist_account("mina", "Mina")
        self.artist.links.append(ArtistLink(kind=LinkKind.SUPPORT, label="Support me", url=OLD_URL, position=1, is_primary=True))
        db.session.commit()
        self.series = SiteBuilder().series(self.artist)
        if public:
            SiteBuilder().episode(self.series, panels=1)
        self.editor_user = make_account("park@example.org", Role.EDITOR)
        self.editor_user.display_name = "Editor Park"
        db.session.commit()
        self.mina = app.test_client()
        sign_in(self.mina, "mina@example.org")
        self.editor = app.test_client()
        sign_in(self.editor, "park@example.org")
        self.reader = app.test_client()


@pytest.fixture
def people(studio: Flask) -> People:
    return People(studio)


def profile_form(artist: Artist, **changes: object) -> dict[str, object]:
    """Return the profile form as the page sends it (the live version), with some fields changed."""
    db.session.refresh(artist)
    return profile_form_data(artist, **changes)


def series_form(series: Series, **changes: object) -> dict[str, object]:
    db.session.refresh(series)
    data: dict[str, object] = {
        "title": series.title, "slug": series.slug, "summary": series.summary, "language": series.language,
        "status": series.status.value, "content_warning": series.content_warning or "", "artist": str(series.artist_id),
    }
    return data | changes


def read(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"User-Agent": BROWSER})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def json_ld(page: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def pending(kind: str = "artist") -> Revision:
    db.session.expire_all()
    revision = db.session.scalar(select(Revision).where(Revision.target_type == kind).order_by(Revision.id.desc()))
    assert revision is not None
    return revision


def approve(client: FlaskClient, revision: Revision, checklist: list[str] = CHECKLIST, comment: str = ""):
    return client.post(f"/studio/revisions/{revision.id}/decide", data={"decision": "approve", "checklist": checklist, "comment": comment})


def actions_on(kind: str, object_id: int) -> list[AuditAction]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == kind, AuditEntry.object_id == object_id).order_by(AuditEntry.id)))


# --- an artist's change waits, and readers see the live version until approval ---------------------


def test_a_pending_link_change_is_invisible_to_readers_until_approved(people: People) -> None:
    artist = people.artist
    link_id = artist.links[0].id
    # Readers have the profile, its feed and an episode in the page cache before the change.
    for path in ("/artists/mina/", "/artists/mina/feed.atom", "/series/river/1/"):
        read(people.reader, path)
    response = people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, display_name="Mina Lee", **{"links-0-url": NEW_URL}))
    assert response.status_code == 303, problems(response)
    revision = pending()
    assert revision.state == RevisionState.PENDING and revision.proposed["links"][0]["url"] == NEW_URL

    profile, feed, episode = (read(people.reader, path) for path in ("/artists/mina/", "/artists/mina/feed.atom", "/series/river/1/"))
    for page in (profile, feed, episode):
        assert NEW_URL not in page and "Mina Lee" not in page
    assert OLD_URL in json.dumps(json_ld(profile)) and NEW_URL not in json.dumps(json_ld(profile))
    redirect = people.reader.get(f"/go/{link_id}", headers={"User-Agent": BROWSER})
    assert redirect.headers["Location"] == OLD_URL
    # The artist and the editor see the waiting version; the editor's page puts both side by side.
    assert f'value="{NEW_URL}"' in people.mina.get(f"/studio/artists/{artist.id}/profile").get_data(as_text=True)
    review = people.editor.get(f"/studio/revisions/{revision.id}").get_data(as_text=True)
    assert OLD_URL in review and NEW_URL in review and 'data-field="links"' in review

    assert approve(people.editor, revision).status_code == 303
    profile, feed, episode = (read(people.reader, path) for path in ("/artists/mina/", "/artists/mina/feed.atom", "/series/river/1/"))
    assert "Mina Lee" in profile and "Mina Lee" in feed and "Mina Lee" in episode
    assert NEW_URL in json.dumps(json_ld(profile)) and OLD_URL not in json.dumps(json_ld(profile))
    assert people.reader.get(f"/go/{link_id}", headers={"User-Agent": BROWSER}).headers["Location"] == NEW_URL
    assert pending().state == RevisionState.APPROVED


def test_a_returned_revision_never_goes_live(people: People) -> None:
    artist = people.artist
    people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, bio_markdown="I grew up in Hyesan, near the river crossing."))
    revision = pending()
    response = people.editor.post(f"/studio/revisions/{revision.id}/decide", data={"decision": "return", "comment": "Please leave out the town."})
    assert response.status_code == 303
    assert "Hyesan" not in read(people.reader, "/artists/mina/")
    # Once returned it cannot be approved after all.
    refused = approve(people.editor, revision)
    assert refused.status_code == 400 and "no longer waiting" in problems(refused)
    db.session.expire_all()
    assert db.session.get_one(Artist, artist.id).bio_markdown == ""
    assert "Hyesan" not in read(people.reader, "/artists/mina/")
    studio_page = people.mina.get(f"/studio/artists/{artist.id}/profile").get_data(as_text=True)
    assert "Changes sent back by Editor Park" in studio_page and "Please leave out the town." in studio_page


def test_an_empty_return_comment_is_refused(people: People) -> None:
    people.mina.post(f"/studio/artists/{people.artist.id}/profile", data=profile_form(people.artist, display_name="Mina Lee"))
    revision = pending()
    response = people.editor.post(f"/studio/revisions/{revision.id}/decide", data={"decision": "return", "comment": "  "})
    assert response.status_code == 400 and "what the artist should change" in problems(response)
    assert pending().state == RevisionState.PENDING


def test_an_approval_with_an_unticked_item_is_refused_and_changes_nothing(people: People) -> None:
    artist = people.artist
    people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, **{"links-0-url": NEW_URL}))
    revision = pending()
    for missing in CHECKLIST:
        response = approve(people.editor, revision, [item for item in CHECKLIST if item != missing])
        assert response.status_code == 400
        assert missing in problems(response) and "Confirm every item of the checklist" in problems(response)
    # A forged item confirms nothing either.
    assert approve(people.editor, revision, ["Looks fine"]).status_code == 400
    db.session.expire_all()
    assert pending().state == RevisionState.PENDING
    assert db.session.get_one(Artist, artist.id).links[0].url == OLD_URL
    assert AuditAction.REVISION_APPROVE not in actions_on("artist", artist.id)
    assert NEW_URL not in read(people.reader, "/artists/mina/")


def test_the_audit_records_old_and_new_link_addresses_and_the_checklist(people: People) -> None:
    artist = people.artist
    people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, **{"links-0-url": NEW_URL}))
    revision = pending()
    assert approve(people.editor, revision, comment="Checked with Mina by phone.").status_code == 303
    link_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.LINK_CHANGE))
    assert link_entry is not None and f"{OLD_URL} → {NEW_URL}" in link_entry.comment
    assert link_entry.actor == "Editor Park" and f"revision {revision.id} by Mina" in link_entry.comment
    approval = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.REVISION_APPROVE))
    assert approval is not None and approval.checklist == CHECKLIST and approval.comment == "Checked with Mina by phone."
    assert actions_on("artist", artist.id) == [AuditAction.REVISION_SUBMIT, AuditAction.LINK_CHANGE, AuditAction.REVISION_APPROVE]
    log = people.editor.get("/studio/audit").get_data(as_text=True)
    assert f"{OLD_URL} → {NEW_URL}" in log and f"Confirmed: {CHECKLIST[0]}" in log


def test_an_editors_own_change_applies_at_once_and_is_audited(people: People) -> None:
    artist = people.artist
    response = people.editor.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, **{"links-0-url": NEW_URL}))
    assert response.status_code == 303
    assert db.session.scalar(select(Revision)) is None
    assert NEW_URL in read(people.reader, "/artists/mina/")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.LINK_CHANGE))
    assert entry is not None and f"{OLD_URL} → {NEW_URL}" in entry.comment and entry.actor == "Editor Park"


def test_where_artists_may_publish_their_changes_apply_at_once(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, ARTISTS_MAY_PUBLISH=True)
    with app.app_context():
        people = People(app)
        response = people.mina.post(f"/studio/artists/{people.artist.id}/profile", data=profile_form(people.artist, **{"links-0-url": NEW_URL}))
        assert response.status_code == 303
        assert db.session.scalar(select(Revision)) is None
        assert NEW_URL in read(people.reader, "/artists/mina/")
        assert AuditAction.LINK_CHANGE in actions_on("artist", people.artist.id)


def test_saving_the_live_version_again_takes_the_waiting_change_back(people: People) -> None:
    artist = people.artist
    people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, display_name="Mina Lee"))
    assert pending().state == RevisionState.PENDING
    response = people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist))
    assert response.status_code == 303
    assert pending().state == RevisionState.WITHDRAWN


# --- pictures waiting for review ---------------------------------------------------------------------


def test_a_pending_avatar_is_404_for_readers_until_approved(people: People, studio: Flask) -> None:
    artist = people.artist
    response = people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, avatar=png_file("me.png", width=300, height=300)))
    assert response.status_code == 303
    revision = pending()
    assert revision.image is not None and db.session.get_one(Artist, artist.id).avatar_id is None
    names = revision.image.file_names()
    for name in names:
        assert fetch_status(people.reader, f"/media/{name}") == 404
        # The artist and the editors preview it through the studio's own route.
        assert fetch_status(people.mina, f"/studio/media/{name}") == 200
        assert fetch_status(people.editor, f"/studio/media/{name}") == 200
    assert not any(name in read(people.reader, "/artists/mina/") for name in names)
    # Another artist cannot preview it.
    make_artist_account("jun")
    other = studio.test_client()
    sign_in(other, "jun@example.org")
    assert fetch_status(other, f"/studio/media/{names[0]}") == 404

    assert approve(people.editor, revision).status_code == 303
    db.session.expire_all()
    assert db.session.get_one(Artist, artist.id).avatar_id is not None
    for name in names:
        assert fetch_status(people.reader, f"/media/{name}") == 200


def test_a_returned_avatar_is_deleted_with_its_files(people: People, studio: Flask) -> None:
    artist = people.artist
    people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, avatar=png_file("me.png", width=300, height=300)))
    revision = pending()
    assert revision.image is not None
    names = set(revision.image.file_names())
    assert names <= media_files(studio)
    people.editor.post(f"/studio/revisions/{revision.id}/decide", data={"decision": "return", "comment": "A face: please choose another picture."})
    assert not names & media_files(studio)


def test_a_new_cover_for_a_public_series_waits_and_stays_private(people: People) -> None:
    series = people.series
    response = people.mina.post(
        f"/studio/series/{series.id}/edit", data=series_form(series, title="River of Ash", cover=png_file("cover.png", width=400, height=600))
    )
    assert response.status_code == 303, problems(response)
    revision = pending("series")
    assert revision.image is not None
    assert "River of Ash" not in read(people.reader, "/series/river/")
    assert fetch_status(people.reader, f"/media/{revision.image.master}") == 404
    master = revision.image.master
    assert approve(people.editor, revision).status_code == 303
    assert "River of Ash" in read(people.reader, "/series/river/")
    assert fetch_status(people.reader, f"/media/{master}") == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.SERIES_CHANGE))
    assert entry is not None and "title “River” → “River of Ash”" in entry.comment and "cover added" in entry.comment


def test_a_series_nobody_can_see_yet_is_edited_directly(studio: Flask) -> None:
    people = People(studio, public=False)
    response = people.mina.post(f"/studio/series/{people.series.id}/edit", data=series_form(people.series, title="River of Ash"))
    assert response.status_code == 303
    assert db.session.scalar(select(Revision)) is None
    db.session.expire_all()
    assert db.session.get_one(Series, people.series.id).title == "River of Ash"
    assert AuditAction.SERIES_CHANGE in actions_on("series", people.series.id)


def test_a_waiting_series_address_taken_meanwhile_is_refused_at_approval(people: People) -> None:
    people.mina.post(f"/studio/series/{people.series.id}/edit", data=series_form(people.series, slug="ash"))
    revision = pending("series")
    SiteBuilder().series(people.artist, slug="ash", title="Ash")
    response = approve(people.editor, revision)
    assert response.status_code == 400 and "/series/ash/ is taken" in problems(response)
    assert pending("series").state == RevisionState.PENDING


def test_deleting_a_series_deletes_its_waiting_changes_and_their_pictures(people: People, studio: Flask) -> None:
    people.mina.post(f"/studio/series/{people.series.id}/edit", data=series_form(people.series, cover=png_file("cover.png", width=400, height=600)))
    revision = pending("series")
    assert revision.image is not None
    names = set(revision.image.file_names())
    assert people.mina.post(f"/studio/series/{people.series.id}/delete").status_code == 303
    assert db.session.scalar(select(Revision)) is None
    assert not names & media_files(studio)


def test_only_the_artist_and_editors_see_a_revision(people: People, studio: Flask) -> None:
    people.mina.post(f"/studio/artists/{people.artist.id}/profile", data=profile_form(people.artist, display_name="Mina Lee"))
    revision = pending()
    make_artist_account("jun")
    other = studio.test_client()
    sign_in(other, "jun@example.org")
    assert other.get(f"/studio/revisions/{revision.id}").status_code == 404
    assert people.mina.get(f"/studio/revisions/{revision.id}").status_code == 200
    # An artist cannot decide on their own change.
    assert approve(people.mina, revision).status_code == 403
    assert pending().state == RevisionState.PENDING


# --- a profile is public from the artist's first public episode ---------------------------------------


def test_a_new_artists_profile_and_avatar_are_404_until_their_first_public_episode(studio: Flask) -> None:
    people = People(studio, public=False)
    artist = people.artist
    response = people.mina.post(f"/studio/artists/{artist.id}/profile", data=profile_form(artist, bio_markdown="New here.", avatar=png_file("me.png", width=300, height=300)))
    assert response.status_code == 303
    assert db.session.scalar(select(Revision)) is None  # nothing of it is public: edited directly
    db.session.expire_all()
    avatar = db.session.get_one(Artist, artist.id).avatar
    assert avatar is not None
    link_id = artist.links[0].id
    hidden = ["/artists/mina/", "/artists/mina/feed.rss", "/artists/mina/feed.atom", f"/go/{link_id}", f"/media/{avatar.master}"]
    for path in hidden:
        assert fetch_status(people.reader, path) == 404, path
    assert "mina" not in people.reader.get("/sitemaps/pages.xml").get_data(as_text=True)
    assert "Mina" not in people.reader.get("/search?q=mina").get_data(as_text=True).split("<main", 1)[1]

    SiteBuilder().episode(people.series, panels=1)
    for path in hidden:
        assert fetch_status(people.reader, path) in (200, 302), path
    assert "/artists/mina/" in people.reader.get("/sitemaps/pages.xml").get_data(as_text=True)
