"""An artist link's label per language: written in the studio's profile form under each label, reviewed
with the profile, and shown to readers of that language on the profile and at the end of every episode
(the label as written, for a language without one)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask

from artists.models import Artist, ArtistLink, LinkKind, Role
from comics.publishing.revisions import approve_revision, pending_revision
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app
from tests.forms import submit
from tests.studio_support import make_account, make_artist_account, problems, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)
LABEL_KO = "미나 작가 후원하기"


def mina_in(app: Flask) -> int:
    """Make Mina, with her support link and a public episode; return her id."""
    artist, _ = make_artist_account("mina")
    artist.links.append(
        ArtistLink(kind=LinkKind.SUPPORT, label="Support Mina", url="https://example.org/mina", position=1, is_primary=True)
    )
    builder = SiteBuilder()
    builder.episode(builder.series(artist), panels=1, publish=True)
    return artist.id


def support_button(page: str) -> str:
    found = re.search(r'<a class="button button-primary" href="(?:/ko)?/go/\d+"[^>]*>([^<]*)', page)
    assert found is not None, "no support button"
    return html.unescape(found.group(1))


@pytest.fixture
def site_app(tmp_path: Path) -> Flask:
    """No app context held around the requests: Flask-Babel keeps a request's locale in g."""
    return make_test_app(tmp_path, WTF_CSRF_ENABLED=False)


def test_the_label_in_korean_waits_for_review_then_shows_on_korean_pages(site_app: Flask) -> None:
    with site_app.app_context():
        artist_id = mina_in(site_app)
    mina = site_app.test_client()
    sign_in(mina, "mina@example.org")
    page = mina.get(f"/studio/artists/{artist_id}/profile")
    assert 'name="links-0-label-ko"' in page.get_data(as_text=True)
    response = submit(mina, page, "links-0-label-ko", {"links-0-label-ko": LABEL_KO})
    assert response.status_code == 303, problems(response)
    reader = site_app.test_client()
    assert support_button(reader.get("/ko/series/river/1/").get_data(as_text=True)) == "Support Mina"
    with site_app.app_context():
        revision = pending_revision("artist", artist_id)
        assert revision is not None and revision.proposed["links"][0]["labels"] == {"ko": LABEL_KO}
        approve_revision(revision, make_account("ed@example.org", Role.EDITOR), CHECKLIST)
        db.session.commit()
    for path in ("/ko/series/river/1/", "/ko/artists/mina/"):
        assert support_button(reader.get(path).get_data(as_text=True)) == LABEL_KO, path
    # English readers see the label as written; the form shows the Korean one, so saving keeps it.
    assert support_button(reader.get("/series/river/1/").get_data(as_text=True)) == "Support Mina"
    again = mina.get(f"/studio/artists/{artist_id}/profile")
    assert f'value="{LABEL_KO}"' in again.get_data(as_text=True)
    with site_app.app_context():
        link_id = db.session.get_one(Artist, artist_id).links[0].id
    # The link keeps its id (and its clicks) through the change.
    assert f"/go/{link_id}" in reader.get("/ko/artists/mina/").get_data(as_text=True)


def test_the_korean_studio_saves_labels_in_both_languages_and_empty_removes_one(site_app: Flask) -> None:
    with site_app.app_context():
        artist_id = mina_in(site_app)
        make_account("ed@example.org", Role.EDITOR).interface_language = "ko"
        db.session.commit()
    editor = site_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get(f"/ko/studio/artists/{artist_id}/profile")
    assert "한국어 독자에게 보일 1번 링크의 표시 문구" in page.get_data(as_text=True)
    response = submit(editor, page, "links-0-label-ko", {"links-0-label-ko": LABEL_KO, "links-0-label-en": "Give to Mina"})
    assert response.status_code == 303, problems(response)
    with site_app.app_context():
        link = db.session.get_one(Artist, artist_id).links[0]
        assert link.labels == {"ko": LABEL_KO, "en": "Give to Mina"}
        assert (link.label_in("ko"), link.label_in("en"), link.label_in("ja")) == (LABEL_KO, "Give to Mina", "Support Mina")
    page = editor.get(f"/ko/studio/artists/{artist_id}/profile")
    assert submit(editor, page, "links-0-label-ko", {"links-0-label-en": ""}).status_code == 303
    with site_app.app_context():
        assert db.session.get_one(Artist, artist_id).links[0].labels == {"ko": LABEL_KO}


def test_a_label_too_long_is_refused_and_changes_nothing(site_app: Flask) -> None:
    with site_app.app_context():
        artist_id = mina_in(site_app)
        make_account("ed@example.org", Role.EDITOR)
    editor = site_app.test_client()
    sign_in(editor, "ed@example.org")
    page = editor.get(f"/studio/artists/{artist_id}/profile")
    response = submit(editor, page, "links-0-label-ko", {"links-0-label-ko": "가" * 81})
    assert response.status_code == 400 and "Link 1, label in Korean" in problems(response)
    # The refused page keeps what was typed, to correct it.
    assert "가" * 81 in response.get_data(as_text=True)
    with site_app.app_context():
        assert db.session.get_one(Artist, artist_id).links[0].labels == {}


def test_the_demo_support_button_is_korean_on_korean_pages(demo_app: Flask) -> None:
    client = demo_app.test_client()
    home = client.get("/ko/").get_data(as_text=True)
    slug = re.search(r'href="/ko/series/([\w-]+)/"', home)
    assert slug is not None
    assert support_button(client.get(f"/ko/series/{slug.group(1)}/1/").get_data(as_text=True)) == "김하늘 작가 후원하기"
    assert support_button(client.get(f"/series/{slug.group(1)}/1/").get_data(as_text=True)) == "Support Haneul's work"
