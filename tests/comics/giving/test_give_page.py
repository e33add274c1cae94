"""The Give page: words and a plain donation link in each language, set by an admin alone, linked from
every page and from the end of each episode after the artist's own support link."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from artists.models import Role
from comics.audit.models import AuditAction, AuditEntry
from comics.giving.models import GiveText
from extensions import db
from tests.conftest import SiteBuilder
from tests.studio_support import make_account, make_artist_account, sign_in

FORM = {
    "en-heading": "Give to Free Lines",
    "en-body_markdown": "Your gift pays the **artists**.",
    "en-donation_url": "https://donate.example.org/freelines",
    "en-donation_label": "Give now",
    "ko-heading": "후원하기",
    "ko-body_markdown": "여러분의 후원은 **작가들**에게 돌아갑니다.",
    "ko-donation_url": "https://donate.example.org/freelines/ko",
    "ko-donation_label": "지금 후원하기",
}


def signed_in_admin(client: FlaskClient) -> None:
    make_account("admin@example.org", Role.ADMIN)
    sign_in(client, "admin@example.org")


def give_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(GiveText)) or 0


def test_before_an_admin_writes_it_the_page_explains_with_no_link(client: FlaskClient) -> None:
    for path in ("/give/", "/ko/give/"):
        page = client.get(path)
        assert page.status_code == 200
        assert "donate.example.org" not in page.get_data(as_text=True)


def test_an_admin_sets_the_words_and_link_in_each_language(studio_app: Flask) -> None:
    client = studio_app.test_client()
    signed_in_admin(client)
    response = client.post("/studio/give", data=FORM)
    assert response.status_code == 303
    english = client.get("/give/").get_data(as_text=True)
    korean = client.get("/ko/give/").get_data(as_text=True)
    assert "Your gift pays the <strong>artists</strong>." in english
    assert 'href="https://donate.example.org/freelines" rel="noopener noreferrer"' in english
    assert "후원하기" in korean and 'href="https://donate.example.org/freelines/ko"' in korean
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == AuditAction.GIVE_PAGE_CHANGE)) == 1
    # Emptying a language removes its words: its readers see the default language's.
    client.post("/studio/give", data={**FORM, **{key: "" for key in FORM if key.startswith("ko-")}})
    assert 'href="https://donate.example.org/freelines"' in client.get("/ko/give/").get_data(as_text=True)
    assert give_rows() == 1


def test_a_link_that_is_not_a_web_address_is_refused_and_nothing_changes(studio_app: Flask) -> None:
    client = studio_app.test_client()
    signed_in_admin(client)
    for bad in ("javascript:alert(1)", "mailto:give@example.org", "https://exa mple.org", "donate.example.org", "x" * 2001):
        response = client.post("/studio/give", data={**FORM, "en-donation_url": bad})
        assert response.status_code == 400, bad
        assert give_rows() == 0


def test_only_an_admin_may_change_it(studio_app: Flask) -> None:
    client = studio_app.test_client()
    make_account("editor@example.org", Role.EDITOR)
    sign_in(client, "editor@example.org")
    assert client.get("/studio/give").status_code in (403, 404)
    assert client.post("/studio/give", data=FORM).status_code in (403, 404)
    assert give_rows() == 0
    anonymous = studio_app.test_client()
    assert anonymous.post("/studio/give", data=FORM).status_code in (302, 303, 401)
    assert give_rows() == 0


def test_an_artist_may_not_change_it(studio_app: Flask) -> None:
    client = studio_app.test_client()
    make_artist_account("mina")
    sign_in(client, "mina@example.org")
    assert client.post("/studio/give", data=FORM).status_code in (403, 404)
    assert give_rows() == 0


def test_every_page_links_to_it_and_an_episode_ends_with_the_artist_first(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    for path in ("/", "/ko/", "/series/river/", "/artists/mina/", "/search", "/give/"):
        assert 'href="/give/"' in client.get(path).get_data(as_text=True) or path.startswith("/ko"), path
    assert 'href="/ko/give/"' in client.get("/ko/").get_data(as_text=True)
    episode = client.get("/series/river/1/").get_data(as_text=True)
    artist_link, give_link = episode.index('class="support-cta"'), episode.index('class="give-episode"')
    assert artist_link < give_link
