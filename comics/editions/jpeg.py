"""Baseline JPEGs for offline editions: the panels, the CBZ pages and the TV slides.

Baseline, not progressive: old phones, TVs and media players decode baseline JPEG everywhere, and some
refuse progressive. The encoders are the site's own (comics.images.encoding), with its baseline option:
one module makes the site's renditions and the editions' pages.

Pages (the reader's panels, CBZ pages, OPDS page streaming) are encoded by jpegli at PAGE_QUALITY, their
Huffman tables then optimised losslessly by jpegtran (encoding.encode_page_jpeg; the measurements are
in docs/editions.md). TV slides stay on libjpeg-turbo q90 optimised (EDITION_JPEG_SETTINGS).
"""

from __future__ import annotations

from PIL import Image

from comics.images.encoding import PAGE_QUALITY as PAGE_QUALITY
from comics.images.encoding import encode_libjpeg, encode_rendition, resized

# page_encoder() names the page encoder and its settings, for the key of anything that keeps encoded pages.
from comics.images.encoding import page_encoder as page_encoder

EDITION_MAX_WIDTH = 800
EDITION_JPEG_SETTINGS: dict[str, object] = {"quality": 90, "optimize": True, "progressive": False, "subsampling": "4:2:0"}

_SOF_BASELINE = 0xC0
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def fit_width(image: Image.Image, max_width: int = EDITION_MAX_WIDTH) -> Image.Image:
    """Return the image narrowed to max_width (Lanczos, as the site's renditions) if it is wider; never upscale."""
    return resized(image, min(max_width, image.width))


def encode_baseline_jpeg(image: Image.Image, settings: dict[str, object] | None = None) -> bytes:
    """Return the image as a baseline JPEG by libjpeg-turbo with nothing but pixels: no EXIF, ICC, XMP or comment (only the JFIF header every decoder expects)."""
    return encode_libjpeg(image, settings or EDITION_JPEG_SETTINGS)


def encode_page_jpeg(image: Image.Image) -> bytes:
    """Return the image as an edition page: the site's encoder with its baseline option (jpegli, optimised)."""
    return encode_rendition(image, "jpeg", baseline=True)


def start_of_frame(data: bytes) -> int:
    """Return the SOF marker byte of a JPEG (0xC0 baseline, 0xC2 progressive…); raise ValueError if none."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise ValueError(f"broken JPEG marker at byte {position}")
        marker = data[position + 1]
        if marker in _SOF_MARKERS:
            return marker
        if marker == 0xD9 or marker == 0xDA:
            break
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    raise ValueError("no start-of-frame marker before the image data")


def is_baseline(data: bytes) -> bool:
    """Tell whether JPEG bytes are baseline sequential DCT (SOF0), which every decoder reads."""
    return start_of_frame(data) == _SOF_BASELINE


def jpeg_segments(data: bytes) -> list[int]:
    """Return the marker bytes of a JPEG's header segments, up to the image data (for metadata checks)."""
    markers: list[int] = []
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return markers


def page_name(index: int) -> str:
    """Return the file name of a page or slide: numbered from 1, zero-padded so names sort in reading order."""
    return f"{index + 1:04d}.jpg"


class EncodedPage:
    """One panel as an edition's baseline JPEG, with the size a reader or ComicInfo.xml needs."""

    __slots__ = ("data", "height", "width")

    def __init__(self, data: bytes, width: int, height: int) -> None:
        self.data = data
        self.width = width
        self.height = height


def encode_page(master: Image.Image, max_width: int = EDITION_MAX_WIDTH) -> EncodedPage:
    """Return a master as an edition page: narrowed to max_width, baseline JPEG by jpegli."""
    image = fit_width(master, max_width)
    return EncodedPage(encode_page_jpeg(image), image.width, image.height)
