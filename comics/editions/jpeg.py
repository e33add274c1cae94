"""Baseline JPEGs for offline editions: the panels, the CBZ pages and the TV slides.

Baseline, not progressive: old phones, TVs and media players decode baseline JPEG everywhere, and some
refuse progressive. The settings follow the rule of docs/imaging.md: the lowest quality whose SSIM at
800 px is at least a WEBTOON-style 800 px q90 JPEG's.

Pages (the reader's panels, CBZ pages, OPDS page streaming) are encoded by jpegli (pyjpegli), Google's
JPEG encoder from libjxl: ordinary baseline JPEGs that any decoder reads, with better quantisation and
adaptive quantisation. On the demo's 66 panels q83 is the lowest quality at parity (SSIM 0.98821 against
the WEBTOON-style 0.98801) at 0.781x its bytes, where libjpeg-turbo's q90 optimised needs 0.900x
(docs/editions.md, bench/bench_editions.py). pyjpegli writes no JFIF header; one is added, as every
JPEG the editions wrote before had one. TV slides stay on libjpeg-turbo q90 optimised (EDITION_JPEG_SETTINGS).
"""

from __future__ import annotations

import io

import pyjpegli
from PIL import Image

from comics.images.encoding import scaled_height

EDITION_MAX_WIDTH = 800
EDITION_JPEG_SETTINGS: dict[str, object] = {"quality": 90, "optimize": True, "progressive": False, "subsampling": "4:2:0"}
PAGE_QUALITY = 83
# Names the page encoder and its settings: part of the key of anything that keeps encoded pages, so a
# change here is never served from a cache filled by the old encoder.
PAGE_ENCODER = f"jpegli-{pyjpegli.__version__}-q{PAGE_QUALITY}"
# The JFIF APP0 segment: version 1.01, no density units, 1:1 aspect, no thumbnail.
JFIF_SEGMENT = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"

_SOF_BASELINE = 0xC0
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def fit_width(image: Image.Image, max_width: int = EDITION_MAX_WIDTH) -> Image.Image:
    """Return the image narrowed to max_width (Lanczos) if it is wider; never upscale."""
    if image.width <= max_width:
        return image
    return image.resize((max_width, scaled_height(image.width, image.height, max_width)), Image.Resampling.LANCZOS)


def encode_baseline_jpeg(image: Image.Image, settings: dict[str, object] | None = None) -> bytes:
    """Return the image as a baseline JPEG with nothing but pixels: no EXIF, ICC, XMP or comment (only the JFIF header every decoder expects)."""
    pixels = image.convert("RGB") if image.mode != "RGB" else image.copy()
    pixels.info = {}
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", exif=b"", comment=b"", icc_profile=None, **(settings or EDITION_JPEG_SETTINGS))
    return buffer.getvalue()


def encode_page_jpeg(image: Image.Image) -> bytes:
    """Return the image as an edition page: a baseline JPEG by jpegli at PAGE_QUALITY, JFIF and pixels only."""
    pixels = image.convert("RGB")
    data = bytes(pyjpegli.encode(pixels.tobytes(), pixels.width, pixels.height, PAGE_QUALITY))
    if data[:2] != b"\xff\xd8":
        raise ValueError("jpegli returned no JPEG")
    return data[:2] + (b"" if data[2:4] == b"\xff\xe0" else JFIF_SEGMENT) + data[2:]


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
