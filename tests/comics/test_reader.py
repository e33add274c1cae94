"""The public pages: home, series, episode and artist profile, and their 404s."""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from comics.clock import utcnow
from comics.models import EpisodeStatus
from extensions import db


class ImageCollector(HTMLParser):
    """Collect the attributes of every <img>, <source> and <a> of a page (one without a value is "", as in the DOM)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.sources: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        target = {"img": self.images, "source": self.sources, "a": self.links}.get(tag)
        if target is not None:
            target.append({name: value or "" for name, value in attrs})


def parse(html: str) -> ImageCollector:
    collector = ImageCollector()
    collector.feed(html)
    return collector


def test_home_lists_latest_episodes_and_series(client: FlaskClient, site) -> None:
    series = site.series()
    site.episode(series, title="The crossing")
    page = client.get("/").get_data(as_text=True)
    assert "The crossing" in page
    assert 'href="/series/river/"' in page


def test_home_without_content_says_so(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "No episodes are published yet." in page


def test_series_page_lists_published_episodes_newest_first(client: FlaskClient, site) -> None:
    series = site.series()
    for title in ("One", "Two", "Three"):
        site.episode(series, title=title, panels=1)
    page = client.get("/series/river/").get_data(as_text=True)
    assert page.index("Episode 3: Three") < page.index("Episode 2: Two") < page.index("Episode 1: One")
    assert 'href="/series/river/1/">Read the first episode' in page


def test_series_page_sorts_oldest_first_on_request(client: FlaskClient, site) -> None:
    series = site.series()
    for title in ("One", "Two"):
        site.episode(series, title=title, panels=1)
    page = client.get("/series/river/?order=oldest").get_data(as_text=True)
    assert page.index("Episode 1: One") < page.index("Episode 2: Two")


def test_series_page_paginates(app, client: FlaskClient, site) -> None:
    app.config["EPISODES_PER_PAGE"] = 2
    series = site.series()
    for _ in range(3):
        site.episode(series, panels=1)
    first = client.get("/series/river/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Episode 1:" not in first
    second = client.get("/series/river/?page=2").get_data(as_text=True)
    assert "Episode 1:" in second
    assert client.get("/series/river/?page=3").status_code == 404
    assert client.get("/series/river/?page=-1").status_code == 404


def test_series_page_hides_drafts(client: FlaskClient, site) -> None:
    series = site.series()
    site.episode(series, title="Published")
    site.episode(series, title="Secret draft", publish=False)
    page = client.get("/series/river/").get_data(as_text=True)
    assert "Published" in page and "Secret draft" not in page


def test_series_with_only_drafts_is_not_found(client: FlaskClient, site) -> None:
    site.episode(site.series(), publish=False)
    assert client.get("/series/river/").status_code == 404
    assert "river" not in client.get("/").get_data(as_text=True)


def test_episode_page_stacks_panels_with_size_and_alt(client: FlaskClient, site) -> None:
    series = site.series()
    site.episode(series, panels=3)
    page = client.get("/series/river/1/").get_data(as_text=True)
    images = parse(page).images
    panels = [img for img in images if "Panel" in (img.get("alt") or "")]
    assert [img["alt"] for img in panels] == [f"Panel {i} of the episode" for i in (1, 2, 3)]
    for img in panels:
        assert int(img["width"]) == 400 and int(img["height"]) == 600
        assert img["srcset"] and img["sizes"]
    assert panels[0].get("fetchpriority") == "high" and "loading" not in panels[0]
    assert all(img.get("loading") == "lazy" and img.get("decoding") == "async" for img in panels[1:])


def test_episode_page_offers_avif_and_webp_sources(client: FlaskClient, site) -> None:
    site.episode(site.series(), panels=1)
    sources = parse(client.get("/series/river/1/").get_data(as_text=True)).sources
    assert {source["type"] for source in sources} == {"image/avif", "image/webp"}
    for source in sources:
        assert re.fullmatch(r"(/media/\S+ \d+w)(, /media/\S+ \d+w)*", source["srcset"])


def test_episode_navigation_links_neighbours(client: FlaskClient, site) -> None:
    series = site.series()
    for _ in range(3):
        site.episode(series, panels=1)
    page = client.get("/series/river/2/").get_data(as_text=True)
    # Top and bottom navigation, plus the <link> in the head that the arrow keys follow.
    assert page.count('rel="prev" href="/series/river/1/"') == 3
    assert page.count('rel="next" href="/series/river/3/"') == 3
    assert '<link rel="next" href="/series/river/3/">' in page


def test_episode_navigation_skips_unpublished_neighbours(client: FlaskClient, site) -> None:
    series = site.series()
    site.episode(series, panels=1)
    site.episode(series, panels=1, publish=False)
    site.episode(series, panels=1)
    page = client.get("/series/river/1/").get_data(as_text=True)
    assert 'href="/series/river/3/"' in page and 'href="/series/river/2/"' not in page


def test_episode_ends_with_artist_card(client: FlaskClient, site) -> None:
    site.episode(site.series(), panels=1)
    page = client.get("/series/river/1/").get_data(as_text=True)
    card = page[page.index('class="artist-card"'):]
    assert 'href="/artists/mina/"' in card
    # Support links go through the counting redirect (tests/artists/test_links.py), showing where they lead.
    assert re.search(r'href="/go/\d+" target="_blank" rel="noopener noreferrer"', card)
    assert "example.org" in card
    assert "You are up to date with River." in card


def test_draft_episode_is_not_found(client: FlaskClient, site) -> None:
    site.episode(site.series(), publish=False)
    assert client.get("/series/river/1/").status_code == 404


def test_scheduled_episode_appears_at_its_time(client: FlaskClient, site) -> None:
    series = site.series()
    episode = site.episode(series, panels=1)
    episode.published_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert client.get("/series/river/1/").status_code == 404
    episode.published_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/series/river/1/").status_code == 200


def test_returned_episode_is_not_public(client: FlaskClient, site) -> None:
    episode = site.episode(site.series(), panels=1)
    episode.status = EpisodeStatus.RETURNED
    db.session.commit()
    assert client.get("/series/river/1/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/series/nowhere/",
        "/series/river/99/",
        "/series/river/0/",
        "/series/river/-1/",
        "/series/river/abc/",
        "/series/river/1.5/",
        "/series/river/01/",
        "/series/river/99999999999999999999999/",
        "/artists/nobody/",
        "/media/../app.py",
        "/media/zz/not-a-file.jpg",
    ],
)
def test_unknown_or_malformed_paths_are_friendly_404s(client: FlaskClient, site, path: str) -> None:
    site.episode(site.series(), panels=1)
    response = client.get(path)
    assert response.status_code == 404
    assert "find that page" in response.get_data(as_text=True)


def test_artist_profile_shows_bio_links_and_series(client: FlaskClient, site) -> None:
    artist = site.artist(bio="I draw **rivers**.")
    site.episode(site.series(artist), panels=1)
    page = client.get("/artists/mina/").get_data(as_text=True)
    assert "<strong>rivers</strong>" in page
    assert re.search(r'class="button button-primary" href="/go/\d+"', page)
    assert 'href="/series/river/"' in page


def test_artist_bio_markdown_is_sanitized(client: FlaskClient, site) -> None:
    artist = site.artist(bio='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>')
    site.episode(site.series(artist), panels=1)
    page = client.get("/artists/mina/").get_data(as_text=True)
    bio = page.split('class="bio"')[1].split("</section>")[0]
    assert "<script" not in bio and "<img" not in bio
    assert 'href="javascript' not in bio


def test_media_is_served_immutable_with_type_and_nosniff(client: FlaskClient, site) -> None:
    site.episode(site.series(), panels=1)
    page = client.get("/series/river/1/").get_data(as_text=True)
    avif = next(s for s in parse(page).sources if s["type"] == "image/avif")["srcset"].split()[0]
    with client.get(avif) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/avif"
        assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        etag = response.headers["ETag"]
    with client.get(avif, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_pages_load_nothing_from_other_hosts(client: FlaskClient, site) -> None:
    site.episode(site.series(), panels=2)
    for path in ("/", "/series/river/", "/series/river/1/", "/artists/mina/"):
        page = client.get(path).get_data(as_text=True)
        for match in re.finditer(r'<(?:script|link|img|source)\b[^>]*?(?:src|href|srcset)="([^"]+)"', page):
            if 'rel="canonical"' in match.group(0) or "hreflang=" in match.group(0):
                continue  # name this page's own absolute addresses; the browser loads nothing from them
            assert match.group(1).startswith("/"), (path, match.group(0))


def test_pages_are_accessible_landmarks(client: FlaskClient, site) -> None:
    site.episode(site.series(), panels=1)
    for path in ("/", "/series/river/", "/series/river/1/", "/artists/mina/"):
        page = client.get(path).get_data(as_text=True)
        assert re.search(r'<html lang="[a-z]{2}', page)
        assert 'class="skip-link" href="#main"' in page
        assert '<main id="main"' in page and "<header" in page and "<footer" in page
        assert page.count("<h1") == 1
