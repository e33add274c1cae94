"""RSS and Atom feeds: they parse cleanly and list only published episodes, newest first, with thumbnails."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from flask.testing import FlaskClient

from comics.clock import utcnow
from comics.models import EpisodeStatus
from extensions import db
from tests.conftest import SiteBuilder, make_test_app

FORMATS = ("rss", "atom")


def parse(client: FlaskClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == {"rss": "application/rss+xml", "atom": "application/atom+xml"}[path.rsplit(".", 1)[1]]
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    return parsed


def titles(parsed: feedparser.FeedParserDict) -> list[str]:
    return [entry.title for entry in parsed.entries]


def build_catalogue(site: SiteBuilder) -> None:
    """Two artists; published, draft, scheduled and returned episodes, published at distinct times."""
    mina = site.artist()
    river = site.series(mina)
    hill = site.series(mina, slug="hill", title="Hill")
    jun = site.artist(slug="jun", name="Jun")
    sea = site.series(jun, slug="sea", title="Sea")
    start = utcnow() - timedelta(days=10)
    for offset, (series, title) in enumerate([(river, "R one"), (sea, "S one"), (river, "R two"), (hill, "H one"), (sea, "S two")]):
        episode = site.episode(series, panels=1, title=title)
        episode.published_at = start + timedelta(days=offset)
    site.episode(river, panels=1, title="R draft", publish=False)
    scheduled = site.episode(river, panels=1, title="R scheduled")
    scheduled.published_at = utcnow() + timedelta(days=1)
    returned = site.episode(sea, panels=1, title="S returned")
    returned.status = EpisodeStatus.RETURNED
    db.session.commit()


@pytest.mark.parametrize("format", FORMATS)
def test_site_feed_lists_published_episodes_newest_first(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    build_catalogue(site)
    parsed = parse(client, f"/feed.{format}")
    assert titles(parsed) == [
        "Sea · Episode 2: S two",
        "Hill · Episode 1: H one",
        "River · Episode 2: R two",
        "Sea · Episode 1: S one",
        "River · Episode 1: R one",
    ]
    assert parsed.feed.title == "Free Lines"
    assert parsed.feed.link == "http://localhost/"
    published = [entry.published_parsed for entry in parsed.entries]
    assert published == sorted(published, reverse=True)


@pytest.mark.parametrize("format", FORMATS)
def test_series_feed_lists_only_that_series(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    build_catalogue(site)
    parsed = parse(client, f"/series/river/feed.{format}")
    assert titles(parsed) == ["Episode 2: R two", "Episode 1: R one"]
    assert parsed.feed.link == "http://localhost/series/river/"
    assert parsed.feed.title.startswith("River")


@pytest.mark.parametrize("format", FORMATS)
def test_artist_feed_lists_every_series_of_the_artist(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    build_catalogue(site)
    assert titles(parse(client, f"/artists/mina/feed.{format}")) == [
        "Hill · Episode 1: H one",
        "River · Episode 2: R two",
        "River · Episode 1: R one",
    ]
    assert titles(parse(client, f"/artists/jun/feed.{format}")) == ["Sea · Episode 2: S two", "Sea · Episode 1: S one"]


@pytest.mark.parametrize("format", FORMATS)
def test_entries_link_to_the_episode_with_an_absolute_thumbnail(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    artist = site.artist()
    episode = site.episode(site.series(artist), panels=2, title="The crossing")
    episode.author_note = "Thank you for **reading**."
    db.session.commit()
    entry = parse(client, f"/feed.{format}").entries[0]
    assert entry.link == "http://localhost/series/river/1/"
    assert entry.id == "http://localhost/series/river/1/"
    assert entry.author == "Mina"
    thumbnail = entry.media_thumbnail[0]["url"]
    assert re.fullmatch(r"http://localhost/media/[0-9a-f]{2}/[0-9a-f]{32}\.jpg", thumbnail)
    if format == "rss":
        enclosure = entry.enclosures[0]
        assert enclosure.href == thumbnail and enclosure.type == "image/jpeg" and int(enclosure.length) > 0
    else:
        # One link, the episode page: feedgen would drop an Atom enclosure's rel (see comics.discovery.feeds).
        assert [link.href for link in entry.links] == ["http://localhost/series/river/1/"]
    html = entry.content[0].value if format == "atom" else entry.description
    assert re.search(rf'<img [^>]*src="{re.escape(thumbnail)}"', html)
    assert "<strong>reading</strong>" in html
    # The thumbnail is served to feed readers like any public image.
    with client.get(thumbnail.removeprefix("http://localhost")) as image:
        assert image.status_code == 200


@pytest.mark.parametrize("format", FORMATS)
def test_awkward_titles_still_parse(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    artist = site.artist(name="Mina <b>& co</b>")
    series = site.series(artist, title="River ]]> & <script>")
    episode = site.episode(series, panels=1, title="Vertical\x0btab, bell\x07, and \u2028 line")
    episode.author_note = "<script>alert(1)</script> ]]> &amp;"
    db.session.commit()
    for path in (f"/feed.{format}", f"/series/river/feed.{format}", f"/artists/mina/feed.{format}"):
        parsed = parse(client, path)
        assert parsed.entries[0].title.startswith(("River ]]> & · Episode 1: Vertical", "Episode 1: Vertical"))
        html = parsed.entries[0].content[0].value if format == "atom" else parsed.entries[0].description
        assert "<script>" not in html


@pytest.mark.parametrize("format", FORMATS)
def test_titles_and_names_are_plain_text_escaped_once(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    # Feed readers that render <title> or <dc:creator> as HTML must find no markup in them to run.
    artist = site.artist(name="<b>Mina</b> & <script>x</script>")
    series = site.series(artist, title="River &lt;img src=x onerror=alert(1)&gt;")
    site.episode(series, panels=1, title="<b>Hi</b> & <script>x</script> <i")
    db.session.commit()
    xml = client.get(f"/feed.{format}").get_data(as_text=True)
    namespaces = {"atom": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/"}
    root = ElementTree.fromstring(xml)
    if format == "rss":
        item = root.find("channel/item")
        assert item is not None
        title, creators = item.findtext("title"), [item.findtext("dc:creator", namespaces=namespaces)]
    else:
        entry = root.find("atom:entry", namespaces)
        assert entry is not None
        title, creators = entry.findtext("atom:title", namespaces=namespaces), [entry.findtext("atom:author/atom:name", namespaces=namespaces)]
    assert title == "River · Episode 1: Hi & x i"
    assert creators == ["Mina & x"]
    # Escaped once, as XML requires: no "&lt;" left for a reader to turn back into a tag.
    assert re.search(r"<title[^>]*>River · Episode 1: Hi &amp; x i</title>", xml)
    assert re.search(r"<(dc:creator|name)>Mina &amp; x</(dc:creator|name)>", xml)


def test_feeds_of_unknown_or_unpublished_things_are_not_found(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1, publish=False)
    for path in ("/series/river/feed.rss", "/series/nowhere/feed.atom", "/artists/nobody/feed.rss", "/feed.json", "/feed.rss2", "/series/river/feed.xml"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("format", FORMATS)
def test_empty_feeds_parse(client: FlaskClient, site: SiteBuilder, format: str) -> None:
    site.artist()
    assert titles(parse(client, f"/feed.{format}")) == []
    # An artist with no public work has no public profile, so no feed to give their name away.
    assert client.get(f"/artists/mina/feed.{format}").status_code == 404


def test_feeds_list_a_scheduled_episode_once_its_time_comes(client: FlaskClient, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series, panels=1, title="Now")
    later = site.episode(series, panels=1, title="Later")
    later.published_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert titles(parse(client, "/series/river/feed.rss")) == ["Episode 1: Now"]
    later.published_at = utcnow()
    db.session.commit()
    assert titles(parse(client, "/series/river/feed.rss")) == ["Episode 2: Later", "Episode 1: Now"]


def test_feed_length_is_configured(app, client: FlaskClient, site: SiteBuilder) -> None:
    app.config["FEED_LENGTH"] = 2
    series = site.series()
    for number in range(3):
        site.episode(series, panels=1, title=f"E{number}")
    assert titles(parse(client, "/series/river/feed.atom")) == ["Episode 3: E2", "Episode 2: E1"]


def test_feeds_render_the_same_bytes_until_something_is_published(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    assert client.get("/feed.rss").data == client.get("/feed.rss").data
    assert client.get("/feed.atom").data == client.get("/feed.atom").data


def test_pages_announce_their_feeds(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    expected = {
        "/": ["/feed.rss", "/feed.atom"],
        "/series/river/": ["/feed.rss", "/feed.atom", "/series/river/feed.rss", "/series/river/feed.atom"],
        "/series/river/1/": ["/feed.rss", "/feed.atom", "/series/river/feed.rss", "/series/river/feed.atom"],
        "/artists/mina/": ["/feed.rss", "/feed.atom", "/artists/mina/feed.rss", "/artists/mina/feed.atom"],
    }
    for path, feeds in expected.items():
        page = client.get(path).get_data(as_text=True)
        found = re.findall(r'<link rel="alternate" type="application/(?:rss|atom)\+xml" title="[^"]+" href="([^"]+)">', page)
        assert found == feeds, path
        for feed in found:
            assert client.get(feed).status_code == 200


def test_site_url_makes_the_absolute_links(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, SITE_URL="https://freelines.example/")
    with app.app_context():
        SiteBuilder().episode(SiteBuilder().series(), panels=1)
        parsed = parse(app.test_client(), "/feed.atom")
    assert parsed.feed.link == "https://freelines.example/"
    assert parsed.entries[0].link == "https://freelines.example/series/river/1/"
    assert parsed.entries[0].media_thumbnail[0]["url"].startswith("https://freelines.example/media/")


@pytest.mark.parametrize("site_url", ["freelines.example", "ftp://freelines.example", "https://freelines.example/comics", "https://freelines.example/?x=1", "https://"])
def test_a_bad_site_url_stops_the_app_with_a_reason(tmp_path: Path, site_url: str) -> None:
    with pytest.raises(ValueError, match="SITE_URL must be the site's scheme and host only"):
        make_test_app(tmp_path, SITE_URL=site_url)


def test_cached_feeds_show_a_new_episode_at_once(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, CACHE_TYPE="SimpleCache")
    with app.app_context():
        client = app.test_client()
        series = SiteBuilder().series()
        SiteBuilder().episode(series, panels=1, title="First")
        assert titles(parse(client, "/series/river/feed.atom")) == ["Episode 1: First"]
        hit = client.get("/series/river/feed.atom")
        assert hit.headers.get("X-Page-Cache") == "HIT" and hit.mimetype == "application/atom+xml"
        assert feedparser.parse(hit.data).bozo == 0
        SiteBuilder().episode(series, panels=1, title="Second")
        assert titles(parse(client, "/series/river/feed.atom")) == ["Episode 2: Second", "Episode 1: First"]
