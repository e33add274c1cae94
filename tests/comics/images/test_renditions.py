"""A rendition's spec: the formats' order declared once, and the encoder settings each file was made with."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from comics.images import encoding
from comics.images.models import Rendition, StoredImage
from comics.site_images import lacks_renditions
from comics.site_images import media_store as site_media_store
from extensions import db
from tests import imagegen
from tests.conftest import SiteBuilder


def rendition(width: int, format: str) -> Rendition:
    return Rendition(width=width, height=width, format=format, file=f"{width}.{format}", size=width)


def test_a_picture_offers_the_formats_in_the_one_declared_order() -> None:
    image = StoredImage(master="m.png", width=800, height=800)
    image.renditions = [rendition(800, "jpeg"), rendition(480, "webp"), rendition(800, "avif"), rendition(480, "avif")]
    offered = image.offered()
    assert [(format, media_type) for format, media_type, _sources in offered] == [
        ("avif", "image/avif"), ("webp", "image/webp"), ("jpeg", "image/jpeg")
    ]
    assert [r.width for r in offered[0][2]] == [480, 800]  # narrowest first
    assert image.FALLBACK_FORMAT == encoding.FORMATS[-1] == "jpeg"


def test_the_data_saver_takes_the_order_from_the_encoder() -> None:
    import comics.data_saver

    assert not hasattr(comics.data_saver, "FORMATS")
    image = StoredImage(master="m.png", width=800, height=800)
    image.renditions = [rendition(800, "jpeg"), rendition(480, "webp")]
    assert [r.format for r in comics.data_saver.preferred_sources(image)] == ["webp"]


def test_each_format_has_a_settings_version_that_names_its_encoder_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for format in encoding.FORMATS:
        assert re.fullmatch(r"[0-9a-f]{12}", encoding.SETTINGS_VERSIONS[format])
        assert encoding.settings_version_of(encoding.encoder_settings(format)) == encoding.SETTINGS_VERSIONS[format]
    assert "quality=90" in encoding.encoder_settings("jpeg") and "libjpeg_turbo" in encoding.encoder_settings("jpeg")
    assert len(set(encoding.SETTINGS_VERSIONS.values())) == len(encoding.FORMATS)
    # Another setting is another version.
    monkeypatch.setitem(encoding.JPEG_SETTINGS, "quality", 89)
    assert encoding.settings_version_of(encoding.encoder_settings("jpeg")) != encoding.SETTINGS_VERSIONS["jpeg"]


def test_a_spec_carries_todays_settings_and_only_those_can_be_encoded() -> None:
    spec = encoding.RenditionSpec(480, "webp")
    assert spec.settings_version == encoding.SETTINGS_VERSIONS["webp"]
    assert spec == encoding.RenditionSpec(480, "webp", encoding.SETTINGS_VERSIONS["webp"])
    master = Image.new("RGB", (600, 300), "white")
    with pytest.raises(ValueError, match="only today's settings"):
        encoding.render_renditions(master, [encoding.RenditionSpec(480, "webp", "0123456789ab")])


def test_renditions_are_byte_identical_for_the_same_settings() -> None:
    master = imagegen.panel_art((900, 700), seed=3)
    specs = encoding.rendition_specs(master.width, thumbnail_width=encoding.THUMBNAIL_WIDTH)
    first = encoding.render_renditions(master, specs)
    again = encoding.render_renditions(master.copy(), specs, threads=1)
    assert [r.data for r in first] == [r.data for r in again]
    assert [r.settings_version for r in first] == [spec.settings_version for spec in specs]


def test_a_rendition_made_with_other_or_unknown_settings_is_stale() -> None:
    fresh = rendition(480, "avif")
    fresh.settings_version = encoding.SETTINGS_VERSIONS["avif"]
    assert not fresh.stale
    for version in (None, "0123456789ab", encoding.SETTINGS_VERSIONS["webp"]):
        fresh.settings_version = version
        assert fresh.stale


def test_render_requeue_stale_makes_again_what_other_settings_made(app: Flask, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=2)
    images = [panel.image for panel in episode.panels]
    assert all(not r.stale for image in images for r in image.renditions)
    made = {(image.id, r.width, r.format): r.file for image in images for r in image.renditions}
    # One image's JPEGs were made with settings no longer used; the other's renditions before versions were kept.
    for rendition in images[0].renditions:
        if rendition.format == "jpeg":
            rendition.settings_version = "0123456789ab"
    for rendition in images[1].renditions:
        rendition.settings_version = None
    db.session.commit()
    assert not lacks_renditions(images[0]) and lacks_renditions(images[0], stale=True)

    result = app.test_cli_runner().invoke(args=["render-requeue", "--stale"])
    assert result.exit_code == 0, result.output
    assert "made again the stale renditions of 2 image(s)" in result.output
    db.session.expire_all()
    renditions = list(db.session.scalars(select(Rendition)))
    assert len(renditions) == len(made)  # replaced, not added beside
    assert all(r.settings_version == encoding.SETTINGS_VERSIONS[r.format] for r in renditions)
    # The same settings give the same bytes: every file kept its name, so no page's URL changed.
    assert {(r.image_id, r.width, r.format): r.file for r in renditions} == made
    assert all(site_media_store().exists(name) for name in made.values())

    again = app.test_cli_runner().invoke(args=["render-requeue", "--stale"])
    assert "made again the stale renditions of 0 image(s)" in again.output


def test_a_stale_rendition_made_with_other_bytes_is_replaced_and_its_file_removed(app: Flask, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)
    image = episode.panels[0].image
    jpeg = image.sources("jpeg")[0]
    old_name = site_media_store().put(b"\xff\xd8 made by an older encoder \xff\xd9", "jpg")
    jpeg.file, jpeg.settings_version = old_name, "0123456789ab"
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["render-requeue", "--stale", "--missing"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not site_media_store().exists(old_name)
    assert old_name not in set(db.session.scalars(select(Rendition.file)))
