"""Opening an upload safely: limits checked before decoding, a format allow-list, the first frame.

Pure Pillow, like every step of the pipeline (normalising, slicing, encoding, pipeline): no Flask,
no database, so the studio, the CLI, workers and tests chain the steps the same way. See
docs/imaging.md for the measured settings. The artist's messages are marked for translation and stay
English Wordings here (comics.images.untranslated): the studio shows them in the page's language.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from PIL import Image, ImageFile

from comics.images.untranslated import _


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


def allowed_hint() -> str:
    """Return the formats an artist may send, as the end of a refusal."""
    return _("upload PNG, JPEG, WebP, GIF or AVIF")


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
        ((b"II*\0", b"MM\0*"), _("a TIFF image")),
        ((b"8BPS",), _("a Photoshop document (PSD)")),
        ((b"%PDF",), _("a PDF document")),
        ((b"%!PS", b"\xc5\xd0\xd3\xc6"), _("an EPS (PostScript) file")),
        ((b"BM",), _("a BMP bitmap")),
        ((b"\0\0\1\0", b"\0\0\2\0"), _("an icon (ICO) file")),
        ((b"\xff\x0a", b"\0\0\0\x0cJXL "), _("a JPEG XL image")),
        ((b"\0\0\0\x0cjP  ", b"\xff\x4f\xff\x51"), _("a JPEG 2000 image")),
        ((b"PK\x03\x04",), _("a ZIP archive")),
    )
    for prefixes, name in signatures:
        if head.startswith(prefixes):
            return _("this looks like %(kind)s; %(hint)s", kind=name, hint=allowed_hint())
    if _ftyp_brands(head) & _HEIF_BRANDS:
        return _("this looks like a HEIC/HEIF photo; export it as JPEG, or %(hint)s", hint=allowed_hint())
    if text.startswith(b"<") and b"<svg" in text:
        return _("this looks like an SVG drawing; %(hint)s", hint=allowed_hint())
    return _("this is not an image we can read; %(hint)s", hint=allowed_hint())


def _megabytes(size: int) -> str:
    # A message of its own, so each language writes its unit its way: 12.3 MB, and in Korean 12.3MB.
    return _("%(size)s MB", size=f"{size / 1_000_000:.1f}")


def read_upload(source: bytes | IO[bytes] | os.PathLike[str] | str, filename: str, limits: ImageLimits) -> bytes:
    """Return the upload's bytes, refusing an empty or oversized file without reading past the limit."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise RejectedImage(
                filename, _("the file is %(size)s; the limit is %(limit)s", size=_megabytes(size), limit=_megabytes(limits.max_bytes))
            )
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    else:
        data = source.read(limits.max_bytes + 1)
    if not data:
        raise RejectedImage(filename, _("the file is empty"))
    if len(data) > limits.max_bytes:
        raise RejectedImage(filename, _("the file is over the %(limit)s limit", limit=_megabytes(limits.max_bytes)))
    return data


def check_header(image: Image.Image, filename: str, limits: ImageLimits) -> int:
    """Refuse an image whose declared size or frame count is over the limits; return the frame count."""
    width, height = image.size
    if width < 1 or height < 1:
        raise RejectedImage(filename, _("the image has no pixels"))
    if width > limits.max_width:
        raise RejectedImage(filename, _("it is %(width)s pixels wide; the limit is %(limit)s", width=width, limit=limits.max_width))
    if height > limits.max_height:
        raise RejectedImage(
            filename,
            _("it is %(height)s pixels tall; the limit is %(limit)s, so split it into several files", height=height, limit=limits.max_height),
        )
    if width * height > limits.max_pixels:
        raise RejectedImage(
            filename,
            _(
                "it has %(width)s × %(height)s = %(pixels)s million pixels; the limit is %(limit)s million",
                width=width,
                height=height,
                pixels=f"{width * height / 1e6:.0f}",
                limit=f"{limits.max_pixels / 1e6:.0f}",
            ),
        )
    frames = int(getattr(image, "n_frames", 1))
    if frames > limits.max_frames:
        raise RejectedImage(filename, _("it has %(frames)s frames; the limit is %(limit)s", frames=frames, limit=limits.max_frames))
    return frames


# Which single picture an upload is, for its refusal: each kind has a whole sentence of its own, as
# languages do not name the picture the same way within the sentence.
SinglePicture = Literal["a cover", "a profile picture", "a cover or profile picture"]


def check_proportions(image: Image.Image, filename: str, what: SinglePicture, max_ratio: float) -> None:
    """Refuse an image more than max_ratio times as tall as it is wide, or as wide as it is tall.

    For single pictures (covers, profile pictures), which are never sliced: a strip would make a page
    of one picture and renditions taller than WebP allows (WEBP_MAX_SIDE). The rule is symmetric, so it
    holds before and after EXIF rotation.
    """
    width, height = image.size
    if max(width, height) > max_ratio * min(width, height):
        raise RejectedImage(filename, proportions_refusal(what, f"{max_ratio:g}", width, height))


def proportions_refusal(what: SinglePicture, ratio: str, width: int, height: int) -> str:
    """Return why a single picture of this shape is refused, as one sentence per kind of picture."""
    message: str
    if what == "a cover":
        message = _(
            "a cover can be at most %(ratio)s times as tall as it is wide, or as wide as it is tall;"
            " this one is %(width)s × %(height)s pixels. Crop it, or add a strip to an episode as its panels",
            ratio=ratio,
            width=width,
            height=height,
        )
    elif what == "a profile picture":
        message = _(
            "a profile picture can be at most %(ratio)s times as tall as it is wide, or as wide as it is tall;"
            " this one is %(width)s × %(height)s pixels. Crop it, or add a strip to an episode as its panels",
            ratio=ratio,
            width=width,
            height=height,
        )
    else:
        message = _(
            "a cover or profile picture can be at most %(ratio)s times as tall as it is wide, or as wide as it is tall;"
            " this one is %(width)s × %(height)s pixels. Crop it, or add a strip to an episode as its panels",
            ratio=ratio,
            width=width,
            height=height,
        )
    return message


def exif_orientation(image: Image.Image) -> int:
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
    rotated = exif_orientation(image) in (5, 6, 7, 8)
    image.draft(None, (1, target_width) if rotated else (target_width, 1))


def open_image(
    source: bytes | IO[bytes] | os.PathLike[str] | str,
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
                notes.append(first_frame_note(format))
                image.seek(0)
            if draft_width:
                draft_jpeg(image, draft_width)
            image.load()
        except RejectedImage:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            limit = f"{limits.max_pixels / 1e6:.0f}"
            raise RejectedImage(
                filename, _("it declares more pixels than can be opened safely; the limit is %(limit)s million", limit=limit)
            ) from exc
        except Exception as exc:  # whatever a decoder trips on, the bytes are at fault
            raise RejectedImage(
                filename, _("the file is damaged or incomplete, so it cannot be read; export it again")
            ) from exc
    return OpenedImage(image=image, format=format, notes=notes)


def first_frame_note(format: str) -> str:
    """Tell the artist that only the first frame of an animated or multi-picture file is used."""
    notes = {
        # A JPEG with several pictures is an MPO from a phone or 3D camera (a depth map, a second eye).
        "JPEG": _("multi-picture JPEG: only the first picture is used"),
        "PNG": _("animated PNG: only the first frame is used"),
        "GIF": _("animated GIF: only the first frame is used"),
        "WEBP": _("animated WebP: only the first frame is used"),
        "AVIF": _("animated AVIF: only the first frame is used"),
    }
    return notes[format]

