"""An episode as an MP4 for TVs and media players: the strip scrolled, resting on each panel, made by ffmpeg.

H.264 Main profile at level 4.0 (what a TV's USB player of the last fifteen years plays), yuv420p,
1280×720, +faststart, no audio. The panels are as wide as their masters, up to three quarters of the
frame's width (LARGEST_COLUMN): an 800 px master is shown at its own size, sharp and 1.25× as wide as
the old 640 px column; a 1600 px master at 960 px, with letters a sofa reads. Frames are drawn here and
piped to ffmpeg raw, so the only input is pixels, and nothing about the machine goes out: no metadata
copied (-map_metadata -1), no muxer or encoder names (bitexact flags), and x264's SEI, which spells out
its version and options, removed from the stream. A fixed thread count keeps x264's output the same on any machine.

No B-frames (-bf 0): every frame is shown in the order it is decoded, so the MP4 needs no
composition-time box and no edit list shifting its start, and a TV's hardware player, which may trust
neither, shows each frame at its time from 0. Costs 6–11 % more bytes on the demo (docs/editions.md).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from PIL import Image

from comics.editions.jpeg import fit_width
from comics.editions.scroll_plan import FRAME_SIZE, ScrollPlan, plan_scroll

# The widest a panel is shown: three quarters of the frame, so a scroll still shows where it goes.
LARGEST_COLUMN = 960
X264_THREADS = 2


class VideoUnavailable(RuntimeError):
    """ffmpeg, or its H.264 encoder, is not on this machine."""


def find_ffmpeg() -> str:
    """Return the path of ffmpeg, or raise VideoUnavailable saying what to install."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise VideoUnavailable("ffmpeg is not installed (Debian: apt-get install ffmpeg), so no videos were made")
    return path


def encode_command(ffmpeg: str, out: Path, fps: int, column_width: int, size: tuple[int, int] = FRAME_SIZE) -> list[str]:
    """Return the ffmpeg command that encodes raw RGB column frames from stdin into a bare H.264 stream.

    A bare stream carries no container, so no encoder name; x264's SEI (its version and options) is
    removed too. The column is padded to the frame with black by ffmpeg: half the bytes through the pipe.
    """
    left = (size[0] - column_width) // 2
    return [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{column_width}x{size[1]}", "-r", str(fps), "-i", "pipe:0",
        "-vf", f"pad={size[0]}:{size[1]}:{left}:0:black", "-an", "-sn", "-dn", "-map_metadata", "-1",
        "-c:v", "libx264", "-profile:v", "main", "-level:v", "4.0", "-pix_fmt", "yuv420p",
        "-preset", "fast", "-tune", "animation", "-crf", "24", "-bf", "0", "-threads", str(X264_THREADS),
        "-bsf:v", "filter_units=remove_types=6", "-flags:v", "+bitexact", "-fflags", "+bitexact",
        "-f", "h264", str(out),
    ]  # fmt: skip


def mux_command(ffmpeg: str, stream: Path, out: Path, fps: int) -> list[str]:
    """Return the ffmpeg command that puts a bare H.264 stream into an MP4, copying it, with no metadata."""
    return [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "h264", "-r", str(fps), "-i", str(stream),
        "-map", "0:v", "-c", "copy", "-map_metadata", "-1", "-map_chapters", "-1",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-movflags", "+faststart",
        "-f", "mp4", str(out),
    ]  # fmt: skip


def video_column(panels: Iterable[Image.Image], width: int = LARGEST_COLUMN) -> list[Image.Image]:
    """Return the panels as the video shows them, as RGB: at their own width up to the largest column, never upscaled."""
    return [fit_width(panel, width).convert("RGB") for panel in panels]


def episode_plan(column: Sequence[Image.Image], transcripts: Sequence[str]) -> ScrollPlan:
    """Return the scroll plan of panels already at the video's scale."""
    return plan_scroll([panel.height for panel in column], transcripts)


def stacked(column: Sequence[Image.Image]) -> Image.Image:
    """Return the panels as one strip as wide as the widest, each centred on black, with a frame's height of black below."""
    width = max(panel.width for panel in column)
    height = sum(panel.height for panel in column) + FRAME_SIZE[1]
    strip = Image.new("RGB", (width, height))
    top = 0
    for panel in column:
        strip.paste(panel, ((width - panel.width) // 2, top))
        top += panel.height
    return strip


def _run(command: list[str], out: Path, frames: Iterable[bytes] = ()) -> None:
    """Run one ffmpeg command, feeding it frames; raise VideoUnavailable or RuntimeError if it fails."""
    with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdin is not None and process.stderr is not None
        try:
            for frame in frames:
                process.stdin.write(frame)
            process.stdin.close()
        except BrokenPipeError:
            pass
        errors = process.stderr.read().decode(errors="replace").strip()
        code = process.wait()
    if code != 0:
        if "libx264" in errors or "Unknown encoder" in errors:
            raise VideoUnavailable(f"this ffmpeg cannot encode H.264 (libx264): {errors}")
        raise RuntimeError(f"ffmpeg failed making {out.name}: {errors}")


def column_frames(strip: Image.Image, plan: ScrollPlan, height: int = FRAME_SIZE[1]) -> Iterator[bytes]:
    """Yield the raw RGB pixels of each frame's column, cropping again only when the scroll moves."""
    previous, pixels = -1, b""
    for offset in plan.offsets:
        if offset != previous:
            pixels, previous = strip.crop((0, offset, strip.width, offset + height)).tobytes(), offset
        yield pixels


def render_video(column: Sequence[Image.Image], plan: ScrollPlan, out: Path) -> None:
    """Encode the scroll through the column into out (written whole or not at all)."""
    ffmpeg = find_ffmpeg()
    strip = stacked(column)
    stream, partial = out.with_name(out.name + ".h264"), out.with_name(out.name + ".part")
    try:
        _run(encode_command(ffmpeg, stream, plan.fps, strip.width), out, column_frames(strip, plan))
        _run(mux_command(ffmpeg, stream, partial, plan.fps), out)
        partial.replace(out)
    finally:
        stream.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
