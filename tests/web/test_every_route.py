"""Every route of the URL map, tried as an attacker would: huge numbers in each part and in the query
string answer 404 or 400, never 500; HEAD answers like GET; signed in as an admin, and anonymous."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from artists.models import Role
from tests.conftest import SiteBuilder
from tests.studio_support import make_account, make_artist_account, sign_in

# 2^63 (one past the largest signed 64-bit integer), the issue's page number, 2^63 - 1, more digits than
# any column holds, the largest number a URL may carry (web/converters.py), and some that are no numbers.
HUGE = ["9223372036854775808", "461168601842738792", "9223372036854775807", "1" + "0" * 30, "999999999", "-1", "0", "1e3"]
# In query strings: the issue's page number, 2^63, the largest allowed, and a negative one.
HUGE_IN_QUERIES = ["461168601842738792", "9223372036854775808", "999999999", "-1"]
# Every number a view of this site reads from a query string, and some no view reads.
QUERY_NAMES = ["page", "per_page", "artist", "days", "v", "number", "id"]
PART = re.compile(r"<(?:(?P<converter>[^:>(]+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>")


@pytest.fixture
def known(studio_app: Flask) -> dict[str, str]:
    """Build a small site and return a real value for each name a route's part may have."""
    artist, _ = make_artist_account("mina", "Mina")
    make_account("admin@example.org", Role.ADMIN)
    site = SiteBuilder()
    # One slug for the artist and the series, so every <slug> route finds something.
    series = site.series(artist, slug="mina", title="Mina's river")
    episode = site.episode(series, panels=1)
    return {
        "series_id": str(series.id),
        "episode_id": str(episode.id),
        "artist_id": str(artist.id),
        "link_id": str(artist.links[0].id) if artist.links else "1",
        "number": "1",
        "slug": "mina",
        "name": episode.panels[0].image.renditions[0].file,
        "filename": "css/site.css",
    }


def path_of(rule: Rule, value_for: dict[str, str], number: str | None = None) -> str:
    """Return a path of the rule with each part filled in: a number part with `number` when given."""

    def fill(match: re.Match[str]) -> str:
        converter = rule._converters[match["name"]]
        if isinstance(converter, NumberConverter):
            return number or value_for.get(match["name"], "1")
        if match["converter"] == "any":
            return match["arguments"].split(",")[0].strip()
        return value_for.get(match["name"], "x")

    return PART.sub(fill, rule.rule)


def number_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if any(isinstance(c, NumberConverter) for c in rule._converters.values())]


@pytest.fixture(params=["anonymous", "admin"])
def visitor(request: pytest.FixtureRequest, studio_app: Flask, known: dict[str, str]) -> Iterator[FlaskClient]:
    client = studio_app.test_client()
    if request.param == "admin":
        sign_in(client, "admin@example.org")
    yield client


def answer(client: FlaskClient, method: str, path: str) -> int:
    response = client.open(path, method=method, data={} if method == "POST" else None)
    response.close()
    return response.status_code


def test_every_numbered_route_is_bounded(studio_app: Flask, known: dict[str, str], visitor: FlaskClient) -> None:
    rules = number_rules(studio_app)
    assert len(rules) >= 15, [rule.rule for rule in rules]  # the studio's and the reader's
    failures = []
    for rule in rules:
        for method in sorted((rule.methods or set()) - {"OPTIONS"}):
            for number in HUGE:
                path = path_of(rule, known, number)
                status = answer(visitor, method, path)
                if status >= 500 or (method in ("GET", "HEAD") and status not in (302, 400, 401, 403, 404)):
                    failures.append((method, path, status))
    assert failures == []


def test_every_query_number_is_bounded(studio_app: Flask, known: dict[str, str], visitor: FlaskClient) -> None:
    failures = []
    for rule in studio_app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()):
            continue
        for name in QUERY_NAMES:
            for number in HUGE_IN_QUERIES:
                path = f"{path_of(rule, known)}?q=river&{name}={number}"
                status = answer(visitor, "GET", path)
                if status >= 500:
                    failures.append((path, status))
    assert failures == []


def test_the_issues_own_examples(studio_app: Flask, known: dict[str, str], visitor: FlaskClient) -> None:
    assert answer(visitor, "GET", "/series/mina/?page=461168601842738792") == 404
    assert answer(visitor, "GET", "/series/mina/?page=2") == 404  # past the last page
    assert answer(visitor, "GET", "/series/mina/?page=1") == 200
    assert answer(visitor, "GET", "/search?q=river&page=461168601842738792") == 404
    assert answer(visitor, "GET", f"/studio/episodes/{2**63}/") in (302, 404)
    assert answer(visitor, "POST", f"/studio/people/{2**63}/deactivate") in (401, 404)


def test_head_answers_like_get_everywhere(studio_app: Flask, known: dict[str, str], visitor: FlaskClient) -> None:
    differences = []
    checked = 0
    for rule in studio_app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "auth.logout":
            continue
        path = path_of(rule, known)
        get = visitor.get(path)
        get.close()
        head = visitor.head(path)
        head.close()
        checked += 1
        if (head.status_code, head.headers.get("Content-Type"), head.headers.get("Location")) != (
            get.status_code, get.headers.get("Content-Type"), get.headers.get("Location")
        ) or head.data:
            differences.append((path, get.status_code, head.status_code))
    assert checked >= 40
    assert differences == []


def test_the_studio_form_pages_answer_head_with_200(studio_app: Flask, known: dict[str, str]) -> None:
    client = studio_app.test_client()
    sign_in(client, "admin@example.org")
    for path in (
        "/studio/series/new",
        f"/studio/series/{known['series_id']}/edit",
        f"/studio/series/{known['series_id']}/delete",
        f"/studio/series/{known['series_id']}/episodes/new",
        f"/studio/episodes/{known['episode_id']}/",
        f"/studio/episodes/{known['episode_id']}/delete",
        f"/studio/artists/{known['artist_id']}/profile",
    ):
        assert client.head(path).status_code == 200, path
        assert client.get(path).status_code == 200, path
