"""The contenders the rendition pipeline is timed against: ours, naive Pillow, pyvips."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import partial

from measures import Timing, decode, say

# Load Pillow's codec modules before libvips: libvips pulls in the system libwebp and libaom with
# global symbols, and a codec module loaded after it could bind to those instead of Pillow's own.
from PIL import Image, _avif, _webp  # noqa: F401

from comics.images import encoding, pipeline

try:
    import pyvips
except (ImportError, OSError):  # the module, or libvips itself, is missing
    pyvips = None

# --- the contenders --------------------------------------------------------------------------------

PILLOW_FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
Encoder = Callable[[Image.Image, str], bytes]


def ours_from_master(master_bytes: bytes, threads: int | None = None) -> list[encoding.EncodedRendition]:
    """Decode the master once and render every default spec from it."""
    master = decode(master_bytes)
    return encoding.render_renditions(master, encoding.rendition_specs(master.width), threads=threads)


def naive(source: bytes, widths: Sequence[int], encoder: Encoder) -> list[bytes]:
    """For every width and format: decode the full source, Lanczos-resize it, encode; one at a time."""
    outputs = []
    for width in widths:
        for format in encoding.FORMATS:
            image = decode(source).convert("RGB")
            size = (width, encoding.scaled_height(image.width, image.height, width))
            outputs.append(encoder(image.resize(size, Image.Resampling.LANCZOS), format))
    return outputs


# The naive pipeline with our quality settings, run as plain Pillow runs them: libavif takes a thread
# per core on its own, WebP and JPEG encode on the one calling thread. It gets no thread pool.
same_settings: Encoder = encoding.encode_rendition
# The same on strictly one thread (libavif told max_threads=1), for the single-threaded ratio.
same_settings_one_thread: Encoder = partial(encoding.encode_rendition, threads=1)


def pillow_defaults(image: Image.Image, format: str) -> bytes:
    """Encode as most code does: Pillow's default quality and speed for each format."""
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMATS[format])
    return buffer.getvalue()


def vips_renditions(source: bytes, widths: Sequence[int]) -> list[bytes]:
    """Shrink-on-load thumbnail per width, then each format at settings matching ours."""
    outputs = []
    for width in widths:
        # Render the thumbnail into memory once; PNG is read sequentially and cannot be replayed.
        thumb = pyvips.Image.thumbnail_buffer(source, width, height=100_000, size="down").copy_memory()
        # libvips effort = 9 - aom speed; its AVIF Q scale is libheif's, not libavif's (see docs).
        avif_effort = 9 - int(encoding.AVIF_SETTINGS["speed"])
        outputs.append(
            thumb.heifsave_buffer(Q=encoding.AVIF_SETTINGS["quality"], effort=avif_effort, compression="av1", strip=True)
        )
        outputs.append(
            thumb.webpsave_buffer(
                Q=round(float(encoding.WEBP_SETTINGS["quality"])),
                effort=encoding.WEBP_SETTINGS["method"],
                strip=True,
            )
        )
        outputs.append(
            thumb.jpegsave_buffer(Q=encoding.JPEG_SETTINGS["quality"], interlace=True, optimize_coding=True, strip=True)
        )
    return outputs


def ours_from_upload(upload: bytes, threads: int | None = None) -> list[encoding.EncodedRendition]:
    """Run an upload through prepare_panels and render every slice."""
    slices, _ = pipeline.prepare_panels(upload, "scan.jpg")
    renditions = []
    for piece in slices:
        renditions.extend(encoding.render_renditions(piece, encoding.rendition_specs(piece.width), threads=threads))
    return renditions


OURS = "ours: one decode, a resize per width, encodes on a thread per core"
OURS_ONE_THREAD = "ours on one thread (libavif too)"
NAIVE = "naive, same encoder settings (libavif on every core, as Pillow runs it)"
NAIVE_ONE_THREAD = "naive, same encoder settings, one thread (libavif too)"
NAIVE_DEFAULTS = "naive, Pillow's default encoder settings"
VIPS = "pyvips thumbnail, matching settings"

def contenders_for(
    source: bytes, widths: Sequence[int], ours: Callable[..., object], vips_label: str
) -> dict[str, Callable[[], object]]:
    """Return the pipelines timed against each other on one input: ours two ways, naive three, pyvips."""
    contenders: dict[str, Callable[[], object]] = {
        OURS: partial(ours, source),
        OURS_ONE_THREAD: partial(ours, source, threads=1),
        NAIVE: partial(naive, source, widths, same_settings),
        NAIVE_ONE_THREAD: partial(naive, source, widths, same_settings_one_thread),
        NAIVE_DEFAULTS: partial(naive, source, widths, pillow_defaults),
    }
    if pyvips is not None:
        contenders[vips_label] = partial(vips_renditions, source, widths)
    return contenders


def speed_table(timings: dict[str, Timing]) -> None:
    """Print timings with each contender's time relative to ours (wall and CPU)."""
    ours = timings[OURS]
    say("| pipeline | wall ms | best wall ms | CPU ms | wall / ours | CPU / ours |")
    say("|---|---:|---:|---:|---:|---:|")
    for name, timing in timings.items():
        say(
            f"| {name} | {timing.wall * 1000:.0f} | {timing.best * 1000:.0f} | {timing.cpu * 1000:.0f}"
            f" | {timing.wall / ours.wall:.2f}x | {timing.cpu / ours.cpu:.2f}x |"
        )
    say()
