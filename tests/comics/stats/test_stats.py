"""Privacy-preserving counts: once per view and click, per day, buffered, with nothing about readers."""
from __future__ import annotations

import logging
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, func, inspect, select, text

from artists.accounts.services.sessions import open_session
from artists.accounts.services.users import create_user
from artists.models import Role, User
from comics.clock import utcnow
from comics.models import EpisodeStatus
from comics.stats import counting
from comics.stats.charts import Line, axis_ticks, line_chart, sparkline
from comics.stats.counting import flush_stats, is_declared_robot, stats_buffer
from comics.stats.models import EpisodeDailyViews, LinkDailyClicks
from comics.stats.report import build_stats_report
from extensions import db
from tests.conftest import SiteBuilder, make_test_app
from tests.studio_support import make_account

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
READER_ADDRESS = "203.0.113.77"


def read(client: FlaskClient, path: str, user_agent: str = BROWSER, **headers: str):
    return client.get(path, headers={"User-Agent": user_agent, **headers}, environ_base={"REMOTE_ADDR": READER_ADDRESS})


def views(episode_id: int | None = None) -> int:
    query = select(func.coalesce(func.sum(EpisodeDailyViews.views), 0))
    if episode_id is not None:
        query = query.where(EpisodeDailyViews.episode_id == episode_id)
    return db.session.execute(query).scalar_one()


# --- counting --------------------------------------------------------------------------------------


def test_each_view_counts_once(client: FlaskClient, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)
    read(client, "/series/river/1/")
    assert views(episode.id) == 1
    read(client, "/series/river/1/")
    read(client, "/series/river/1/?utm_source=elsewhere")
    assert views(episode.id) == 3
    row = db.session.scalars(select(EpisodeDailyViews)).one()
    assert row.day == utcnow().date() and row.views == 3


def test_views_are_counted_per_episode(client: FlaskClient, site: SiteBuilder) -> None:
    series = site.series()
    first, second = site.episode(series, panels=1), site.episode(series, panels=1)
    read(client, "/series/river/1/")
    read(client, "/series/river/2/")
    read(client, "/series/river/2/")
    assert (views(first.id), views(second.id)) == (1, 2)


def test_other_pages_are_not_counted_as_episode_views(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    for path in ("/", "/series/river/", "/artists/mina/", "/feed.rss", "/search?q=river"):
        read(client, path)
    assert views() == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "TelegramBot (like TwitterBot)",
        "WhatsApp/2.23.20.0 A",
        "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
        "ia_archiver (+http://www.alexa.com/site/help/webmasters)",
        "Feedly/1.0 (+http://www.feedly.com/fetcher.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
        "Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)",
        "curl/8.5.0",
        "Wget/1.21",
        "python-requests/2.32",
        "Go-http-client/2.0",
        "",
    ],
)
def test_declared_robots_are_not_counted(client: FlaskClient, site: SiteBuilder, user_agent: str) -> None:
    site.episode(site.series(), panels=1)
    assert read(client, "/series/river/1/", user_agent=user_agent).status_code == 200
    assert views() == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        BROWSER,
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "Mozilla/5.0 (Linux; Android 10; Cubot Note 20 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0 Mobile Safari/537.36",
    ],
)
def test_browsers_are_counted(user_agent: str) -> None:
    assert not is_declared_robot(user_agent)


@pytest.mark.parametrize("headers", [{"Sec-Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"}, {"X-Moz": "prefetch"}])
def test_prefetches_are_not_counted(client: FlaskClient, site: SiteBuilder, headers: dict[str, str]) -> None:
    site.episode(site.series(), panels=1)
    assert read(client, "/series/river/1/", **headers).status_code == 200
    assert views() == 0


