"""The timing of an episode's video: a scroll down the strip that stops on each panel, and its subtitles.

Pure arithmetic on panel heights and transcripts, in whole frames, so the video and its .srt agree to
the frame and come out the same every time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

FPS = 24
FRAME_SIZE = (1280, 720)
SCROLL_PIXELS_PER_SECOND = 480
# A panel taller than the frame is read as it passes: after resting on its top, the scroll moves down it
# at half the speed between panels, and rests a moment on its bottom, so no part is seen only in passing.
PAN_PIXELS_PER_SECOND = 240
LAST_LOOK_SECONDS = 1.0
HOLD_SECONDS = 2.0
# Reading time added per character of a panel's transcript, up to a longest hold.
SECONDS_PER_CHARACTER = 0.05
LONGEST_HOLD_SECONDS = 6.0


@dataclass(frozen=True)
class Stop:
    """Where the scroll stays on one panel: the offset of the frame's top when it arrives, and the frames it
    stays (resting, and for a panel taller than the frame, moving down it and resting on its bottom)."""

    panel: int
    offset: int
    first_frame: int
    frames: int


@dataclass(frozen=True)
class ScrollPlan:
    """Every frame's scroll offset into the strip, and the stops among them."""

    offsets: tuple[int, ...]
    stops: tuple[Stop, ...]
    fps: int = FPS

    @property
    def frames(self) -> int:
        return len(self.offsets)

    @property
    def seconds(self) -> float:
        return len(self.offsets) / self.fps


def hold_frames(transcript: str, fps: int = FPS) -> int:
    """Return how long to rest on a panel: longer for more words, within bounds."""
    seconds = min(LONGEST_HOLD_SECONDS, HOLD_SECONDS + SECONDS_PER_CHARACTER * len(transcript.strip()))
    return round(seconds * fps)


def stop_offset(top: int, height: int, strip_height: int, frame_height: int) -> int:
    """Return the scroll offset that shows a panel best: centred if it fits, its top otherwise."""
    offset = top + (height - frame_height) // 2 if height <= frame_height else top
    return max(0, min(offset, max(0, strip_height - frame_height)))


def eased(start: int, end: int, frames: int) -> Iterator[int]:
    """Yield the offsets of a move from start to end over frames, easing in and out (smoothstep)."""
    for frame in range(1, frames + 1):
        t = frame / frames
        yield start + round((end - start) * t * t * (3 - 2 * t))


def plan_scroll(
    heights: Sequence[int], transcripts: Sequence[str], frame_height: int = FRAME_SIZE[1], fps: int = FPS
) -> ScrollPlan:
    """Plan the scroll through panels of these heights (at the video's scale), resting on each."""
    if not heights or len(heights) != len(transcripts):
        raise ValueError("a scroll needs one transcript (maybe empty) per panel, and at least one panel")
    strip_height = sum(heights)
    offsets: list[int] = []
    stops: list[Stop] = []
    top = 0
    speed = SCROLL_PIXELS_PER_SECOND / fps
    for index, (height, transcript) in enumerate(zip(heights, transcripts, strict=True)):
        target = stop_offset(top, height, strip_height, frame_height)
        if offsets:
            distance = abs(target - offsets[-1])
            offsets.extend(eased(offsets[-1], target, math.ceil(distance / speed)) if distance else ())
        first_frame = len(offsets)
        offsets.extend([target] * hold_frames(transcript, fps))
        bottom = stop_offset(top + height - frame_height, frame_height, strip_height, frame_height)
        if bottom > target:
            offsets.extend(eased(target, bottom, math.ceil((bottom - target) * fps / PAN_PIXELS_PER_SECOND)))
            offsets.extend([bottom] * round(LAST_LOOK_SECONDS * fps))
        stops.append(Stop(index, target, first_frame, len(offsets) - first_frame))
        top += height
    return ScrollPlan(tuple(offsets), tuple(stops), fps)


def timestamp(frame: int, fps: int = FPS) -> str:
    """Return an SRT time for a frame: HH:MM:SS,mmm."""
    milliseconds = frame * 1000 // fps
    seconds, milliseconds = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{milliseconds:03d}"


def srt_text(plan: ScrollPlan, transcripts: Sequence[str]) -> bytes:
    """Return the .srt of a video: each panel's transcript while the scroll rests on it."""
    cues: list[str] = []
    for stop in plan.stops:
        # A blank line would end the cue early: an SRT cue's text has none.
        words = "\n".join(line.strip() for line in transcripts[stop.panel].splitlines() if line.strip())
        if not words:
            continue
        start, end = timestamp(stop.first_frame, plan.fps), timestamp(stop.first_frame + stop.frames, plan.fps)
        cues.append(f"{len(cues) + 1}\r\n{start} --> {end}\r\n{words}\r\n")
    return "\r\n".join(cues).replace("\r\n", "\n").replace("\n", "\r\n").encode()
