"""Encoding: the lossless, metadata-free master and the reader's renditions at named widths.

Every encoder is called with explicitly empty metadata; the settings are chosen by measurement
(docs/imaging.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import pyjpegli
from PIL import Image, features

from comics.images.normalising import bare


def scaled_height(width: int, height: int, new_width: int) -> int:
    """Return the height that keeps the aspect ratio at new_width (at least 1 pixel)."""
    return max(1, round(height * new_width / width))


def make_master(image: Image.Image, max_width: int = 1600) -> Image.Image:
    """Return the image narrowed to max_width if it is wider; never upscale."""
    if image.width <= max_width:
        return image
    size = (max_width, scaled_height(image.width, image.height, max_width))
    # reducing_gap=3 lets Pillow box-reduce a very large upload first; at 3 the result is
    # indistinguishable from a full Lanczos pass (Pillow's documentation) and much faster.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


# Masters are PNG: lossless, readable by every tool and by the offline CBZ edition, and with no
# dimension limit (lossless WebP is 18-36% smaller but stops at WEBP_MAX_SIDE; docs/imaging.md weighs
# it). They are stored once and never sent to readers; zlib level 3 is within 2% of level 6's size at
# 40% of its time.
MASTER_EXTENSION = "png"
MASTER_SETTINGS: dict[str, object] = {"compress_level": 3}


def encode_master(image: Image.Image) -> bytes:
    """Return the metadata-free, lossless master bytes of an image, as RGB PNG."""
    pixels = bare(image)
    if pixels.mode != "RGB":
        pixels = pixels.convert("RGB")
    buffer = io.BytesIO()
    # A bare image has no info, so no iCCP, tEXt, eXIf or tRNS chunk can be written from it.
    pixels.save(buffer, "PNG", **MASTER_SETTINGS)
    return buffer.getvalue()


# --- renditions ------------------------------------------------------------------------------------

DEFAULT_WIDTHS = (480, 800, 1200)
# The episode lists' thumbnails are 80 CSS px squares (templates/macros/episodes.html): at 2× a phone
# picks this width from the srcset instead of the 480 px reader's rendition, about a fifth of its
# bytes. It is made for every image beside the reader's widths, but offered only where an image is
# shown that small (StoredImage.sources(..., thumbnail=True)), never in a panel's srcset or the data
# saver's narrowest.
THUMBNAIL_WIDTH = 160
WEBP_MAX_SIDE = 16383  # libwebp refuses a wider or taller picture
# The one declaration of the formats' order: the order a browser should prefer them, smallest first,
# and the JPEG every browser reads last. The <picture> offers them in this order (StoredImage.offered,
# templates/macros/images.html), and the data saver and the prefetch plan take the first one an image has.
FORMATS = ("avif", "webp", "jpeg")
FALLBACK_FORMAT = FORMATS[-1]  # the <img> of a <picture>: what a browser shows when it can show no <source>

MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
_EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}

# Chosen by measurement on comic-like art (bench/bench_renditions.py --sweep; docs/imaging.md).
# The rule: the lowest quality whose SSIM at 800 px is at least a WEBTOON-style 800 px JPEG q90's, so
# no reader gets a worse picture than they are used to, at the encoder speed that keeps uploads quick.
# At that SSIM WebP method 5 is 1.5% smaller than method 4 for the same CPU (method 6: 2% smaller
# again, at twice the CPU); WebP's quality may be fractional, but its quantiser moves in coarse steps.
JPEG_SETTINGS: dict[str, object] = {"quality": 90, "progressive": True, "optimize": True, "subsampling": "4:2:0"}
WEBP_SETTINGS: dict[str, float] = {"quality": 89, "method": 5}
AVIF_SETTINGS: dict[str, float] = {"quality": 71, "speed": 8}


# What makes a rendition's bytes besides its width and format: the resize and each format's encoder,
# library and settings. Renditions made with other settings are stale (Rendition.stale), and
# `flask --app app render-requeue --stale` makes them again (docs/imaging.md, "Renditions and their settings").
RESIZE = "lanczos"
_ENCODER_LIBRARIES = {"avif": "avif", "webp": "webp", "jpeg": "libjpeg_turbo"}


def encoder_settings(format: str) -> str:
    """Return, in words, everything that decides a rendition's bytes in this format: the encoder
    library and its version, the settings, and the resize."""
    by_format: dict[str, Mapping[str, object]] = {"avif": AVIF_SETTINGS, "webp": WEBP_SETTINGS, "jpeg": JPEG_SETTINGS}
    settings = by_format[format]
    library = _ENCODER_LIBRARIES[format]
    options = " ".join(f"{name}={value}" for name, value in sorted(settings.items()))
    return f"{format}: {library} {features.version(library)}, {options}, {RESIZE} resize"


def settings_version_of(description: str) -> str:
    """Return the short, stable name of a description of encoder settings (12 hex digits of its SHA-256)."""
    return hashlib.sha256(description.encode()).hexdigest()[:12]


# The settings version of each format's renditions made today: stored with each Rendition row.
SETTINGS_VERSIONS = {format: settings_version_of(encoder_settings(format)) for format in FORMATS}


@dataclass(frozen=True)
class RenditionSpec:
    """One named rendition: a width from the allowed list, a format, and the version of the encoder
    settings that make it (today's unless given)."""

    width: int
    format: str
    settings_version: str = field(default="")

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown rendition format {self.format!r}")
        if self.width < 1:
            raise ValueError(f"rendition width must be positive, not {self.width}")
        if not self.settings_version:
            object.__setattr__(self, "settings_version", SETTINGS_VERSIONS[self.format])


@dataclass
class EncodedRendition:
    """The bytes of one rendition and what the <picture> element needs to know about them."""

    width: int
    height: int
    format: str
    data: bytes
    settings_version: str = ""

    def __post_init__(self) -> None:
        if not self.settings_version:
            self.settings_version = SETTINGS_VERSIONS[self.format]

    @property
    def media_type(self) -> str:
        """Return the MIME type, e.g. image/avif."""
        return MEDIA_TYPES[self.format]

    @property
    def extension(self) -> str:
        """Return the file extension, e.g. jpg."""
        return _EXTENSIONS[self.format]


def rendition_specs(
    master_width: int,
    widths: Sequence[int] = DEFAULT_WIDTHS,
    formats: Sequence[str] = FORMATS,
    thumbnail_width: int | None = None,
) -> list[RenditionSpec]:
    """Return the specs to render: each named width up to the master's, in each format, and the
    thumbnail width too when given and narrower than the master (it never stands in for a reader's width)."""
    chosen = sorted({width for width in widths if width <= master_width})
    if not chosen:
        # A master narrower than every named width is served at its own width, never upscaled.
        chosen = [master_width]
    if thumbnail_width is not None and thumbnail_width < master_width and thumbnail_width not in chosen:
        chosen = sorted([*chosen, thumbnail_width])
    return [RenditionSpec(width, format) for width in chosen for format in formats]


def available_cores() -> int:
    """Return how many CPUs this process may run on (its affinity, not the machine's total)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def resized(master: Image.Image, width: int) -> Image.Image:
    """Return the master Lanczos-resized to width, keeping its aspect ratio; never upscale.

    Every width comes straight from the master, so a rendition holds exactly the pixels a one-off
    full-decode-and-resize would. A cascade from the previous width saves 23 ms of CPU per slice but
    lands only 46 dB from the direct result (docs/imaging.md); with the encodes on other threads the
    resizes are off the critical path, so exactness costs almost no time.
    """
    if width > master.width:
        raise ValueError(f"a {width} px rendition would upscale a {master.width} px master")
    size = (width, scaled_height(master.width, master.height, width))
    if size == master.size:
        return master
    return master.resize(size, Image.Resampling.LANCZOS)


def encode_rendition(image: Image.Image, format: str, *, threads: int | None = None, baseline: bool = False) -> bytes:
    """Return the image encoded as a rendition, with every metadata field explicitly empty.

    threads caps the encoder's own threads (only AVIF's has any); None keeps libavif's default of one
    per core. baseline (JPEG only) makes an offline edition's page instead of the site's progressive
    fallback: a baseline JPEG by jpegli (encode_page_jpeg), which every old phone and TV decodes.
    """
    if baseline:
        if format != "jpeg":
            raise ValueError(f"only a JPEG can be baseline, not {format!r}")
        return encode_page_jpeg(image)
    if format == "jpeg":
        return encode_libjpeg(image, JPEG_SETTINGS)
    buffer = io.BytesIO()
    # Always a copy of our own: Image.save keeps its options on the image (encoderinfo), so two
    # threads saving one image at once would each encode with the other's settings.
    pixels = image.copy() if image.mode == "RGB" else image.convert("RGB")
    pixels.info = {}  # nothing but pixels, whatever the source carried
    if format == "webp":
        pixels.save(buffer, "WEBP", exif=b"", xmp=b"", icc_profile=None, **WEBP_SETTINGS)
    elif format == "avif":
        own_threads = {} if threads is None else {"max_threads": threads}
        pixels.save(buffer, "AVIF", exif=b"", xmp=b"", icc_profile=None, **AVIF_SETTINGS, **own_threads)
    else:
        raise ValueError(f"unknown rendition format {format!r}")
    return buffer.getvalue()


def encode_libjpeg(image: Image.Image, settings: dict[str, object]) -> bytes:
    """Return the image as a JPEG by libjpeg-turbo (Pillow's) with these settings and nothing but pixels:
    no EXIF, ICC, XMP or comment, only the JFIF header every decoder expects."""
    pixels = image.copy() if image.mode == "RGB" else image.convert("RGB")
    pixels.info = {}  # a copy of our own (Image.save keeps its options on the image), with nothing but pixels
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", exif=b"", comment=b"", icc_profile=None, **settings)
    return buffer.getvalue()


# --- baseline pages, for the offline editions -------------------------------------------------------

# The pages of an offline edition (the reader's panels, CBZ pages, OPDS page streaming) are baseline
# JPEGs by jpegli (pyjpegli), Google's encoder from libjxl, at the lowest quality whose SSIM at 800 px
# is at least a WEBTOON-style 800 px q90 JPEG's (docs/editions.md). jpegli writes the standard Huffman
# tables; jpegtran (libjpeg-turbo-progs) then rewrites the entropy coding with tables made for the
# page, a lossless pass (the same coefficients, so the same pixels and SSIM) that saves 13 % of the
# bytes, still baseline, with nothing copied but the picture (-copy none).
PAGE_QUALITY = 83
JPEGTRAN = shutil.which("jpegtran")
# The JFIF APP0 segment: version 1.01, no density units, 1:1 aspect, no thumbnail.
JFIF_SEGMENT = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


@cache
def page_encoder() -> str:
    """Name the page encoder and its settings: part of the key of anything that keeps encoded pages, so a
    change here (or a machine without jpegtran, whose pages are larger) never serves a page made otherwise.

    Asked of jpegtran once, when the first page is named, not when this module is imported: every web
    worker imports it, and few ever make an edition page.
    """
    name = f"jpegli-{pyjpegli.__version__}-q{PAGE_QUALITY}"
    if JPEGTRAN is None:
        return name
    # libjpeg-turbo's jpegtran prints its version on stderr ("libjpeg-turbo version 2.1.5 (build …)").
    said = subprocess.run([JPEGTRAN, "-version"], capture_output=True, text=True, check=False).stderr.split()
    version = said[2] if len(said) > 2 and said[:2] == ["libjpeg-turbo", "version"] else "unknown"
    return f"{name}+jpegtran-{version}-optimize"


def optimise_huffman(data: bytes) -> bytes:
    """Return a baseline JPEG with Huffman tables made for it (jpegtran -optimize -copy none): the same
    coefficients, so the same pixels, in fewer bytes, with a JFIF header and nothing else copied.

    Without jpegtran the bytes come back as they are (page_encoder() says which).
    """
    if JPEGTRAN is None:
        return data
    done = subprocess.run([JPEGTRAN, "-optimize", "-copy", "none"], input=data, capture_output=True, check=False)
    if done.returncode != 0 or done.stdout[:2] != b"\xff\xd8":
        raise ValueError(f"jpegtran could not optimise a page: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def encode_page_jpeg(image: Image.Image) -> bytes:
    """Return the image as an edition page: a baseline JPEG by jpegli at PAGE_QUALITY, its Huffman
    tables optimised; JFIF and pixels only."""
    pixels = image.convert("RGB")  # tobytes() of the pixels alone: no metadata can reach the encoder
    data = bytes(pyjpegli.encode(pixels.tobytes(), pixels.width, pixels.height, PAGE_QUALITY))
    if data[:2] != b"\xff\xd8":
        raise ValueError("jpegli returned no JPEG")
    data = optimise_huffman(data)
    return data[:2] + (b"" if data[2:4] == b"\xff\xe0" else JFIF_SEGMENT) + data[2:]


# Widest first and slowest encoder first, so the longest encodes start early and the last to finish
# are short ones.
_ENCODE_ORDER = {"avif": 0, "webp": 1, "jpeg": 2}


def render_renditions(
    master: Image.Image, specs: Sequence[RenditionSpec], *, threads: int | None = None
) -> list[EncodedRendition]:
    """Encode every spec from one decoded master, resizing each width once; returned in spec order.

    The encodes run side by side on up to threads threads (default: one per core this process may
    use), since Pillow's AVIF, WebP and resize code release the GIL. threads=1 keeps all the work,
    the AVIF encoder's included, on the calling thread.
    """
    for spec in specs:
        if spec.settings_version != SETTINGS_VERSIONS[spec.format]:
            raise ValueError(f"only today's settings can be encoded, not {spec.format} {spec.settings_version}")
    by_width: dict[int, list[RenditionSpec]] = {}
    for spec in sorted(specs, key=lambda spec: (-spec.width, _ENCODE_ORDER[spec.format])):
        by_width.setdefault(spec.width, []).append(spec)
    for width in by_width:
        if width > master.width:  # refuse before any work starts
            raise ValueError(f"a {width} px rendition would upscale a {master.width} px master")
    # Threads share the master; loading it here keeps a lazy decode from racing among them.
    master.load()
    threads = threads or available_cores()
    encoded: dict[RenditionSpec, EncodedRendition] = {}
    if threads == 1 or len(specs) == 1:
        for width, group in by_width.items():
            image = resized(master, width)
            for spec in group:
                data = encode_rendition(image, spec.format, threads=threads)
                encoded[spec] = EncodedRendition(image.width, image.height, spec.format, data)
        return [encoded[spec] for spec in specs]
    with ThreadPoolExecutor(max_workers=min(threads, len(specs)), thread_name_prefix="rendition") as pool:
        running: dict[RenditionSpec, tuple[Image.Image, Future[bytes]]] = {}
        try:
            for width, group in by_width.items():
                # Resizing here overlaps the encodes of the wider sizes already running in the pool.
                image = resized(master, width)
                for spec in group:
                    # One thread per encode: the pool, not libavif, spreads the work over the cores;
                    # both at once would oversubscribe them (docs/imaging.md).
                    running[spec] = image, pool.submit(encode_rendition, image, spec.format, threads=1)
            for spec, (image, future) in running.items():
                encoded[spec] = EncodedRendition(image.width, image.height, spec.format, future.result())
        except BaseException:
            pool.shutdown(cancel_futures=True)  # don't encode the rest of a failed set
            raise
    return [encoded[spec] for spec in specs]


def encode_master_and_renditions(
    image: Image.Image, specs: Sequence[RenditionSpec], *, threads: int | None = None
) -> tuple[bytes, list[EncodedRendition]]:
    """Return an image's master bytes and its renditions, the master's PNG encode beside the others.

    The master's zlib work (about 110 ms for a 1600×1280 slice) would otherwise run alone before the
    renditions start; on a thread of its own it fills the gaps the rendition pool leaves, which saves
    about 60 ms per slice on two cores (docs/imaging.md). threads=1 runs everything in turn.
    """
    if (threads or available_cores()) == 1:
        return encode_master(image), render_renditions(image, specs, threads=1)
    image.load()  # shared by both threads: a lazy decode must not race
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="master") as side:
        master = side.submit(encode_master, image)
        renditions = render_renditions(image, specs, threads=threads)
        return master.result(), renditions

