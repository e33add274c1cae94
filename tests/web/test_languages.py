"""Every public page in each language: its <html lang>, its alternates in the other languages, the switch
to the same page in the other language, and no interface words left in English on a Korean page."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from extensions import db
from tests.conftest import SiteBuilder
from tests.page_text import VisibleText, english_left, interface_words

SITE = "https://webtoons.example"

# Each public page, as a path at the site's root; its Korean page is the same path under /ko.
PAGES = [
    "/",
    "/series/gang/",
    "/series/gang/1/",
    "/artists/mina/",
    "/search",
    "/search?q=%EA%B0%95",  # 강: the series' title
    "/account/login",
]
FEEDS = ["/feed.rss", "/feed.atom", "/series/gang/feed.rss", "/artists/mina/feed.atom"]
NOT_FOUND = "/series/no-such-series/"


@pytest.fixture
def korean_site(tmp_path: Path) -> Flask:
    """A site whose every piece of data is Korean, so whatever English a Korean page shows is the interface's."""
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path, SITE_URL=SITE, SERVER_NAME=None)
    with app.app_context():
        site = SiteBuilder()
        artist = site.artist(slug="mina", name="미나", bio="북쪽 바다가 보이는 마을에서 자랐어요.")
        for link in artist.links:
            link.label = "미나 후원하기"
        series = site.series(artist, slug="gang", title="강")
        series.language = "ko"
        series.summary = "강을 건넌 가족의 이야기."
        db.session.commit()
        site.episode(series, title="첫 번째 밤")
        site.episode(series, title="두 번째 밤")
    return app


class Alternates(HTMLParser):
    """The <link rel="alternate" hreflang> of a page, and its language switch."""

    def __init__(self) -> None:
        super().__init__()
        self.alternates: dict[str, str] = {}
        self.switches: list[dict[str, str]] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "link" and values.get("rel") == "alternate" and "hreflang" in values:
            self.alternates[values["hreflang"]] = values["href"]
        elif tag == "a" and "language-switch" in values.get("class", "").split():
            self.switches.append(values)

    @classmethod
    def of(cls, page: str) -> Alternates:
        parser = cls()
        parser.feed(page)
        return parser


def fetch(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", [*PAGES, NOT_FOUND])
def test_each_page_in_each_language_points_at_the_other(korean_site: Flask, path: str) -> None:
    client = korean_site.test_client()
    status = 404 if path == NOT_FOUND else 200
    english_page, korean_page = fetch(client, path, status), fetch(client, "/ko" + path, status)
    english, korean = Alternates.of(english_page), Alternates.of(korean_page)
    assert (english.lang, korean.lang) == ("en", "ko")
    wanted = {"en": SITE + path, "ko": SITE + "/ko" + path, "x-default": SITE + path}
    assert english.alternates == wanted, path
    assert korean.alternates == wanted, path
    # A visible switch to this very page in the other language, named in that language.
    assert [(a["href"], a["hreflang"]) for a in english.switches] == [("/ko" + path, "ko")]
    assert [(a["href"], a["hreflang"]) for a in korean.switches] == [(path, "en")]
    assert "한국어" in english_page and "English" in korean_page


@pytest.mark.parametrize("path", [*PAGES, NOT_FOUND])
def test_a_korean_page_leaves_no_interface_words_in_english(korean_site: Flask, path: str) -> None:
    client = korean_site.test_client()
    text = VisibleText.of(fetch(client, "/ko" + path, 404 if path == NOT_FOUND else 200))
    assert re.search("[가-힣]", text)
    assert english_left(text, interface_words()) == [], path


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_in_each_language(korean_site: Flask, path: str) -> None:
    client = korean_site.test_client()
    english, korean = fetch(client, path), fetch(client, "/ko" + path)
    assert SITE + "/ko/series/gang/1/" in korean and SITE + "/ko/series/gang/1/" not in english
    # The feed's text, and the HTML each entry carries (escaped inside it), as a reader sees them.
    text = VisibleText.of(html.unescape(VisibleText.of(korean)))
    assert "1화" in text or "첫 번째 밤" in text
    assert english_left(text, interface_words()) == [], path


def test_the_sitemap_lists_both_languages(korean_site: Flask) -> None:
    client = korean_site.test_client()
    index = fetch(client, "/sitemap.xml")
    assert fetch(client, "/ko/sitemap.xml") == index or "/ko/" in fetch(client, "/ko/sitemap.xml")
    pages = "".join(fetch(client, url.removeprefix(SITE)) for url in re.findall(r"<loc>([^<]+)</loc>", index))
    assert f"{SITE}/ko/series/gang/" in pages and f"{SITE}/series/gang/" in pages


def test_the_korean_home_without_its_slash_is_redirected_and_there_is_no_english_prefix(korean_site: Flask) -> None:
    client = korean_site.test_client()
    response = client.get("/ko")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/ko/")
    assert client.get("/ko?x=1").headers["Location"].endswith("/ko/?x=1")
    assert client.get("/en/").status_code == 404
    assert client.get("/en/series/gang/").status_code == 404


def test_the_visible_text_leaves_out_scripts_and_other_languages() -> None:
    page = (
        '<html lang="ko"><head><title>검색</title><script>var Search = 1;</script></head><body>'
        '<a lang="en" hreflang="en">English <b>Search</b></a><p>다음<br>Next page</p></body></html>'
    )
    assert VisibleText.of(page) == "검색 다음 Next page"
    assert english_left(VisibleText.of(page), {"Next page", "Search"}) == ["Next page"]
