"""Pure Pillow steps from an uploaded file to metadata-free masters and reader renditions.

Nothing here imports Flask or the app: every step is a small function on bytes or a PIL image, so the
studio, the CLI, workers and tests chain them the same way. The path of a panel:

    open_image -> normalise -> make_master -> slice_strip -> encode_master / render_renditions

Every byte this module returns is re-encoded from pixels held in an image with no metadata attached,
and every encoder is called with explicitly empty metadata, so nothing the artist's camera, scanner or
editor wrote (GPS, serial numbers, XMP authors, comments, ICC profiles, thumbnails, trailing bytes)
can reach a reader. See docs/imaging.md for the measured encoder settings.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from PIL import Image, ImageCms, ImageFile, ImageOps

# --- limits and refusals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageLimits:
    """Upper bounds an upload must fit before any pixel is decoded."""

    max_bytes: int = 20_000_000
    # An 800x30000 strip (24 M) fits; a 10000x10000 image (100 M, 300 MB decoded) does not.
    max_pixels: int = 40_000_000
    max_width: int = 8_000
    max_height: int = 60_000
    max_frames: int = 200


class RejectedImage(ValueError):
    """An upload refused for a reason the artist can act on."""

    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


@dataclass
class OpenedImage:
    """A decoded upload: the first frame, the format its bytes proved to be, and notes for the artist."""

    image: Image.Image
    format: str
    notes: list[str] = field(default_factory=list)


ALLOWED_HINT = "upload PNG, JPEG, WebP, GIF or AVIF"

# ISO-BMFF brands: AVIF is accepted; HEIC (what iPhones save) is the look-alike artists will send.
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def _ftyp_brands(head: bytes) -> set[bytes]:
    """Return the major and compatible brands of an ISO-BMFF ftyp box, or an empty set."""
    if head[4:8] != b"ftyp" or len(head) < 16:
        return set()
    box_size = min(int.from_bytes(head[:4], "big"), len(head), 256)
    return {head[8:12]} | {head[i : i + 4] for i in range(16, box_size - 3, 4)}


def sniff_format(head: bytes) -> str | None:
    """Return the allowed Pillow format the leading bytes prove, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if _ftyp_brands(head) & _AVIF_BRANDS:
        return "AVIF"
    return None


def describe_refused(head: bytes) -> str:
    """Return what a file we will not open looks like, for the artist's message."""
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    signatures = (
        ((b"II*\0", b"MM\0*"), "a TIFF image"),
        ((b"8BPS",), "a Photoshop document (PSD)"),
        ((b"%PDF",), "a PDF document"),
        ((b"%!PS", b"\xc5\xd0\xd3\xc6"), "an EPS (PostScript) file"),
        ((b"BM",), "a BMP bitmap"),
        ((b"\0\0\1\0", b"\0\0\2\0"), "an icon (ICO) file"),
        ((b"\xff\x0a", b"\0\0\0\x0cJXL "), "a JPEG XL image"),
        ((b"\0\0\0\x0cjP  ", b"\xff\x4f\xff\x51"), "a JPEG 2000 image"),
        ((b"PK\x03\x04",), "a ZIP archive"),
    )
    for prefixes, name in signatures:
        if head.startswith(prefixes):
            return f"this looks like {name}; {ALLOWED_HINT}"
    if _ftyp_brands(head) & _HEIF_BRANDS:
        return f"this looks like a HEIC/HEIF photo; export it as JPEG, or {ALLOWED_HINT}"
    if text.startswith(b"<") and b"<svg" in text:
        return f"this looks like an SVG drawing; {ALLOWED_HINT}"
    return f"this is not an image we can read; {ALLOWED_HINT}"


