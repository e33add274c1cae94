"""/titles.json: every public series' and episode's title in the page's language, from which the reading
history (kept in the browser as ids only) names what was read."""

from __future__ import annotations

from flask import Flask

from comics.models import SeriesTranslation
from extensions import db
from tests.conftest import SiteBuilder


def test_titles_are_in_the_page_language_and_only_public_ones(app: Flask, site: SiteBuilder) -> None:
    series = site.series()
    series.translations.append(SeriesTranslation(language="ko", title="강"))
    db.session.commit()
    site.episode(series, title="The crossing")
    site.episode(series, title="A draft", publish=False)
    client = app.test_client()
    english = client.get("/titles.json")
    assert english.status_code == 200 and english.mimetype == "application/json"
    assert english.get_json() == {"series": {"river": {"title": "River", "episodes": {"1": "The crossing"}}}}
    # The Korean page names the series in Korean; the episode, with no Korean version, by its original title.
    korean = client.get("/ko/titles.json").get_json()
    assert korean == {"series": {"river": {"title": "강", "episodes": {"1": "The crossing"}}}}


def test_the_korean_version_title_is_given_where_it_is_public(demo_app: Flask) -> None:
    client = demo_app.test_client()
    korean = client.get("/ko/titles.json").get_json()["series"]["the-lantern-road"]
    english = client.get("/titles.json").get_json()["series"]["the-lantern-road"]
    assert korean["title"] == "등불 길" and english["title"] == "The Lantern Road"
    assert korean["episodes"]["1"] != english["episodes"]["1"]
