"""The demo's Korean pages, now that its Korean words exist (title, summary, warning, cover, support
label, episodes): no interface word in English on the series, episode and home pages."""

from __future__ import annotations

import pytest
from flask import Flask

from comics.models import Series
from extensions import db
from tests.page_text import VisibleText, english_left, interface_words


@pytest.mark.parametrize("path", ["/ko/", "/ko/series/{slug}/", "/ko/series/{slug}/1/", "/ko/series/{slug}/3/"])
def test_a_korean_demo_page_shows_no_english_interface_words(demo_app: Flask, path: str) -> None:
    with demo_app.app_context():
        slug = db.session.scalars(db.select(Series.slug)).one()
    response = demo_app.test_client().get(path.format(slug=slug))
    assert response.status_code == 200
    text = VisibleText.of(response.get_data(as_text=True))
    assert english_left(text, interface_words()) == [], path
    # Nor the demo's English words: its warning, its support button, the cover's byline as alt text.
    for english in ("Separation from family", "Support Haneul", "The Lantern Road", "Haneul Kim"):
        assert english not in text, (path, english)


def test_korean_lists_show_each_episode_by_its_korean_version(demo_app: Flask) -> None:
    with demo_app.app_context():
        series = db.session.scalars(db.select(Series)).one()
        first = series.episodes[0]
        korean = first.version_in("ko")
        assert korean is not first and korean.thumbnail is not None and first.thumbnail is not None
        slug, korean_names, original_names = series.slug, set(korean.thumbnail.file_names()), set(first.thumbnail.file_names())
    client = demo_app.test_client()
    korean_page = client.get(f"/ko/series/{slug}/?order=oldest").get_data(as_text=True)
    assert any(name in korean_page for name in korean_names)
    assert not any(name in korean_page for name in original_names)
    english_page = client.get(f"/series/{slug}/?order=oldest").get_data(as_text=True)
    assert any(name in english_page for name in original_names)