# --- opening ---------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def read_upload(source: bytes | BinaryIO | os.PathLike[str] | str, filename: str, limits: ImageLimits) -> bytes:
    """Return the upload's bytes, refusing an empty or oversized file without reading past the limit."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise RejectedImage(
                filename, f"the file is {_megabytes(size)}; the limit is {_megabytes(limits.max_bytes)}"
            )
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    else:
        data = source.read(limits.max_bytes + 1)
    if not data:
        raise RejectedImage(filename, "the file is empty")
    if len(data) > limits.max_bytes:
        raise RejectedImage(filename, f"the file is over the {_megabytes(limits.max_bytes)} limit")
    return data


def check_header(image: Image.Image, filename: str, limits: ImageLimits) -> int:
    """Refuse an image whose declared size or frame count is over the limits; return the frame count."""
    width, height = image.size
    if width < 1 or height < 1:
        raise RejectedImage(filename, "the image has no pixels")
    if width > limits.max_width:
        raise RejectedImage(filename, f"it is {width} pixels wide; the limit is {limits.max_width}")
    if height > limits.max_height:
        raise RejectedImage(
            filename, f"it is {height} pixels tall; the limit is {limits.max_height}, so split it into several files"
        )
    if width * height > limits.max_pixels:
        raise RejectedImage(
            filename,
            f"it has {width} × {height} = {width * height / 1e6:.0f} million pixels;"
            f" the limit is {limits.max_pixels / 1e6:.0f} million",
        )
    frames = int(getattr(image, "n_frames", 1))
    if frames > limits.max_frames:
        raise RejectedImage(filename, f"it has {frames} frames; the limit is {limits.max_frames}")
    return frames


def check_proportions(image: Image.Image, filename: str, what: str, max_ratio: float) -> None:
    """Refuse an image more than max_ratio times as tall as it is wide, or as wide as it is tall.

    For single pictures (covers, profile pictures), which are never sliced: a strip would make a page
    of one picture and renditions taller than WebP allows (WEBP_MAX_SIDE). The rule is symmetric, so it
    holds before and after EXIF rotation.
    """
    width, height = image.size
    if max(width, height) > max_ratio * min(width, height):
        raise RejectedImage(
            filename,
            f"{what} can be at most {max_ratio:g} times as tall as it is wide, or as wide as it is tall;"
            f" this one is {width} × {height} pixels. Crop it, or add a strip to an episode as its panels",
        )


def _orientation(image: Image.Image) -> int:
    """Return the EXIF orientation (1 when absent or unreadable)."""
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - broken EXIF is the upload's problem, and orientation is optional
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def draft_jpeg(image: Image.Image, target_width: int) -> None:
    """Let libjpeg decode a large JPEG at 1/2, 1/4 or 1/8 scale when the result stays >= target_width.

    Scaling inside the DCT skips most of the decode work and memory; the orientation is honoured, since
    a rotated photo's final width is its stored height.
    """
    if image.format not in ("JPEG", "MPO") or not target_width:
        return
    rotated = _orientation(image) in (5, 6, 7, 8)
    image.draft(None, (1, target_width) if rotated else (target_width, 1))


def open_image(
    source: bytes | BinaryIO | os.PathLike[str] | str,
    filename: str,
    limits: ImageLimits = ImageLimits(),
    *,
    draft_width: int | None = None,
) -> OpenedImage:
    """Open an upload safely: allow-listed formats by their bytes, limits before decoding, fully loaded.

    The filename is used only in messages. draft_width, if given, lets a big JPEG decode at a reduced
    scale that is still at least that wide.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A global someone flipped would let truncated uploads through half-grey; refuse to run that way.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for uploads")
    data = read_upload(source, filename, limits)
    format = sniff_format(data[:256])
    if format is None:
        raise RejectedImage(filename, describe_refused(data[:4096]))
    notes: list[str] = []
    with warnings.catch_warnings():
        # Pillow warns before it errors on a decompression bomb; both are a refusal here. The header
        # check below is the real guard (our limit is lower than Pillow's): warning filters are
        # process-wide, so another thread leaving its own catch_warnings may undo this one.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[format])
            frames = check_header(image, filename, limits)
            if frames > 1:
                notes.append(_FIRST_FRAME_NOTES[format])
                image.seek(0)
            if draft_width:
                draft_jpeg(image, draft_width)
            image.load()
        except RejectedImage:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            limit = f"the limit is {limits.max_pixels / 1e6:.0f} million"
            raise RejectedImage(filename, f"it declares more pixels than can be opened safely; {limit}") from exc
        except Exception as exc:  # noqa: BLE001 - whatever a decoder trips on, the bytes are at fault
            raise RejectedImage(
                filename, "the file is damaged or incomplete, so it cannot be read; export it again"
            ) from exc
    return OpenedImage(image=image, format=format, notes=notes)


