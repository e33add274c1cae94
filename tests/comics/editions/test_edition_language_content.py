"""The Korean offline edition of the demo takes the Korean words the demo now has: the series' Korean
title, pen name and content warning (marked as Korean), and none of its English."""

from __future__ import annotations

from flask import Flask

from comics.editions.html_reader import ReaderPages
from comics.editions.records import collect_edition
from comics.images.storage import MediaStore
from comics.models import Series
from extensions import db
from tests.page_text import VisibleText


def test_the_korean_edition_of_the_demo_has_no_english_words(demo_app: Flask) -> None:
    with demo_app.app_context():
        series = db.session.scalars(db.select(Series)).one()
        content = collect_edition(MediaStore(demo_app.config["MEDIA_ROOT"]), [series.slug], ["ko"])
        warning = series.warning_in("ko")
    assert warning is not None and warning.language == "ko"
    ((language, (korean,)),) = content.shelves
    assert language == "ko" and (korean.content_warning, korean.content_warning_language) == (warning.text, "ko")
    reader = ReaderPages()
    pages = [reader.index(content)[1].decode(), reader.series(korean)[1].decode()]
    series_page = pages[1]
    assert f'<span lang="ko">{warning.text}</span>' in series_page
    for page in pages:
        text = VisibleText.of(page)
        for english in ("Separation from family", "The Lantern Road", "Haneul Kim", "Support Haneul"):
            assert english not in text, english
