"""CSRF: every POST of the studio and the account pages needs the form's token; without it, 400 and nothing changes."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from flask import Flask

from artists.accounts.services.invitations import create_invitation
from artists.models import Artist, Invitation, Role, SecondFactor, SignInSession
from comics.publishing.models import Revision
from comics.publishing.revisions import profile_values
from extensions import db
from tests.conftest import SiteBuilder, make_test_app
from tests.studio_support import (
    counts,
    csrf_token,
    make_account,
    make_artist_account,
    problems,
    sign_in,
)

POST_PREFIXES = ("/studio", "/account")


@pytest.fixture
def csrf_app(tmp_path: Path) -> Iterator[Flask]:
    # Explicitly on: Flask-WTF checks tokens under TESTING too, but say so rather than rely on a default.
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def post_paths(app: Flask, ids: Mapping[str, object]) -> list[str]:
    """Return every POST URL of the studio and account pages, filled with real ids."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()) or not rule.rule.startswith(POST_PREFIXES):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{argument}>", str(ids.get(argument, "x")), path)
        paths.append(path)
    return sorted(paths)


def test_every_post_without_a_token_is_refused(csrf_app: Flask) -> None:
    mina, _ = make_artist_account("mina")
    editor = make_account("admin@example.org", Role.ADMIN)
    series = SiteBuilder().series(mina)
    episode = SiteBuilder().episode(series, panels=1, publish=False)
    invitation, token = create_invitation("new@example.org", Role.ARTIST, editor)
    revision = Revision(target_type="artist", target_id=mina.id, artist_id=mina.id, proposed=profile_values(mina) | {"display_name": "Mina Lee"})
    db.session.add(revision)
    db.session.commit()
    ids = {
        "revision_id": revision.id,
        "series_id": series.id, "episode_id": episode.id, "artist_id": mina.id, "user_id": 1,
        "invitation_id": invitation.id, "token": token, "panel_id": episode.panels[0].id,
        "factor_id": db.session.scalar(db.select(SecondFactor.id).where(SecondFactor.user_id == editor.id)),
    }
    client = csrf_app.test_client()
    # Sign in properly (with the tokens, and the second factor) so the refusals below are about CSRF.
    assert csrf_token(client, "/account/login")
    sign_in(client, "admin@example.org")
    ids["session_id"] = db.session.scalar(db.select(SignInSession.id).where(SignInSession.user_id == editor.id))
    before = (counts(), db.session.scalar(db.select(db.func.count(Invitation.id))), mina.display_name, episode.status)
    paths = post_paths(csrf_app, ids)
    assert f"/studio/episodes/{episode.id}/review" in paths and "/account/login" in paths
    for path in paths:
        response = client.post(path, data={"title": "Changed", "display_name": "Changed", "decision": "approve", "when": "now"})
        assert response.status_code == 400, path
        assert "nothing was changed" in response.get_data(as_text=True), path
    db.session.expire_all()
    assert (counts(), db.session.scalar(db.select(db.func.count(Invitation.id))), db.session.get_one(Artist, mina.id).display_name, episode.status) == before
    assert client.get("/studio/").status_code == 200  # still signed in: logout without a token did nothing


def test_the_studio_script_gets_json_for_a_missing_token(csrf_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = csrf_app.test_client()
    sign_in(client, "ed@example.org")
    response = client.post("/studio/series/new", data={"title": "x"}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "nothing was changed" in response.get_json()["error"]


def test_forms_with_the_token_go_through(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
        client = app.test_client()
        sign_in(client, "ed@example.org")
        artist = Artist(slug="mina", display_name="Mina")
        db.session.add(artist)
        db.session.commit()
        page_token = csrf_token(client, "/studio/series/new")
        response = client.post("/studio/series/new", data={"title": "River", "language": "en", "status": "ongoing", "artist": str(artist.id), "csrf_token": page_token})
        assert response.status_code == 303, problems(response)