_FIRST_FRAME_NOTES = {
    # A JPEG with several pictures is an MPO from a phone or 3D camera (a depth map, a second eye).
    "JPEG": "multi-picture JPEG: only the first picture is used",
    "PNG": "animated PNG: only the first frame is used",
    "GIF": "animated GIF: only the first frame is used",
    "WEBP": "animated WebP: only the first frame is used",
    "AVIF": "animated AVIF: only the first frame is used",
}


# --- normalising -----------------------------------------------------------------------------------

WHITE = (255, 255, 255)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_SIXTEEN_BIT = {"I", "I;16", "I;16L", "I;16B", "I;16N"}


def bake_orientation(image: Image.Image) -> Image.Image:
    """Return the image turned the way its EXIF orientation says, so pixels stand upright."""
    if _orientation(image) == 1:
        return image
    return ImageOps.exif_transpose(image)


def to_eight_bit(image: Image.Image) -> Image.Image:
    """Return a 16-bit greyscale image scaled to 8-bit "L" (Pillow's own convert clips at 255)."""
    if image.mode not in _SIXTEEN_BIT:
        return image
    if image.mode != "I;16":
        image = image.convert("I")
    return image.point(lambda value: value * (1 / 257) + 0.5).convert("L")


def to_working_mode(image: Image.Image) -> Image.Image:
    """Return the image as 8-bit L, LA, RGB, RGBA or CMYK, with any transparency as an alpha band."""
    image = to_eight_bit(image)
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.mode in ("L", "RGB") and image.info.get("transparency") is not None:
        # A tRNS colour key: Pillow turns the keyed colour into alpha on conversion.
        return image.convert("LA" if image.mode == "L" else "RGBA")
    if image.mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if image.mode in ("La", "RGBa"):
        return image.convert("LA" if image.mode == "La" else "RGBA")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def band_extrema(image: Image.Image) -> list[tuple[float, float]]:
    """Return (lowest, highest) for each band of the image."""
    extrema = image.getextrema()
    if len(image.getbands()) == 1:
        return [cast("tuple[float, float]", extrema)]
    return list(cast("tuple[tuple[float, float], ...]", extrema))


def flatten_on_white(image: Image.Image) -> Image.Image:
    """Return an LA or RGBA image composited over white as L or RGB; return other modes unchanged."""
    if image.mode not in ("LA", "RGBA"):
        return image
    opaque_mode = image.mode[:-1]
    if band_extrema(image)[-1][0] == 255:
        return image.convert(opaque_mode)
    canvas = Image.new(opaque_mode, image.size, 255 if opaque_mode == "L" else WHITE)
    # The image is its own mask: pasting blends by its alpha without splitting out the bands.
    canvas.paste(image, (0, 0), image)
    return canvas


_PROFILE_SPACE = {"L": "GRAY", "RGB": "RGB", "CMYK": "CMYK"}


def to_srgb(image: Image.Image, icc_profile: bytes | None, *, in_place: bool = False) -> Image.Image:
    """Return L, RGB or CMYK colours converted from their embedded ICC profile to sRGB, as RGB.

    CMYK without a profile falls back to Pillow's ink-model conversion; an unreadable profile, or one
    for another colour space, is ignored and the pixels are taken as sRGB, as browsers do. in_place
    lets an RGB image the caller owns be converted without a second full-size copy.
    """
    if icc_profile:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if profile.profile.xcolor_space.strip() == _PROFILE_SPACE.get(image.mode):
                in_place = in_place and image.mode == "RGB"
                # Relative colorimetric with black-point compensation is Photoshop's default, and
                # keeps CMYK blacks from crushing; for matrix profiles it equals perceptual.
                converted = ImageCms.profileToProfile(
                    image,
                    profile,
                    _SRGB,
                    renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                    outputMode="RGB",
                    inPlace=in_place,
                    flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
                )
                return image if converted is None else converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return image if image.mode == "RGB" else image.convert("RGB")


