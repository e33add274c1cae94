"""The thumbnail width: every image gets a small rendition for the episode lists' 80 px thumbnails, which
only they are offered; images made before it get it from `render-requeue --missing`."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from comics.images import encoding
from comics.images.models import Rendition, StoredImage
from comics.models import Episode
from comics.site_images import lacks_renditions
from extensions import db
from tests.conftest import SiteBuilder

THUMB = encoding.THUMBNAIL_WIDTH


def widths(image: StoredImage, format: str = "avif", *, thumbnail: bool = False) -> list[int]:
    return [rendition.width for rendition in image.sources(format, thumbnail=thumbnail)]


def test_the_thumbnail_width_comes_beside_the_named_widths_never_instead() -> None:
    specs = encoding.rendition_specs(1600, thumbnail_width=THUMB)
    assert sorted({spec.width for spec in specs}) == [THUMB, 480, 800, 1200]
    assert len(specs) == 4 * len(encoding.FORMATS)
    # A master narrower than every named width keeps its own width, and gets the thumbnail's too.
    assert {spec.width for spec in encoding.rendition_specs(300, thumbnail_width=THUMB)} == {THUMB, 300}
    # Never upscaled, and never twice.
    assert {spec.width for spec in encoding.rendition_specs(THUMB, thumbnail_width=THUMB)} == {THUMB}
    assert {spec.width for spec in encoding.rendition_specs(120, thumbnail_width=THUMB)} == {120}
    # Without it, as before.
    assert {spec.width for spec in encoding.rendition_specs(1600)} == {480, 800, 1200}


def test_every_image_gets_it_but_only_thumbnails_are_offered_it(app: Flask, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)  # a 400 px panel; the tests' widths are 320 and 640
    image = episode.panels[0].image
    for format in encoding.FORMATS:
        assert widths(image, format, thumbnail=True) == [THUMB, 320]
        # A panel, the data saver's narrowest, the comic apps: the reader's widths only.
        assert widths(image, format) == [320]
    assert not lacks_renditions(image)


def test_the_lists_offer_the_small_rendition_at_80_px(client: FlaskClient, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)
    image = episode.panels[0].image
    small = {rendition.file for rendition in image.renditions if rendition.width == THUMB}
    assert len(small) == len(encoding.FORMATS)
    for path in ("/", "/series/river/", "/ko/"):
        page = client.get(path).get_data(as_text=True)
        card = page[page.index('<li class="episode-card">') :]
        card = card[: card.index("</li>")]
        assert card.count('sizes="80px"') == 3  # AVIF, WebP and the JPEG <img>
        assert all(name in card for name in small), path
        # Without srcset support the <img> loads the small JPEG too.
        jpeg = image.sources("jpeg", thumbnail=True)[0].file
        assert re.search(rf'<img src="[^"]*{jpeg}"', card), path
    # The episode's own panels never list it.
    strip = client.get("/series/river/1/").get_data(as_text=True)
    strip = strip[strip.index('class="strip"') :]
    assert not any(name in strip for name in small)
    assert not any(name in client.get("/series/river/1/?saver=on").get_data(as_text=True) for name in small)


def test_images_made_before_it_get_it_from_render_requeue(app: Flask, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=2)
    images = [panel.image for panel in episode.panels]
    kept = {rendition.file for image in images for rendition in image.renditions if rendition.width != THUMB}
    for image in images:
        for rendition in [r for r in image.renditions if r.width == THUMB]:
            image.renditions.remove(rendition)
    db.session.commit()
    assert all(lacks_renditions(image) for image in images)

    result = app.test_cli_runner().invoke(args=["render-requeue", "--missing"])
    assert result.exit_code == 0, result.output
    assert "added the missing renditions of 2 image(s)" in result.output
    db.session.expire_all()
    reloaded = db.session.get(Episode, episode.id)
    assert reloaded is not None
    for panel in reloaded.panels:
        assert widths(panel.image, thumbnail=True) == [THUMB, 320]
        assert not lacks_renditions(panel.image)
    # The renditions it had are the same files, not made again.
    assert kept <= set(db.session.scalars(select(Rendition.file)))

    again = app.test_cli_runner().invoke(args=["render-requeue", "--missing"])
    assert "added the missing renditions of 0 image(s)" in again.output


def test_the_reader_widths_may_not_name_the_thumbnail_width() -> None:
    with pytest.raises(ValueError) as refusal:
        create_app({"SECRET_KEY": "x", "RENDITION_WIDTHS": [THUMB, 480]})
    assert f"RENDITION_WIDTHS names {THUMB}, the thumbnail width" in str(refusal.value)
