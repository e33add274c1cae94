"""Following a series without an account: the one answer of latest episode numbers every reader gets
(/latest.json), and what the series page tells static/js/follow.js (its browser tests are in
test_browser_following.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from comics import clock, models
from comics.models import Episode, EpisodeStatus
from extensions import db
from tests.conftest import SiteBuilder, make_test_app
from tests.web.page_cache.test_page_cache import real_cache


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path, **real_cache(tmp_path))
    with app.app_context():
        yield app


def latest(client: FlaskClient, path: str = "/latest.json") -> dict[str, int]:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    numbers: dict[str, int] = json.loads(answer.data)["latest"]
    return numbers


def test_the_latest_numbers_are_of_public_episodes_only(client: FlaskClient, site: SiteBuilder) -> None:
    river = site.series()
    for _ in range(3):
        site.episode(river, panels=1)
    site.episode(river, panels=1, publish=False)  # a draft
    stream = site.series(river.artist, slug="stream", title="Stream")
    site.episode(stream, panels=1)
    scheduled = site.episode(stream, panels=1, publish=False)
    scheduled.status = EpisodeStatus.PUBLISHED
    scheduled.published_at = clock.utcnow() + timedelta(hours=1)
    drafts_only = site.series(river.artist, slug="lake", title="Lake")
    site.episode(drafts_only, panels=1, publish=False)
    db.session.commit()
    assert latest(client) == {"river": 3, "stream": 1}


def test_every_reader_gets_the_same_cached_answer_until_a_publication(
    client: FlaskClient, site: SiteBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    river = site.series()
    site.episode(river, panels=1)
    first = client.get("/latest.json")
    again = client.get("/latest.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["X-Page-Cache"] == "HIT"
    # No cookie, nothing of the reader's: the same bytes in either language's address.
    assert "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert client.get("/ko/latest.json").data == first.data
    assert latest(client) == {"river": 1}

    site.episode(river, panels=1)
    assert latest(client) == {"river": 2}

    # A scheduled episode counts from its time on, with no commit in between.
    later = site.episode(river, panels=1, publish=False)
    later.status = EpisodeStatus.PUBLISHED
    later.published_at = clock.utcnow() + timedelta(hours=1)
    db.session.commit()
    assert latest(client) == {"river": 2}
    moment = clock.utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)
    monkeypatch.setattr(models, "utcnow", lambda: moment)
    assert latest(client) == {"river": 3}


def test_a_translation_is_not_a_new_episode(client: FlaskClient, site: SiteBuilder) -> None:
    river = site.series()
    original = site.episode(river, panels=1)
    version = Episode(
        series=river,
        number=original.number,
        language="ko",
        title="강",
        original=original,
        status=EpisodeStatus.PUBLISHED,
        published_at=original.published_at,
    )
    db.session.add(version)
    db.session.commit()
    assert latest(client) == {"river": 1}


def test_the_series_page_offers_following_to_the_script_only(client: FlaskClient, site: SiteBuilder) -> None:
    river = site.series()
    site.episode(river, panels=1)
    site.episode(river, panels=1)
    site.episode(river, panels=1, publish=False)
    for path in ("/series/river/", "/series/river/?order=oldest"):
        page = client.get(path).get_data(as_text=True)
        # Hidden until follow.js shows it: without JavaScript there is no Follow button to press.
        assert '<p class="follow-series" hidden data-series="river" data-latest="2"' in page
    home = client.get("/").get_data(as_text=True)
    assert '<section class="following" hidden' in home
    assert 'data-latest-url="/latest.json"' in client.get("/ko/").get_data(as_text=True)
