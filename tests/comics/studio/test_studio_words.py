"""The studio's words in the page's language: the uploader's words handed to studio.js, versions named
by their language on the dashboard, and studio times written as the page's locale writes dates."""
from __future__ import annotations

import html
import json
import re
from datetime import datetime
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from comics.models import Episode
from comics.studio.dashboard import with_versions_under
from comics.studio.forms import studio_time
from tests.comics.studio.test_studio_versions import add_korean_version, mina  # noqa: F401  (fixture)

WORDS = re.compile(r'data-words="([^"]*)"')


def test_the_uploader_hands_its_words_to_the_script(mina: tuple[FlaskClient, Episode]) -> None:  # noqa: F811
    client, episode = mina
    page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
    match = WORDS.search(page)
    assert match is not None
    words = json.loads(html.unescape(match.group(1)))
    # The very words studio.js showed before, with {name} where the script fills in a value.
    assert words["refused"] == "Refused: {reason}"
    assert words["sending"] == "{percent}% sent"
    assert words["serverAnswered"] == "The server answered {status}. Nothing was changed; try again."
    assert words["uploading"] == "Uploading…"


def test_the_dashboard_names_a_version_by_its_language(mina: tuple[FlaskClient, Episode]) -> None:  # noqa: F811
    client, episode = mina
    version = add_korean_version(client, episode)
    page = client.get("/studio/").get_data(as_text=True)
    drafts = page[page.index('data-group="drafts"') :]
    drafts = drafts[: drafts.index("</section>")]
    assert 'data-version="ko"' in drafts and "Korean version of episode 1: 도착" in drafts
    assert f"/studio/episodes/{version.id}/" in drafts


def test_versions_are_listed_under_their_original_when_both_are_in_the_list() -> None:
    original = SimpleNamespace(id=1, original_id=None)
    version = SimpleNamespace(id=2, original_id=1)
    lone = SimpleNamespace(id=3, original_id=9)
    rows: list[object] = list(with_versions_under([version, original, lone]))  # type: ignore[list-item]
    assert rows == [(original, [version]), (lone, [])]


def test_studio_times_follow_the_page_locale(studio_app: Flask) -> None:
    moment = datetime(2030, 5, 1, 0, 0)
    with studio_app.test_request_context():
        assert studio_time(moment) == "2030-05-01 00:00 UTC"
        with force_locale("ko_KR"):
            korean = studio_time(moment)
    assert korean.startswith("2030. 5. 1.") and korean.endswith("UTC") and "오전" in korean
