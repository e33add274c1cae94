"""The series covers' `sizes` against the width the page gives them, in a real Chromium: the slot the
browser reads from `sizes` is the width the cover is shown at, from a 320 px phone to a desktop, so
srcset picks the rendition a screen needs, no smaller and no larger (the home page's first cover is its
largest paint, Lighthouse's LCP)."""

from __future__ import annotations

import pytest
from flask import Flask

from comics.models import Series
from extensions import db
from tests.browser import chromium_page, live_server

pytestmark = pytest.mark.browser

WIDTHS = (320, 347, 348, 360, 412, 513, 514, 600, 679, 680, 799, 800, 1280)
# The density-corrected natural width is the rendition's width × slot ÷ its w descriptor: the slot.
SLOT_AND_SHOWN = """selector => {
    const img = document.querySelector(selector);
    return img.complete ? [img.naturalWidth, img.getBoundingClientRect().width, img.currentSrc] : null;
}"""


def cover_files(app: Flask) -> dict[int, set[str]]:
    """Return the demo series' cover files by rendition width."""
    with app.app_context():
        series = db.session.scalar(db.select(Series).where(Series.slug == "the-lantern-road"))
        assert series is not None and series.cover is not None
        files: dict[int, set[str]] = {}
        for rendition in series.cover.renditions:
            files.setdefault(rendition.width, set()).add(rendition.file)
        return files


@pytest.mark.parametrize(("path", "selector"), [("/", ".series-card .cover img"), ("/series/the-lantern-road/", ".series-head .cover img")])
def test_sizes_is_the_width_a_cover_is_shown_at(demo_app: Flask, path: str, selector: str) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        browser = page.context.browser
        assert browser is not None
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1)
            screen = context.new_page()
            screen.goto(f"{base_url}{path}")
            slot, shown, _ = screen.wait_for_function(SLOT_AND_SHOWN, arg=selector).json_value()
            assert abs(slot - shown) <= 1, f"{path} at {width} px: sizes says {slot} px, shown at {shown} px"
            context.close()


@pytest.mark.parametrize(("density", "wanted"), [(1.75, 480), (2, 480), (3, 800)])
def test_the_home_pages_first_cover_on_a_412_px_phone(demo_app: Flask, density: float, wanted: int) -> None:
    """Lighthouse's phone (412 px at 1.75×) and its neighbours: the card is 182 px wide, so 319 to 546
    device pixels; the smallest rendition that covers them (480 px up to 2×) is the one downloaded."""
    files = cover_files(demo_app)
    with live_server(demo_app) as base_url, chromium_page() as page:
        browser = page.context.browser
        assert browser is not None
        context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=density)
        screen = context.new_page()
        screen.goto(f"{base_url}/")
        slot, shown, source = screen.wait_for_function(SLOT_AND_SHOWN, arg=".series-card .cover img").json_value()
        assert round(shown) == 182
        assert source.split("/media/")[-1] in files[wanted]
        context.close()