def bare(image: Image.Image) -> Image.Image:
    """Return a new image holding only the pixels: no EXIF, ICC, XMP, comments or other info."""
    fresh = image.copy()
    fresh.info = {}
    return fresh


def normalise(image: Image.Image) -> Image.Image:
    """Return upright, 8-bit sRGB pixels flattened on white, in a new image that carries no metadata."""
    icc_profile = image.info.get("icc_profile")
    # Flatten before the colour conversion: transparency is composited on white paper in the
    # artist's own colour space, and the conversion can then reuse the flattened copy in place,
    # which keeps an 800x30000 RGBA strip to two full-size images in memory instead of three.
    working = flatten_on_white(to_working_mode(bake_orientation(image)))
    result = to_srgb(working, icc_profile, in_place=working is not image)
    if result is image:
        return bare(image)
    # Every step above made a new plain Image; emptying its info leaves nothing but pixels, without
    # copying a 70 MB strip once more.
    result.info = {}
    return result


# --- slicing and masters ---------------------------------------------------------------------------

QUIET_TOLERANCE = 12  # max-min per channel across a row that still counts as one flat colour


def is_quiet_seam(image: Image.Image, y: int, tolerance: int = QUIET_TOLERANCE) -> bool:
    """Return whether rows y-1 and y are one near-uniform colour, so a cut between them is invisible."""
    seam = image.crop((0, y - 1, image.width, y + 1))
    return all(high - low <= tolerance for low, high in band_extrema(seam))


def first_quiet_seam(image: Image.Image, rows: Iterable[int], fallback: int) -> int:
    """Return the first of these rows with a quiet seam above it, or fallback when none has one."""
    return next((y for y in rows if is_quiet_seam(image, y)), fallback)


def find_cut(image: Image.Image, top: int, slice_height: int, search_window: int) -> int:
    """Return the row to end a slice starting at top: the nearest quiet seam above the limit, else the limit."""
    limit = top + slice_height
    lowest = max(top + 1, limit - search_window)
    return first_quiet_seam(image, range(limit, lowest - 1, -1), limit)


