"""The OPDS catalogue walked as a comic app walks it: root, series, a series' feed, an entry's CBZ and pages."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from comics.catalogue import create_episode, create_version
from comics.clock import utcnow
from comics.editions.jpeg import is_baseline
from comics.images.ingest import Upload
from comics.models import Episode, Series
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png

ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
CBZ = "application/vnd.comicbook+zip"
PSE = "http://vaemendis.net/opds-pse/stream"


def fetch(client: FlaskClient, url: str, status: int = 200) -> Any:
    """GET a URL of the catalogue (absolute, as the feeds give them) and return the response."""
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response


def feed(client: FlaskClient, url: str) -> Any:
    response = fetch(client, url)
    assert response.headers["Content-Type"].startswith("application/atom+xml;profile=opds-catalog")
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def link(item: Any, rel: str, type: str | None = None) -> dict[str, str]:
    found = [each for each in item.links if each.get("rel") == rel and (type is None or each.get("type") == type)]
    assert found, (rel, item.links)
    return dict(found[0])


def publish_korean(original: Episode, panels: int = 3, publish: bool = True) -> Episode:
    uploads = [Upload(f"{i}.png", panel_png(label=f"ko{i}"), alt_text=f"{i}번째 컷") for i in range(1, panels + 1)]
    version, _ = create_version(original, "ko", "첫 번째 밤", uploads, translator="김하늘", publish_at=utcnow() if publish else None)
    return version


def scheduled(series: Series) -> Episode:
    episode, _ = create_episode(series, "Tomorrow", [Upload("1.png", panel_png())], publish_at=utcnow() + timedelta(days=1))
    return episode


def entry_titled(parsed: Any, words: str) -> Any:
    matches = [entry for entry in parsed.entries if words in entry.title]
    assert len(matches) == 1, [entry.title for entry in parsed.entries]
    return matches[0]


def test_a_comic_app_walks_from_the_root_to_an_episode(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    site.episode(site.series(), panels=3, title="The first night")
    root = feed(client, "/opds/")
    # With its charset, so a browser showing the raw catalogue reads Korean as Korean.
    assert fetch(client, "/opds/").headers["Content-Type"] == f"{NAVIGATION};charset=utf-8"
    assert fetch(client, "/ko/opds/").headers["Content-Type"] == f"{NAVIGATION};charset=utf-8"
    assert {entry.title for entry in root.entries} >= {"Latest episodes", "All series", "English", "한국어"}
    assert link(root.feed, "search")["type"] == "application/opensearchdescription+xml"

    series_list = feed(client, link(entry_titled(root, "All series"), "subsection")["href"])
    series_feed = feed(client, link(entry_titled(series_list, "River"), "subsection", ACQUISITION)["href"])
    entry = entry_titled(series_feed, "The first night")
    assert entry.id.startswith("urn:uuid:") and entry.author == "Mina" and entry.updated
    assert entry.dcterms_language == "en" and entry.summary == "The summary of River."
    assert link(entry, "http://opds-spec.org/image")["type"] == "image/jpeg"
    assert link(entry, "http://opds-spec.org/image/thumbnail")["type"] == "image/jpeg"

    download = fetch(client, link(entry, "http://opds-spec.org/acquisition/open-access", CBZ)["href"])
    assert download.mimetype == CBZ and download.headers["ETag"]
    assert "filename*=UTF-8''river-001-en.cbz" in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert archive.namelist() == ["0001.jpg", "0002.jpg", "0003.jpg", "ComicInfo.xml"]
        info = ElementTree.fromstring(archive.read("ComicInfo.xml"))
    assert info.findtext("PageCount") == "3" and info.findtext("Title") == "The first night"

    # A download cut off on a slow connection resumes from where it stopped.
    href = link(entry, "http://opds-spec.org/acquisition/open-access", CBZ)["href"]
    assert download.headers["Accept-Ranges"] == "bytes"
    rest = client.get(href, headers={"Range": "bytes=100-"})
    assert rest.status_code == 206 and rest.data == download.data[100:]
    assert rest.headers["Content-Range"] == f"bytes 100-{len(download.data) - 1}/{len(download.data)}"
    beyond = client.get(href, headers={"Range": f"bytes={len(download.data) + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(download.data)}"
    again = client.get(download.request.path, headers={"If-None-Match": download.headers["ETag"]})
    assert again.status_code == 304

    stream = link(entry, PSE, "image/jpeg")
    assert "{pageNumber}" in stream["href"] and "{maxWidth}" in stream["href"]
    assert stream["pse:count"] == "3"
    page = fetch(client, stream["href"].replace("{pageNumber}", "0").replace("{maxWidth}", "500"))
    assert page.mimetype == "image/jpeg" and is_baseline(page.data)
    # The test app's named widths are 320 and 640: 500 is answered at 320, never at 500.
    assert Image.open(io.BytesIO(page.data)).width == 320


@pytest.mark.parametrize(("asked", "sent"), [(100, 240), (239, 240), (240, 240), (319, 240), (320, 320), (500, 320), (5000, 400)])
def test_max_width_is_honoured_down_to_the_floor(
    app: Flask, site: SiteBuilder, client: FlaskClient, asked: int, sent: int
) -> None:
    """Below the narrowest named width (320 in tests), maxWidth is rounded down to 80 px steps, never below 240; never upscaled past the 400 px master."""
    episode = site.episode(site.series(), panels=1)
    page = fetch(client, f"/opds/pages/{episode.id}/en/0?maxWidth={asked}")
    assert is_baseline(page.data) and Image.open(io.BytesIO(page.data)).width == sent


def test_opensearch_description_and_a_search(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    series = site.series(slug="lantern", title="The Lantern Road")
    site.episode(series, title="A river crossing")
    description = fetch(client, "/opds/search.xml")
    assert description.headers["Content-Type"] == "application/opensearchdescription+xml;charset=utf-8"
    url = ElementTree.fromstring(description.data).find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert url is not None and url.get("type") == ACQUISITION
    template = url.get("template", "")
    assert template.endswith("/opds/search?q={searchTerms}")
    found = feed(client, template.replace("{searchTerms}", "crossing"))
    assert [entry.title for entry in found.entries] == ["The Lantern Road · Episode 1: A river crossing"]
    assert feed(client, template.replace("{searchTerms}", "nothinglikethis")).entries == []


def test_the_korean_opensearch_description_is_in_korean(client: FlaskClient) -> None:
    korean = ElementTree.fromstring(fetch(client, "/ko/opds/search.xml").data)
    assert korean.findtext("{http://a9.com/-/spec/opensearch/1.1/}Description") == "Free Lines의 회차 검색"
    assert korean.findtext("{http://a9.com/-/spec/opensearch/1.1/}Language") == "ko"


def test_the_manifest_lists_the_panels_in_reading_order(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    site.episode(site.series(), panels=2, title="The first night")
    response = fetch(client, "/series/river/1/manifest.json")
    assert response.mimetype == "application/webpub+json"
    manifest = response.get_json()
    metadata = manifest["metadata"]
    assert metadata["@type"] == "http://schema.org/ComicStory"
    assert metadata["conformsTo"] == "https://readium.org/webpub-manifest/profiles/divina"
    assert (metadata["title"], metadata["author"], metadata["language"]) == ("The first night", "Mina", "en")
    assert metadata["presentation"]["overflow"] == "scrolled"
    assert metadata["layout"] == "scrolled"  # where the Divina profile reads it: a webtoon, not pages
    assert manifest["links"][0] == {"rel": "self", "href": "http://localhost/series/river/1/manifest.json", "type": "application/webpub+json"}
    order = manifest["readingOrder"]
    assert [item["type"] for item in order] == ["image/jpeg", "image/jpeg"]
    first = fetch(client, order[0]["href"])
    assert Image.open(io.BytesIO(first.data)).size == (order[0]["width"], order[0]["height"])


def test_korean_catalogue_lists_the_korean_version(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    series = site.series()
    translated = site.episode(series, panels=2, title="The first night")
    site.episode(series, panels=2, title="The second night")
    publish_korean(translated, panels=3)
    korean = feed(client, "/ko/opds/series/river/")
    entry = entry_titled(korean, "첫 번째 밤")
    assert entry.dcterms_language == "ko"
    assert "/ko/series/river/1/episode.cbz" in link(entry, "http://opds-spec.org/acquisition/open-access")["href"]
    assert entry_titled(korean, "The second night").dcterms_language == "en"  # no Korean version: the original
    assert all(entry.dcterms_language in ("ko", "en") for entry in feed(client, "/ko/opds/latest/").entries)
    assert entry_titled(feed(client, "/ko/opds/latest/"), "첫 번째 밤")
    download = fetch(client, "/ko/series/river/1/episode.cbz")
    assert "river-001-ko.cbz" in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        info = ElementTree.fromstring(archive.read("ComicInfo.xml"))
    assert (info.findtext("LanguageISO"), info.findtext("PageCount"), info.findtext("Title")) == ("ko", "3", "첫 번째 밤")
    assert fetch(client, "/ko/series/river/1/manifest.json").get_json()["metadata"]["language"] == "ko"
    # The English catalogue keeps the original.
    assert entry_titled(feed(client, "/opds/series/river/"), "The first night").dcterms_language == "en"


def test_a_draft_is_in_no_feed_manifest_or_download(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    series = site.series()
    site.episode(series, title="Out now")
    draft = site.episode(series, title="Still a draft", publish=False)
    for url in ("/opds/latest/", "/opds/series/river/", "/opds/search?q=draft", "/ko/opds/latest/"):
        assert "Still a draft" not in fetch(client, url).get_data(as_text=True), url
    fetch(client, "/series/river/2/episode.cbz", 404)
    fetch(client, "/series/river/2/manifest.json", 404)
    fetch(client, f"/opds/pages/{draft.id}/en/0", 404)


def test_a_scheduled_episode_is_in_no_feed_manifest_or_download(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    series = site.series()
    site.episode(series, title="Out now")
    later = scheduled(series)
    for url in ("/opds/latest/", "/opds/series/river/", "/opds/search?q=tomorrow"):
        assert "Tomorrow" not in fetch(client, url).get_data(as_text=True), url
    fetch(client, "/series/river/2/episode.cbz", 404)
    fetch(client, "/series/river/2/manifest.json", 404)
    fetch(client, f"/opds/pages/{later.id}/en/0", 404)
    # A series whose only episode is scheduled is not in the catalogue at all.
    scheduled(site.series(series.artist, slug="soon", title="Soon"))
    assert "Soon" not in fetch(client, "/opds/series/").get_data(as_text=True)
    fetch(client, "/opds/series/soon/", 404)


def test_a_draft_version_is_never_served(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    original = site.episode(site.series(), title="The first night")
    publish_korean(original, publish=False)
    assert "첫 번째 밤" not in fetch(client, "/ko/opds/series/river/").get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(fetch(client, "/ko/series/river/1/episode.cbz").data)) as archive:
        assert ElementTree.fromstring(archive.read("ComicInfo.xml")).findtext("LanguageISO") == "en"
    fetch(client, f"/opds/pages/{original.id}/ko/0", 404)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/opds/pages/{id}/en/2", 404, "This episode has 2 pages, numbered from 0 to 1; there is no page 2."),
        ("/opds/pages/{id}/en/0?maxWidth=wide", 400, "maxWidth must be a whole number of pixels"),
        ("/opds/pages/{id}/en/0?maxWidth=-5", 400, "maxWidth must be a whole number of pixels"),
        ("/opds/pages/{id}/en/x", 404, ""),
        ("/opds/pages/{id}/xx/0", 404, ""),
        ("/opds/series/nowhere/", 404, ""),
        ("/series/nowhere/1/episode.cbz", 404, ""),
        ("/series/river/9/episode.cbz", 404, ""),
        ("/series/nowhere/1/manifest.json", 404, ""),
        ("/opds/search", 400, "Give words to search for"),
        ("/opds/search?q=" + "a" * 300, 400, "at most 200 characters"),
    ],
)
def test_bad_requests_get_a_clear_answer_and_change_nothing(
    app: Flask, site: SiteBuilder, client: FlaskClient, path: str, status: int, message: str
) -> None:
    episode = site.episode(site.series())
    before = (db.session.scalar(select(func.count(Episode.id))), episode.status)
    response = fetch(client, path.format(id=episode.id), status)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.scalar(select(func.count(Episode.id))), episode.status) == before


def test_pages_link_the_catalogue_and_the_download(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    site.episode(site.series())
    home = fetch(client, "/").get_data(as_text=True)
    assert f'type="{NAVIGATION}"' in home and 'href="/opds/"' in home
    assert 'href="/ko/opds/"' in fetch(client, "/ko/").get_data(as_text=True)
    assert 'href="/series/river/1/episode.cbz"' in fetch(client, "/series/river/1/").get_data(as_text=True)
    assert 'href="/ko/series/river/1/episode.cbz"' in fetch(client, "/ko/series/river/1/").get_data(as_text=True)
    assert "episode.cbz" in fetch(client, "/series/river/").get_data(as_text=True)


def test_the_cbz_is_built_once_per_content_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from comics.editions import downloads

    app = make_test_app(tmp_path, CACHE_TYPE="SimpleCache")
    builds: list[str] = []
    real_build = downloads.build_cbz

    def counting_build(*args: Any, **kwargs: Any) -> bytes:
        builds.append("built")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(downloads, "build_cbz", counting_build)
    with app.app_context():
        episode = SiteBuilder().episode(SiteBuilder().series(), title="The first night")
        client = app.test_client()
        first = fetch(client, "/series/river/1/episode.cbz").data
        assert fetch(client, "/series/river/1/episode.cbz").data == first and builds == ["built"]
        episode.title = "The first night, redrawn"
        db.session.commit()  # a change replaces the content version: the next download is built afresh
        with zipfile.ZipFile(io.BytesIO(fetch(client, "/series/river/1/episode.cbz").data)) as archive:
            assert ElementTree.fromstring(archive.read("ComicInfo.xml")).findtext("Title") == "The first night, redrawn"
        assert builds == ["built", "built"]


def test_covers_and_thumbnails_are_baseline_like_the_pages(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    """The site's JPEG renditions are progressive; what the catalogue links to is baseline, at the sizes it states."""
    from comics.site_images import store_image

    series = site.series()
    series.cover = store_image(Image.open(io.BytesIO(panel_png(width=700, height=400))))
    db.session.commit()
    site.episode(series, title="The first night")
    links = [
        *feed(client, "/opds/series/").entries,
        *feed(client, "/opds/series/river/").entries,
        *feed(client, "/opds/latest/").entries,
    ]
    found = 0
    for entry in links:
        for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
            href = link(entry, rel, "image/jpeg")["href"]
            answer = fetch(client, href)
            assert answer.mimetype == "image/jpeg" and is_baseline(answer.data), href
            found += 1
    assert found == 6
    thumbnail = link(feed(client, "/opds/series/").entries[0], "http://opds-spec.org/image/thumbnail")["href"]
    assert Image.open(io.BytesIO(fetch(client, thumbnail).data)).width == 320