def test_head_requests_are_not_counted(client: FlaskClient, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    client.head("/series/river/1/", headers={"User-Agent": BROWSER})
    assert views() == 0


def test_pages_readers_cannot_see_are_not_counted(client: FlaskClient, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series, panels=1)
    draft = site.episode(series, panels=1, publish=False)
    scheduled = site.episode(series, panels=1)
    scheduled.published_at = utcnow() + timedelta(days=1)
    returned = site.episode(series, panels=1)
    returned.status = EpisodeStatus.RETURNED
    db.session.commit()
    for number in (2, 3, 4, 99):
        assert read(client, f"/series/river/{number}/").status_code == 404
    assert read(client, "/series/elsewhere/1/").status_code == 404
    assert views() == 0
    assert db.session.scalar(select(func.count()).select_from(EpisodeDailyViews)) == 0
    assert draft.id  # the draft exists; it simply has no readers


def test_no_reader_detail_is_stored_anywhere(client: FlaskClient, site: SiteBuilder) -> None:
    artist = site.artist()
    site.episode(site.series(artist), panels=1)
    marker_agent = BROWSER + " ReaderMarker/9.9"
    client.set_cookie("reader", "cookie-marker-value")
    for _ in range(2):
        read(client, "/series/river/1/", user_agent=marker_agent, Referer="https://referrer-marker.example/")
        read(client, f"/go/{artist.links[0].id}", user_agent=marker_agent)
    # The counting tables hold a key, a day and a number: nothing else could hold a reader's detail.
    assert [c["name"] for c in inspect(db.engine).get_columns("episode_daily_views")] == ["episode_id", "day", "views"]
    assert [c["name"] for c in inspect(db.engine).get_columns("link_daily_clicks")] == ["link_id", "day", "clicks"]
    # And no table anywhere holds the address, the user agent, the cookie or the referrer.
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                cells = " ".join(str(value) for value in row)
                for marker in (READER_ADDRESS, "ReaderMarker", "cookie-marker-value", "referrer-marker"):
                    assert marker not in cells, (table.name, marker)
    assert views() == 2
    assert db.session.scalar(select(func.sum(LinkDailyClicks.clicks))) == 2


def test_deleting_an_episode_deletes_its_counts(client: FlaskClient, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)
    read(client, "/series/river/1/")
    episode_id = episode.id
    db.session.delete(episode)
    db.session.commit()
    assert views(episode_id) == 0


# --- cached pages ----------------------------------------------------------------------------------


@pytest.fixture
def cached_app(tmp_path: Path):
    app = make_test_app(tmp_path, CACHE_TYPE="SimpleCache")
    with app.app_context():
        yield app


def test_views_served_from_the_page_cache_are_counted(cached_app: Flask) -> None:
    client = cached_app.test_client()
    episode = SiteBuilder().episode(SiteBuilder().series(), panels=1)
    first = read(client, "/series/river/1/")
    second = read(client, "/series/river/1/")
    assert first.headers.get("X-Page-Cache") == "MISS" and second.headers.get("X-Page-Cache") == "HIT"
    assert views(episode.id) == 2
    # A reader's browser revalidating its copy (304) is a reader opening the episode again.
    again = read(client, "/series/river/1/", **{"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304
    assert views(episode.id) == 3


# --- buffering -------------------------------------------------------------------------------------


@pytest.fixture
def buffered_app(tmp_path: Path):
    app = make_test_app(tmp_path, STATS_FLUSH_INTERVAL=3600, STATS_FLUSH_MAX_PENDING=5)
    with app.app_context():
        yield app


def count_statements(app: Flask) -> list[str]:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, statement, *args: statements.append(statement))
    return statements


def test_views_wait_in_memory_and_are_written_in_one_batch(buffered_app: Flask) -> None:
    client = buffered_app.test_client()
    series = SiteBuilder().series()
    first, second = SiteBuilder().episode(series, panels=1), SiteBuilder().episode(series, panels=1)
    statements = count_statements(buffered_app)
    for path in ("/series/river/1/", "/series/river/1/", "/series/river/2/", "/series/river/1/"):
        read(client, path)
    # Four views, no write: they wait in this process's memory.
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert views() == 0 and stats_buffer().pending == 4
    # The fifth reaches STATS_FLUSH_MAX_PENDING: one batch writes every count.
    read(client, "/series/river/2/")
    writes = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(writes) == 1 and "ON CONFLICT" in writes[0].upper()
    assert (views(first.id), views(second.id)) == (3, 2)
    assert stats_buffer().pending == 0


def test_batches_add_to_the_stored_counts(buffered_app: Flask) -> None:
    client = buffered_app.test_client()
    episode = SiteBuilder().episode(SiteBuilder().series(), panels=1)
    read(client, "/series/river/1/")
    flush_stats()
    read(client, "/series/river/1/")
    read(client, "/series/river/1/")
    flush_stats()
    assert views(episode.id) == 3
    assert db.session.scalar(select(func.count()).select_from(EpisodeDailyViews)) == 1


def test_the_interval_flushes_waiting_counts(buffered_app: Flask) -> None:
    client = buffered_app.test_client()
    episode = SiteBuilder().episode(SiteBuilder().series(), panels=1)
    read(client, "/series/river/1/")
    assert views(episode.id) == 0
    stats_buffer().last_flush -= 3601  # as if an hour had passed
    read(client, "/series/river/1/")
    assert views(episode.id) == 2


def test_a_failed_write_keeps_the_counts_for_the_next_batch(buffered_app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Alembic's fileConfig (tests/test_migrations.py) disables loggers that already exist.
    monkeypatch.setattr(logging.getLogger("comics.stats"), "disabled", False)
    client = buffered_app.test_client()
    episode = SiteBuilder().episode(SiteBuilder().series(), panels=1)
    read(client, "/series/river/1/")
    read(client, "/series/river/1/")
    real_write = counting._write_views

    def broken(connection: Connection, counts: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(counting, "_write_views", broken)
    flush_stats()
    assert "could not write" in caplog.text
    assert views(episode.id) == 0 and stats_buffer().pending == 2
    monkeypatch.setattr(counting, "_write_views", real_write)
    flush_stats()
    assert views(episode.id) == 2


def test_counts_for_an_episode_deleted_before_the_batch_are_dropped(buffered_app: Flask) -> None:
    client = buffered_app.test_client()
    episode = SiteBuilder().episode(SiteBuilder().series(), panels=1)
    read(client, "/series/river/1/")
    db.session.delete(episode)
    db.session.commit()
    flush_stats()
    assert db.session.scalar(select(func.count()).select_from(EpisodeDailyViews)) == 0


def test_waiting_counts_are_written_at_exit(buffered_app: Flask) -> None:
    client = buffered_app.test_client()
    episode = SiteBuilder().episode(SiteBuilder().series(), panels=1)
    read(client, "/series/river/1/")
    import weakref

    counting._flush_at_exit(weakref.ref(buffered_app))
    assert views(episode.id) == 1


# --- the artist's report and its chart -------------------------------------------------------------


def test_report_sums_views_and_clicks_per_day(app: Flask, site: SiteBuilder) -> None:
    artist = site.artist()
    series = site.series(artist)
    one, two = site.episode(series, panels=1, title="One"), site.episode(series, panels=1, title="Two")
    other_artist = site.artist(slug="jun", name="Jun")
    other = site.episode(site.series(other_artist, slug="sea", title="Sea"), panels=1)
    today = utcnow().date()
    link = artist.links[0]
    with db.engine.begin() as connection:
        connection.execute(EpisodeDailyViews.__table__.insert(), [
            {"episode_id": one.id, "day": today, "views": 5},
            {"episode_id": one.id, "day": today - timedelta(days=2), "views": 3},
            {"episode_id": two.id, "day": today, "views": 1},
            {"episode_id": one.id, "day": today - timedelta(days=40), "views": 100},  # outside the range
            {"episode_id": other.id, "day": today, "views": 50},  # someone else's
        ])
        connection.execute(LinkDailyClicks.__table__.insert(), [{"link_id": link.id, "day": today - timedelta(days=1), "clicks": 4}])
    report = build_stats_report(artist, days=30)
    assert len(report.days) == 30 and report.days[-1] == today
    assert {row.label: row.total for row in report.episodes} == {"River · 1. One": 8, "River · 2. Two": 1}
    row = next(row for row in report.episodes if row.total == 8)
    assert row.daily[-1] == 5 and row.daily[-3] == 3 and sum(row.daily) == 8
    assert report.total_views == 9 and report.total_clicks == 4
    assert report.links[0].label == "Support Mina" and report.links[0].daily[-2] == 4
    assert "example.org" in report.links[0].detail and "primary" in report.links[0].detail


def test_report_charts_are_svg_drawn_by_the_site(app: Flask, site: SiteBuilder) -> None:
    artist = site.artist()
    episode = site.episode(site.series(artist), panels=1, title="</title><script>alert(1)</script>")
    with db.engine.begin() as connection:
        connection.execute(EpisodeDailyViews.__table__.insert(), [{"episode_id": episode.id, "day": utcnow().date(), "views": 7}])
    report = build_stats_report(artist, days=7)
    for chart in (report.views_chart, report.clicks_chart):
        root = ElementTree.fromstring(str(chart))  # well-formed: the title is escaped, not markup
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img"
        assert "<script" not in str(chart) and "href" not in str(chart)
    polyline = ElementTree.fromstring(str(report.views_chart)).find(".//{http://www.w3.org/2000/svg}polyline")
    assert polyline is not None and len(polyline.get("points", "").split()) == 7
    ElementTree.fromstring(str(report.episodes[0].trend))


def test_line_chart_from_plain_data() -> None:
    days = [date(2025, 1, 1) + timedelta(days=offset) for offset in range(10)]
    svg = line_chart("Views & clicks <per day>", days, [Line("A", list(range(10))), Line("B", [3] * 10)])
    root = ElementTree.fromstring(svg)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "Views & clicks <per day>"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}polyline")) == 2
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "1 Jan" in texts and "10 Jan" in texts and "10" in texts  # axis top is a round number
    ElementTree.fromstring(line_chart("Empty", [], []))
    ElementTree.fromstring(sparkline([0, 0, 0], 'a "quoted" <label>'))
    assert axis_ticks(0) == [0, 1] and axis_ticks(1) == [0, 1] and axis_ticks(3) == [0, 1, 2, 3]
    assert axis_ticks(9) == [0, 5, 10] and axis_ticks(120) == [0, 50, 100, 150]
    assert axis_ticks(200) == [0, 50, 100, 150, 200] and axis_ticks(1644) == [0, 500, 1000, 1500, 2000]


# --- the studio page -------------------------------------------------------------------------------


def sign_in(client: FlaskClient, user: User) -> None:
    """Sign the client in without the form: a session on the server, its token in the cookie."""
    token = open_session(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def test_studio_stats_page_shows_the_artists_own_numbers(app: Flask, client: FlaskClient, site: SiteBuilder) -> None:
    artist = site.artist()
    site.episode(site.series(artist), panels=1, title="The crossing")
    other = site.artist(slug="jun", name="Jun")
    user = create_user("mina@example.org", Role.ARTIST, "a long enough password", artist=artist)
    db.session.commit()
    read(client, "/series/river/1/")
    read(client, f"/go/{artist.links[0].id}")
    sign_in(client, user)
    page = client.get("/studio/stats")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stats for Mina" in html and "River · 1. The crossing" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert "<script src=\"http" not in html
    assert client.get("/studio/stats?days=7").status_code == 200
    assert client.get("/studio/stats?days=abc").status_code == 200  # falls back to the default period
    # Someone else's numbers are not found, exactly like numbers that do not exist.
    assert client.get(f"/studio/stats?artist={other.id}").status_code == 404
    assert client.get("/studio/stats?artist=999999").status_code == 404


def test_studio_stats_page_needs_sign_in(client: FlaskClient, site: SiteBuilder) -> None:
    site.artist()
    response = client.get("/studio/stats")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_editors_choose_whose_stats_to_see(app: Flask, client: FlaskClient, site: SiteBuilder) -> None:
    artist = site.artist()
    editor = make_account("editor@example.org", Role.EDITOR)  # with the second factor an editor needs
    sign_in(client, editor)
    choose = client.get("/studio/stats").get_data(as_text=True)
    assert f"/studio/stats?artist={artist.id}" in choose
    assert "Stats for Mina" in client.get(f"/studio/stats?artist={artist.id}").get_data(as_text=True)


def test_sqlite_and_postgresql_share_one_upsert(app: Flask, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)
    buffer = stats_buffer()
    today = utcnow().date()
    for _ in range(3):
        buffer.add_view("river", 1, today)
    buffer.add_view("river", 1, today - timedelta(days=1))
    flush_stats()
    rows = db.session.execute(text("SELECT day, views FROM episode_daily_views ORDER BY day")).all()
    assert [row[1] for row in rows] == [1, 3] and views(episode.id) == 4