def find_middle_cut(image: Image.Image, top: int, slice_height: int, search_window: int) -> int:
    """Return the row that splits the rest of the strip in two: the quiet seam nearest its middle, else the middle.

    The search reaches half the window either way, and never so far that a piece would be taller than
    slice_height (the rest is less than twice that whenever this is called).
    """
    half = (image.height - top + 1) // 2
    middle, reach = top + half, max(0, min(search_window // 2, slice_height - half))
    outward = (y for offset in range(reach + 1) for y in (middle - offset, middle + offset) if top < y < image.height)
    return first_quiet_seam(image, outward, middle)


def slice_strip(image: Image.Image, slice_height: int = 1280, search_window: int = 256) -> list[Image.Image]:
    """Cut a tall strip into slices no taller than slice_height, at quiet rows where there are any.

    When a full slice would leave a sliver (less than a fifth of slice_height) at the bottom, what is
    left is cut near its middle instead, so a strip never ends in a few-pixel panel of its own.
    """
    if slice_height < 1:
        raise ValueError("slice_height must be positive")
    if image.height <= slice_height:
        return [image]
    shortest_last = slice_height // 5
    slices: list[Image.Image] = []
    top = 0
    while image.height - top > slice_height:
        remaining = image.height - top
        if remaining - slice_height < shortest_last:
            cut = find_middle_cut(image, top, slice_height, search_window)
        else:
            cut = find_cut(image, top, slice_height, search_window)
        slices.append(image.crop((0, top, image.width, cut)))
        top = cut
    slices.append(image.crop((0, top, image.width, image.height)))
    return slices


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
WEBP_MAX_SIDE = 16383  # libwebp refuses a wider or taller picture
FORMATS = ("avif", "webp", "jpeg")

_MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
_EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}

# Chosen by measurement on comic-like art (bench/bench_renditions.py --sweep; docs/imaging.md).
# The rule: the lowest quality whose SSIM at 800 px is at least a WEBTOON-style 800 px JPEG q90's, so
# no reader gets a worse picture than they are used to, at the encoder speed that keeps uploads quick.
# At that SSIM WebP method 5 is 1.5% smaller than method 4 for the same CPU (method 6: 2% smaller
# again, at twice the CPU); WebP's quality may be fractional, but its quantiser moves in coarse steps.
JPEG_SETTINGS: dict[str, object] = {"quality": 90, "progressive": True, "optimize": True, "subsampling": "4:2:0"}
WEBP_SETTINGS: dict[str, object] = {"quality": 89, "method": 5}
AVIF_SETTINGS: dict[str, object] = {"quality": 71, "speed": 8}


@dataclass(frozen=True)
class RenditionSpec:
    """One named rendition: a width from the allowed list and a format."""

    width: int
    format: str

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown rendition format {self.format!r}")
        if self.width < 1:
            raise ValueError(f"rendition width must be positive, not {self.width}")


@dataclass
class EncodedRendition:
    """The bytes of one rendition and what the <picture> element needs to know about them."""

    width: int
    height: int
    format: str
    data: bytes

    @property
    def media_type(self) -> str:
        """Return the MIME type, e.g. image/avif."""
        return _MEDIA_TYPES[self.format]

    @property
    def extension(self) -> str:
        """Return the file extension, e.g. jpg."""
        return _EXTENSIONS[self.format]


def rendition_specs(
    master_width: int, widths: Sequence[int] = DEFAULT_WIDTHS, formats: Sequence[str] = FORMATS
) -> list[RenditionSpec]:
    """Return the specs to render: each named width up to the master's, in each format."""
    chosen = sorted({width for width in widths if width <= master_width})
    if not chosen:
        # A master narrower than every named width is served at its own width, never upscaled.
        chosen = [master_width]
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


def encode_rendition(image: Image.Image, format: str, *, threads: int | None = None) -> bytes:
    """Return the image encoded as a rendition, with every metadata field explicitly empty.

    threads caps the encoder's own threads (only AVIF's has any); None keeps libavif's default of one
    per core.
    """
    buffer = io.BytesIO()
    # Always a copy of our own: Image.save keeps its options on the image (encoderinfo), so two
    # threads saving one image at once would each encode with the other's settings.
    pixels = image.copy() if image.mode == "RGB" else image.convert("RGB")
    pixels.info = {}  # nothing but pixels, whatever the source carried
    if format == "jpeg":
        pixels.save(buffer, "JPEG", exif=b"", comment=b"", **JPEG_SETTINGS)
    elif format == "webp":
        pixels.save(buffer, "WEBP", exif=b"", xmp=b"", icc_profile=None, **WEBP_SETTINGS)
    elif format == "avif":
        own_threads = {} if threads is None else {"max_threads": threads}
        pixels.save(buffer, "AVIF", exif=b"", xmp=b"", icc_profile=None, **AVIF_SETTINGS, **own_threads)
    else:
        raise ValueError(f"unknown rendition format {format!r}")
    return buffer.getvalue()


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


# --- several files ---------------------------------------------------------------------------------

_DIGITS = re.compile(r"([0-9]+)")


def natural_key(name: str) -> tuple[object, ...]:
    """Return a sort key under which "2.png" comes before "10.png".

    Names are NFKC-normalised first: macOS sends Korean names decomposed (NFD) and some keyboards type
    full-width digits, and both should sort as the artist sees them.
    """
    parts = _DIGITS.split(unicodedata.normalize("NFKC", name).casefold())
    # split() alternates text and digits, text first, so each position always holds the same type.
    # The name itself breaks ties ("01" and "1") so the order never depends on the input order.
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), name


def prepare_panels(
    source: bytes | BinaryIO | os.PathLike[str] | str,
    filename: str,
    limits: ImageLimits = ImageLimits(),
    slice_height: int = 1280,
    master_width: int = 1600,
) -> tuple[list[Image.Image], list[str]]:
    """Open, normalise, narrow and slice one upload; return the slices, ready to be masters, and notes."""
    opened = open_image(source, filename, limits, draft_width=master_width)
    notes = opened.notes
    image = normalise(opened.image)
    del opened  # let the decoded upload go before the next full-size copy is made
    image = make_master(image, master_width)
    return slice_strip(image, slice_height), notes