@pytest.mark.parametrize("path", ["/opds/images/{digest}/999.jpg", "/opds/images/{digest}0/320.jpg", "/opds/images/NOT-HEX/320.jpg"])
def test_a_baseline_image_at_an_unknown_width_or_of_no_image_is_a_404(
    app: Flask, site: SiteBuilder, client: FlaskClient, path: str
) -> None:
    episode = site.episode(site.series())
    assert episode.thumbnail is not None
    digest = episode.thumbnail.master.rsplit("/", 1)[-1].removesuffix(".png")
    fetch(client, path.format(digest=digest), 404)


def walk(client: FlaskClient, url: str) -> list[str]:
    """Walk a paged feed as an app does, from its first page by its next links, checking each page's
    first, previous, next and last links; return every entry's title, in order."""
    titles: list[str] = []
    pages: list[str] = []
    while url:
        page = feed(client, url)
        pages.append(link(page.feed, "self")["href"])
        titles.extend(entry.title for entry in page.entries)
        rels = {each["rel"]: each["href"] for each in page.feed.links}
        assert rels["first"] == pages[0]
        assert rels.get("previous") == (pages[-2] if len(pages) > 1 else None)
        assert all(each["type"] == ACQUISITION for each in page.feed.links if each["rel"] in ("first", "previous", "next", "last"))
        url = rels.get("next", "")
        if not url:
            assert rels["last"] == pages[-1]
    # Back from the last page by the previous links, to the first again.
    back, url = [], pages[-1]
    while url:
        back.append(url)
        url = next((each["href"] for each in feed(client, url).feed.links if each["rel"] == "previous"), "")
    assert back == pages[::-1]
    return titles


