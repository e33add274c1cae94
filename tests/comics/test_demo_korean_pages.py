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
