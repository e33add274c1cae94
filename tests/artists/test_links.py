"""Artist links: the one URL rule, the support card, and /go/<id>, which redirects only to stored URLs."""
from __future__ import annotations

import logging
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from artists.links import display_host, is_allowed_link_url, validate_link_url
from artists.models import Artist, ArtistLink, LinkKind
from comics.clock import utcnow
from comics.models import Episode, EpisodeStatus, Series
from comics.stats.models import LinkDailyClicks
from extensions import db
from tests.conftest import SiteBuilder

BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def reader_get(client: FlaskClient, path: str, **headers: str):
    return client.get(path, headers={"User-Agent": BROWSER, **headers})


def add_link(artist: Artist, url: str, label: str = "Elsewhere", kind: LinkKind = LinkKind.SOCIAL, position: int = 5, primary: bool = False) -> ArtistLink:
    """Store a link as a row, bypassing validation the way an old import or a hand edit could."""
    link = ArtistLink(artist=artist, kind=kind, label=label, url=url, position=position, is_primary=primary)
    db.session.add(link)
    db.session.commit()
    return link


def public_artist(site: SiteBuilder) -> Artist:
    """Return Mina with a public episode (no panels needed): only then are her profile and links public."""
    artist = site.artist()
    series = Series(slug="river", title="River", artist=artist)
    db.session.add(Episode(series=series, number=1, title="One", status=EpisodeStatus.PUBLISHED, published_at=utcnow()))
    db.session.commit()
    return artist


def clicks(link_id: int) -> int:
    return db.session.execute(select(func.coalesce(func.sum(LinkDailyClicks.clicks), 0)).where(LinkDailyClicks.link_id == link_id)).scalar_one()


# --- the URL rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://ko-fi.com/mina", "https://ko-fi.com/mina"),
        ("http://example.org/", "http://example.org/"),
        ("  https://example.org/mina  ", "https://example.org/mina"),
        ("HTTPS://Example.org/Mina", "https://Example.org/Mina"),
        ("mailto:mina@example.org", "mailto:mina@example.org"),
        ("mailto:mina@example.org?subject=Hello", "mailto:mina@example.org?subject=Hello"),
        ("https://xn--bcher-kva.example/shop", "https://xn--bcher-kva.example/shop"),
    ],
)
def test_link_rule_accepts_web_and_email_addresses(url: str, stored: str) -> None:
    assert validate_link_url(url) == stored
    assert is_allowed_link_url(stored)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the link's address"),
        ("   ", "Enter the link's address"),
        ("javascript:alert(1)", "not javascript:"),
        ("JavaScript:alert(1)", "not javascript:"),
        ("data:text/html,<script>alert(1)</script>", "not data:"),
        ("vbscript:msgbox(1)", "not vbscript:"),
        ("file:///etc/passwd", "not file:"),
        ("ftp://example.org/", "not ftp:"),
        ("//evil.example/", "Start the address with https://"),
        ("example.org/mina", "Start the address with https://"),
        ("/go/1", "Start the address with https://"),
        ("https:evil.example", "Write the whole address"),
        ("https:///path-only", "Write the whole address"),
        ("https://localhost-ish", "full host name"),
        ("https://paypal.com@evil.example/", "user name or password"),
        ("https://user:secret@example.org/", "user name or password"),
        ("https://exa mple.org/", "spaces, backslashes or control characters"),
        ("https://example.org/\nSet-Cookie: x=1", "spaces, backslashes or control characters"),
        ("https:\\\\evil.example", "spaces, backslashes or control characters"),
        ("https://\u202eelpmaxe.org", "spaces, backslashes or control characters"),
        ("https://example.org:99999/", "not a valid web address"),
        ("mailto:nobody", "mailto:name@example.org"),
        ("mailto:a@example.org,b@example.org", "mailto:name@example.org"),
        ("https://example.org/" + "a" * 2000, "too long"),
    ],
)
def test_link_rule_refuses_everything_else_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_link_url(url)
    assert not is_allowed_link_url(url)


def test_display_host_shows_where_a_link_leads() -> None:
    assert display_host("https://www.ko-fi.com/mina") == "ko-fi.com"
    assert display_host("https://xn--bcher-kva.example/") == "bücher.example"
    assert display_host("mailto:mina@example.org?subject=Hi") == "mina@example.org"


# --- the support card ------------------------------------------------------------------------------


def test_support_card_puts_the_primary_link_first_as_a_call_to_action(client: FlaskClient, site) -> None:
    artist = site.artist()
    add_link(artist, "https://social.example/@mina", "Mastodon", position=0)
    add_link(artist, "mailto:mina@example.org", "Write to Mina", LinkKind.WEBSITE, position=3)
    site.episode(site.series(artist), panels=1)
    primary = artist.primary_link
    for path in ("/series/river/1/", "/artists/mina/"):
        page = reader_get(client, path).get_data(as_text=True)
        card = page[page.index('class="support-links"'):]
        card = card[: card.index("</div>")]
        anchors = re.findall(r"<a ([^>]*)>([^<]*)", card)
        labels = [label for _, label in anchors]
        # The primary link leads, whatever its position; the others follow in the artist's order.
        assert labels == ["Support Mina", "Mastodon", "Write to Mina"]
        first = anchors[0][0]
        assert 'class="button button-primary"' in first and f'href="/go/{primary.id}"' in first
        assert 'target="_blank" rel="noopener noreferrer"' in first
        assert '<span class="link-host">example.org</span>' in card and "social.example" in card
        # An email link opens the mail app, not an empty tab.
        mail = next(attributes for attributes, label in anchors if label == "Write to Mina")
        assert "target=" not in mail and 'rel="noopener noreferrer"' in mail
        # No destination address appears as a link: every one goes through /go.
        assert not re.search(r'href="(?!/go/)', card)


