"""Profile editing: name, bio (sanitized Markdown), picture and links (http, https, mailto; one primary).

Mina has no public work here, so her changes apply at once (comics/publishing/test_revisions.py has the
review of changes to a public profile).
"""
from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from artists.models import Artist, ArtistLink, LinkKind
from extensions import db
from tests.conftest import SiteBuilder
from tests.studio_support import (
    make_artist_account,
    media_files,
    png_file,
    problems,
    profile_form_data,
    sign_in,
)


@pytest.fixture
def mina(studio_app: Flask) -> tuple[FlaskClient, Artist]:
    artist, _ = make_artist_account("mina", "Mina")
    artist.links.append(ArtistLink(kind=LinkKind.SUPPORT, label="Support me", url="https://ko-fi.com/mina", position=1, is_primary=True))
    artist.links.append(ArtistLink(kind=LinkKind.SOCIAL, label="Mastodon", url="https://example.social/@mina", position=2))
    db.session.commit()
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    return client, artist


LinkRow = tuple[int, LinkKind, str, str, int, bool]


def publish_work(artist: Artist) -> None:
    """Give the artist a public episode: only then can readers open the profile."""
    SiteBuilder().episode(SiteBuilder().series(artist), panels=1)


def snapshot(artist_id: int) -> tuple[str, str, int | None, list[LinkRow]]:
    db.session.expire_all()
    artist = db.session.get_one(Artist, artist_id)
    return artist.display_name, artist.bio_markdown, artist.avatar_id, [(link.id, link.kind, link.label, link.url, link.position, link.is_primary) for link in artist.links]


def test_profile_page_shows_the_form(mina: tuple[FlaskClient, Artist]) -> None:
    client, artist = mina
    page = client.get(f"/studio/artists/{artist.id}/profile").get_data(as_text=True)
    assert 'value="https://ko-fi.com/mina"' in page and 'name="links-3-url"' in page  # two links, two blank rows


def test_edit_name_bio_and_links_in_place(mina: tuple[FlaskClient, Artist], studio_app: Flask) -> None:
    client, artist = mina
    ids = [link.id for link in artist.links]
    data = profile_form_data(artist, display_name="Mina K.", bio_markdown="I draw *rivers*.")
    # Swap the order, change a label, and add a website link in a blank row.
    data |= {"links-0-position": "2", "links-1-position": "1", "links-1-label": "Mastodon (new)"}
    data |= {"links-2-kind": "website", "links-2-label": "Portfolio", "links-2-url": "https://mina.example.org/", "links-2-position": "3"}
    response = client.post(f"/studio/artists/{artist.id}/profile", data=data)
    assert response.status_code == 303, problems(response)
    name, bio, _, links = snapshot(artist.id)
    assert (name, bio) == ("Mina K.", "I draw *rivers*.")
    assert [link[0] for link in links][:2] == [ids[1], ids[0]]  # the same rows, so their ids (and counts) survive
    assert [link[2] for link in links] == ["Mastodon (new)", "Support me", "Portfolio"]
    publish_work(artist)
    public = studio_app.test_client().get("/artists/mina/").get_data(as_text=True)
    assert "<em>rivers</em>" in public


def test_remove_a_link(mina: tuple[FlaskClient, Artist]) -> None:
    client, artist = mina
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, **{"links-1-remove": "y"}))
    assert response.status_code == 303
    assert [link[2] for link in snapshot(artist.id)[3]] == ["Support me"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"links-0-url": "javascript:alert(1)"}, "http://, https:// or mailto:"),
        ({"links-0-url": "JaVaScRiPt:alert(1)"}, "http://, https:// or mailto:"),
        ({"links-0-url": "data:text/html,<script>alert(1)</script>"}, "http://, https:// or mailto:"),
        ({"links-0-url": "java\tscript:alert(1)"}, "spaces"),
        ({"links-0-url": "https://"}, "whole address"),
        ({"links-0-url": ""}, "Enter the link's address"),
        ({"links-0-label": ""}, "Give the link a label"),
        ({"links-1-primary": "y"}, "at most one link as primary"),
        ({"links-0-position": "first"}, "whole number"),
        ({"display_name": ""}, "Give the name readers will see"),
        ({"links-2-label": "Half", "links-2-url": "ftp://example.org/"}, "http://, https:// or mailto:"),
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(mina: tuple[FlaskClient, Artist], changes: dict[str, str], message: str) -> None:
    client, artist = mina
    before = snapshot(artist.id)
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, display_name="Changed") | changes)
    assert response.status_code == 400
    assert message in problems(response), problems(response)
    assert snapshot(artist.id) == before


def test_mailto_links_are_allowed(mina: tuple[FlaskClient, Artist]) -> None:
    client, artist = mina
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, **{"links-0-url": "mailto:mina@example.org"}))
    assert response.status_code == 303
    assert snapshot(artist.id)[3][0][3] == "mailto:mina@example.org"


def test_script_in_a_bio_never_reaches_the_page(mina: tuple[FlaskClient, Artist], studio_app: Flask) -> None:
    client, artist = mina
    bio = '<script>alert("x")</script> Hello <img src=x onerror=alert(1)> [click](javascript:alert(1))'
    assert client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, bio_markdown=bio)).status_code == 303
    publish_work(artist)
    page = studio_app.test_client().get("/artists/mina/").get_data(as_text=True)
    bio_html = page[page.index('<section class="bio"') :]
    bio_html = bio_html[: bio_html.index("</section>")]
    # Shown as text, never as markup: no script element, no image with a handler, no javascript: link.
    assert "<script" not in bio_html and "<img" not in bio_html and "javascript:" not in bio_html.replace("(javascript:alert(1))", "")
    assert "&lt;script&gt;" in bio_html and "Hello" in bio_html
    assert '<script>alert("x")' not in page and "<img src=x" not in page and 'href="javascript:' not in page


def test_avatar_upload_and_replacement(mina: tuple[FlaskClient, Artist], studio_app: Flask) -> None:
    client, artist = mina
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, avatar=png_file("me.png", width=300, height=300)))
    assert response.status_code == 303
    first = db.session.get_one(Artist, artist.id).avatar
    assert first is not None
    first_files = set(first.file_names())
    assert first_files <= media_files(studio_app)
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, avatar=png_file("me2.png", width=300, height=300, colour="#22aa22")))
    assert response.status_code == 303
    assert not first_files & media_files(studio_app)


def test_a_banner_as_an_avatar_is_refused(mina: tuple[FlaskClient, Artist]) -> None:
    client, artist = mina
    before = snapshot(artist.id)
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, display_name="Changed", avatar=png_file("banner.png", width=1300, height=400)))
    assert response.status_code == 400
    assert "banner.png: a profile picture can be at most 3 times as tall as it is wide, or as wide as it is tall; this one is 1300 × 400 pixels" in problems(response)
    assert snapshot(artist.id) == before


def test_a_bad_avatar_is_refused(mina: tuple[FlaskClient, Artist]) -> None:
    client, artist = mina
    before = snapshot(artist.id)
    response = client.post(f"/studio/artists/{artist.id}/profile", data=profile_form_data(artist, display_name="Changed", avatar=(io.BytesIO(b"not a picture"), "me.heic")))
    assert response.status_code == 400 and "me.heic" in problems(response)
    assert snapshot(artist.id) == before
