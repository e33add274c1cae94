"""The reading history keeps ids only (series slug and episode number) and names each place in the
language of the page showing it: read in English, listed in Korean on a Korean page; places kept in the
older form, with their titles, are migrated in the browser and keep working."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from comics.models import Series
from extensions import db
from tests.browser import chromium_page, live_server, policy_violations
from tests.comics.test_browser_reading import PLACE_KEPT

pytestmark = pytest.mark.browser

SLUG = "the-lantern-road"
STORED = "JSON.parse(localStorage.getItem('reading-places'))"


def titles(app: Flask) -> dict[str, tuple[str, str]]:
    """Return the demo's series title and first episode title in each language."""
    with app.app_context():
        series = db.session.scalar(db.select(Series).where(Series.slug == SLUG))
        assert series is not None
        first = series.episodes[0]
        return {language: (series.title_in(language), first.version_in(language).title) for language in ("en", "ko")}


def test_a_place_read_in_english_is_listed_in_korean_on_a_korean_page(demo_app: Flask) -> None:
    words = titles(demo_app)
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.goto(f"{base_url}/series/{SLUG}/1/")
        page.evaluate("document.getElementById('panel-5').scrollIntoView()")
        page.wait_for_function(PLACE_KEPT, arg="panel-5")
        stored = page.evaluate(STORED)
        # Ids only: the key names the series and the number; no title, no language, no address.
        assert list(stored) == [f"{SLUG}/1"]
        assert set(stored[f"{SLUG}/1"]) == {"panel", "offset", "number", "at"}

        page.goto(f"{base_url}/ko/")
        entry = page.locator(".continue-reading").get_by_role("link")
        entry.wait_for()
        series_ko, episode_ko = words["ko"]
        assert entry.inner_text() == f"{series_ko} · 1화: {episode_ko}"
        assert entry.get_attribute("href") == f"/ko/series/{SLUG}/1/"
        page.goto(f"{base_url}/")
        entry = page.locator(".continue-reading").get_by_role("link")
        entry.wait_for()
        assert entry.inner_text() == f"{words['en'][0]} · Episode 1: {words['en'][1]}"
        assert policy_violations(page) == []


def test_a_place_kept_with_english_titles_is_migrated_and_named_in_korean(demo_app: Flask) -> None:
    words = titles(demo_app)
    old = {
        f"{SLUG}/1": {
            "titles": {"en": {"series": words["en"][0], "title": words["en"][1], "url": f"/series/{SLUG}/1/"}},
            "panel": "panel-3",
            "offset": 0.25,
            "number": "1",
            "language": "en",
            "at": 1,
        }
    }
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.goto(f"{base_url}/ko/")
        page.evaluate(f"localStorage.setItem('reading-places', {json.dumps(json.dumps(old))})")
        page.reload()
        entry = page.locator(".continue-reading").get_by_role("link")
        entry.wait_for()
        assert entry.inner_text() == f"{words['ko'][0]} · 1화: {words['ko'][1]}"
        assert page.evaluate(STORED) == {f"{SLUG}/1": {"panel": "panel-3", "offset": 0.25, "number": "1", "at": 1}}
        # The place itself still works: the episode opens where it was left.
        entry.click()
        page.wait_for_url(f"{base_url}/ko/series/{SLUG}/1/")
        page.wait_for_function(
            "() => { const rect = document.getElementById('panel-3').getBoundingClientRect(); return rect.top <= 0 && rect.bottom > 0; }"
        )
