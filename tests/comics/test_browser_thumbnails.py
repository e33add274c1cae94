"""What a phone downloads for the home page's 80 px thumbnails, in a real Chromium: the small rendition
(encoding.THUMBNAIL_WIDTH), never the reader's 480 px one."""

from __future__ import annotations

import pytest
from flask import Flask

from comics.images import encoding
from comics.models import Episode
from extensions import db
from tests.browser import chromium_page, live_server
from tests.comics.test_browser_reader import scroll_to_end

pytestmark = pytest.mark.browser

THUMBS_LOADED = "() => [...document.querySelectorAll('.episode-card img')].every(img => img.complete && img.naturalWidth > 0)"


def thumbnail_files(app: Flask) -> tuple[set[str], set[str]]:
    """Return the files of the episodes' thumbnails, originals' and translations' (a Korean list shows the
    Korean version's): the small ones, and all the others."""
    with app.app_context():
        small: set[str] = set()
        others: set[str] = set()
        for episode in db.session.scalars(db.select(Episode)):
            assert episode.thumbnail is not None
            for rendition in episode.thumbnail.renditions:
                (small if rendition.width == encoding.THUMBNAIL_WIDTH else others).add(rendition.file)
        return small, others


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_a_390_px_phone_downloads_the_small_thumbnails(demo_app: Flask, prefix: str) -> None:
    small, others = thumbnail_files(demo_app)
    assert small
    with live_server(demo_app) as base_url, chromium_page() as page:  # 390 × 844 at 2×
        downloaded: list[str] = []
        page.on("requestfinished", lambda request: downloaded.append(request.url.split("/media/")[-1]))
        page.goto(f"{base_url}{prefix}/")
        scroll_to_end(page)
        page.wait_for_function(THUMBS_LOADED)
        chosen = page.eval_on_selector_all(".episode-card img", "images => images.map(img => img.currentSrc)")
        assert chosen
        for src in chosen:
            name = src.split("/media/")[-1]
            assert name in small and name.endswith(".avif"), src
        # The cover of the demo's series is the one other image; no thumbnail came at a reader's width.
        assert not others & set(downloaded)
