"""Who may touch what: with two artists, each kind of object of one is out of the other's reach."""
from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from artists.models import Artist, ArtistLink, LinkKind, Role
from comics.audit.models import AuditEntry
from comics.models import Episode, EpisodeStatus, Series
from extensions import db
from tests.conftest import SiteBuilder, panel_png
from tests.studio_support import (
    fetch_status,
    make_account,
    make_artist_account,
    problems,
    sign_in,
)


@pytest.fixture
def two_artists(studio_app: Flask) -> dict[str, object]:
    """Mina owns a series with a draft episode and a link; Joon is another artist, signed in."""
    mina, _ = make_artist_account("mina")
    joon, _ = make_artist_account("joon")
    mina.links.append(ArtistLink(kind=LinkKind.SUPPORT, label="Support Mina", url="https://example.org/mina", position=1))
    series = SiteBuilder().series(mina)
    episode = SiteBuilder().episode(series, panels=2, publish=False, title="Draft")
    client = studio_app.test_client()
    sign_in(client, "joon@example.org")
    return {"mina": mina, "joon": joon, "series": series, "episode": episode, "client": client}


def snapshot() -> tuple[object, ...]:
    """Capture what an intruder might try to change."""
    series = db.session.scalar(select(Series))
    episode = db.session.scalar(select(Episode))
    mina = db.session.scalar(select(Artist).where(Artist.slug == "mina"))
    db.session.expire_all()
    return (
        series.title if series else None,
        episode.title if episode else None,
        episode.status if episode else None,
        [(p.id, p.position, p.alt_text) for p in episode.panels] if episode else None,
        mina.display_name if mina else None,
        [(link.id, link.label, link.url) for link in mina.links] if mina else None,
        db.session.scalar(select(func.count(AuditEntry.id))),
    )


def test_series_of_another_artist_is_not_found(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    series_id = two_artists["series"].id
    before = snapshot()
    for path in [f"/studio/series/{series_id}/", f"/studio/series/{series_id}/edit", f"/studio/series/{series_id}/delete", f"/studio/series/{series_id}/episodes/new"]:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/studio/series/{series_id}/edit", data={"title": "Mine now", "language": "en", "status": "ongoing"}).status_code == 404
    assert client.post(f"/studio/series/{series_id}/delete").status_code == 404
    new_episode = client.post(f"/studio/series/{series_id}/episodes/new", data={"title": "Sneaky", "files": [(io.BytesIO(panel_png()), "a.png")]})
    assert new_episode.status_code == 404
    assert snapshot() == before


def test_a_series_cannot_be_moved_to_another_artist(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    response = client.post("/studio/series/new", data={"title": "Planted", "language": "en", "status": "ongoing", "artist": str(two_artists["mina"].id)})
    assert response.status_code == 400 and "Choose an artist." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Series.id))) == 1


def test_episode_of_another_artist_is_not_found(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    episode_id = two_artists["episode"].id
    before = snapshot()
    for path in [f"/studio/episodes/{episode_id}/", f"/studio/episodes/{episode_id}/preview", f"/studio/episodes/{episode_id}/delete"]:
        assert client.get(path).status_code == 404, path
    for action in ["submit", "withdraw", "publish", "unpublish", "delete", "review"]:
        assert client.post(f"/studio/episodes/{episode_id}/{action}").status_code in (403, 404), action
    assert client.post(f"/studio/episodes/{episode_id}/", data={"title": "Defaced"}).status_code == 404
    assert snapshot() == before


def test_panels_of_another_artist_cannot_be_touched_or_seen(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    foreign = two_artists["episode"]
    panel = foreign.panels[0]
    # Joon cannot preview Mina's unpublished panel image (checked before Joon uploads anything, since
    # identical pictures share one content-addressed file).
    name = panel.image.renditions[0].file
    assert fetch_status(client, f"/studio/media/{name}") == 404
    own_series = Series(slug="sea", title="Sea", artist=two_artists["joon"])
    db.session.add(own_series)
    db.session.commit()
    own = SiteBuilder().episode(own_series, panels=1, publish=False)
    before = snapshot()
    # Naming Mina's panel in a form for Joon's own episode changes nothing.
    for field in [f"remove-{panel.id}", f"alt-{panel.id}", f"position-{panel.id}"]:
        response = client.post(f"/studio/episodes/{own.id}/", data={"title": own.title, field: "1"})
        assert response.status_code == 400, field
        assert "not in this episode" in response.get_data(as_text=True)
    replace = client.post(f"/studio/episodes/{own.id}/", data={"title": own.title, f"replace-{panel.id}": (io.BytesIO(panel_png()), "x.png")})
    assert replace.status_code == 400
    assert snapshot() == before


def test_profile_and_links_of_another_artist_are_out_of_reach(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    mina, joon = two_artists["mina"], two_artists["joon"]
    link = mina.links[0]
    before = snapshot()
    assert client.get(f"/studio/artists/{mina.id}/profile").status_code == 404
    assert client.post(f"/studio/artists/{mina.id}/profile", data={"display_name": "Hacked"}).status_code == 404
    # Naming Mina's link in Joon's own profile form neither edits nor steals it.
    response = client.post(
        f"/studio/artists/{joon.id}/profile",
        data={"display_name": "Joon", "links-0-id": str(link.id), "links-0-kind": "support", "links-0-label": "Mine", "links-0-url": "https://evil.example/"},
    )
    assert response.status_code == 400 and "not this artist's" in problems(response), problems(response)
    assert snapshot() == before
    assert client.get("/studio/profile").headers["Location"].endswith(f"/studio/artists/{joon.id}/profile")


def test_artists_cannot_reach_editor_and_admin_pages(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    for path in ["/studio/audit", "/studio/people", "/studio/artists"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "may not do that" in response.get_data(as_text=True)
    assert client.post("/studio/people/invite", data={"email": "x@example.org", "role": "artist"}).status_code == 403


def test_an_artist_cannot_approve_their_own_episode(two_artists: dict) -> None:
    client: FlaskClient = two_artists["client"]
    own_series = Series(slug="sea", title="Sea", artist=two_artists["joon"])
    db.session.add(own_series)
    db.session.commit()
    own = SiteBuilder().episode(own_series, panels=1, publish=False)
    assert client.post(f"/studio/episodes/{own.id}/submit").status_code == 303
    assert client.post(f"/studio/episodes/{own.id}/review", data={"decision": "approve", "when": "now"}).status_code == 403
    assert client.post(f"/studio/episodes/{own.id}/publish", data={"when": "now"}).status_code == 403
    db.session.expire_all()
    assert db.session.get_one(Episode, own.id).status == EpisodeStatus.SUBMITTED


def test_editors_reach_every_artists_work(two_artists: dict, studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    series, episode, mina = two_artists["series"], two_artists["episode"], two_artists["mina"]
    for path in [f"/studio/series/{series.id}/", f"/studio/episodes/{episode.id}/", f"/studio/episodes/{episode.id}/preview", f"/studio/artists/{mina.id}/profile", "/studio/audit", "/studio/people"]:
        assert editor.get(path).status_code == 200, path
    assert fetch_status(editor, f"/studio/media/{episode.panels[0].image.renditions[0].file}") == 200


def test_only_admins_turn_accounts_off(two_artists: dict, studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    editor = studio_app.test_client()
    sign_in(editor, "ed@example.org")
    joon_user = two_artists["joon"]
    from artists.models import User

    user_id = db.session.scalar(select(User.id).where(User.artist_id == joon_user.id))
    assert editor.post(f"/studio/people/{user_id}/deactivate").status_code == 403
    assert db.session.get_one(User, user_id).active