def test_artist_without_links_gets_no_empty_card(client: FlaskClient, site) -> None:
    artist = site.artist()
    artist.links.clear()
    db.session.commit()
    site.episode(site.series(artist), panels=1)
    assert 'class="support-links"' not in reader_get(client, "/series/river/1/").get_data(as_text=True)
    assert 'class="support-links"' not in reader_get(client, "/artists/mina/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "//evil.example/"])
def test_stored_links_with_other_schemes_are_never_shown(client: FlaskClient, site, url: str) -> None:
    artist = site.artist()
    add_link(artist, url, "Sneaky")
    site.episode(site.series(artist), panels=1)
    for path in ("/series/river/1/", "/artists/mina/"):
        page = reader_get(client, path).get_data(as_text=True)
        assert "Sneaky" not in page and "javascript" not in page.lower() and "evil.example" not in page


def test_a_bad_primary_link_leaves_the_other_links(client: FlaskClient, site) -> None:
    artist = site.artist()
    artist.links[0].url = "javascript:alert(1)"
    add_link(artist, "https://social.example/@mina", "Mastodon")
    site.episode(site.series(artist), panels=1)
    page = reader_get(client, "/artists/mina/").get_data(as_text=True)
    assert "Support Mina" not in page and "Mastodon" in page


# --- /go/<id> --------------------------------------------------------------------------------------


def test_go_redirects_to_the_stored_url(client: FlaskClient, site) -> None:
    link = public_artist(site).links[0]
    response = reader_get(client, f"/go/{link.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.org/mina"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_go_redirects_to_a_mailto_link(client: FlaskClient, site) -> None:
    link = add_link(public_artist(site), "mailto:mina@example.org", "Write")
    response = reader_get(client, f"/go/{link.id}")
    assert response.status_code == 302 and response.headers["Location"] == "mailto:mina@example.org"


@pytest.mark.parametrize(
    "suffix",
    [
        "?next=https://evil.example",
        "?url=https://evil.example&redirect=https://evil.example&to=//evil.example",
        "?next=//evil.example",
        "?next=%2F%2Fevil.example",
        "?link_id=999",
    ],
)
def test_go_ignores_anything_in_the_request(client: FlaskClient, site, suffix: str) -> None:
    link = public_artist(site).links[0]
    response = reader_get(
        client,
        f"/go/{link.id}{suffix}",
        Referer="https://evil.example/",
        **{"X-Forwarded-Host": "evil.example", "X-Original-URL": "https://evil.example"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.org/mina"


@pytest.mark.parametrize(
    "path",
    [
        "/go/999",
        "/go/0",
        "/go/-1",
        "/go/01",
        "/go/abc",
        "/go/1.0",
        "/go/",
        "/go",
        "/go/99999999999999999999999999",
        "/go/9223372036854775808",
        "/go/2147483648",
        "/go//evil.example",
        "/go/https://evil.example",
        "/go/1/https://evil.example",
        "/go/1%2F%2Fevil.example",
        "/go/%2F%2Fevil.example",
        "/go/1@evil.example",
    ],
)
def test_go_answers_404_for_unknown_or_crafted_ids(client: FlaskClient, site, path: str) -> None:
    public_artist(site)
    response = reader_get(client, path)
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert db.session.scalar(select(func.count()).select_from(LinkDailyClicks)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "\tjavascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/",
        "https://paypal.com@evil.example/",
        "",
    ],
)
def test_go_refuses_stored_urls_with_other_schemes(
    client: FlaskClient, site, url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = add_link(public_artist(site), url)
    # Alembic's fileConfig (tests/test_migrations.py) disables loggers that already exist.
    monkeypatch.setattr(logging.getLogger("artists.outbound"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="artists.outbound"):
        response = reader_get(client, f"/go/{link.id}")
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert clicks(link.id) == 0
    assert f"artist link {link.id}" in caplog.text


def test_go_accepts_only_get_and_head(client: FlaskClient, site) -> None:
    link = public_artist(site).links[0]
    assert client.post(f"/go/{link.id}").status_code in (400, 405)
    head = client.head(f"/go/{link.id}", headers={"User-Agent": BROWSER})
    assert head.status_code == 302 and head.headers["Location"] == "https://example.org/mina"
    assert clicks(link.id) == 0  # a HEAD is a link checker, not a supporter


def test_go_counts_each_click_once(client: FlaskClient, site) -> None:
    link = public_artist(site).links[0]
    reader_get(client, f"/go/{link.id}")
    assert clicks(link.id) == 1
    reader_get(client, f"/go/{link.id}")
    reader_get(client, f"/go/{link.id}?next=https://evil.example")
    assert clicks(link.id) == 3


def test_go_redirects_robots_without_counting_them(client: FlaskClient, site) -> None:
    link = public_artist(site).links[0]
    response = client.get(f"/go/{link.id}", headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"})
    assert response.status_code == 302
    assert clicks(link.id) == 0


def test_deleting_a_link_deletes_its_counts(client: FlaskClient, site) -> None:
    artist = public_artist(site)
    link = artist.links[0]
    reader_get(client, f"/go/{link.id}")
    link_id = link.id
    artist.links.remove(link)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(LinkDailyClicks).where(LinkDailyClicks.link_id == link_id)) == 0


def test_go_answers_404_for_a_link_of_an_artist_with_no_public_work(client: FlaskClient, site) -> None:
    link = site.artist().links[0]
    response = reader_get(client, f"/go/{link.id}")
    assert response.status_code == 404 and "Location" not in response.headers
    assert clicks(link.id) == 0