@pytest.mark.parametrize(
    ("start", "setting"),
    [("/opds/latest/", "FEED_LENGTH"), ("/opds/series/lantern/", "SERIES_PAGE_SIZE"), ("/opds/search?q=lantern", "SEARCH_RESULTS")],
)
def test_an_app_walks_every_page_of_a_long_feed_to_every_episode(
    app: Flask, site: SiteBuilder, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, start: str, setting: str
) -> None:
    from comics.editions import opds

    app.config["FEED_LENGTH"] = 2
    monkeypatch.setattr(opds, "SERIES_PAGE_SIZE", 2)
    monkeypatch.setattr(opds, "SEARCH_RESULTS", 2)
    series = site.series(slug="lantern", title="The Lantern Road")
    for number in range(1, 6):
        site.episode(series, panels=1, title=f"Night {number}")
    titles = walk(client, start)
    assert sorted(titles) == [f"The Lantern Road · Episode {n}: Night {n}" for n in range(1, 6)]
    assert len(titles) == 5
    third = feed(client, start + ("&" if "?" in start else "?") + "page=3")
    assert len(third.entries) == 1 and {each["rel"] for each in third.feed.links} >= {"first", "previous", "last"}
    assert "next" not in {each["rel"] for each in third.feed.links}


def test_a_short_feed_is_one_page_that_says_so(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    site.episode(site.series())
    for url in ("/opds/latest/", "/ko/opds/latest/", "/opds/series/river/", "/opds/search?q=river", "/opds/search?q=nothinglikethis"):
        parsed = feed(client, url)
        rels = {each["rel"]: each["href"] for each in parsed.feed.links}
        assert rels["first"] == rels["last"] == rels["self"] and "next" not in rels and "previous" not in rels, url


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/ko/opds/latest/?page=0", 400, "page에는 2처럼 1 이상의 정수를 넣어 주세요. 받은 값: “0”"),
        ("/ko/opds/latest/?page=2", 404, "이 피드의 페이지 번호는 1부터 1까지예요. 2번 페이지는 없어요."),
        ("/ko/opds/pages/{id}/en/2", 404, "이 회차의 페이지 번호는 0부터 1까지예요(모두 2페이지). 2번 페이지는 없어요."),
        ("/ko/opds/pages/{id}/en/0?maxWidth=wide", 400, "maxWidth에는 800처럼 픽셀 수를 정수로 넣어 주세요. 받은 값: “wide”"),
        ("/ko/opds/search", 400, "검색할 낱말을 넣어 주세요."),
    ],
)
def test_a_korean_catalogue_refuses_in_korean(app: Flask, site: SiteBuilder, client: FlaskClient, path: str, status: int, message: str) -> None:
    episode = site.episode(site.series())
    response = fetch(client, path.format(id=episode.id), status)
    assert response.mimetype == "text/plain" and message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=0", 400, "page must be a whole number from 1, such as 2; not “0”."),
        ("page=two", 400, "page must be a whole number from 1"),
        ("page=-1", 400, "page must be a whole number from 1"),
        ("page=1.5", 400, "page must be a whole number from 1"),
        ("page=9999999", 400, "page must be a whole number from 1"),
        ("page=2", 404, "This feed's pages are numbered from 1 to 1; there is no page 2."),
    ],
)
@pytest.mark.parametrize("path", ["/opds/latest/", "/opds/series/river/", "/opds/search?q=river"])
def test_a_bad_page_number_gets_a_clear_answer_and_changes_nothing(
    app: Flask, site: SiteBuilder, client: FlaskClient, path: str, query: str, status: int, message: str
) -> None:
    episode = site.episode(site.series())
    before = (db.session.scalar(select(func.count(Episode.id))), episode.status)
    response = fetch(client, path + ("&" if "?" in path else "?") + query, status)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.scalar(select(func.count(Episode.id))), episode.status) == before
