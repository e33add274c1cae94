"""A rendition's spec: the formats' order declared once, and the encoder settings each file was made with."""
from __future__ import annotations

from comics.images import encoding
from comics.images.models import Rendition, StoredImage


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
