"""Sharing: previews (Open Graph, Twitter), canonical URLs, JSON-LD, share cards, sitemap and robots.txt."""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from comics.clock import utcnow
from comics.discovery.card_drawing import (
    CARD_SIZE,
    encode_share_card,
    load_font,
    make_share_card,
    share_card_from_master,
    wrap_text,
)
from comics.discovery.models import ShareCard
from comics.discovery.previews import json_ld_script
from comics.images.ingest import referenced_files
from comics.images.models import StoredImage
from comics.site_images import media_store
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def meta(page: str) -> dict[str, str]:
    """Return the page's <meta property|name=… content=…> as a dict (the last of each name)."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    return {name: unescape(content) for name, content in found}


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return [json.loads(block) for block in blocks]


def canonical(page: str) -> str:
    match = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    assert match is not None
    return match.group(1)


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """Return the colour of a pixel of a multi-band image."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def get_image(client: FlaskClient, url: str) -> tuple[Image.Image, bytes, dict[str, str]]:
    with client.get(url.removeprefix("http://localhost")) as response:
        assert response.status_code == 200, url
        data = response.get_data()
        headers = dict(response.headers)
    return Image.open(io.BytesIO(data)), data, headers


# --- previews and structured data ------------------------------------------------------------------


def test_episode_page_has_previews_canonical_and_comic_issue(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=2, title="The crossing")
    page = client.get("/series/river/1/").get_data(as_text=True)
    tags = meta(page)
    assert canonical(page) == "http://localhost/series/river/1/" == tags["og:url"]
    assert tags["og:type"] == "article" and tags["og:title"] == "The crossing · River"
    assert tags["og:site_name"] == "Free Lines"
    assert tags["og:description"] == tags["description"] == "Episode 1 of River, a webtoon by Mina."
    assert re.fullmatch(r"http://localhost/series/river/1/share\.jpg\?v=[0-9a-f]{12}", tags["og:image"])
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image" and tags["twitter:image"] == tags["og:image"]
    assert tags["article:published_time"].endswith("Z")
    [data] = json_ld(page)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ComicIssue"
    assert data["name"] == "The crossing" and data["issueNumber"] == 1
    assert data["isPartOf"] == {"@type": "ComicSeries", "name": "River", "url": "http://localhost/series/river/"}
    assert data["author"]["@type"] == "Person" and data["author"]["name"] == "Mina"
    assert data["url"] == canonical(page)


def test_series_page_has_previews_and_comic_series(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    page = client.get("/series/river/?order=oldest").get_data(as_text=True)
    tags = meta(page)
    # The canonical address drops the sort order: both orders are the same page.
    assert canonical(page) == "http://localhost/series/river/" == tags["og:url"]
    assert tags["og:title"] == "River" and tags["og:description"] == "The summary of River."
    assert tags["og:image"].startswith("http://localhost/series/river/share.jpg?v=")
    [data] = json_ld(page)
    assert data["@type"] == "ComicSeries" and data["name"] == "River" and data["author"]["name"] == "Mina"


def test_later_pages_of_a_series_are_their_own_canonical(app: Flask, client: FlaskClient, site: SiteBuilder) -> None:
    app.config["EPISODES_PER_PAGE"] = 1
    series = site.series()
    site.episode(series, panels=1)
    site.episode(series, panels=1)
    assert canonical(client.get("/series/river/?page=2").get_data(as_text=True)) == "http://localhost/series/river/?page=2"


def test_artist_page_has_previews_and_person(client: FlaskClient, site: SiteBuilder) -> None:
    artist = site.artist(bio="I draw **rivers** and the people who cross them.")
    from artists.models import ArtistLink, LinkKind

    artist.links.append(ArtistLink(kind=LinkKind.SOCIAL, label="Mail", url="mailto:mina@example.org", position=2))
    db.session.commit()
    site.episode(site.series(artist), panels=1)
    page = client.get("/artists/mina/").get_data(as_text=True)
    tags = meta(page)
    assert canonical(page) == "http://localhost/artists/mina/"
    assert tags["og:type"] == "profile" and tags["og:title"] == "Mina"
    assert tags["og:description"] == "I draw rivers and the people who cross them."
    assert tags["twitter:card"] == "summary"
    [data] = json_ld(page)
    assert data["@type"] == "Person" and data["name"] == "Mina"
    # The artist's own public pages, as they listed them; never an email address.
    assert data["sameAs"] == ["https://example.org/mina"]


def test_home_page_describes_the_site_and_its_search(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    [data] = json_ld(page)
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"] == "http://localhost/search?q={query}"
    assert canonical(page) == "http://localhost/"


def test_json_ld_cannot_be_closed_by_a_title(client: FlaskClient, site: SiteBuilder) -> None:
    title = '</script><script>alert("x")</script><!-- & \u2028 -->'
    series = site.series(title=title)
    site.episode(series, panels=1, title=title)
    for path in ("/series/river/", "/series/river/1/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page
        blocks = json_ld(page)
        assert len(blocks) == 1 and blocks[0]["name"] == title
        assert meta(page)["og:title"].startswith(title)


def test_json_ld_script_escapes_markup_characters() -> None:
    script = str(json_ld_script({"name": "</script><b>&'\"</b>"}))
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"name": "</script><b>&'\"</b>"}


def test_site_url_makes_canonical_addresses(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, SITE_URL="https://freelines.example")
    with app.app_context():
        SiteBuilder().episode(SiteBuilder().series(), panels=1)
        # A forged Host header changes nothing the page says about where it lives.
        page = app.test_client().get("/series/river/1/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert canonical(page) == "https://freelines.example/series/river/1/"
    assert "evil.example" not in page


def test_pages_without_previews_are_kept_out_of_search_engines(client: FlaskClient) -> None:
    assert '<meta name="robots" content="noindex, follow">' in client.get("/search?q=x").get_data(as_text=True)


# --- share cards -----------------------------------------------------------------------------------


def test_episode_share_card_is_1200_by_630_and_metadata_free(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=2, title="The crossing")
    url = meta(client.get("/series/river/1/").get_data(as_text=True))["og:image"]
    image, data, headers = get_image(client, url)
    assert image.size == (1200, 630) and image.format == "JPEG"
    assert headers["Content-Type"] == "image/jpeg" and "public" in headers["Cache-Control"]
    assert not image.getexif() and "icc_profile" not in image.info and "comment" not in image.info
    # The left of the card is the first panel (its blue), the right the dark title panel.
    assert rgb(image, (280, 400))[2] > 120 and max(rgb(image, (1150, 40))) < 60


def test_share_cards_are_drawn_once_and_again_when_the_title_changes(client: FlaskClient, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1, title="Before")
    first_url = meta(client.get("/series/river/1/").get_data(as_text=True))["og:image"]
    _, first, _ = get_image(client, first_url)
    _, again, _ = get_image(client, first_url)
    assert first == again
    assert db.session.scalar(select(func.count()).select_from(ShareCard)) == 1
    stored = db.session.scalar(select(StoredImage.master).join(ShareCard, ShareCard.image_id == StoredImage.id))
    assert stored is not None and media_store().exists(stored) and stored in referenced_files()  # media-gc keeps it

    episode.title = "After"
    db.session.commit()
    second_url = meta(client.get("/series/river/1/").get_data(as_text=True))["og:image"]
    assert second_url != first_url
    _, second, _ = get_image(client, second_url)
    assert second != first
    # One card per episode: the replaced card's image row is gone, so media-gc may sweep its file.
    assert db.session.scalar(select(func.count()).select_from(ShareCard)) == 1
    assert stored not in referenced_files()


def test_series_share_card_uses_the_first_panel_without_a_cover(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    url = meta(client.get("/series/river/").get_data(as_text=True))["og:image"]
    image, _, _ = get_image(client, url)
    assert image.size == (1200, 630)


def test_share_cards_of_what_readers_cannot_see_are_not_found(client: FlaskClient, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series, panels=1)
    site.episode(series, panels=1, publish=False)
    scheduled = site.episode(series, panels=1)
    scheduled.published_at = utcnow() + timedelta(hours=1)
    draft_only = site.series(series.artist, slug="secret", title="Secret")
    site.episode(draft_only, panels=1, publish=False)
    db.session.commit()
    for path in ("/series/river/2/share.jpg", "/series/river/3/share.jpg", "/series/river/9/share.jpg", "/series/secret/share.jpg", "/series/secret/1/share.jpg", "/series/none/share.jpg"):
        assert client.get(path).status_code == 404, path
    assert db.session.scalar(select(func.count()).select_from(ShareCard)) == 0


def test_deleting_an_episode_forgets_its_card(client: FlaskClient, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)
    get_image(client, "/series/river/1/share.jpg")
    db.session.delete(episode)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ShareCard)) == 0


@pytest.mark.parametrize(
    ("panel", "title"),
    [
        (Image.new("RGB", (800, 1200), "#3b6ea5"), "The crossing"),
        (Image.new("RGB", (1600, 300), "#3b6ea5"), "A wide panel"),
        (Image.new("RGBA", (40, 40), (0, 0, 0, 0)), "A tiny transparent panel"),
        (Image.new("L", (600, 600), 128), "Greyscale"),
        (None, "No picture at all"),
        (Image.new("RGB", (800, 1200)), "A title so long that it cannot possibly fit on the card in four lines at any of the sizes, " * 3),
        (Image.new("RGB", (800, 1200)), "강을 건너던 밤"),
        (Image.new("RGB", (800, 1200)), "Supercalifragilisticexpialidocious" * 4),
        (Image.new("RGB", (800, 1200)), ""),
    ],
)
def test_make_share_card_always_makes_1200_by_630(panel: Image.Image | None, title: str) -> None:
    card = make_share_card(panel, title, "The Lantern Road", site_name="Free Lines")
    assert card.size == CARD_SIZE == (1200, 630) and card.mode == "RGB"
    encoded = Image.open(io.BytesIO(encode_share_card(card)))
    assert encoded.size == (1200, 630) and not encoded.getexif()


def test_share_card_from_a_stored_master() -> None:
    card = Image.open(io.BytesIO(share_card_from_master(panel_png(800, 1200), "Title", "Series")))
    assert card.size == (1200, 630) and card.format == "JPEG"


def test_long_titles_wrap_within_the_card() -> None:
    font = load_font(64)
    lines = wrap_text("The night the lanterns went out over the river " * 5, font, 600, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 600 for line in lines)


# --- sitemap and robots.txt ------------------------------------------------------------------------


def sitemap_locations(client: FlaskClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    return [element.text or "" for element in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_public_pages_only(client: FlaskClient, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series, panels=1)
    site.episode(series, panels=1, publish=False)
    quiet = site.artist(slug="jun", name="Jun")
    site.episode(site.series(quiet, slug="secret", title="Secret"), panels=1, publish=False)
    index = sitemap_locations(client, "/sitemap.xml")
    assert index == ["http://localhost/sitemaps/pages.xml", "http://localhost/sitemaps/episodes-1.xml"]
    assert sitemap_locations(client, "/sitemaps/pages.xml") == [
        "http://localhost/",
        "http://localhost/ko/",
        "http://localhost/series/river/",
        "http://localhost/ko/series/river/",
        "http://localhost/artists/mina/",
        "http://localhost/ko/artists/mina/",
    ]
    assert sitemap_locations(client, "/sitemaps/episodes-1.xml") == [
        "http://localhost/series/river/1/",
        "http://localhost/ko/series/river/1/",
    ]
    root = ElementTree.fromstring(client.get("/sitemaps/episodes-1.xml").data)
    lastmod = root.find(f"{SITEMAP}url/{SITEMAP}lastmod")
    assert lastmod is not None and (lastmod.text or "").endswith("+00:00")


def test_sitemap_splits_a_large_catalogue(app: Flask, client: FlaskClient, site: SiteBuilder) -> None:
    app.config["SITEMAP_PAGE_SIZE"] = 4  # addresses: two episodes, each in English and Korean
    series = site.series()
    for _ in range(5):
        site.episode(series, panels=1)
    index = sitemap_locations(client, "/sitemap.xml")
    assert index[1:] == [f"http://localhost/sitemaps/episodes-{number}.xml" for number in (1, 2, 3)]
    listed = [location for number in (1, 2, 3) for location in sitemap_locations(client, f"/sitemaps/episodes-{number}.xml")]
    assert listed == [f"http://localhost{prefix}/series/river/{number}/" for number in range(1, 6) for prefix in ("", "/ko")]
    for path in ("/sitemaps/episodes-4.xml", "/sitemaps/episodes-0.xml", "/sitemaps/episodes-99999999999999999999999.xml", "/sitemaps/episodes--1.xml"):
        assert client.get(path).status_code == 404, path


def test_empty_site_has_a_valid_sitemap(client: FlaskClient) -> None:
    assert sitemap_locations(client, "/sitemap.xml") == ["http://localhost/sitemaps/pages.xml"]
    assert sitemap_locations(client, "/sitemaps/pages.xml") == ["http://localhost/", "http://localhost/ko/"]


def test_each_sitemap_entry_names_every_language_of_its_page(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    root = ElementTree.fromstring(client.get("/sitemaps/episodes-1.xml").data)
    xhtml = "{http://www.w3.org/1999/xhtml}"
    for url in root.findall(f"{SITEMAP}url"):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{xhtml}link")}
        assert alternates == {
            "en": "http://localhost/series/river/1/",
            "ko": "http://localhost/ko/series/river/1/",
            "x-default": "http://localhost/series/river/1/",
        }


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_paths(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    for path in ("/studio/", "/account/", "/go/", "/search"):
        assert f"Disallow: {path}" in lines
        assert f"Disallow: /ko{path}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_favicon_ico_leads_to_the_sites_icon(client: FlaskClient) -> None:
    """Feed readers and raw XML views ask /favicon.ico by habit; it is the icon the pages name."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/static/icons/favicon.svg?v=")
    with client.get(response.headers["Location"]) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert client.get("/ko/favicon.ico").status_code == 302
